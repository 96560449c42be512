"""Numeric answers summarised as researchers publish them: n, mean, SD, median, quartiles, range, CI of the mean.

Everything is computed from a :class:`Distribution` — the distinct values of an item with how many
respondents gave each (and the sum of their weights) — which the engine counts in SQL
(`stats/engine.Engine.distributions`); Python never sees a respondent.

The rules, stated once (docs/tables.md says the same):

- **Quantiles** (median, Q1, Q3) are the inverse of the empirical distribution function, averaged where it
  is flat: with the values' cumulative weights s_j of a total W, the p-quantile is the first value whose
  s_j exceeds pW, or the mean of two neighbouring values when pW equals s_j exactly. Unweighted, this is
  R's ``quantile(type = 2)`` (gtsummary's default) and numpy's ``averaged_inverted_cdf``; weighted, it is
  SAS PROC UNIVARIATE's weighted definition and statsmodels' ``DescrStatsW.quantile``. The median is the
  usual one (the mean of the two middle values of an even count).
- **Weights** are survey (sampling) weights: the weighted mean is sum(w x) / sum(w); the weighted SD is the
  reliability-weights estimator sqrt(sum w (x - mean)^2 / (V1 - V2 / V1)) with V1 = sum w, V2 = sum w^2
  (numpy's ``cov(aweights=, ddof=1)``), which does not change when every weight is multiplied by a constant.
  Intervals and tests use Kish's effective n = V1^2 / V2 in place of n (statsmodels' ``DescrStatsW`` with the
  weights rescaled to sum to it gives the same numbers). Respondents without a weight count as weight 0.
- **The 95% CI of the mean** is t-based: mean ± t(0.975, n - 1) · SD / sqrt(n), n the effective n when weighted.
- **Decimals**: the number of decimals the values carry (at most :data:`MAX_DECIMALS`) for the minimum,
  maximum, median and quartiles, one more for the mean, the SD and the CI (as SPSS and gtsummary users expect);
  a quantile that falls between two values (13.5 of whole numbers) keeps that one more decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_DECIMALS = 4
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Distribution:
    """The distinct values of an item in one group, ascending, with respondents and weights per value."""

    values: np.ndarray  # distinct values, ascending
    counts: np.ndarray  # respondents per value
    weights: np.ndarray  # sum of the respondents' weights per value (= counts when unweighted)
    squared: np.ndarray  # sum of their squared weights (for Kish's effective n)

    @classmethod
    def of(cls, rows: list[tuple[float, int, float, float]]) -> Distribution:
        """From (value, respondents, sum of weights, sum of squared weights) rows in any order."""
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        return cls.from_arrays(table[:, 0], table[:, 1], table[:, 2], table[:, 3])

    @classmethod
    def from_arrays(cls, values: np.ndarray, counts: np.ndarray, weights: np.ndarray, squared: np.ndarray) -> Distribution:
        """From columns of distinct values (in any order) with their respondents, weights and squared weights."""
        order = np.argsort(values, kind="stable")
        return cls(values[order], counts[order], weights[order], squared[order])

    @classmethod
    def merged(cls, parts: list[Distribution]) -> Distribution:
        """One distribution of several groups' respondents together."""
        values = np.concatenate([p.values for p in parts]) if parts else np.zeros(0)
        distinct, where = np.unique(values, return_inverse=True)

        def total(name: str) -> np.ndarray:
            column = np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros(0)
            return np.bincount(where, weights=column, minlength=len(distinct)).astype(np.float64)

        return cls(distinct, total("counts"), total("weights"), total("squared"))

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def expanded(self) -> np.ndarray:
        """Every respondent's value (for scipy's rank tests, which want the sample)."""
        return np.repeat(self.values, self.counts.astype(np.int64))


@dataclass(frozen=True)
class NumericSummary:
    """One item's numbers (in one group). Weighted figures when `weighted`; `n` always counts respondents."""

    n: int
    mean: float
    sd: float
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    ci_low: float
    ci_high: float
    decimals: int  # decimals the values carry (min, max, quantiles); mean, SD and CI get one more
    weighted: bool = False
    effective_n: float = math.nan  # Kish's effective n (= n unweighted)
    skewness: float = math.nan  # adjusted Fisher-Pearson G1 of the unweighted values (SPSS's, scipy's bias=False)

    def quantile_decimals(self, value: float) -> int:
        """The decimals of the values, or one more when a quantile falls between two of them."""
        return self.decimals if round(value, self.decimals) == round(value, 9) else self.decimals + 1


def summarise(d: Distribution, *, weighted: bool = False) -> NumericSummary:
    """n, mean, SD, quartiles, range and the 95% CI of the mean of a distribution (rules in the module's doc)."""
    from scipy.stats import t as student

    nan = math.nan
    n = d.n
    decimals = decimals_of(d.values)
    if n == 0:
        return NumericSummary(0, nan, nan, nan, nan, nan, nan, nan, nan, nan, decimals, weighted, 0.0)
    w = d.weights if weighted else d.counts
    total = float(w.sum())
    n_eff = total * total / float(d.squared.sum()) if weighted and d.squared.sum() > 0 else float(n)
    mean = float((w * d.values).sum() / total) if total > 0 else nan
    sd = weighted_sd(d.values, w, mean, n_eff)
    low = high = nan
    if n_eff > 1 and not math.isnan(sd):
        half = float(student.ppf(0.5 + CONFIDENCE / 2, n_eff - 1)) * sd / math.sqrt(n_eff)
        low, high = mean - half, mean + half
    q1, median, q3 = weighted_quantiles(d.values, w, (0.25, 0.5, 0.75))
    shown = d.values[d.counts > 0]
    return NumericSummary(n, mean, sd, median, q1, q3, float(shown.min()), float(shown.max()), low, high, decimals,
                          weighted, n_eff, skewness(d))


def weighted_sd(values: np.ndarray, weights: np.ndarray, mean: float, n_eff: float) -> float:
    """sqrt(sum w (x - mean)^2 / (V1 - V2/V1)), written as the population variance times n_eff / (n_eff - 1)."""
    total = float(weights.sum())
    if total <= 0 or n_eff <= 1:
        return math.nan
    variance = float((weights * (values - mean) ** 2).sum()) / total
    return math.sqrt(variance * n_eff / (n_eff - 1))


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, probs: tuple[float, ...]) -> tuple[float, ...]:
    """Quantiles by the inverse empirical distribution, averaged at its flat steps (module doc); values ascending.

    >>> weighted_quantiles(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), (0.5, 0.25))
    (2.5, 1.5)
    """
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    if len(values) == 0:
        return tuple(math.nan for _ in probs)
    cumulative = np.cumsum(weights)
    total = float(cumulative[-1])
    out = []
    for p in probs:
        target = p * total
        i = int(np.searchsorted(cumulative, target - 1e-9 * total))
        i = min(i, len(values) - 1)
        if abs(cumulative[i] - target) <= 1e-9 * total and i + 1 < len(values):
            out.append(float(values[i] + values[i + 1]) / 2)
        else:
            out.append(float(values[i]))
    return tuple(out)


def skewness(d: Distribution) -> float:
    """Adjusted Fisher-Pearson skewness G1 of the respondents' values (unweighted), NaN under 3 values."""
    n = d.n
    if n < 3:
        return math.nan
    mean = float((d.counts * d.values).sum()) / n
    deviations = d.values - mean
    m2 = float((d.counts * deviations**2).sum()) / n
    m3 = float((d.counts * deviations**3).sum()) / n
    if m2 <= 0:
        return 0.0
    return math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5


def decimals_of(values: np.ndarray) -> int:
    """The fewest decimals that write every value exactly (0.125 → 3, 13.0 → 0), at most MAX_DECIMALS.

    >>> decimals_of(np.array([0.125, 0.375, 2.0])), decimals_of(np.array([0.1 + 0.2]))
    (3, 1)
    """
    finite = values[np.isfinite(values)]
    for places in range(MAX_DECIMALS):
        scaled = finite * 10.0**places
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return places
    return MAX_DECIMALS
