"""Printed tables read back for `learnervoice audit`: counts and percentages as a paper or a spreadsheet prints them.

A count may carry thousands separators ("1,234"; "1.234" where the decimal mark is a comma; spaces and
apostrophes anywhere); a percentage may end in "%" and use either decimal mark (no percentage needs a
thousands separator). Rows without a printed percentage (the "Missing" or "Answered" rows of `tables
--format csv`) are kept apart: they are not part of what the percentages are of.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import AuditError

REQUIRED = ("question", "option", "count", "percent_printed")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_GROUPED = {False: re.compile(r"^\d{1,3}(,\d{3})+$"), True: re.compile(r"^\d{1,3}(\.\d{3})+$")}


@dataclass(frozen=True)
class PrintedRow:
    option: str
    count: int
    printed: Decimal | None  # None: the row prints no percentage
    line: int = 0
    base: int | None = None  # the base the table states, when it has a `base` column
    base_kind: str = ""

    @property
    def decimals(self) -> int:
        if self.printed is None:
            return 0
        exponent = self.printed.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0


Key = tuple[str, str, str]  # table, question, group


def read_printed(path: Path, *, decimal_comma: bool = False) -> dict[Key, list[PrintedRow]]:
    """The rows of a printed table by (table, question, group), in file order.

    Columns: question, option, count, percent_printed; optional table, group, base, base_kind (as `tables
    --format csv` writes them, so its output is read as it is; its statistic rows, a number's summary, are
    skipped).
    """
    if not path.is_file():
        raise AuditError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise AuditError(f"{path}, row 1: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)}")
            groups: dict[Key, list[PrintedRow]] = {}
            for line, rec in enumerate(reader, start=2):
                if (rec.get("base_kind") or "").strip() == "statistic":  # a number's mean, SD…: no percentage
                    continue
                key = (rec.get("table") or "", rec["question"] or "", rec.get("group") or "")
                groups.setdefault(key, []).append(_row(path, line, rec, decimal_comma))
    except UnicodeDecodeError:
        raise AuditError(f"{path}: not UTF-8 text") from None
    if not groups:
        raise AuditError(f"{path}: no rows to audit")
    return groups


def _row(path: Path, line: int, rec: dict[str, str], decimal_comma: bool) -> PrintedRow:
    where = f"{path}, row {line}"
    count = read_count(rec["count"], decimal_comma=decimal_comma, where=f"{where}, column 'count'")
    printed = read_percent(rec["percent_printed"], where=f"{where}, column 'percent_printed'")
    base_text = (rec.get("base") or "").strip()
    base = read_count(base_text, decimal_comma=decimal_comma, where=f"{where}, column 'base'") if base_text else None
    if printed is not None and printed > 100:
        raise AuditError(f"{where}, column 'percent_printed': {rec['percent_printed']!r} is above 100%")
    return PrintedRow(rec["option"] or "", count, printed, line, base, (rec.get("base_kind") or "").strip())


def read_count(text: str | None, *, decimal_comma: bool = False, where: str = "count") -> int:
    """A whole number as printed: "1234", "1,234" ("1.234" with a decimal comma), "1 234".

    >>> read_count("1,234"), read_count("1.234", decimal_comma=True), read_count("12 345")
    (1234, 1234, 12345)
    """
    raw = (text or "").strip()
    bare = _SPACES.sub("", raw)
    if _GROUPED[decimal_comma].match(bare):
        bare = bare.replace("." if decimal_comma else ",", "")
    if not bare.isdigit():
        mark = "." if decimal_comma else ","
        hint = (f" (with {'a decimal comma' if decimal_comma else 'a decimal point'}, thousands are separated by "
                f"'{mark}'; say --decimal-comma or --decimal-point, or --study, for the other)")
        raise AuditError(f"{where}: {raw!r} is not a whole number{hint if any(c in raw for c in ',.') else ''}")
    return int(bare)


def read_percent(text: str | None, *, where: str = "percent") -> Decimal | None:
    """A printed percentage ("4.8", "4,8 %", "12.30%") with its printed decimals kept; None when blank.

    >>> read_percent("4,8 %"), read_percent("12.30%"), read_percent("")
    (Decimal('4.8'), Decimal('12.30'), None)
    """
    raw = (text or "").strip()
    bare = _SPACES.sub("", raw).removesuffix("%")
    if not bare:
        return None
    if bare.count(",") + bare.count(".") > 1:
        raise AuditError(f"{where}: {raw!r} is not a percentage (more than one decimal mark)")
    try:
        value = Decimal(bare.replace(",", "."))
    except InvalidOperation:
        raise AuditError(f"{where}: {raw!r} is not a number") from None
    if not value.is_finite() or value < 0 or not re.fullmatch(r"\d+(\.\d+)?", bare.replace(",", ".")):
        raise AuditError(f"{where}: {raw!r} is not a percentage (counts and percentages cannot be negative)")
    return value
