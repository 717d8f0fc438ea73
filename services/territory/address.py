"""Offline matching of a hotline call's address text against the township register.

"西湖区三墩镇绕城村…", "杭州市西湖区文新街道xx社区xx号", "三墩镇某村", "浙江省杭州市西湖区留下":
:class:`AddressMatcher` finds the deepest unit the text names (province, city, county,
township, community) inside a scope (a console's region code), with the official names, a
confidence in [0, 1], a short reason, and candidates when the text is ambiguous or names a place
outside the scope (reported as such, never matched silently).

How: an index built once per register maps every name variant to its units: the official name,
usual names (绕城村 for 绕城村委会, 文新社区 for 文新社区居委会), the name with another
township suffix (三墩街道 for 三墩镇), the bare name without its suffix (三墩, 绕城), and, for
typos, the usual names with one character masked (三?镇 finds 三敦镇). The text is scanned once
for every variant; a small dynamic programme then picks the best chain of hits in reading order
where each hit lies inside the previous one (杭州市 > 西湖区 > 三墩镇 > 绕城村). Bare names and
typos of counties, townships and communities count only right after their parent, or at the
start of the text (after a non-Chinese character too; for a community only a bare name of three
characters or more), so a road called 留下路 in the middle of a sentence does not become 留下街道.
In-scope readings win unless an outside one scores clearly higher; a bare name alone never makes
a text "outside".

Pure Python, no Qt, no database.
"""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from .register import CommunityKind, Level, Register, TownshipKind, region_prefix

__all__ = ["AddressMatch", "AddressMatcher", "MatchKind", "MatchStatus", "Place"]

MAX_TEXT = 200
"""Only the first this many characters of a text are read (addresses come first)."""

_ANCHOR_GAP = 2
"""A bare name or a typo counts when at most this many characters follow its parent's name."""

_OUTSIDE_MARGIN = 0.75
"""An in-scope reading is kept unless an outside one scores more than 1/0.75 times higher."""


class MatchStatus(StrEnum):
    """What the text resolved to."""

    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    OUTSIDE = "outside"
    NONE = "none"


class MatchKind(StrEnum):
    """How one unit was named in the text."""

    FULL = "full name"
    USUAL = "usual name"
    OTHER_SUFFIX = "other suffix"
    BARE = "without suffix"
    TYPO = "one character differs"
    IMPLIED = "implied"


_WEIGHT = {
    MatchKind.FULL: 1.0,
    MatchKind.USUAL: 0.95,
    MatchKind.OTHER_SUFFIX: 0.8,
    MatchKind.BARE: 0.7,
    MatchKind.TYPO: 0.6,
}
_NEEDS_ANCHOR = (MatchKind.BARE, MatchKind.TYPO)
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_LEVEL_WORD = {
    Level.PROVINCE: "province",
    Level.CITY: "city",
    Level.COUNTY: "county",
    Level.TOWNSHIP: "township",
    Level.COMMUNITY: "community",
}

_ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_TAIL = re.compile("(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族?$")
_AREA_SUFFIXES = {
    Level.PROVINCE: ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"),
    Level.CITY: ("自治州", "地区", "盟", "市"),
    Level.COUNTY: ("自治县", "自治旗", "特区", "林区", "新区", "区", "县", "市", "旗"),
}
_TOWNSHIP_SUFFIXES = ("街道办事处", "民族乡", "街道", "地区", "苏木", "镇", "乡")
_TOWNSHIP_USUAL = {TownshipKind.SUBDISTRICT: ("街道办事处", "街道办")}
_TOWNSHIP_OTHER = ("街道", "镇", "乡")
_COMMUNITY_SUFFIXES = (
    "社区居民委员会",
    "社区居委会",
    "村民委员会",
    "居民委员会",
    "社区居委",
    "居委会",
    "村委会",
    "委员会",
    "社区",
    "村",
)
_RESIDENT_SUFFIXES = ("社区", "社区居委会", "居委会", "社区居民委员会", "居民委员会")
_VILLAGE_SUFFIXES = ("村", "村委会", "村民委员会")
_UNKNOWN_TAIL = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{1,8}?(?:社区|村委会|居委会|村))")


def _strip(name: str, suffixes: Iterable[str]) -> tuple[str, str]:
    """(bare name, suffix) for the first suffix that leaves at least one character."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _bare_area(name: str, level: Level) -> str:
    """浙江省 -> 浙江, 临夏回族自治州 -> 临夏, 积石山保安族东乡族撒拉族自治县 -> 积石山."""
    bare, suffix = _strip(name, _AREA_SUFFIXES[level])
    if suffix.startswith("自治") or suffix.endswith("自治区"):
        while True:
            shorter = _ETHNIC_TAIL.sub("", bare)
            if shorter == bare or len(shorter) < 2:
                break
            bare = shorter
    return bare


@dataclass(frozen=True, slots=True)
class Place:
    """One unit of a match: its level, code and official name, and how the text named it."""

    level: Level
    code: str
    name: str
    text: str = ""
    """The characters of the text that named it ("" when implied by a deeper unit)."""
    kind: MatchKind = MatchKind.IMPLIED


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """The outcome of matching one text: the path down to the deepest resolved unit."""

    text: str
    scope: str
    status: MatchStatus
    level: Level
    path: tuple[Place, ...]
    """Province first, down to ``level``; units the text did not name are ``IMPLIED``."""
    confidence: float
    reason: str
    candidates: tuple[Place, ...] = ()
    """The units the text may mean (AMBIGUOUS) or names outside the scope (OUTSIDE)."""

    @property
    def code(self) -> str | None:
        """The deepest resolved code (None if nothing was resolved)."""
        return self.path[-1].code if self.path else None

    def code_at(self, level: Level) -> str | None:
        """The code at ``level`` on the path, if resolved that deep."""
        return next((p.code for p in self.path if p.level == level), None)

    def name_at(self, level: Level) -> str | None:
        """The official name at ``level`` on the path, if resolved that deep."""
        return next((p.name for p in self.path if p.level == level), None)

    @property
    def township_code(self) -> str | None:
        """The 9-digit township code, if resolved that deep."""
        return self.code_at(Level.TOWNSHIP)

    @property
    def community_code(self) -> str | None:
        """The 12-digit community code, if resolved that deep."""
        return self.code_at(Level.COMMUNITY)


class _Entry(NamedTuple):
    level: Level
    code: str
    name: str
    kind: MatchKind


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    entry: _Entry
    weight: float
    at_boundary: bool = False
    score: float = 0.0
    back: _Hit | None = None


_Anchored = dict[str, dict[str, list["_Entry"]]]
"""variant -> anchor code -> entries; anchor "" stands for the start of the text."""


class _Index:
    """Every name variant of a register's units.

    ``exact`` holds the variants that may stand anywhere (full and usual names, other suffixes,
    bare province and city names). Bare names and one-character typos of counties, townships
    and communities sit in ``bare`` and ``masked`` under the codes that may anchor them: a
    county under its city and province (and "", the start of a text), a township under its
    county and city (and ""), a community under its township only.
    """

    def __init__(self, register: Register) -> None:
        self.exact: dict[str, list[_Entry]] = {}
        self.bare: _Anchored = {}
        self.masked: _Anchored = {}
        for area in register.provinces() + register.cities() + register.counties():
            if area.name in _PLACEHOLDER_NAMES:
                continue
            lvl, code = area.level, area.code
            self.exact.setdefault(area.name, []).append(
                _Entry(lvl, code, area.name, MatchKind.FULL)
            )
            bare = _bare_area(area.name, lvl)
            if bare != area.name and len(bare) >= 2:
                entry = _Entry(lvl, code, area.name, MatchKind.BARE)
                if lvl < Level.COUNTY:
                    self.exact.setdefault(bare, []).append(entry)
                else:
                    _put(self.bare, bare, (code[:4], code[:2], ""), entry)
        for town in register.townships():
            if town.is_county_direct or town.kind is TownshipKind.PLACEHOLDER:
                continue
            bare, usual, other = self._township_forms(town.name, town.kind)
            anchors = (town.code[:6], town.code[:4], "")
            self._add_unit(Level.TOWNSHIP, town.code, town.name, bare, usual, other, anchors)
        for com in register.communities():
            if com.kind is CommunityKind.PLACEHOLDER:
                continue
            bare, usual, other = self._community_forms(com.name, com.kind)
            self._add_unit(Level.COMMUNITY, com.code, com.name, bare, usual, other, (com.code[:9],))
        prefixes: dict[str, set[int]] = {}
        for key in (*self.exact, *self.bare):
            prefixes.setdefault(key[:2], set()).add(len(key))
        self.by_prefix = {k: tuple(sorted(v, reverse=True)) for k, v in prefixes.items()}
        heads: dict[str, set[int]] = {}
        for key in self.masked:  # "?x", "x?" or "xy": the first two characters, one masked
            heads.setdefault(key[:2], set()).add(len(key))
        self.masked_prefix = {k: tuple(sorted(v, reverse=True)) for k, v in heads.items()}

    @staticmethod
    def _township_forms(name: str, kind: TownshipKind) -> tuple[str, list[str], list[str]]:
        bare, suffix = _strip(name, _TOWNSHIP_SUFFIXES)
        if not suffix:
            return name, [], []
        if suffix == "民族乡":
            bare = _ETHNIC_TAIL.sub("", bare) or bare
        usual = [bare + s for s in _TOWNSHIP_USUAL.get(kind, ())]
        other = [bare + s for s in _TOWNSHIP_OTHER if s != suffix and suffix != "民族乡"]
        return bare, usual, other

    @staticmethod
    def _community_forms(name: str, kind: CommunityKind) -> tuple[str, list[str], list[str]]:
        bare, suffix = _strip(name, _COMMUNITY_SUFFIXES)
        if not suffix:
            return name, [], []
        if suffix in ("村委会", "村民委员会", "村") and not bare.endswith("村"):
            usual = [bare + s for s in _VILLAGE_SUFFIXES]
        elif suffix in ("村委会", "村民委员会"):  # 罗家村村委会: bare 罗家村
            usual = [bare, bare + "村", bare + "村委会", bare + "村民委员会"]
        else:
            usual = [bare + s for s in _RESIDENT_SUFFIXES]
        return bare, usual, []

    def _add_unit(
        self,
        level: Level,
        code: str,
        name: str,
        bare: str,
        usual: list[str],
        other: list[str],
        anchors: tuple[str, ...],
    ) -> None:
        """Adds a township's or community's variants; typos of its name and first usual name.

        A typo keeps all but one character of the bare name: townships with a bare name of two
        characters or more, communities of three or more.
        """
        exact = self.exact
        exact.setdefault(name, []).append(_Entry(level, code, name, MatchKind.FULL))
        forms = {name}
        for kind, variants in ((MatchKind.USUAL, usual), (MatchKind.OTHER_SUFFIX, other)):
            for form in variants:
                if form not in forms:
                    forms.add(form)
                    exact.setdefault(form, []).append(_Entry(level, code, name, kind))
        if bare == name or len(bare) < 2:
            return
        if bare not in forms:
            # A community's bare name stands alone only at a text's start and from 3 characters
            # (古荡湾 for 古荡湾社区); otherwise only right after its township.
            alone = ("",) if level == Level.COMMUNITY and len(bare) >= 3 else ()
            _put(self.bare, bare, anchors + alone, _Entry(level, code, name, MatchKind.BARE))
        if level == Level.COMMUNITY and len(bare) < 3:
            return  # 某村 for 上村, 李家村 for 王家村: unregistered hamlets, not typos
        typo = _Entry(level, code, name, MatchKind.TYPO)
        for form in {name, usual[0]} if usual else {name}:
            if form.startswith(bare) and len(form) >= 3:
                for i in range(len(bare)):
                    _put(self.masked, form[:i] + "?" + form[i + 1 :], anchors, typo)

    def hits(self, text: str) -> list[_Hit]:
        """The variants found in ``text``, left to right.

        A bare name or a typo is looked up only under the codes of the hits that end at most
        ``_ANCHOR_GAP`` characters before it, and under "" at the start of the text or after a
        non-Chinese character.
        """
        out: list[_Hit] = []
        ends: dict[int, list[_Hit]] = {}
        seen: set[tuple[int, int, str]] = set()
        exact, bare, masked, by_prefix = self.exact, self.bare, self.masked, self.by_prefix
        masked_prefix = self.masked_prefix
        n = len(text)
        for i in range(n):
            boundary = i == 0 or not _is_cjk(text[i - 1])
            near = [p.entry.code for g in range(_ANCHOR_GAP + 1) for p in ends.get(i - g, ())]
            if boundary:
                near.append("")
            found: list[_Hit] = []
            for length in by_prefix.get(text[i : i + 2], ()):
                if i + length > n:
                    continue
                key = text[i : i + length]
                for e in _lookup(exact, bare, key, near):
                    if (i, i + length, e.code) not in seen:
                        seen.add((i, i + length, e.code))
                        found.append(_Hit(i, i + length, e, length * _WEIGHT[e.kind], boundary))
            if near:
                head = text[i : i + 2]
                for j, lengths in (
                    (0, masked_prefix.get("?" + head[1:], ())),
                    (1, masked_prefix.get(head[:1] + "?", ())),
                    (2, masked_prefix.get(head, ()) if len(head) == 2 else ()),
                ):
                    for length in lengths:
                        if i + length > n:
                            continue
                        window = text[i : i + length]
                        for k in range(j, length - 1) if j == 2 else (j,):
                            under = masked.get(window[:k] + "?" + window[k + 1 :])
                            if not under:
                                continue
                            for code in near:
                                for e in under.get(code, ()):
                                    if (i, i + length, e.code) not in seen:
                                        seen.add((i, i + length, e.code))
                                        weight = length * _WEIGHT[e.kind]
                                        found.append(_Hit(i, i + length, e, weight, boundary))
            for h in found:
                ends.setdefault(h.end, []).append(h)
            out.extend(sorted(found, key=lambda h: h.end))
        return out


def _put(table: _Anchored, key: str, anchors: tuple[str, ...], entry: _Entry) -> None:
    under = table.setdefault(key, {})
    for code in anchors:
        under.setdefault(code, []).append(entry)


def _lookup(
    exact: dict[str, list[_Entry]], bare: _Anchored, key: str, near: list[str]
) -> list[_Entry]:
    found = exact.get(key, [])
    under = bare.get(key) if near else None
    if under:
        found = found + [e for code in near for e in under.get(code, ())]
    return found


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_INDEXES: weakref.WeakKeyDictionary[Register, _Index] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def _index_for(register: Register) -> _Index:
    """The register's index, built on first use (about 0.5 s for Zhejiang) and kept."""
    with _INDEX_LOCK:
        index = _INDEXES.get(register)
        if index is None:
            collecting = gc.isenabled()
            gc.disable()  # some 200,000 small objects: the collector would double the time
            try:
                index = _INDEXES[register] = _Index(register)
            finally:
                if collecting:
                    gc.enable()
        return index


def _inside(code: str, scope: str) -> bool:
    """``code`` lies in the scope, or is one of the scope's ancestors (names less than it)."""
    return code.startswith(scope) or scope.startswith(code)


def _common_ancestor(codes: list[str]) -> str:
    """The longest code at a level boundary (2/4/6/9 digits) that prefixes all ``codes``."""
    best = ""
    for n in (2, 4, 6, 9):
        head = codes[0][:n]
        if len(head) == n and all(c[:n] == head for c in codes):
            best = head
    return best


class AddressMatcher:
    """Matches address texts against one register, inside a scope."""

    def __init__(self, register: Register, scope: str | None = None) -> None:
        """``scope``: a province, city, county or township code (None: the whole register)."""
        self.register = register
        if scope is None:
            if register.province is None:
                raise ValueError("a national register needs a scope")
            scope = register.province
        self.scope = region_prefix(scope)
        if not register.covers(self.scope) or register.name_of(self.scope) is None:
            raise ValueError(
                f"scope {scope}: not a loaded region of the register ({register.version})"
            )
        self.index = _index_for(register)

    # -- public ----------------------------------------------------------------------------

    def match(self, text: str) -> AddressMatch:
        """The deepest unit ``text`` names inside the scope, or why there is none."""
        clean = unicodedata.normalize("NFKC", text)[:MAX_TEXT]
        clean = "".join(clean.split())
        hits = self._chains(self.index.hits(clean))
        if not hits:
            return self._none(text, "no place name of the register recognised")
        inside = [h for h in hits if h.entry.code.startswith(self.scope)]
        outside = [h for h in hits if not _inside(h.entry.code, self.scope)]
        strong = [h for h in outside if h.back is not None or h.entry.kind not in _NEEDS_ANCHOR]
        if not inside and not strong:
            inside = [h for h in hits if self.scope.startswith(h.entry.code)]  # 杭州市 for 西湖区
        if not inside and not strong:
            weak = sorted({h.entry.name for h in outside})
            return self._none(
                text, f"nothing inside the scope; only bare names elsewhere: {'、'.join(weak[:4])}"
            )
        outside = strong
        best_in = max((h.score for h in inside), default=0.0)
        best_out = max((h.score for h in outside), default=0.0)
        if best_in <= 0 or best_in < _OUTSIDE_MARGIN * best_out:
            return self._outside(text, clean, outside, best_out)
        tops = [h for h in inside if h.score >= best_in - 1e-9]
        result = self._resolve(text, clean, tops)
        if best_out > best_in:
            names = sorted({h.entry.name for h in outside if h.score >= best_out - 1e-9})
            return _with(
                result,
                confidence=round(result.confidence * 0.8, 3),
                reason=result.reason + f"; ignored {'、'.join(names)} outside the scope",
            )
        return result

    def match_many(self, texts: Iterable[str]) -> list[AddressMatch]:
        """``match`` for each text."""
        return [self.match(t) for t in texts]

    # -- chains ----------------------------------------------------------------------------

    @staticmethod
    def _chains(hits: list[_Hit]) -> list[_Hit]:
        """Scores each hit as the end of its best chain; returns the hits that can end one."""
        valid: list[_Hit] = []
        for h in hits:
            e = h.entry
            best = 0.0
            backs: list[_Hit] = []
            for p in valid:
                if (
                    p.end > h.start
                    or p.entry.level >= e.level
                    or not e.code.startswith(p.entry.code)
                ):
                    continue
                if e.kind in _NEEDS_ANCHOR and e.level >= Level.COUNTY:
                    reach = 1 if e.level == Level.COMMUNITY else 2  # parent, or grandparent too
                    if h.start - p.end > _ANCHOR_GAP or p.entry.level < e.level - reach:
                        continue
                if p.score > best + 1e-9:
                    best, backs = p.score, [p]
                elif abs(p.score - best) <= 1e-9:
                    backs.append(p)
            if not backs and e.kind in _NEEDS_ANCHOR and e.level >= Level.COUNTY:
                if not h.at_boundary or (e.level == Level.COMMUNITY and e.kind is MatchKind.TYPO):
                    continue
            h.score = h.weight + best
            h.back = backs[0] if backs else None
            valid.append(h)
        return valid

    def _path(self, end: _Hit, clean: str) -> tuple[Place, ...]:
        named: dict[str, _Hit] = {}
        h: _Hit | None = end
        while h is not None:
            named[h.entry.code] = h
            h = h.back
        places = []
        for level, code, name in self.register.lineage(end.entry.code):
            hit = named.get(code)
            if hit is None:
                places.append(Place(level, code, name))
            else:
                places.append(Place(level, code, name, clean[hit.start : hit.end], hit.entry.kind))
        return tuple(places)

    # -- outcomes --------------------------------------------------------------------------

    def _resolve(self, text: str, clean: str, tops: list[_Hit]) -> AddressMatch:
        ends = {h.entry.code: h for h in tops}
        if len(ends) == 1:
            end = tops[0]
            path = self._path(end, clean)
            return AddressMatch(
                text,
                self.scope,
                MatchStatus.MATCHED,
                end.entry.level,
                path,
                self._confidence(path),
                self._reason(path, clean, end),
            )
        codes = sorted(ends)
        common = _common_ancestor(codes)
        if not _inside(common, self.scope) or len(common) < len(self.scope):
            common = self.scope if all(c.startswith(self.scope) for c in codes) else common
        named: dict[str, _Hit] = {}  # what the text did name above the ambiguity
        for top in tops:
            chain = top.back
            while chain is not None:
                named.setdefault(chain.entry.code, chain)
                chain = chain.back
        path = tuple(
            Place(lv, c, n, clean[named[c].start : named[c].end], named[c].entry.kind)
            if c in named
            else Place(lv, c, n)
            for lv, c, n in (self.register.lineage(common) if common else [])
        )
        cands = tuple(
            Place(h.entry.level, h.entry.code, h.entry.name, clean[h.start : h.end], h.entry.kind)
            for h in ends.values()
        )
        level = path[-1].level if path else Level.NONE
        words = "/".join(sorted({_LEVEL_WORD[c.level] for c in cands}))
        shown = "、".join(self._label(c) for c in cands[:4]) + ("…" if len(cands) > 4 else "")
        return AddressMatch(
            text,
            self.scope,
            MatchStatus.AMBIGUOUS,
            level,
            path,
            round(max(_WEIGHT[c.kind] for c in cands) / len(cands), 3),
            f"ambiguous among {len(cands)} {words} candidates: {shown}",
            cands,
        )

    def _outside(self, text: str, clean: str, outside: list[_Hit], best: float) -> AddressMatch:
        if not outside:
            return self._none(text, "no place name of the register recognised")
        tops = [h for h in outside if h.score >= best - 1e-9]
        cands = tuple(
            {
                h.entry.code: Place(
                    h.entry.level, h.entry.code, h.entry.name, clean[h.start : h.end], h.entry.kind
                )
                for h in tops
            }.values()
        )
        scope_name = self.register.name_of(self.scope) or self.scope
        shown = "、".join(self._label(c) for c in cands[:4]) + ("…" if len(cands) > 4 else "")
        return AddressMatch(
            text,
            self.scope,
            MatchStatus.OUTSIDE,
            Level.NONE,
            (),
            round(max(_WEIGHT[c.kind] for c in cands) / len(cands), 3),
            f"outside the scope {scope_name} ({self.scope}): {shown}",
            cands,
        )

    def _label(self, place: Place) -> str:
        """南阳街道东风村委会 (330109006202): a township or community with its parent's name."""
        head = ""
        if place.level >= Level.TOWNSHIP:
            head = self.register.name_of(place.code[: 6 if len(place.code) == 9 else 9]) or ""
        return f"{head}{place.name} ({place.code})"

    def _none(self, text: str, reason: str) -> AddressMatch:
        return AddressMatch(text, self.scope, MatchStatus.NONE, Level.NONE, (), 0.0, reason)

    @staticmethod
    def _confidence(path: tuple[Place, ...]) -> float:
        """The weakest named unit's weight, +0.05 for each further unit named above it."""
        named = [p for p in path if p.kind is not MatchKind.IMPLIED]
        conf = min(_WEIGHT[p.kind] for p in named) + 0.05 * (len(named) - 1)
        if (
            len(named) == 1
            and named[0].level == Level.COMMUNITY
            and named[0].kind is not MatchKind.FULL
        ):
            conf *= 0.9  # a lone usual village name: 绕城村 could be a hamlet of the same name
        return round(min(conf, 1.0), 3)

    def _reason(self, path: tuple[Place, ...], clean: str, end: _Hit) -> str:
        named = [p for p in path if p.kind is not MatchKind.IMPLIED]
        parts = []
        for p in named:
            if p.kind is MatchKind.FULL:
                parts.append(p.name)
            else:
                parts.append(f"{p.text}→{p.name} ({p.kind.value})")
        exact = all(p.kind is MatchKind.FULL for p in named)
        head = "exact names" if exact else "names"
        reason = f"{head} down to the {_LEVEL_WORD[path[-1].level]}: " + " > ".join(parts)
        if path[-1].level < Level.COMMUNITY:
            tail = _UNKNOWN_TAIL.search(clean, end.end)
            if tail and tail.start() - end.end <= _ANCHOR_GAP + 2:
                reason += f"; {tail.group(1)} is not in the register under {path[-1].name}"
        return reason


def _with(match: AddressMatch, *, confidence: float, reason: str) -> AddressMatch:
    return AddressMatch(
        match.text,
        match.scope,
        match.status,
        match.level,
        match.path,
        confidence,
        reason,
        match.candidates,
    )
