"""Tests between groups of numbers checked against scipy and statsmodels on random data, weights included.

Each test names its reference. Groups are drawn as respondents' values and folded into distributions as the
engine returns them (`test_summaries.distribution`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.meta_analysis import effectsize_smd
from statsmodels.stats.oneway import anova_generic, anova_oneway
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from learnervoice.errors import TableError
from learnervoice.stats.comparisons import compare_groups, parse_test_choice
from learnervoice.stats.summaries import Distribution

from .test_summaries import distribution


def groups(seed: int, sizes: tuple[int, ...], *, skew: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for i, n in enumerate(sizes):
        x = rng.exponential(3.0, n) if skew else rng.normal(10 + i, 2 + i / 2, n)
        out.append((x.round(1), rng.uniform(0.3, 2.5, n)))
    return out


def labelled(data: list[tuple[np.ndarray, np.ndarray]], weighted: bool = False) -> list[tuple[str, Distribution]]:
    return [(f"g{i}", distribution(x, w if weighted else None)) for i, (x, w) in enumerate(data)]


@pytest.mark.parametrize("seed", range(10))
def test_welch_t_and_hedges_g(seed: int) -> None:
    """References: scipy.stats.ttest_ind(equal_var=False); statsmodels meta_analysis.effectsize_smd (Hedges' g,
    J = 1 - 3 / (4N - 9))."""
    data = groups(seed, (12 + seed, 20))
    test = compare_groups(labelled(data), choice="parametric")
    assert test is not None and test.method == "Welch's t test" and test.groups == ("g0", "g1")
    (a, _), (b, _) = data
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert (test.statistic, test.p, test.df[0]) == pytest.approx((ref.statistic, ref.pvalue, ref.df))
    g, _ = effectsize_smd(a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b))
    assert test.effect == pytest.approx(g)


@pytest.mark.parametrize("seed", range(10))
def test_weighted_welch_t(seed: int) -> None:
    """Reference: statsmodels CompareMeans(DescrStatsW, DescrStatsW).ttest_ind(usevar='unequal'), each group's
    weights rescaled to sum to its Kish effective n (the weights as survey weights, not frequencies)."""
    data = groups(seed, (15, 25 + seed))
    test = compare_groups(labelled(data, weighted=True), weighted=True)  # auto: weighted data take Welch's test
    assert test is not None and test.weighted and test.method == "Welch's t test"
    described = []
    for x, w in data:
        n_eff = w.sum() ** 2 / (w**2).sum()
        described.append(DescrStatsW(x, weights=w * n_eff / w.sum()))
    t, p, df = CompareMeans(*described).ttest_ind(usevar="unequal")
    assert (test.statistic, test.p, test.df[0]) == pytest.approx((t, p, df))
    a, b = described  # Hedges' g on the weighted means and SDs with effective n (statsmodels effectsize_smd)
    g, _ = effectsize_smd(a.mean, a.std_ddof(1), a.sum_weights, b.mean, b.std_ddof(1), b.sum_weights)
    assert test.effect == pytest.approx(g)


@pytest.mark.parametrize("seed", range(10))
def test_welch_anova_and_eta_squared(seed: int) -> None:
    """References: statsmodels.stats.oneway.anova_oneway(use_var='unequal') (Welch 1951); η² from statsmodels
    OLS + anova_lm sums of squares."""
    data = groups(seed, (10, 14, 9 + seed, 20))
    test = compare_groups(labelled(data), choice="parametric")
    assert test is not None and test.method == "Welch's one-way ANOVA"
    ref = anova_oneway([x for x, _ in data], use_var="unequal", welch_correction=True)
    assert (test.statistic, test.p, test.df[0], test.df[1]) == pytest.approx((ref.statistic, ref.pvalue, *ref.df))
    frame = pd.DataFrame({"y": np.concatenate([x for x, _ in data]),
                          "g": np.repeat([f"g{i}" for i in range(4)], [len(x) for x, _ in data])})
    table = sm.stats.anova_lm(sm.formula.ols("y ~ C(g)", frame).fit())
    assert test.effect == pytest.approx(table["sum_sq"].iloc[0] / table["sum_sq"].sum())


@pytest.mark.parametrize("seed", range(8))
def test_weighted_welch_anova_and_eta_squared(seed: int) -> None:
    """References: statsmodels anova_generic(use_var='unequal') on the groups' weighted means and variances with
    Kish's effective n; weighted η² as the R² of statsmodels WLS on group dummies."""
    data = groups(seed, (12, 16, 20))
    test = compare_groups(labelled(data, weighted=True), weighted=True)
    assert test is not None and test.weighted and test.method == "Welch's one-way ANOVA"
    means, variances, nobs = [], [], []
    for x, w in data:
        n_eff = w.sum() ** 2 / (w**2).sum()
        d = DescrStatsW(x, weights=w * n_eff / w.sum(), ddof=1)
        means.append(d.mean), variances.append(d.var), nobs.append(n_eff)
    ref = anova_generic(np.array(means), np.array(variances), np.array(nobs), use_var="unequal")
    assert (test.statistic, test.p) == pytest.approx((ref.statistic, ref.pvalue))
    y = np.concatenate([x for x, _ in data])
    w = np.concatenate([w for _, w in data])
    dummies = np.repeat(np.eye(3), [len(x) for x, _ in data], axis=0)
    assert test.effect == pytest.approx(sm.WLS(y, dummies, weights=w).fit().rsquared)


@pytest.mark.parametrize("seed", range(10))
def test_mann_whitney_and_rank_biserial(seed: int) -> None:
    """References: scipy.stats.mannwhitneyu(two-sided); the rank-biserial r as Cliff's delta counted over every
    pair (Kerby 2014: r = P(x > y) - P(x < y))."""
    data = groups(seed, (7 + seed, 15), skew=True)
    test = compare_groups(labelled(data), choice="rank")
    assert test is not None and test.method == "Mann–Whitney U test" and test.reason == "as asked"
    (a, _), (b, _) = data
    ref = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert (test.statistic, test.p) == pytest.approx((ref.statistic, ref.pvalue))
    delta = (np.sign(a[:, None] - b[None, :])).mean()
    assert test.effect == pytest.approx(delta)


@pytest.mark.parametrize("seed", range(10))
def test_kruskal_wallis_and_epsilon_squared(seed: int) -> None:
    """References: scipy.stats.kruskal; ε² = H / (n - 1) (Tomczak & Tomczak 2014, ε² = H / ((n² - 1) / (n + 1)))."""
    data = groups(seed, (8, 11, 6 + seed), skew=True)
    test = compare_groups(labelled(data), choice="rank")
    assert test is not None and test.method == "Kruskal–Wallis test"
    ref = stats.kruskal(*[x for x, _ in data])
    n = sum(len(x) for x, _ in data)
    assert (test.statistic, test.p, test.df[0]) == pytest.approx((ref.statistic, ref.pvalue, 2))
    assert test.effect == pytest.approx(ref.statistic / ((n * n - 1) / (n + 1)))


def test_the_choice_and_its_reason() -> None:
    """auto: Welch for roughly symmetric groups, a rank test for skewed ones or an ordered scale, Welch with weights;
    rank tests say they are unweighted."""
    symmetric = labelled(groups(3, (30, 30)))
    assert compare_groups(symmetric).method == "Welch's t test"  # type: ignore[union-attr]
    assert "roughly symmetric" in compare_groups(symmetric).reason  # type: ignore[union-attr]
    assert compare_groups(symmetric, ordinal=True).method == "Mann–Whitney U test"  # type: ignore[union-attr]
    skewed = compare_groups(labelled(groups(3, (200, 200), skew=True)))
    assert skewed is not None and skewed.method == "Mann–Whitney U test" and skewed.reason.startswith("skewed in g0")
    ranked = compare_groups(labelled(groups(3, (30, 30)), weighted=True), weighted=True, choice="rank")
    assert ranked is not None and not ranked.weighted and "unweighted" in ranked.reason
    tiny = [("a", distribution(np.array([1.0, 2.0]))), ("b", distribution(np.array([3.0, 5.0, 4.0])))]
    assert compare_groups(tiny).method == "Mann–Whitney U test"  # type: ignore[union-attr]
    assert compare_groups(tiny[:1]) is None
    assert parse_test_choice(" Rank ") == "rank"
    with pytest.raises(TableError, match="auto, parametric or rank"):
        parse_test_choice("anova")


def test_no_variation_gives_no_test() -> None:
    same = [("a", distribution(np.array([2.0, 2.0]))), ("b", distribution(np.array([2.0, 2.0]))),
            ("c", distribution(np.array([2.0, 2.0, 2.0])))]
    assert compare_groups(same, choice="parametric") is None
    assert compare_groups(same, choice="rank") is None
    assert compare_groups(same) is None


def test_auto_falls_back_to_ranks_when_a_group_does_not_vary() -> None:
    """Welch's test divides by each group's SD: a group of identical answers takes the rank test (scipy's)."""
    flat = [("a", distribution(np.array([2.0, 2.0, 2.0]))), ("b", distribution(np.array([3.0, 5.0, 4.0, 6.0])))]
    test = compare_groups(flat)
    assert test is not None and test.method == "Mann–Whitney U test" and "do not vary" in test.reason
    assert test.p == pytest.approx(stats.mannwhitneyu([2, 2, 2], [3, 5, 4, 6]).pvalue)
