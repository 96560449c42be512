"""One rounding rule for every printed number: `tables`, the report and `audit` all round here.

Half up by default, as SPSS, Excel's ROUND and most journals do (1/16 = 6.25% prints 6.3); a study may
choose half to even (6.2) in study.yaml (`tables: {rounding: half_even}`). A float is rounded as the
decimal it reads as (its shortest representation: 2.675 is rounded as 2.675, not as the binary
2.67499999…), so a percentage computed as 100·n/N rounds exactly as the fraction n/N does: a fraction
that is a short decimal reads as that decimal, and one that is not lies far from any tie.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Literal

Rounding = Literal["half_up", "half_even"]
RULE_WORDS: dict[str, str] = {"half_up": "half up", "half_even": "half to even"}
_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def exact(value: float | int | Decimal | Fraction) -> Decimal | None:
    """The decimal a number reads as (None for NaN or infinity).

    >>> exact(2.675), exact(0.1 + 0.2), exact(3)
    (Decimal('2.675'), Decimal('0.30000000000000004'), Decimal('3'))
    """
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    number = float(value)  # numpy's scalars too: their repr is not a number's
    return Decimal(repr(number)) if math.isfinite(number) else None


def rounded(value: float | int | Decimal | Fraction, decimals: int = 1, rule: Rounding = "half_up") -> Decimal | None:
    """`value` rounded to `decimals` places by the rule (None for NaN); never a negative zero.

    >>> rounded(6.25), rounded(6.25, rule="half_even"), rounded(0.145, 2), rounded(2.675, 2)
    (Decimal('6.3'), Decimal('6.2'), Decimal('0.15'), Decimal('2.68'))
    """
    if rule not in _MODES:
        raise ValueError(f"rounding must be half_up or half_even, not {rule!r}")
    number = exact(value)
    if number is None:
        return None
    with localcontext() as context:
        context.prec = max(60, number.adjusted() + decimals + 2)  # room for every digit kept
        result = number.quantize(Decimal(1).scaleb(-decimals), rounding=_MODES[rule])
    return result.copy_abs() if result.is_zero() else result


def rounded_text(value: float | int | Decimal | Fraction, decimals: int = 1, rule: Rounding = "half_up",
                 *, decimal_comma: bool = False) -> str:
    """The rounded number as printed: fixed decimals, the study's decimal mark; empty for NaN.

    >>> rounded_text(12.25, decimal_comma=True), rounded_text(float("nan"))
    ('12,3', '')
    """
    number = rounded(value, decimals, rule)
    if number is None:
        return ""
    text = f"{number:f}"
    return text.replace(".", ",") if decimal_comma else text
