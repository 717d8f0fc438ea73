"""Reading a center's own files: CSV or JSON Lines, every bad row named by line and field.

The onboarding imports (centers, departments, staff, roster, units, cameras, places, plans)
share one shape: a `Template` documents the columns and prints an example file; `read`
yields each record with its line number; a `Row` parses the fields of one record and
collects every problem as ``line N, field F: reason`` instead of stopping at the first.
An import checks every row before it writes any, and writes all of them in one
transaction, or nothing (services.territory.importer.ImportRejected lists the problems).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CST = timezone(timedelta(hours=8))
MAX_PROBLEMS = 200
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
TRUE = frozenset({"1", "true", "yes", "y", "是", "有", "t"})
FALSE = frozenset({"0", "false", "no", "n", "否", "无", "f"})


class ImportRejected(Exception):
    """Nothing was written; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Template:
    """What an import kind reads: its columns, what they mean, and an example file."""

    kind: str
    doc: str
    columns: tuple[Column, ...]
    examples: tuple[dict[str, str], ...]

    def example(self, fmt: str = "csv") -> str:
        """An example file in CSV (header and rows) or JSON Lines."""
        names = [c.name for c in self.columns]
        if fmt == "jsonl":
            return "".join(
                json.dumps({k: v for k, v in row.items() if v != ""}, ensure_ascii=False) + "\n"
                for row in self.examples
            )
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for row in self.examples:
            writer.writerow({k: row.get(k, "") for k in names})
        return out.getvalue()

    def describe(self) -> str:
        """The columns as documentation lines (required ones marked *)."""
        width = max(len(c.name) for c in self.columns) + 2
        lines = [f"{self.kind}: {self.doc}"]
        lines += [
            f"  {(c.name + ('*' if c.required else '')).ljust(width)}{c.doc}" for c in self.columns
        ]
        return "\n".join(lines)


def read(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, fields) for each record; JSON Lines if the name ends .jsonl/.ndjson/.json.

    A line that is not a JSON object yields ``{"__error__": reason}``. Raises OSError,
    UnicodeDecodeError or csv.Error for an unreadable file (the caller names it).
    """
    file = Path(path)
    if file.suffix.lower() in JSON_SUFFIXES:
        with file.open(encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield n, {"__error__": f"not JSON: {exc.args[0]}"}
                    continue
                yield n, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}
        return
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            if None in row:
                extra = row.pop(None)
                yield reader.line_num, {"__error__": f"{len(extra)} value(s) more than the header"}
                continue
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}


class Problems:
    """Every problem of a file, in line order, capped at MAX_PROBLEMS."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append((line, message))

    def file(self, message: str) -> None:
        """A problem of the whole file (no line)."""
        self.items.append((0, f"{self.path}: {message}"))

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self) -> list[str]:
        return [m for _, m in sorted(self.items, key=lambda p: p[0])]


class Row:
    """One record being parsed: typed getters that note a problem and return None."""

    def __init__(self, line: int, fields: dict[str, Any], problems: Problems) -> None:
        self.line = line
        self.fields = fields
        self.problems = problems
        self.ok = True
        self.broken = "__error__" in fields  # unreadable: one problem, not one per field
        if self.broken:
            self.fail(None, str(fields["__error__"]))

    def fail(self, field: str | None, reason: str) -> None:
        """Note a problem: ``line N, field: reason`` (line 0: a command's own arguments)."""
        if self.broken and field is not None:
            return
        where = ", ".join(p for p in (f"line {self.line}" if self.line else "", field or "") if p)
        self.problems.add(self.line, f"{where}: {reason}" if where else reason)
        self.ok = False

    def raw(self, field: str) -> str:
        value = self.fields.get(field)
        if value is None:
            return ""
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return str(value).strip()

    def text(self, field: str, *, required: bool = False, max_len: int = 64) -> str:
        value = self.raw(field)
        if not value:
            if required:
                self.fail(field, "missing")
            return ""
        if len(value) > max_len:
            self.fail(field, f"longer than {max_len} characters")
        return value

    def integer(self, field: str, *, required: bool = False, default: int | None = None,
                lo: int | None = None, hi: int | None = None) -> int | None:  # fmt: skip
        value = self.raw(field)
        if not value:
            if required:
                self.fail(field, "missing")
            return default
        try:
            number = int(value)
        except ValueError:
            self.fail(field, f"not a whole number: {value!r}")
            return None
        return int(number) if self._bounded(field, number, lo, hi) else None

    def number(self, field: str, *, required: bool = False, default: float | None = None,
               lo: float | None = None, hi: float | None = None) -> float | None:  # fmt: skip
        value = self.raw(field)
        if not value:
            if required:
                self.fail(field, "missing")
            return default
        try:
            number = float(value)
        except ValueError:
            self.fail(field, f"not a number: {value!r}")
            return None
        if number != number:  # NaN
            self.fail(field, "not a number: 'nan'")
            return None
        return number if self._bounded(field, number, lo, hi) else None

    def _bounded(self, field: str, number: float, lo: float | None, hi: float | None) -> bool:
        if lo is not None and number < lo:
            self.fail(field, f"{number:g} is below {lo:g}")
            return False
        if hi is not None and number > hi:
            self.fail(field, f"{number:g} is above {hi:g}")
            return False
        return True

    def boolean(self, field: str, *, default: bool) -> bool:
        value = self.raw(field).lower()
        if not value:
            return default
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self.fail(field, f"not yes/no: {value!r} (true/false, 1/0, 是/否)")
        return default

    def choice(self, field: str, choices: Sequence[str], *, required: bool = False,
               default: str = "") -> str:  # fmt: skip
        value = self.raw(field)
        if not value:
            if required:
                self.fail(field, f"missing (one of {', '.join(choices)})")
            return default
        if value not in choices:
            self.fail(field, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return value

    def time(self, field: str, *, required: bool = False) -> datetime | None:
        """ISO 8601; without an offset it is China Standard Time. Naive UTC back."""
        value = self.raw(field)
        if not value:
            if required:
                self.fail(field, "missing")
            return None
        try:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(field, f"not an ISO 8601 time: {value!r} (e.g. 2026-12-01T08:00)")
            return None
        if t.tzinfo is None:
            t = t.replace(tzinfo=CST)
        return t.astimezone(UTC).replace(tzinfo=None)

    def items(self, field: str) -> list[str]:
        """A list: a JSON array, or values separated by ';' (or '；' or '|')."""
        value = self.fields.get(field)
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        text = self.raw(field)
        for sep in ("；", "|"):
            text = text.replace(sep, ";")
        return [part.strip() for part in text.split(";") if part.strip()]


def load(path: str) -> list[Row]:
    """Every record of the file as a Row sharing one Problems (``rows[0].problems``...);
    ImportRejected at once for a missing, unreadable or empty file."""
    problems = Problems(path)
    if not Path(path).is_file():
        raise ImportRejected([f"{path}: no such file"])
    try:
        rows = [Row(line, fields, problems) for line, fields in read(path)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportRejected([f"{path}: cannot read: {exc}"]) from None
    if not rows:
        raise ImportRejected([f"{path}: no records (a header and at least one row)"])
    return rows


def check(rows: Sequence[Row]) -> None:
    """Raise ImportRejected with every problem noted on the rows, if there is any."""
    if rows and rows[0].problems:
        raise ImportRejected(rows[0].problems.lines())


def duplicates(row: Row, field: str, value: str, seen: dict[str, int], known: set[str],
               *, key: str | None = None, where: str = "the database") -> None:  # fmt: skip
    """Note `value` of `field` as a problem if an earlier line or the database has it
    (`key`: what identifies it when more than the value does, e.g. county and name)."""
    if not value:
        return
    k = value if key is None else key
    if k in seen:
        row.fail(field, f"{value} repeats line {seen[k]}")
    elif k in known:
        row.fail(field, f"{value} is already in {where}")
    else:
        seen[k] = row.line
