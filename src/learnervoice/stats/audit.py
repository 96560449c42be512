"""Audit a printed frequency table: which base do its percentages imply, and do the counts agree?

Each printed percentage p (d decimals) of a count c fits exactly the bases N for which c/N, rounded by the
rule `tables` prints with (`stats.rounding`: half up unless told half to even), is p: an interval of N worked
out in exact fractions. Every base is searched, up to the largest any row's precision can resolve (the
largest N at which its count still prints as its figure: 30 printed 3.0% fits 984 to 1,016). The audit keeps
the bases that explain the most rows, nearest the counts' sum (or the base the table states, when it has a
`base` column), and gives each question a verdict with its reason: every row that no such base explains, a
count of 0 printed as more than 0, counts that do not add up to the base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from .printed import Key, PrintedRow, read_printed
from .rounding import RULE_WORDS, Rounding, rounded

CONSISTENT, INCONSISTENT, NOTHING = "consistent", "inconsistent", "nothing to check"
Span = tuple[int, int | None]  # bases from .. to (None: no upper limit)


@dataclass(frozen=True)
class Unexplained:
    option: str
    count: int
    printed: str
    expected: str  # what the base checked against gives ("" when no base is)
    truncated: bool  # the printed figure is the truncated, not the rounded, value
    reason: str = ""  # the arithmetic, in words


@dataclass(frozen=True)
class QuestionAudit:
    table: str
    question: str
    count_sum: int
    implied_bases: tuple[int, ...]  # the nearest to the count sum (or stated base) of those explaining most rows
    unexplained: tuple[Unexplained, ...]
    group: str = ""
    implied: tuple[Span, ...] = ()  # every base explaining the most rows, as spans
    searched: Span = (1, None)  # the bases checked: up to the largest any row's precision resolves
    resolved_by: str = ""  # which row sets that largest base
    stated_base: int | None = None
    base_kind: str = ""
    rounding: Rounding = "half_up"
    skipped: int = 0  # rows without a printed percentage
    verdict: str = CONSISTENT
    reason: str = ""
    problems: tuple[str, ...] = field(default=())  # findings about the base and the sum (rows are in `unexplained`)

    @property
    def consistent(self) -> bool:
        return self.verdict != INCONSISTENT

    @property
    def label(self) -> str:
        name = f"{self.question} ({self.group})" if self.group else self.question
        return f"Table {self.table}: {name}" if self.table else name

    def findings(self) -> list[str]:
        """What is wrong, one line each, with its arithmetic (empty for a consistent question)."""
        return list(self.problems) + [u.reason for u in self.unexplained]

    def searched_text(self) -> str:
        low, high = self.searched
        if high is None:
            return f"bases from {low:,} up, with no upper limit (no row prints a figure that bounds the base)"
        return f"bases {low:,} to {high:,} checked ({high:,} is the largest at which {self.resolved_by})"


def audit_table(path: Path | str, *, rounding: Rounding = "half_up", decimal_comma: bool = False) -> list[QuestionAudit]:
    """Audit every question of a CSV with columns question, option, count, percent_printed (table, group, base and
    base_kind optional: `tables --format csv` output is read as it is).

    >>> [a.question for a in audit_table("../shared/reference/paper_tables.csv") if not a.consistent]  # doctest: +SKIP
    ['Gender', 'Motivations to participate in micro-credentials']
    """
    groups = read_printed(Path(path), decimal_comma=decimal_comma)
    return [audit_rows(key, rows, rounding=rounding) for key, rows in groups.items()]


def audit_rows(key: Key, rows: list[PrintedRow], *, rounding: Rounding = "half_up") -> QuestionAudit:
    """One question's verdict from its printed rows."""
    table, question, group = key
    checked = [r for r in rows if r.printed is not None]
    stated = _stated_base(checked)
    kind = next((r.base_kind for r in checked if r.base_kind), "")
    total = sum(r.count for r in checked)
    shell = QuestionAudit(table, question, total, (), (), group=group, rounding=rounding, skipped=len(rows) - len(checked),
                          stated_base=stated, base_kind=kind)
    if not checked:
        return replace(shell, verdict=NOTHING, reason="no row prints a percentage")
    if not any(r.count for r in checked):
        return _all_zero(shell, checked)
    spans = {id(r): fitting_bases(r, rounding) for r in checked}
    implied = _best_spans([s for s in spans.values() if s is not None], low=max(1, max(r.count for r in checked)))
    target = stated if stated is not None else total
    nearest = _nearest(implied, target)
    base = stated if stated is not None else (nearest[0] if nearest else None)
    searched, resolved_by = _searched(checked, spans)
    unexplained = tuple(_unexplained(r, base, rounding, spans[id(r)]) for r in checked if not _fits(spans[id(r)], base))
    problems = _base_problems(total, base, implied, nearest, stated, kind, max(r.count for r in checked))
    verdict = INCONSISTENT if unexplained or problems else CONSISTENT
    reason = _reason(verdict, total, base, rounding, checked, kind) if verdict == CONSISTENT else \
        _what_is_wrong(unexplained, problems, base)
    return replace(shell, implied_bases=tuple(nearest), unexplained=unexplained, implied=tuple(implied),
                   searched=searched, resolved_by=resolved_by, verdict=verdict, reason=reason, problems=tuple(problems))


def fitting_bases(row: PrintedRow, rounding: Rounding = "half_up") -> Span | None:
    """The bases N at which the row's count prints as its figure, by the rule (None: no base does).

    With d decimals a figure p stands for the values from p - h to p + h (h = half a unit of the last decimal);
    whether each end belongs to p is the rule's tie: half up keeps the lower end, half to even the end that
    leaves p's last digit even. 100·c/N falls among them for N from 100c/(p + h) to 100c/(p - h).

    >>> fitting_bases(PrintedRow("a", 30, Decimal("3.0"))), fitting_bases(PrintedRow("a", 1, Decimal("6.3")))
    ((984, 1016), (16, 16))
    >>> fitting_bases(PrintedRow("a", 1, Decimal("6.2")), "half_even"), fitting_bases(PrintedRow("a", 0, Decimal("4.9")))
    ((16, 16), None)
    """
    assert row.printed is not None
    count, printed = row.count, Fraction(row.printed)
    half = Fraction(1, 2 * 10**row.decimals)
    even = (int(row.printed.scaleb(row.decimals)) % 2) == 0
    low_tie, high_tie = (True, False) if rounding == "half_up" else (even, even)
    if count == 0:
        return (1, None) if printed == 0 else None
    lowest = 100 * count / (printed + half)  # N above it (or at it, when the upper tie rounds to p)
    first = math.floor(lowest) + 1 if not (high_tie and lowest.denominator == 1) else int(lowest)
    if printed - half <= 0:
        return (max(first, 1), None)
    highest = 100 * count / (printed - half)  # N below it (or at it, when the lower tie rounds to p)
    last = math.ceil(highest) - 1 if not (low_tie and highest.denominator == 1) else int(highest)
    first = max(first, 1)
    return (first, last) if first <= last else None


def _fits(span: Span | None, base: int | None) -> bool:
    return base is not None and span is not None and span[0] <= base and (span[1] is None or base <= span[1])


def _best_spans(spans: list[Span], *, low: int) -> list[Span]:
    """The bases (at least `low`) covered by the most spans, as spans in order (a sweep over their ends)."""
    events: dict[int, int] = {}
    for first, last in spans:
        first = max(first, low)
        if last is not None and last < first:
            continue
        events[first] = events.get(first, 0) + 1
        if last is not None:
            events[last + 1] = events.get(last + 1, 0) - 1
    best, out, depth = 0, [], 0
    points = sorted(events)
    for i, point in enumerate(points):
        depth += events[point]
        end = points[i + 1] - 1 if i + 1 < len(points) else None
        if depth > best:
            best, out = depth, [(point, end)]
        elif depth == best and depth > 0:
            out.append((point, end))
    return _joined(out)


def _joined(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for first, last in spans:
        if out and out[-1][1] is not None and out[-1][1] + 1 == first:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out


def _nearest(spans: list[Span], target: int, k: int = 3) -> list[int]:
    """Up to k bases of the spans, nearest the target first (the smaller of two as near)."""
    found: set[int] = set()
    for first, last in spans:
        centre = max(first, target if last is None else min(target, last))
        for n in range(centre - k, centre + k + 1):
            if n >= first and (last is None or n <= last):
                found.add(n)
    return sorted(found, key=lambda n: (abs(n - target), n))[:k]


def _stated_base(rows: list[PrintedRow]) -> int | None:
    bases = [r.base for r in rows if r.base is not None]
    return max(set(bases), key=bases.count) if bases else None


def _searched(rows: list[PrintedRow], spans: dict[int, Span | None]) -> tuple[Span, str]:
    """The bases searched: from the largest count up to the largest base any row's printed precision resolves."""
    low = max(1, max(r.count for r in rows))
    bounded = [(span[1], r) for r in rows if r.count and (span := spans[id(r)]) is not None and span[1] is not None]
    if not bounded:
        return (low, None), ""
    high, row = max(bounded, key=lambda pair: pair[0])
    return (low, max(high, low)), f"{row.count:,} can still print as {row.printed}%"


def spans_text(spans: tuple[Span, ...] | list[Span]) -> str:
    """'41', '984 to 1,016', '2,000 or more', joined with 'or'; 'none' for no base.

    >>> spans_text([(41, 41), (984, 1016), (2000, None)])
    '41 or 984 to 1,016 or 2,000 or more'
    """
    parts = [f"{a:,}" if a == b else (f"{a:,} or more" if b is None else f"{a:,} to {b:,}") for a, b in spans]
    return " or ".join(parts) or "none"


def _all_zero(shell: QuestionAudit, rows: list[PrintedRow]) -> QuestionAudit:
    """Every count is 0: no base can be implied; only a figure above 0 can be wrong."""
    wrong = tuple(_zero_row(r) for r in rows if r.printed)
    if wrong:
        return replace(shell, unexplained=wrong, verdict=INCONSISTENT, reason="every count is 0, so every percentage must be 0")
    return replace(shell, verdict=NOTHING,
                   reason="every count is 0 and prints as 0%: no base can be implied, and nothing contradicts")


def _zero_row(row: PrintedRow) -> Unexplained:
    return Unexplained(row.option, 0, str(row.printed), "0", False,
                       f"{row.option!r}: a count of 0 is 0% of any base, but {row.printed}% is printed")


def _unexplained(row: PrintedRow, base: int | None, rounding: Rounding, span: Span | None) -> Unexplained:
    """A row the base does not explain, with the arithmetic that shows it."""
    assert row.printed is not None
    if row.count == 0:
        return _zero_row(row)
    printed, decimals = row.printed, row.decimals
    if base is None:
        fits = "" if span is None else f"; it fits a base of {spans_text([span])}, but no base fits the other rows with it"
        return Unexplained(row.option, row.count, str(printed), "", False,
                           f"{row.option!r}: {row.count} printed as {printed}%{fits or ' fits no base'}")
    exact = Fraction(100 * row.count, base)
    expected = rounded(exact, decimals, rounding)
    truncated = Decimal(math.floor(exact * 10**decimals)).scaleb(-decimals) == printed
    other: Rounding = "half_even" if rounding == "half_up" else "half_up"
    text = (f"{row.option!r}: printed {printed} where {row.count}/{base:,} is {exact_text(exact)}%, which rounds "
            f"{RULE_WORDS[rounding]} to {expected}")
    if rounded(exact, decimals, other) == printed:
        text += f"; {printed} is that figure rounded {RULE_WORDS[other]} (an exact tie)"
    elif truncated:
        text += f"; {printed} is that figure truncated, not rounded"
    elif span is not None:
        text += f"; {printed} would fit a base of {spans_text([span])}"
    else:
        text += f"; no base gives {row.count} as {printed}%"
    return Unexplained(row.option, row.count, str(printed), str(expected), truncated, text)


def exact_text(value: Fraction) -> str:
    """A fraction as a decimal: exact when it ends within 6 places, else 3 places and an ellipsis.

    >>> exact_text(Fraction(200, 41)), exact_text(Fraction(100, 16)), exact_text(Fraction(5))
    ('4.878…', '6.25', '5')
    """
    scaled = value * 10**6
    if scaled.denominator == 1:
        return f"{Decimal(scaled.numerator).scaleb(-6).normalize():f}"
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.3f}…".replace(".000…", "…")


def _base_problems(total: int, base: int | None, implied: list[Span], nearest: list[int], stated: int | None,
                   kind: str, largest: int) -> list[str]:
    """The base and the sum: the stated base against the implied ones, the counts' sum against the base."""
    if base is None:
        return []
    out = []
    claim = f"the table states a base of {stated:,}" if stated is not None else \
        f"the percentages imply a base of {spans_text(implied)}"
    if stated is not None and implied and not any(_fits(s, stated) for s in implied):
        out.append(f"the table states a base of {stated:,} but the percentages imply {spans_text(implied)}")
    if kind in ("cases", "participant_cases"):
        if total < base:
            out.append(f"counts sum to {total:,} but {claim}: fewer ticks than respondents, though each ticked one")
        return out
    if total != base and (stated is not None or not any(_fits(s, total) for s in implied)):
        if total > base:
            out.append(f"counts sum to {total:,} but {claim}: more answers than the base "
                       "(a multiple-response item, or a miscount)")
        else:
            out.append(f"counts sum to {total:,} but {claim}: {base - total:,} answer(s) missing from the listed rows")
    return out


def _what_is_wrong(unexplained: tuple[Unexplained, ...], problems: list[str], base: int | None) -> str:
    parts = []
    if unexplained:
        against = f"the base of {base:,}" if base is not None else "any base that fits the others"
        parts.append(f"{len(unexplained)} printed figure(s) not given by {against}")
    if problems:
        parts.append("the base and the counts disagree")
    return "; ".join(parts)


def _reason(verdict: str, total: int, base: int | None, rounding: Rounding, rows: list[PrintedRow], kind: str) -> str:
    if verdict == INCONSISTENT or base is None:
        return "see the findings"
    places = " or ".join(map(str, sorted({r.decimals for r in rows})))
    summed = (f"the ticks sum to {total:,}, at least the base, as a multiple-response item's may"
              if kind in ("cases", "participant_cases") else f"the counts sum to {total:,}")
    return f"every percentage is its count of {base:,}, rounded {RULE_WORDS[rounding]} to {places} decimal(s), and {summed}"
