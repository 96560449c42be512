"""Tests of association for a cross-tab: chi-square, Fisher's exact, a seeded permutation test, Cramér's V.

All computations are scipy's; this module decides which apply and says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .rounding import Rounding, rounded_text

PERMUTATIONS = 9_999
SEED = 20230618


@dataclass(frozen=True)
class AssociationTest:
    chi2: float
    dof: int
    p_chi2: float
    cramers_v: float
    min_expected: float
    small_expected_share: float
    p_fisher: float | None = None
    p_permutation: float | None = None
    warning: str | None = None

    @property
    def p(self) -> float:
        """The p-value to report: exact or permutation when chi-square's approximation is poor."""
        if self.p_fisher is not None:
            return self.p_fisher
        if self.p_permutation is not None:
            return self.p_permutation
        return self.p_chi2

    @property
    def method(self) -> str:
        if self.p_fisher is not None:
            return "Fisher's exact test"
        if self.p_permutation is not None:
            return f"permutation test ({PERMUTATIONS} tables, seed {SEED})"
        return "Pearson chi-square"


def association(table: list[list[int]], *, seed: int = SEED, permutations: int = PERMUTATIONS) -> AssociationTest | None:
    """Test a rows x columns table of counts; empty rows and columns are dropped first.

    >>> round(association([[10, 2], [3, 9]]).p_fisher, 4)
    0.0123
    """
    from scipy.stats import chi2_contingency, fisher_exact
    from scipy.stats.contingency import association as cramer

    observed = np.asarray(table, dtype=np.int64)
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    if observed.ndim != 2 or min(observed.shape) < 2:
        return None
    result = chi2_contingency(observed, correction=False)
    expected = np.asarray(result.expected_freq)
    small_share = float((expected < 5).mean())
    warning = None
    if small_share > 0:
        warning = f"{rounded_text(100 * small_share, 0)}% of cells have an expected count under 5; chi-square is unreliable"
    p_fisher = p_perm = None
    if observed.shape == (2, 2):
        p_fisher = float(fisher_exact(observed).pvalue)
    elif small_share > 0.2:
        p_perm = permutation_p(observed, float(result.statistic), seed=seed, permutations=permutations)
    return AssociationTest(
        chi2=float(result.statistic),
        dof=int(result.dof),
        p_chi2=float(result.pvalue),
        cramers_v=float(cramer(observed, method="cramer", correction=False)),
        min_expected=float(expected.min()),
        small_expected_share=small_share,
        p_fisher=p_fisher,
        p_permutation=p_perm,
        warning=warning,
    )


def permutation_p(observed: np.ndarray, statistic: float, *, seed: int, permutations: int) -> float:
    """Monte Carlo p of the chi-square statistic over random tables with the same margins."""
    from scipy.stats import random_table

    rows, cols = observed.sum(axis=1), observed.sum(axis=0)
    expected = np.outer(rows, cols) / observed.sum()
    tables = random_table(rows, cols, seed=np.random.default_rng(seed)).rvs(permutations)
    stats = ((tables - expected) ** 2 / expected).sum(axis=(1, 2))
    extreme = int((stats >= statistic - 1e-9).sum())
    return (extreme + 1) / (permutations + 1)


def format_p(p: float, rounding: Rounding = "half_up", decimal_comma: bool = False) -> str:
    """APA style: no leading zero, three decimals (rounded by the study's rule), "< .001" below that.

    >>> format_p(0.0004), format_p(0.0342), format_p(1.0), format_p(0.0345, decimal_comma=True)
    ('< .001', '= .034', '= 1.000', '= ,035')
    """
    if math.isnan(p):
        return ""
    if p < 0.001:
        return "< ,001" if decimal_comma else "< .001"
    return "= " + rounded_text(p, 3, rounding, decimal_comma=decimal_comma).lstrip("0")
