"""Confidence intervals and design effects for proportions."""

from __future__ import annotations

import math
from statistics import NormalDist


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927), as statsmodels' ``proportion_confint``.

    `n` may be a Kish effective sample size (not an integer) for weighted data.

    >>> [round(x, 4) for x in wilson_interval(23, 36)]
    [0.4758, 0.7752]
    """
    if n <= 0:
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def kish_effective_n(sum_weights: float, sum_squared_weights: float) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2.

    >>> kish_effective_n(4.0, 4.0)
    4.0
    """
    if sum_squared_weights <= 0:
        return 0.0
    return sum_weights * sum_weights / sum_squared_weights
