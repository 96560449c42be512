"""Frequency tables as researchers publish them, built from the engine's aggregates.

Per item: count and % of each option in instrument order (empty ones too), the
base the % is of, missing and not-asked apart, Wilson 95% intervals, and, for
weighted data, weighted % beside the unweighted counts with a Kish effective n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from .engine import Aggregates
from .intervals import kish_effective_n, wilson_interval
from .summaries import NumericSummary, summarise
from .variables import MISSING, NOT_ASKED, Variable

BaseChoice = Literal["declared", "cases", "responses"]


@dataclass(frozen=True)
class TableRow:
    code: str
    label: str
    count: int
    percent: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    weighted_percent: float | None = None


@dataclass(frozen=True)
class FrequencyTable:
    """One item's table. `base` is what `percent` is of; its kind says what it counts."""

    variable_id: str
    label: str
    kind: str
    base_kind: str  # valid (answers), cases (respondents who ticked), responses (all ticks)
    rows: tuple[TableRow, ...]
    base: int
    missing: int
    not_asked: int
    respondents: int  # answered the item (= base for single choice, cases for multiple)
    weighted_base: float | None = None
    effective_n: float | None = None
    median: str | None = None  # ordered scales: the category holding the 50th percentile (weighted when weighted)
    notes: tuple[str, ...] = field(default=())
    summary: NumericSummary | None = None  # numeric answers: n, mean, SD, quartiles, range, CI of the mean
    answered_only: bool = False  # no option rows: only who answered (numbers, free text)

    @property
    def base_label(self) -> str:
        return {
            "valid": f"Base: {self.base} valid answers",
            "cases": f"Base: {self.base} respondents (% of cases)",
            "responses": f"Base: {self.base} responses from {self.respondents} respondents (% of responses)",
            "participants": f"Base: {self.base} focus-group participants",
            "participant_cases": f"Base: {self.base} focus-group participants (% of participants; several codes allowed)",
        }[self.base_kind]


def build_tables(
    variables: list[Variable],
    aggregates: Aggregates,
    *,
    group: str | None = None,
    base: BaseChoice = "declared",
    weighted: bool = False,
) -> list[FrequencyTable]:
    tables = []
    for v in variables:
        if v.is_multiple:
            tables.append(_multiple_table(v, aggregates.multiple.get((group, v.id), {}), base, weighted))
        elif v.category_sql is not None:
            counts = {code: c for (g, vid, code), c in aggregates.categories.items() if g == group and vid == v.id}
            table = _categorical_table(v, counts, weighted)
            if v.id in aggregates.numeric:
                table = replace(table, summary=summarise(aggregates.numeric[v.id], weighted=weighted))
            tables.append(table)
    return tables


def _categorical_table(v: Variable, counts: dict[str, tuple[int, float, float]], weighted: bool) -> FrequencyTable:
    zero = (0, 0.0, 0.0)
    missing = counts.get(MISSING, zero)[0]
    not_asked = counts.get(NOT_ASKED, zero)[0]
    if v.answered_only:
        answered = sum(c[0] for k, c in counts.items() if k not in (MISSING, NOT_ASKED))
        return FrequencyTable(v.id, v.label, v.kind, "valid", (), answered, missing, not_asked, answered,
                              answered_only=True)
    valid = [counts.get(o.code, zero) for o in v.options]
    base = sum(c[0] for c in valid)
    w_base = sum(c[1] for c in valid)
    n_eff = kish_effective_n(w_base, sum(c[2] for c in valid)) if weighted else float(base)
    rows = []
    for o, (n, wn, _) in zip(v.options, valid):
        share = wn / w_base if weighted and w_base else (n / base if base else math.nan)
        low, high = wilson_interval(share * n_eff, n_eff) if base else (math.nan, math.nan)
        rows.append(
            TableRow(
                o.code, o.label, n, 100 * n / base if base else math.nan, low * 100, high * 100,
                100 * share if weighted else None,
            )
        )
    table = FrequencyTable(
        v.id, v.label, v.kind, "valid", tuple(rows), base, missing, not_asked, base,
        weighted_base=w_base if weighted else None, effective_n=n_eff if weighted else None, notes=v.notes,
    )
    return replace(table, median=ordinal_median(table, weighted=weighted)) if v.ordinal else table


def _multiple_table(v: Variable, sums: dict[str, float], base: BaseChoice, weighted: bool) -> FrequencyTable:
    base_kind = v.base_kind if base == "declared" else base
    asked = int(sums.get("asked", 0))
    cases = int(sums.get("answered", 0))
    total = int(sums.get("total", asked))
    ticks = [int(sums.get(f"tick:{o.code}", 0)) for o in v.options]
    wticks = [sums.get(f"wtick:{o.code}", 0.0) for o in v.options]
    responses = sum(ticks)
    denominator = responses if base_kind == "responses" else cases
    w_cases = sums.get("w_answered", 0.0)
    w_denominator = sum(wticks) if base_kind == "responses" else w_cases
    n_eff = kish_effective_n(w_cases, sums.get("w2_answered", 0.0)) if weighted else float(cases)
    rows = []
    for o, n, wn in zip(v.options, ticks, wticks):
        share = n / denominator if denominator else math.nan
        w_share = wn / w_denominator if weighted and w_denominator else None
        low = high = math.nan
        if base_kind == "cases" and cases:
            low, high = wilson_interval((w_share if w_share is not None else share) * n_eff, n_eff)
        rows.append(TableRow(o.code, o.label, n, 100 * share, low * 100, high * 100, None if w_share is None else 100 * w_share))
    notes = ("% of responses: ticks of each option over all ticks; a respondent can tick several.",) if base_kind == "responses" else ()
    return FrequencyTable(
        v.id, v.label, "multiple", base_kind, tuple(rows), denominator, asked - cases,
        total - asked, cases, weighted_base=w_denominator if weighted else None,
        effective_n=n_eff if weighted else None, notes=notes,
    )


def ordinal_median(table: FrequencyTable, *, weighted: bool = False) -> str | None:
    """The category that holds the 50th percentile of an ordered scale: the first whose cumulative share reaches
    half (of the weighted shares when weighted, as the quantiles of `stats/summaries.py`)."""
    if table.base == 0:
        return None
    shares = [r.weighted_percent if weighted and r.weighted_percent is not None else r.percent for r in table.rows]
    running = 0.0
    for row, share in zip(table.rows, shares):
        running += share
        if running >= 50 - 1e-9:
            return row.label
    return None
