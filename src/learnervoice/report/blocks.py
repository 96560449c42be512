"""A TableSet laid out as printed blocks (title, header, rows, notes), shared by every document format."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..stats.frequencies import FrequencyTable
from ..stats.significance import format_p
from ..stats.tables import CrossTab, TableSet
from .numbers import fmt_interval, fmt_number, fmt_percent


@dataclass(frozen=True)
class Block:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]


def table_blocks(tables: TableSet, *, intervals: bool = False) -> list[Block]:
    if tables.crosstabs:
        return [_crosstab_block(ct, tables.decimal_comma) for ct in tables.crosstabs]
    from .battery_blocks import battery_block  # it builds on Block

    first_item = {_first_listed(b.item_ids, tables): b for b in tables.batteries}
    in_battery = {item for b in tables.batteries for item in b.item_ids}
    blocks = []
    for t in tables.frequencies:  # a grid or ranking in its items' place, as one table
        if t.variable_id in first_item:
            blocks.append(battery_block(first_item[t.variable_id], tables.decimal_comma))
        elif t.variable_id not in in_battery:
            blocks.append(_frequency_block(t, tables.decimal_comma, intervals, tables.weighted))
    return blocks


def _first_listed(item_ids: tuple[str, ...], tables: TableSet) -> str:
    """The item of a battery that comes first among the tables (a sorted grid's rows are not in that order)."""
    return next(t.variable_id for t in tables.frequencies if t.variable_id in item_ids)


def _frequency_block(t: FrequencyTable, comma: bool, intervals: bool, weighted: bool) -> Block:
    percent_head = "% *" if t.base_kind == "responses" else "%"
    header: tuple[str, ...] = (t.label, "Recount", percent_head)
    if weighted:
        header += ("Weighted %",)
    if intervals:
        header += ("95% CI",)
    rows = []
    for r in t.rows:
        cells: tuple[str, ...] = (r.label, str(r.count), fmt_percent(r.percent, decimal_comma=comma))
        if weighted:
            cells += (fmt_percent(r.weighted_percent, decimal_comma=comma),)
        if intervals:
            cells += (fmt_interval(r.ci_low, r.ci_high, decimal_comma=comma),)
        rows.append(cells)
    if t.answered_only:
        rows.append(("Answered", str(t.base), "") + ("",) * (len(header) - 3))
    return Block(t.label, header, tuple(rows), _frequency_notes(t, comma) + _summary_note(t, comma, weighted))


def _summary_note(t: FrequencyTable, comma: bool, weighted: bool) -> tuple[str, ...]:
    s = t.summary
    if not s or not s.get("n"):
        return ()
    num = functools.partial(fmt_number, decimal_comma=comma)
    text = f"n = {int(s['n'])}; mean = {num(s['mean'])}, SD = {num(s['sd'])}"
    if "median" in s:
        text += f", median = {num(s['median'])}"
    text += f", range {num(s['min'], decimals=0)}–{num(s['max'], decimals=0)}"
    if weighted and "weighted_mean" in s:
        text += f"; weighted mean = {num(s['weighted_mean'])}"
    return (text + ".",)


def _frequency_notes(t: FrequencyTable, comma: bool) -> tuple[str, ...]:
    notes = [t.base_label + "."]
    apart = []
    if t.missing:
        apart.append(f"no answer: {t.missing}")
    if t.not_asked:
        apart.append(f"not asked: {t.not_asked}")
    if apart:
        notes.append("Not in the base — " + "; ".join(apart) + ".")
    if t.base_kind == "responses":
        notes.append("* Percentage of total responses; a respondent could give several.")
    if t.median:
        notes.append(f"Median: {t.median}.")
    if t.kind == "quantitised":
        notes.extend(t.notes)
    if t.effective_n is not None:
        notes.append(f"Weighted; Kish effective n = {fmt_number(t.effective_n, decimal_comma=comma, decimals=1)}.")
    return tuple(notes)


def _crosstab_block(ct: CrossTab, comma: bool) -> Block:
    header: tuple[str, ...] = (ct.variable.label,)
    for _, label in ct.groups:
        header += (f"{label} n", f"{label} %")
    header += ("Total n", "Total %")
    rows = []
    for i, option in enumerate(ct.variable.options):
        cells: tuple[str, ...] = (option.label,)
        for col in (*ct.columns, ct.total):
            cells += (str(col.rows[i].count), fmt_percent(col.rows[i].percent, decimal_comma=comma))
        rows.append(cells)
    bases = ", ".join(f"{label} {col.base}" for (_, label), col in zip(ct.groups, ct.columns))
    notes = [f"Column percentages ({ct.total.base_kind}). Bases: {bases}; total {ct.total.base}."]
    ungrouped = ct.total.respondents - sum(col.respondents for col in ct.columns)
    if ungrouped > 0:
        notes.append(f"{ungrouped} respondent(s) with no value of {ct.by.label.lower()} are in the total only.")
    if ct.test is not None:
        t = ct.test
        stat = f"χ²({t.dof}) = {fmt_number(t.chi2, decimal_comma=comma)}, p {format_p(t.p_chi2)}"
        if t.method != "Pearson chi-square":
            stat += f"; {t.method}: p {format_p(t.p)}"
        stat += f"; Cramér's V = {fmt_number(t.cramers_v, decimal_comma=comma)}."
        notes.append(stat)
        if t.warning:
            notes.append("Warning: " + t.warning + ".")
    if ct.note:
        notes.append(ct.note)
    return Block(f"{ct.variable.label} by {ct.by.label}", header, tuple(rows), tuple(notes))
