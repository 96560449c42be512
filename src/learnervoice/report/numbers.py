"""Numbers as a paper prints them: one decimal, the study's decimal mark."""

from __future__ import annotations

import math


def fmt_percent(value: float | None, *, decimal_comma: bool, sign: bool = True) -> str:
    """One decimal and a percent sign; empty for no value.

    >>> fmt_percent(12.195, decimal_comma=True), fmt_percent(55.0, decimal_comma=False)
    ('12,2%', '55.0%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:.1f}"
    if decimal_comma:
        text = text.replace(".", ",")
    return text + ("%" if sign else "")


def fmt_number(value: float, *, decimal_comma: bool, decimals: int = 2) -> str:
    if math.isnan(value):
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if decimal_comma else text


def fmt_interval(low: float, high: float, *, decimal_comma: bool) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    sep = "; " if decimal_comma else ", "
    return f"[{fmt_percent(low, decimal_comma=decimal_comma, sign=False)}{sep}{fmt_percent(high, decimal_comma=decimal_comma, sign=False)}]"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).

    >>> neutralise("=HYPERLINK(1)"), neutralise("Men"), neutralise(3)
    ("'=HYPERLINK(1)", 'Men', 3)
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell
