"""Audit a published frequency table: which base do its percentages imply, and do the counts agree?

For each question the audit searches every base N that could have produced
the printed percentages (rounded half up to the printed number of decimals),
keeps the N that explains the most rows, and reports the counts' sum beside
it and every percentage that no such base explains.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..errors import AuditError

REQUIRED = ("question", "option", "count", "percent_printed")


@dataclass(frozen=True)
class PrintedRow:
    option: str
    count: int
    printed: Decimal

    @property
    def decimals(self) -> int:
        exponent = self.printed.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True)
class Unexplained:
    option: str
    count: int
    printed: str
    expected: str  # what the implied base gives
    truncated: bool  # the printed figure is the truncated, not the rounded, value


@dataclass(frozen=True)
class QuestionAudit:
    table: str
    question: str
    count_sum: int
    implied_bases: tuple[int, ...]
    unexplained: tuple[Unexplained, ...]

    @property
    def consistent(self) -> bool:
        return not self.unexplained and self.count_sum in self.implied_bases

    def findings(self) -> list[str]:
        out = []
        bases = " or ".join(map(str, self.implied_bases)) or "none"
        if self.implied_bases and self.count_sum not in self.implied_bases:
            base = self.implied_bases[0]
            if self.count_sum > base:
                out.append(
                    f"counts sum to {self.count_sum} but the percentages imply a base of {bases}: "
                    "more answers than the base (a multiple-response item, or a miscount)"
                )
            else:
                out.append(
                    f"counts sum to {self.count_sum} but the percentages imply a base of {bases}: "
                    f"{base - self.count_sum} answer(s) missing from the listed rows"
                )
        for u in self.unexplained:
            how = " (truncated instead of rounded)" if u.truncated else ""
            out.append(f"{u.option!r}: printed {u.printed} where {u.count}/{bases} gives {u.expected}{how}")
        return out


def audit_table(path: Path | str) -> list[QuestionAudit]:
    """Audit every question of a CSV with columns question, option, count, percent_printed (table optional).

    >>> [a.question for a in audit_table("../shared/reference/paper_tables.csv") if not a.consistent]  # doctest: +SKIP
    ['Gender', 'Motivations to participate in micro-credentials']
    """
    groups = _read(Path(path))
    return [_audit_question(table, question, rows) for (table, question), rows in groups.items()]


def _read(path: Path) -> dict[tuple[str, str], list[PrintedRow]]:
    if not path.is_file():
        raise AuditError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise AuditError(f"{path}, row 1: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)}")
            groups: dict[tuple[str, str], list[PrintedRow]] = {}
            for line, rec in enumerate(reader, start=2):
                key = (rec.get("table") or "", rec["question"])
                groups.setdefault(key, []).append(_row(path, line, rec))
    except UnicodeDecodeError:
        raise AuditError(f"{path}: not UTF-8 text") from None
    if not groups:
        raise AuditError(f"{path}: no rows to audit")
    return groups


def _row(path: Path, line: int, rec: dict[str, str]) -> PrintedRow:
    try:
        count = int(rec["count"])
    except (TypeError, ValueError):
        raise AuditError(f"{path}, row {line}, column 'count': {rec['count']!r} is not a whole number") from None
    text = (rec["percent_printed"] or "").strip().rstrip("%").replace(",", ".")
    try:
        printed = Decimal(text)
    except ArithmeticError:
        raise AuditError(f"{path}, row {line}, column 'percent_printed': {rec['percent_printed']!r} is not a number") from None
    if count < 0 or not printed.is_finite() or printed < 0:
        raise AuditError(f"{path}, row {line}: counts and percentages cannot be negative")
    return PrintedRow(rec["option"], count, printed)


def _rounded(count: int, base: int, decimals: int) -> Decimal:
    exact = Decimal(count) * 100 / Decimal(base)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _truncated(count: int, base: int, decimals: int) -> Decimal:
    step = 10**decimals
    return Decimal(math.floor(count * 100 * step / base)) / step


def _explains(row: PrintedRow, base: int) -> bool:
    return _rounded(row.count, base, row.decimals) == row.printed


def _audit_question(table: str, question: str, rows: list[PrintedRow]) -> QuestionAudit:
    total = sum(r.count for r in rows)
    informative = [r for r in rows if r.count > 0]
    if not informative:
        return QuestionAudit(table, question, total, (), ())
    low = max(max(r.count for r in informative), 1)
    high = max(4 * total, low + 1, 100)
    scores = {n: sum(_explains(r, n) for r in informative) for n in range(low, high + 1)}
    best = max(scores.values())
    if best == 0:
        return QuestionAudit(table, question, total, (), tuple(_unexplained(r, None) for r in informative))
    bases = sorted((n for n, s in scores.items() if s == best), key=lambda n: (abs(n - total), n))
    base = bases[0]
    unexplained = tuple(_unexplained(r, base) for r in informative if not _explains(r, base))
    return QuestionAudit(table, question, total, tuple(bases[:3]), unexplained)


def _unexplained(row: PrintedRow, base: int | None) -> Unexplained:
    if base is None:
        return Unexplained(row.option, row.count, str(row.printed), "nothing", False)
    decimals = max(row.decimals, 1)
    return Unexplained(
        row.option, row.count, str(row.printed), str(_rounded(row.count, base, decimals)),
        _truncated(row.count, base, row.decimals) == row.printed,
    )
