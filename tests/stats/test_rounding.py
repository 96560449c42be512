"""One rounding rule: checked against decimal.Decimal arithmetic on the exact fractions (the reference), with the
floating-point traps that make Python's round() and f-strings disagree with SPSS and Excel."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnervoice.report.numbers import fmt_number, fmt_percent
from learnervoice.stats.rounding import rounded, rounded_text
from learnervoice.stats.significance import format_p

MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def reference(count: int, base: int, decimals: int, rule: str) -> Decimal:
    """100·count/base in exact decimal arithmetic (60 digits: no quotient here is a tie it cannot tell), rounded."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(100 * count) / Decimal(base)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=MODES[rule])


@pytest.mark.parametrize(("value", "decimals", "half_up", "half_even"), [
    (6.25, 1, "6.3", "6.2"),      # 1/16: the case; Python's f"{6.25:.1f}" gives 6.2
    (0.145, 2, "0.15", "0.14"),   # the binary 0.145 is 0.14499999999999999
    (2.675, 2, "2.68", "2.68"),   # round(2.675, 2) == 2.67 in Python
    (1.005, 2, "1.01", "1.00"),
    (0.125, 2, "0.13", "0.12"),
    (-2.5, 0, "-3", "-2"),        # away from zero, as Excel's ROUND
    (-0.04, 1, "0.0", "0.0"),     # never a negative zero
    (12.195121951219512, 1, "12.2", "12.2"),
])
def test_traps(value: float, decimals: int, half_up: str, half_even: str) -> None:
    assert rounded_text(value, decimals, "half_up") == half_up
    assert rounded_text(value, decimals, "half_even") == half_even


def test_python_itself_gets_these_wrong() -> None:
    """Why the rule exists: what learnervoice printed before (f-strings) for the same figures."""
    assert f"{6.25:.1f}" == "6.2" and f"{0.145:.2f}" == "0.14" and round(2.675, 2) == 2.67


@pytest.mark.parametrize("rule", ["half_up", "half_even"])
def test_every_percentage_of_small_bases(rule: str) -> None:
    """Every count/base up to 400 (every tie among them: bases with factors 2 and 5 only), as tables print it."""
    for base in range(1, 401):
        for count in range(base + 1):
            got = rounded(100 * count / base, 1, rule)  # type: ignore[arg-type]
            assert got == reference(count, base, 1, rule), (count, base)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 10**6), st.data(), st.integers(0, 3), st.sampled_from(["half_up", "half_even"]))
def test_random_fractions(base: int, data: st.DataObject, decimals: int, rule: str) -> None:
    count = data.draw(st.integers(0, base))
    assert rounded(100 * count / base, decimals, rule) == reference(count, base, decimals, rule)  # type: ignore[arg-type]


def test_formatters_share_the_rule() -> None:
    assert fmt_percent(6.25, decimal_comma=False) == "6.3%"
    assert fmt_percent(6.25, decimal_comma=True, rounding="half_even") == "6,2%"
    assert fmt_number(2.675, decimal_comma=False) == "2.68"
    assert fmt_number(float("nan"), decimal_comma=False) == "–"
    assert format_p(0.0345) == "= .035" and format_p(0.0345, "half_even") == "= .034"
    assert format_p(0.0004) == "< .001" and format_p(0.0004, decimal_comma=True) == "< ,001"
    assert rounded(float("nan")) is None and rounded_text(float("inf")) == ""
    with pytest.raises(ValueError, match="half_up or half_even"):
        rounded(1.0, 1, "bankers")  # type: ignore[arg-type]
