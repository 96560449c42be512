"""Numbers as printed: a numeric item's summary line, and its table by a subgroup with the test in a footnote.

Decimals follow the data (`stats/summaries.py`): the values' own for the range, median and quartiles, one more
for the mean, the SD and the CI of the mean.
"""

from __future__ import annotations

import math

from ..stats.comparisons import GroupComparison, NumericByGroup
from ..stats.frequencies import FrequencyTable
from ..stats.rounding import Rounding
from ..stats.significance import format_p
from ..stats.summaries import NumericSummary
from .blocks import Block
from .numbers import fmt_number


def _num(value: float, decimals: int, comma: bool, rounding: Rounding = "half_up") -> str:
    return fmt_number(value, decimal_comma=comma, rounding=rounding, decimals=decimals)


def _span(low: float, high: float, decimals: int, comma: bool, rounding: Rounding = "half_up") -> str:
    """'9–17', or '−3 to 5' when a dash would read as a minus."""
    joint = " to " if low < 0 or high < 0 else "–"
    return _num(low, decimals, comma, rounding) + joint + _num(high, decimals, comma, rounding)


def mean_sd(s: NumericSummary, comma: bool, rounding: Rounding = "half_up") -> str:
    """'13.1 (7.1)': mean and SD with one decimal more than the values."""
    return f"{_num(s.mean, s.decimals + 1, comma, rounding)} ({_num(s.sd, s.decimals + 1, comma, rounding)})"


def median_iqr(s: NumericSummary, comma: bool, rounding: Rounding = "half_up") -> str:
    """'13 (9–17)': median and quartiles at the values' decimals (one more when between two values)."""
    places = max(s.quantile_decimals(x) for x in (s.median, s.q1, s.q3))
    return f"{_num(s.median, places, comma, rounding)} ({_span(s.q1, s.q3, places, comma, rounding)})"


def mean_ci(s: NumericSummary, comma: bool, rounding: Rounding = "half_up") -> str:
    if math.isnan(s.ci_low):
        return "–"
    sep = "; " if comma else ", "
    places = s.decimals + 1
    return f"[{_num(s.ci_low, places, comma, rounding)}{sep}{_num(s.ci_high, places, comma, rounding)}]"


def summary_note(
    t: FrequencyTable, comma: bool, intervals: bool = False, rounding: Rounding = "half_up"
) -> tuple[str, ...]:
    """A numeric item's line below its table: n; mean (SD); median (IQR); range; the CI and Kish n when they apply."""
    s = t.summary
    if s is None or not s.n:
        return ()
    lead = "weighted mean" if s.weighted else "mean"
    places = s.decimals + 1
    text = f"n = {s.n}; {lead} = {_num(s.mean, places, comma, rounding)}, SD = {_num(s.sd, places, comma, rounding)}"
    if intervals:
        text += f", 95% CI {mean_ci(s, comma, rounding)}"
    median = median_iqr(s, comma, rounding).replace(" (", " (IQR ", 1)
    text += f"; {'weighted median' if s.weighted else 'median'} = {median}"
    text += f"; range {_span(s.minimum, s.maximum, s.decimals, comma, rounding)}"
    if s.weighted:
        text += f"; Kish effective n = {_num(s.effective_n, 1, comma, rounding)}"
    return (text + ".",)


def numeric_block(
    nt: NumericByGroup, comma: bool, rounding: Rounding = "half_up", *, intervals: bool = False, extremes: bool = True
) -> Block:
    """Groups as columns, statistics as rows, the test and who is left out in the notes. `extremes`: the
    min–max row (left out where a single respondent's value must not show)."""
    header = (nt.variable.label, *(label for _, label in nt.groups), "Total")
    columns = [*nt.columns, nt.total]
    hidden = set(nt.hidden)
    weighted = " (weighted)" if nt.total.weighted else ""

    def row(name: str, cell: str | None = None) -> tuple[str, ...]:
        def one(i: int, s: NumericSummary) -> str:
            if i in hidden:
                return f"<{nt.k}" if cell is None else ""
            if cell is None:
                return str(s.n)
            shown = {"mean": mean_sd, "ci": mean_ci, "median": median_iqr, "range": _range}[cell]
            return "–" if not s.n else shown(s, comma, rounding)
        return (name, *(one(i, s) for i, s in enumerate(columns)))

    rows = [row("n"), row("Mean (SD)" + weighted, "mean")]
    if intervals:
        rows.append(row("95% CI of the mean" + weighted, "ci"))
    rows.append(row("Median (IQR)" + weighted, "median"))
    if extremes:
        rows.append(row("Min–max", "range"))
    return Block(f"{nt.variable.label} by {nt.by.label}", header, tuple(rows), numeric_notes(nt, comma, rounding))


def _range(s: NumericSummary, comma: bool, rounding: Rounding = "half_up") -> str:
    return _span(s.minimum, s.maximum, s.decimals, comma, rounding)


def numeric_notes(nt: NumericByGroup, comma: bool, rounding: Rounding = "half_up") -> tuple[str, ...]:
    """What the table's footnotes say: the rule for decimals and weights, who is not in it, the test and why."""
    s = nt.total
    notes = [f"Decimals as the values carry them ({s.decimals}) for the median, quartiles and range, one more for "
             "the mean and SD; IQR: first to third quartile."]
    if s.weighted:
        kish = ", ".join(f"{label} {_num(c.effective_n, 1, comma, rounding)}"
                         for i, ((_, label), c) in enumerate(zip(nt.groups, nt.columns)) if i not in nt.hidden and c.n)
        notes.append(f"Weighted (survey weights): mean, SD, quartiles, CI and the parametric test; n unweighted. "
                     f"Kish effective n: {kish}; total {_num(s.effective_n, 1, comma, rounding)}.")
    apart = [f"{label}: {n}" for label, n in (("no answer", nt.missing), ("not asked", nt.not_asked)) if n]
    if apart:
        notes.append("Not in the table — " + "; ".join(apart) + ".")
    if nt.ungrouped:
        notes.append(f"{nt.ungrouped} respondent(s) with no value of {nt.by.label.lower()} are in the total only.")
    names = ", ".join(nt.groups[i][1] for i in nt.hidden)
    if names:
        notes.append(f"{names}: fewer than {nt.k} respondents, so the group is left out of the table, "
                     "the total and the test.")
    if nt.untested:
        notes.append(f"{', '.join(nt.groups[i][1] for i in nt.untested)}: fewer than two answers, left out of the test.")
    notes += test_notes(nt.test, comma, rounding)
    return tuple(notes)


def test_notes(test: GroupComparison | None, comma: bool, rounding: Rounding = "half_up") -> list[str]:
    """'Welch's t test (parametric, two groups: roughly symmetric…).' then the statistic, p and effect size."""
    if test is None:
        return ["No test: fewer than two groups with answers, or no answers that differ."]
    groups = "two groups" if test.statistic_name in ("t", "U") else "more than two groups"
    kind = "rank test" if test.rank else ("weighted parametric test" if test.weighted else "parametric test")
    why = f"{test.method} ({kind} for {groups}; chosen because: {test.reason})."
    f2 = lambda x: _num(x, 2, comma, rounding)  # noqa: E731
    f1 = lambda x: _num(x, 1, comma, rounding)  # noqa: E731
    stat = {
        "t": lambda: f"t({f1(test.df[0])}) = {f2(test.statistic)}",
        "F": lambda: f"F({test.df[0]:.0f}, {f1(test.df[1])}) = {f2(test.statistic)}",
        "U": lambda: f"U = {f1(test.statistic)}",
        "H": lambda: f"H({test.df[0]:.0f}) = {f2(test.statistic)}",
    }[test.statistic_name]()
    effect = f"{test.effect_name} = {f2(test.effect)}"
    if test.statistic_name in ("t", "U") and len(test.groups) == 2:
        effect += f" (positive: {test.groups[0]} higher)"
    return [why, f"{stat}, p {format_p(test.p, rounding, comma)}; {effect}."]
