"""Numeric summaries checked against numpy, scipy and statsmodels on random data, weights included.

Each test names its reference. The data are drawn as respondents' values (and weights), then folded into
the distribution the engine returns (distinct values, respondents, sums of weights and squared weights).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from learnervoice.stats.summaries import Distribution, decimals_of, summarise, weighted_quantiles


def distribution(x: np.ndarray, w: np.ndarray | None = None) -> Distribution:
    """What `Engine.distributions` gives for these respondents (GROUP BY value: count, sum w, sum w²)."""
    w = np.ones(len(x)) if w is None else w
    values, where = np.unique(x, return_inverse=True)
    return Distribution(values, np.bincount(where).astype(float), np.bincount(where, weights=w), np.bincount(where, weights=w * w))


def sample(seed: int, n: int, *, integers: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 12, n).astype(float) if integers else rng.gamma(2.0, 3.0, n).round(2)
    return x, rng.uniform(0.2, 3.0, n)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("integers", [True, False])
def test_unweighted_summary_matches_numpy_and_scipy(seed: int, integers: bool) -> None:
    """References: numpy mean/std(ddof=1)/min/max; numpy quantile(method='averaged_inverted_cdf') = R type 2;
    scipy.stats.t.interval for the CI of the mean; scipy.stats.skew(bias=False) for G1."""
    x, _ = sample(seed, 5 + 7 * seed, integers=integers)
    s = summarise(distribution(x))
    assert s.n == len(x)
    assert s.mean == pytest.approx(x.mean()) and s.sd == pytest.approx(x.std(ddof=1))
    assert (s.minimum, s.maximum) == (x.min(), x.max())
    assert [s.q1, s.median, s.q3] == pytest.approx(np.quantile(x, [0.25, 0.5, 0.75], method="averaged_inverted_cdf"))
    assert s.median == pytest.approx(np.median(x))
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (s.ci_low, s.ci_high) == pytest.approx((low, high))
    assert s.skewness == pytest.approx(stats.skew(x, bias=False))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("integers", [True, False])
def test_weighted_summary_matches_statsmodels(seed: int, integers: bool) -> None:
    """References: statsmodels DescrStatsW (mean; quantile, SAS's weighted definition; tconfint_mean with the
    weights rescaled to sum to Kish's effective n) and numpy cov(aweights=w, ddof=1) for the weighted SD."""
    x, w = sample(seed, 6 + 9 * seed, integers=integers)
    s = summarise(distribution(x, w), weighted=True)
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert s.weighted and s.n == len(x) and s.effective_n == pytest.approx(n_eff)
    assert s.mean == pytest.approx(DescrStatsW(x, weights=w).mean)
    assert s.sd == pytest.approx(math.sqrt(np.cov(x, aweights=w, ddof=1)))
    rescaled = DescrStatsW(x, weights=w * n_eff / w.sum(), ddof=1)
    assert s.sd == pytest.approx(rescaled.std)
    assert (s.ci_low, s.ci_high) == pytest.approx(rescaled.tconfint_mean(alpha=0.05))
    ref = DescrStatsW(x, weights=w).quantile([0.25, 0.5, 0.75], return_pandas=False)
    assert [s.q1, s.median, s.q3] == pytest.approx(ref)


@given(st.lists(st.integers(0, 6), min_size=1, max_size=40), st.lists(st.integers(1, 4), min_size=40, max_size=40))
@settings(max_examples=200, deadline=None)
def test_weighted_quantiles_at_exact_steps(values: list[int], weights: list[int]) -> None:
    """Integer weights hit the steps of the distribution exactly (where the definition averages two values).
    Reference: statsmodels DescrStatsW.quantile; with unit weights numpy's averaged_inverted_cdf (R type 2)."""
    x = np.array(values, dtype=float)
    w = np.array(weights[: len(values)], dtype=float)
    d = distribution(x, w)
    probs = (0.1, 0.25, 0.5, 0.75, 0.9)
    assert weighted_quantiles(d.values, d.weights, probs) == pytest.approx(
        DescrStatsW(x, weights=w).quantile(list(probs), return_pandas=False))
    assert weighted_quantiles(d.values, d.counts, probs) == pytest.approx(
        np.quantile(x, probs, method="averaged_inverted_cdf"))


def test_weighted_median_is_not_the_unweighted_one() -> None:
    """Three answers 1, 2, 10 with weights 1, 1, 5: half the weight is past 2, so the weighted median is 10
    (DescrStatsW gives 10 too), where the unweighted median is 2."""
    d = distribution(np.array([1.0, 2.0, 10.0]), np.array([1.0, 1.0, 5.0]))
    assert summarise(d, weighted=True).median == 10.0 == DescrStatsW([1, 2, 10], weights=[1, 1, 5]).quantile(0.5).iloc[0]
    assert summarise(d).median == 2.0


def test_merged_groups_are_the_pooled_sample() -> None:
    """Reference: numpy on the concatenated values."""
    a, b = sample(1, 30, integers=True)[0], sample(2, 20, integers=True)[0]
    merged = summarise(Distribution.merged([distribution(a), distribution(b)]))
    both = np.concatenate([a, b])
    assert (merged.n, merged.mean, merged.sd) == (50, pytest.approx(both.mean()), pytest.approx(both.std(ddof=1)))


@pytest.mark.parametrize(("values", "decimals"), [
    ([0.125, 0.375], 3), ([13.0, 35.0], 0), ([0.1 + 0.2, 1.5], 1), ([1 / 3], 4), ([-2.25, 1e-3], 3), ([], 0),
])
def test_decimals_the_values_carry(values: list[float], decimals: int) -> None:
    assert decimals_of(np.array(values, dtype=float)) == decimals


def test_small_and_empty_groups() -> None:
    """One answer: a mean, no SD or CI; none: n = 0 and nothing else."""
    one = summarise(distribution(np.array([4.0])))
    assert (one.n, one.mean, one.median) == (1, 4.0, 4.0) and math.isnan(one.sd) and math.isnan(one.ci_low)
    assert summarise(Distribution.of([])).n == 0
