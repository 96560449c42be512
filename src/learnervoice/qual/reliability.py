"""Agreement coefficients over weighted unit patterns.

A unit pattern is the tuple of values the coders gave one unit (None where a
coder did not code it); identical units are counted once with a weight, which
is what lets a transcript's characters be units without a row per character.

Krippendorff's alpha is computed from the coincidence matrix (Krippendorff
2011, "Computing Krippendorff's Alpha-Reliability"); Cohen's and Fleiss' kappa
from their contingency tables (Cohen 1960; Fleiss 1971).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

Pattern = tuple[Hashable | None, ...]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Units:
    """Weighted unit patterns over a fixed list of coders."""

    coders: tuple[str, ...]
    patterns: dict[Pattern, float]

    @classmethod
    def from_matrix(cls, coders_x_units: Sequence[Sequence[Hashable | None]], coders: Sequence[str] | None = None) -> Units:
        """From a reliability-data matrix (rows: coders, columns: units; None = missing)."""
        names = tuple(coders or [f"coder {i + 1}" for i in range(len(coders_x_units))])
        patterns: dict[Pattern, float] = {}
        for unit in zip(*coders_x_units):
            key = tuple(None if _missing(v) else v for v in unit)
            patterns[key] = patterns.get(key, 0.0) + 1.0
        return cls(names, patterns)

    def values(self) -> list[Hashable]:
        found = {v for p in self.patterns for v in p if v is not None}
        try:
            return sorted(found)  # type: ignore[type-var]
        except TypeError:
            return sorted(found, key=str)

    def pairable(self) -> float:
        """Units with at least two values: the ones agreement can speak of."""
        return sum(w for p, w in self.patterns.items() if sum(v is not None for v in p) >= 2)


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def coincidences(units: Units) -> tuple[list[Hashable], np.ndarray]:
    values = units.values()
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for pattern, weight in units.patterns.items():
        present = [index[v] for v in pattern if v is not None]
        m = len(present)
        if m < 2:
            continue
        counts = np.bincount(present, minlength=len(values)).astype(float)
        o += weight * (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return values, o


def _delta(values: list[Hashable], totals: np.ndarray, level: str) -> np.ndarray:
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        d = np.zeros((k, k))
        for c in range(k):
            for e in range(k):
                lo, hi = min(c, e), max(c, e)
                d[c, e] = (totals[lo : hi + 1].sum() - (totals[c] + totals[e]) / 2) ** 2
        return d
    x = np.array(values, dtype=float)
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    if level == "ratio":
        s = x[:, None] + x[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(s == 0, 0.0, ((x[:, None] - x[None, :]) / s) ** 2)
        return r
    raise ValueError(f"level must be one of {LEVELS}")


def krippendorff_alpha(units: Units, level: str = "nominal") -> float:
    """Krippendorff's alpha; missing values allowed.

    >>> round(krippendorff_alpha(Units.from_matrix([["a", "a", "b", "b"], ["a", "b", "b", "b"]])), 3)
    0.533
    """
    values, o = coincidences(units)
    totals = o.sum(axis=1)
    n = totals.sum()
    if n <= 1 or len(values) < 2:
        return math.nan
    delta = _delta(values, totals, level)
    observed = (o * delta).sum()
    expected = (np.outer(totals, totals) * delta).sum() / (n - 1)
    return float(1.0 - observed / expected) if expected else math.nan


def alpha_bootstrap(
    units: Units, level: str = "nominal", *, draws: int = 1000, seed: int = 20230618, confidence: float = 0.95
) -> tuple[float, float]:
    """A percentile bootstrap interval for alpha, resampling units (seeded, so reproducible)."""
    pairable = [(p, w) for p, w in units.patterns.items() if sum(v is not None for v in p) >= 2]
    if not pairable:
        return (math.nan, math.nan)
    weights = np.array([w for _, w in pairable])
    total = int(round(weights.sum()))
    rng = np.random.default_rng(seed)
    estimates = []
    for counts in rng.multinomial(total, weights / weights.sum(), size=draws):
        sample = Units(units.coders, {p: float(c) for (p, _), c in zip(pairable, counts) if c})
        estimates.append(krippendorff_alpha(sample, level))
    clean = np.array([e for e in estimates if not math.isnan(e)])
    if clean.size == 0:
        return (math.nan, math.nan)
    tail = (1 - confidence) / 2 * 100
    return (float(np.percentile(clean, tail)), float(np.percentile(clean, 100 - tail)))


def cohen_table(units: Units) -> tuple[list[Hashable], np.ndarray]:
    """The two coders' contingency table over units both coded."""
    if len(units.coders) != 2:
        raise ValueError("Cohen's kappa compares exactly two coders")
    values = units.values()
    index = {v: i for i, v in enumerate(values)}
    table = np.zeros((len(values), len(values)))
    for (a, b), w in units.patterns.items():
        if a is not None and b is not None:
            table[index[a], index[b]] += w
    return values, table


def cohen_kappa(table: np.ndarray) -> float:
    """Cohen's kappa of a square contingency table (rows: coder A, columns: coder B).

    >>> round(cohen_kappa(np.array([[20, 5], [10, 15]])), 2)
    0.4
    """
    n = table.sum()
    if n == 0:
        return math.nan
    p_o = np.trace(table) / n
    p_e = float((table.sum(axis=0) * table.sum(axis=1)).sum()) / n**2
    return float((p_o - p_e) / (1 - p_e)) if p_e < 1 else math.nan


def fleiss_counts(units: Units) -> tuple[np.ndarray, np.ndarray]:
    """Subjects × categories counts over units every coder coded."""
    values = units.values()
    index = {v: i for i, v in enumerate(values)}
    rows = []
    for pattern, w in units.patterns.items():
        if any(v is None for v in pattern):
            continue
        counts = np.zeros(len(values))
        for v in pattern:
            counts[index[v]] += 1
        rows.append((counts, w))
    return np.array([c for c, _ in rows]), np.array([w for _, w in rows])


def fleiss_kappa(counts: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Fleiss' kappa of subjects × categories counts, each subject rated by the same number of raters."""
    if counts.size == 0:
        return math.nan
    w = np.ones(len(counts)) if weights is None else weights
    m = counts.sum(axis=1)[0]
    if m < 2:
        return math.nan
    n = w.sum()
    p_j = (counts * w[:, None]).sum(axis=0) / (n * m)
    p_i = ((counts * (counts - 1)).sum(axis=1)) / (m * (m - 1))
    p_bar = (p_i * w).sum() / n
    p_e = (p_j**2).sum()
    return float((p_bar - p_e) / (1 - p_e)) if p_e < 1 else math.nan


def percent_agreement(units: Units) -> float:
    """Share of pairable units on which every coder who coded them gave the same value."""
    pairable = [(p, w) for p, w in units.patterns.items() if sum(v is not None for v in p) >= 2]
    total = sum(w for _, w in pairable)
    agree = sum(w for p, w in pairable if len({v for v in p if v is not None}) == 1)
    return agree / total if total else math.nan
