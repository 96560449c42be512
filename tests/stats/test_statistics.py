"""Intervals and tests checked against statsmodels and scipy (the references named in each test)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.proportion import proportion_confint

from learnervoice.stats.intervals import kish_effective_n, wilson_interval
from learnervoice.stats.significance import association, format_p


@given(n=st.integers(1, 5000), data=st.data())
@settings(max_examples=200, deadline=None)
def test_wilson_matches_statsmodels(n: int, data: st.DataObject) -> None:
    """Reference: statsmodels.stats.proportion.proportion_confint(method='wilson')."""
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-9) and high == pytest.approx(ref_high, abs=1e-9)


def test_wilson_published_example() -> None:
    """Newcombe (1998), Statistics in Medicine 17:857, method 3, 81/263: 0.2553 to 0.3662."""
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_kish_effective_n() -> None:
    """Kish (1965): equal weights give n; weights 1,1,1,3 give 36/12 = 3."""
    assert kish_effective_n(6.0, 12.0) == 3.0


def test_two_by_two_uses_fisher() -> None:
    """Reference: scipy.stats.fisher_exact and chi2_contingency(correction=False)."""
    table = [[8, 2], [1, 5]]
    result = association(table)
    assert result is not None
    assert result.p_fisher == pytest.approx(fisher_exact(table).pvalue)
    ref = chi2_contingency(table, correction=False)
    assert result.chi2 == pytest.approx(ref.statistic) and result.p_chi2 == pytest.approx(ref.pvalue)
    assert result.method == "Fisher's exact test"
    assert result.warning is not None  # expected counts under 5


def test_large_table_chi_square_and_cramers_v() -> None:
    """Reference: scipy chi2_contingency; Cramér's V = sqrt(chi2 / (n (min(r, c) - 1)))."""
    table = np.array([[30, 20, 25], [15, 35, 25], [20, 20, 40]])
    result = association(table.tolist())
    assert result is not None
    ref = chi2_contingency(table, correction=False)
    assert result.chi2 == pytest.approx(ref.statistic)
    assert result.cramers_v == pytest.approx(np.sqrt(ref.statistic / (table.sum() * 2)))
    assert result.p_permutation is None and result.warning is None


def test_sparse_table_gets_a_seeded_permutation_p() -> None:
    table = [[3, 0, 1], [0, 4, 1], [1, 1, 3]]
    first, second = association(table), association(table)
    assert first is not None and second is not None
    assert first.p_permutation is not None and first.p_permutation == second.p_permutation
    # the Monte Carlo p estimates the exact conditional p; chi-square's asymptotic p is near it here
    assert abs(first.p_permutation - first.p_chi2) < 0.1


def test_empty_rows_and_columns_are_dropped() -> None:
    result = association([[5, 0, 7], [0, 0, 0], [6, 0, 2]])
    assert result is not None and result.dof == 1


def test_p_formatting() -> None:
    assert [format_p(p) for p in (0.00001, 0.049, 0.5)] == ["< .001", "= .049", "= .500"]
