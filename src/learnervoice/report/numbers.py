"""Numbers as a paper prints them: one decimal, the study's decimal mark, rounded by the study's rule.

Every figure goes through `stats.rounding` (half up unless study.yaml says half_even), the rule `audit` checks by.
"""

from __future__ import annotations

import math

from ..stats.rounding import Rounding, rounded_text


def fmt_percent(value: float | None, *, decimal_comma: bool, sign: bool = True, rounding: Rounding = "half_up",
                decimals: int = 1) -> str:
    """One decimal and a percent sign; empty for no value.

    >>> fmt_percent(12.25, decimal_comma=True), fmt_percent(55.0, decimal_comma=False)
    ('12,3%', '55.0%')
    >>> fmt_percent(6.25, decimal_comma=False, rounding="half_even")
    '6.2%'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return rounded_text(value, decimals, rounding, decimal_comma=decimal_comma) + ("%" if sign else "")


def fmt_number(value: float, *, decimal_comma: bool, decimals: int = 2, rounding: Rounding = "half_up") -> str:
    if math.isnan(value):
        return "–"
    return rounded_text(value, decimals, rounding, decimal_comma=decimal_comma)


def fmt_interval(low: float, high: float, *, decimal_comma: bool, rounding: Rounding = "half_up") -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    sep = "; " if decimal_comma else ", "
    ends = [fmt_percent(x, decimal_comma=decimal_comma, sign=False, rounding=rounding) for x in (low, high)]
    return f"[{ends[0]}{sep}{ends[1]}]"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).

    >>> neutralise("=HYPERLINK(1)"), neutralise("Men"), neutralise(3)
    ("'=HYPERLINK(1)", 'Men', 3)
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell
