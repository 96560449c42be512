"""A TableSet laid out as printed blocks (title, header, rows, notes), shared by every document format."""

from __future__ import annotations

from dataclasses import dataclass

from ..stats.frequencies import FrequencyTable
from ..stats.rounding import Rounding
from ..stats.significance import AssociationTest, format_p
from ..stats.tables import CrossTab, TableSet
from .numbers import fmt_interval, fmt_number, fmt_percent
from .words import ColumnWords, column_words


@dataclass(frozen=True)
class Block:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]


def table_blocks(tables: TableSet, *, intervals: bool = False) -> list[Block]:
    """The blocks of a TableSet: cross-tabs then numeric items by group (with `--by`), else the frequency tables
    (a grid or ranking as one table in its items' place)."""
    from .battery_blocks import battery_block  # it builds on Block
    from .numeric import numeric_block

    style = Style.of(tables)
    if tables.crosstabs or tables.numbers:
        return [_crosstab_block(ct, style, tables.weighted) for ct in tables.crosstabs] + [
            numeric_block(nt, style.comma, style.rounding, intervals=intervals) for nt in tables.numbers]
    first_item = {_first_listed(b.item_ids, tables): b for b in tables.batteries}
    in_battery = {item for b in tables.batteries for item in b.item_ids}
    blocks = []
    for t in tables.frequencies:  # a grid or ranking in its items' place, as one table
        if t.variable_id in first_item:
            blocks.append(battery_block(first_item[t.variable_id], style.comma, style.rounding))
        elif t.variable_id not in in_battery:
            blocks.append(_frequency_block(t, style, intervals, tables.weighted))
    return blocks


def _first_listed(item_ids: tuple[str, ...], tables: TableSet) -> str:
    """The item of a battery that comes first among the tables (a sorted grid's rows are not in that order)."""
    return next(t.variable_id for t in tables.frequencies if t.variable_id in item_ids)


@dataclass(frozen=True)
class Style:
    """How a TableSet prints: decimal mark, rounding rule, column words."""

    comma: bool
    rounding: Rounding
    words: ColumnWords

    @classmethod
    def of(cls, tables: TableSet) -> Style:
        return cls(tables.decimal_comma, tables.settings.rounding, column_words(tables.language, tables.settings.words))

    def percent(self, value: float | None) -> str:
        return fmt_percent(value, decimal_comma=self.comma, rounding=self.rounding)

    def p(self, value: float) -> str:
        return format_p(value, self.rounding, self.comma)

    def number(self, value: float, decimals: int = 2) -> str:
        return fmt_number(value, decimal_comma=self.comma, decimals=decimals, rounding=self.rounding)


def _frequency_block(t: FrequencyTable, style: Style, intervals: bool, weighted: bool) -> Block:
    words = style.words
    percent_head = f"{words.percent} *" if t.base_kind == "responses" else words.percent
    header: tuple[str, ...] = (t.label, words.count, percent_head)
    weighted = weighted and t.weighted_base is not None
    if weighted:
        header += (words.weighted_percent,)
    if intervals:
        header += (words.ci,)
    rows = []
    for r in t.rows:
        cells: tuple[str, ...] = (r.label, str(r.count), style.percent(r.percent))
        if weighted:
            cells += (style.percent(r.weighted_percent),)
        if intervals:
            cells += (fmt_interval(r.ci_low, r.ci_high, decimal_comma=style.comma, rounding=style.rounding),)
        rows.append(cells)
    if t.answered_only:
        rows.append((words.answered, str(t.base), "") + ("",) * (len(header) - 3))
    from .numeric import summary_note

    return Block(t.label, header, tuple(rows), _frequency_notes(t, style) + summary_note(t, style.comma, intervals, style.rounding))


def _frequency_notes(t: FrequencyTable, style: Style) -> tuple[str, ...]:
    words = style.words
    notes = [words.base + t.base_label.removeprefix("Base") + "."]
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
        notes.append(f"Median{' (weighted)' if t.effective_n is not None else ''}: {t.median}.")
    if t.kind == "quantitised":
        notes.extend(t.notes)
    if t.effective_n is not None:
        notes.append(f"Weighted; Kish effective n = {style.number(t.effective_n, decimals=1)}.")
    return tuple(notes)


def crosstab_header(ct: CrossTab, style: Style, weighted: bool) -> tuple[str, ...]:
    """The item, then per group and for the total: n, % (and weighted % when the study declares weights)."""
    words = style.words
    header: tuple[str, ...] = (ct.variable.label,)
    for label in [label for _, label in ct.groups] + [words.total]:
        header += (f"{label} {words.count}", f"{label} {words.percent}")
        if weighted:
            header += (f"{label} {words.weighted_percent}",)
    return header


def crosstab_cells(counts: list[int], percents: list[float], weighted: list[float | None] | None, style: Style) -> tuple[str, ...]:
    """One row's cells across the groups and the total (the layout of `crosstab_header`)."""
    cells: tuple[str, ...] = ()
    for i, (n, share) in enumerate(zip(counts, percents)):
        cells += (str(n), style.percent(share))
        if weighted is not None:
            cells += (style.percent(weighted[i]),)
    return cells


def _crosstab_block(ct: CrossTab, style: Style, weighted: bool) -> Block:
    weighted = weighted and ct.total.weighted_base is not None
    header = crosstab_header(ct, style, weighted)
    rows = []
    for i, option in enumerate(ct.variable.options):
        columns = (*ct.columns, ct.total)
        shares = [col.rows[i].weighted_percent for col in columns] if weighted else None
        rows.append((option.label,) + crosstab_cells([c.rows[i].count for c in columns], [c.rows[i].percent for c in columns],
                                                     shares, style))
    bases = ", ".join(f"{label} {col.base}" for (_, label), col in zip(ct.groups, ct.columns))
    notes = [f"Column percentages ({ct.total.base_kind}). Bases: {bases}; total {ct.total.base}."]
    if weighted:
        notes.append("Weighted % beside the unweighted counts and %.")
    ungrouped = ct.total.respondents - sum(col.respondents for col in ct.columns) - ct.apart
    if ungrouped > 0:
        notes.append(f"{ungrouped} respondent(s) with no value of {ct.by.label.lower()} are in the total only.")
    if ct.test is not None:
        notes += _test_notes(ct.test, style)
    if ct.note:
        notes.append(ct.note)
    return Block(f"{ct.variable.label} by {ct.by.label}", header, tuple(rows), tuple(notes))


def _test_notes(t: AssociationTest, style: Style) -> list[str]:
    stat = f"χ²({t.dof}) = {style.number(t.chi2)}, p {style.p(t.p_chi2)}"
    if t.method != "Pearson chi-square":
        stat += f"; {t.method}: p {style.p(t.p)}"
    stat += f"; Cramér's V = {style.number(t.cramers_v)}."
    return [stat] + (["Warning: " + t.warning + "."] if t.warning else [])
