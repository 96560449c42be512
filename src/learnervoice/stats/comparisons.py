"""A numeric item by a subgroup: each group's summary and a test of the difference, chosen and stated.

As gtsummary's ``add_p`` does, the test follows the number of groups and the kind of test wanted:

| groups | parametric (weighted when the study is) | rank (unweighted) |
|---|---|---|
| two | Welch's t test, Hedges' g | Mann–Whitney U test, rank-biserial r |
| more | Welch's one-way ANOVA, η² | Kruskal–Wallis test, ε² |

``auto`` (the default) takes the rank test for an ordered scale and for data skewed in any group
(|skewness| over :data:`SKEWED`, or too few answers to judge), the parametric test otherwise; with
survey weights it takes the parametric test, the only one that uses them. Every figure is computed from
the groups' distributions (`stats/summaries.py`); the rank tests are scipy's, on the unweighted values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar, get_args

import numpy as np

from .summaries import Distribution, NumericSummary, summarise
from .variables import Variable

TestChoice = Literal["auto", "parametric", "rank"]
Column = TypeVar("Column")
Test = TypeVar("Test")
SKEWED = 1.0


def parse_test_choice(text: str) -> TestChoice:
    """The choice of test as a user typed it (auto, parametric or rank)."""
    from ..errors import TableError

    for choice in get_args(TestChoice):
        if text.strip().lower() == choice:
            return choice
    raise TableError(f"the test must be auto, parametric or rank, not {text!r}")


@dataclass(frozen=True)
class GroupComparison:
    """The test of a difference between groups, its effect size and why it was chosen."""

    method: str  # Welch's t test, Welch's one-way ANOVA, Mann–Whitney U test, Kruskal–Wallis test
    statistic_name: str  # t, F, U, H
    statistic: float
    df: tuple[float, ...]  # (df,) for t and H, (df1, df2) for F, () for U
    p: float
    effect_name: str  # Hedges' g, η², rank-biserial r, ε²
    effect: float
    reason: str  # why this test, in words
    weighted: bool = False
    groups: tuple[str, ...] = ()  # the groups compared, in order (a positive t, g or r: the first is higher)

    @property
    def rank(self) -> bool:
        return self.statistic_name in ("U", "H")


@dataclass(frozen=True)
class BySubgroup(Generic[Column, Test]):
    """One item by a subgroup: the groups (code, label), a column per group, the total and the test (None: none)."""

    variable: Variable
    by: Variable
    groups: tuple[tuple[str, str], ...]
    columns: tuple[Column, ...]
    total: Column
    test: Test | None


@dataclass(frozen=True)
class NumericByGroup(BySubgroup[NumericSummary, GroupComparison]):
    """One numeric item by a subgroup: a summary per group, the total, the test, and who is not in the groups."""

    missing: int = 0  # no answer to the item (all respondents)
    not_asked: int = 0
    ungrouped: int = 0  # answered, but no value of the grouping: in the total only
    hidden: tuple[int, ...] = ()  # groups smaller than the disclosure k: left out of the table, total and test
    untested: tuple[int, ...] = ()  # groups with fewer than two answers: left out of the test
    k: int = 0


def numeric_by_group(
    variable: Variable, by: Variable, split: dict[str | None, Distribution], *, weighted: bool = False,
    choice: TestChoice = "auto", missing: int = 0, not_asked: int = 0, k: int = 0, hide: Collection[str] = (),
) -> NumericByGroup:
    """The table of `variable` by the groups of `by`; `split` holds each group's distribution (None: no group).

    Groups with fewer than `k` respondents (1 to k-1) are hidden: their column is blank and they are in
    neither the total nor the test, so no figure of theirs can be worked back. The groups whose codes are in
    `hide` (a screen's disclosure control: `report/small_groups.py`) are hidden in the same way, whatever their size.
    """
    groups = tuple((o.code, o.label) for o in by.options)
    empty = Distribution.of([])
    parts = [split.get(code, empty) for code, _ in groups]
    hidden = tuple(i for i, d in enumerate(parts) if 0 < d.n < k or groups[i][0] in hide)
    shown = [d for i, d in enumerate(parts) if i not in hidden]
    outside = [d for g, d in split.items() if g not in {code for code, _ in groups}]
    columns = tuple(summarise(empty if i in hidden else d, weighted=weighted) for i, d in enumerate(parts))
    total = summarise(Distribution.merged(shown + outside), weighted=weighted)
    tested = [i for i, d in enumerate(parts) if i not in hidden and d.n >= 2]
    untested = tuple(i for i, d in enumerate(parts) if i not in hidden and 0 < d.n < 2)
    test = compare_groups([(groups[i][1], parts[i]) for i in tested], choice=choice, weighted=weighted,
                          ordinal=variable.ordinal)
    return NumericByGroup(variable, by, groups, columns, total, test, missing, not_asked,
                          sum(d.n for d in outside), hidden, untested, k)


def compare_groups(
    groups: list[tuple[str, Distribution]], *, choice: TestChoice = "auto", weighted: bool = False, ordinal: bool = False
) -> GroupComparison | None:
    """The test chosen for these groups (label, distribution), or None with fewer than two groups to compare."""
    if len(groups) < 2:
        return None
    summaries = [summarise(d, weighted=weighted) for _, d in groups]
    rank, reason = choose_test(choice, [label for label, _ in groups], summaries, weighted=weighted, ordinal=ordinal)
    parts = [d for _, d in groups]
    test = rank_test(parts, reason) if rank else welch_test(summaries, parts, reason, weighted=weighted)
    if test is None and not rank and choice == "auto":  # Welch's test needs spread in every group
        test = rank_test(parts, "the answers of a group do not vary, so Welch's test cannot be computed"
                         + ("; unweighted, as rank tests have no weighted form here" if weighted else ""))
    return None if test is None else replace(test, groups=tuple(label for label, _ in groups))


def choose_test(
    choice: TestChoice, labels: list[str], summaries: list[NumericSummary], *, weighted: bool, ordinal: bool
) -> tuple[bool, str]:
    """Whether to use the rank test, and why (the words the table's footnote gives after the test's name)."""
    unweighted = "; unweighted, as rank tests have no weighted form here" if weighted else ""
    if choice == "rank":
        return True, "as asked" + unweighted
    if choice == "parametric":
        return False, "as asked"
    if ordinal:
        return True, "an ordered scale" + unweighted
    if weighted:
        return False, "the data are weighted and only this test uses the weights"
    for label, s in zip(labels, summaries):
        if math.isnan(s.skewness):
            return True, f"too few answers in {label} to judge the shape"
        if abs(s.skewness) > SKEWED:
            return True, f"skewed in {label}, skewness {s.skewness:.2f}"
    return False, f"roughly symmetric in every group, |skewness| ≤ {SKEWED:g}"


def welch_test(
    summaries: list[NumericSummary], parts: list[Distribution], reason: str, *, weighted: bool
) -> GroupComparison | None:
    """Welch's t test (two groups) or Welch's one-way ANOVA, on effective n when weighted."""
    from scipy.stats import f as fisher
    from scipy.stats import t as student

    means = np.array([s.mean for s in summaries])
    sds = np.array([s.sd for s in summaries])
    ns = np.array([s.effective_n for s in summaries])
    if not np.all(np.isfinite(sds)) or np.any(sds <= 0) or np.any(ns <= 1):
        return None
    if len(summaries) == 2:
        v1, v2 = sds**2 / ns
        t = float((means[0] - means[1]) / math.sqrt(v1 + v2))
        df = float((v1 + v2) ** 2 / (v1**2 / (ns[0] - 1) + v2**2 / (ns[1] - 1)))
        p = float(2 * student.sf(abs(t), df))
        return GroupComparison("Welch's t test", "t", t, (df,), p, "Hedges' g", hedges_g(summaries), reason, weighted)
    k = len(summaries)
    w = ns / sds**2
    centre = float((w * means).sum() / w.sum())
    between = float((w * (means - centre) ** 2).sum()) / (k - 1)
    spread = float(((1 - w / w.sum()) ** 2 / (ns - 1)).sum())
    f = between / (1 + 2 * (k - 2) / (k * k - 1) * spread)
    df1, df2 = float(k - 1), float((k * k - 1) / (3 * spread))
    return GroupComparison("Welch's one-way ANOVA", "F", f, (df1, df2), float(fisher.sf(f, df1, df2)), "η²",
                           eta_squared(parts, weighted=weighted), reason, weighted)


def hedges_g(summaries: list[NumericSummary]) -> float:
    """(mean1 - mean2) / pooled SD, times Hedges' correction 1 - 3 / (4 (n1 + n2) - 9) (effective n when weighted)."""
    a, b = summaries
    n1, n2 = a.effective_n, b.effective_n
    pooled = math.sqrt(((n1 - 1) * a.sd**2 + (n2 - 1) * b.sd**2) / (n1 + n2 - 2))
    return (a.mean - b.mean) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))


def eta_squared(parts: list[Distribution], *, weighted: bool) -> float:
    """Between-group over total sum of squares (weighted sums when weighted)."""
    weights = [d.weights if weighted else d.counts for d in parts]
    totals = np.array([float(w.sum()) for w in weights])
    means = np.array([float((w * d.values).sum()) / t for w, d, t in zip(weights, parts, totals)])
    grand = float((totals * means).sum() / totals.sum())
    within = sum(float((w * (d.values - m) ** 2).sum()) for w, d, m in zip(weights, parts, means))
    between = float((totals * (means - grand) ** 2).sum())
    return between / (between + within) if between + within > 0 else math.nan


def rank_test(parts: list[Distribution], reason: str) -> GroupComparison | None:
    """Mann–Whitney U (two groups; scipy's exact or tie-corrected normal p) or Kruskal–Wallis H, unweighted."""
    from scipy.stats import kruskal, mannwhitneyu

    samples = [d.expanded() for d in parts]
    if len(samples) == 2:
        n1, n2 = len(samples[0]), len(samples[1])
        result = mannwhitneyu(samples[0], samples[1], alternative="two-sided")
        u = float(result.statistic)
        return GroupComparison("Mann–Whitney U test", "U", u, (), float(result.pvalue), "rank-biserial r",
                               2 * u / (n1 * n2) - 1, reason)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # every value the same: H is 0/0, said by returning None
            h, p = kruskal(*samples)
    except ValueError:  # every value the same: no ranks to compare
        return None
    if math.isnan(float(h)):
        return None
    n = sum(len(s) for s in samples)
    return GroupComparison("Kruskal–Wallis test", "H", float(h), (float(len(samples) - 1),), float(p), "ε²",
                           float(h) / (n - 1), reason)
