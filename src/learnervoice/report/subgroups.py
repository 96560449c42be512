"""Subgroup tables as the report prints them: cross-tabs by one variable, with grouped charts and small-cell control.

The one place where the report's rules for subgroups live, so that the report (`assemble.py`) and every screen
that shows subgroups (the workbench's results page, `results.py`) hide the same cells: in a table crossing two
personal variables (report.yaml's `personal`), counts under k are suppressed (a group smaller than k is hidden
whole) or neighbouring categories merged (`small_cells`), and no chart is drawn of such a table. A screen adds its
own stricter rule for splits by a personal variable (`small_groups.py`, passed as `hide`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..study.load import Study
from .blocks import Block, Style, table_blocks
from .charts import Chart, grouped_chart
from .config import ReportConfig
from .disclosure import bands_of, merge_small_rows, numeric_subgroup_block, suppress_small_cells
from .small_groups import HiddenGroups, screened_crosstab, screened_numbers

if TYPE_CHECKING:
    from ..privacy.gate import Gate
    from ..store import QualStore
    from ..stats.tables import CrossTab


def subgroup_tables(
    study: Study, by: str, ids: tuple[str, ...] | list[str], config: ReportConfig, disclosure: list[str],
    *, gate: Gate | None = None, summarise: tuple[str, ...] | list[str] = (), qual: QualStore | None = None,
    notes: list[str] | None = None,
    hide: HiddenGroups | None = None,
) -> tuple[list[Block], list[Chart | None]]:
    """The items named (every item when none is) by `by`: a block and a chart (None: no chart) per item, then the
    numbers by group (those named in `summarise` too) with their test, without charts.

    A gate given releases every label before the tables are laid out and the charts drawn (a chart
    carries its labels inside the image); what was suppressed, merged or hidden is said in `disclosure`;
    an item named that cannot be split (open text) is said in `notes`.
    `hide` (a screen's split by a personal variable, `small_groups.py`) leaves small groups out of every table.
    """
    from dataclasses import replace

    from ..mixed.tables import crosstab_tables
    from .formats import released_tables

    wanted = list(ids) + [i for i in summarise if i not in ids]
    personal: int | dict[str, int] = {i: config.k for i in wanted if by in config.personal and i in config.personal}
    if hide is not None:
        personal = hide.k  # every number by a personal split: groups with fewer than k answers are left out too
    result = crosstab_tables(study, by, questions=wanted or None, summarise=summarise, test=config.numeric_test,
                             k=personal, qual=qual, hide=hide.codes if hide is not None else ())
    if gate is not None:
        result = released_tables(result, gate)
    if notes is not None:
        notes += [lo.note for lo in result.left_out if lo.variable_id in wanted]
    style = Style.of(result)
    blocks: list[Block] = []
    charts: list[Chart | None] = []
    for ct in result.crosstabs:
        ct, note = screened_crosstab(ct, hide) if hide is not None else (ct, "")
        block = table_blocks(replace(result, crosstabs=(ct,), numbers=()))[0]
        controlled = _controlled(study, ct, block, config, disclosure, style, result.weighted)
        blocks.append(_noted(controlled or block, note))
        charts.append(None if controlled else grouped_chart(ct, result.decimal_comma, style.rounding))
    for nt in result.numbers:
        nt, note = screened_numbers(nt, hide) if hide is not None else (nt, "")
        blocks.append(_noted(numeric_subgroup_block(nt, result.decimal_comma, disclosure, style.rounding), note))
        charts.append(None)
    return blocks, charts


def _noted(block: Block, note: str) -> Block:
    from dataclasses import replace

    return replace(block, notes=block.notes + (note,)) if note else block


def _controlled(
    study: Study, ct: CrossTab, block: Block, config: ReportConfig, disclosure: list[str], style: Style, weighted: bool,
) -> Block | None:
    """The block with small cells merged or suppressed when it crosses two personal variables and has any; else None."""
    if ct.by.id not in config.personal or ct.variable.id not in config.personal:
        return None
    if config.small_cells == "merge":
        merged_block, merged = merge_small_rows(ct, config.k, style, bands_of(study, ct.variable.id), weighted)
        if not merged:
            return None
        disclosure.append(f"{ct.variable.label} by {ct.by.label}: categories merged ({'; '.join(merged)}) so "
                          f"that no cell is under {config.k}; no chart drawn.")
        return merged_block
    hidden_block, hidden = suppress_small_cells(block, len(ct.groups), config.k, [c.respondents for c in ct.columns],
                                                [label for _, label in ct.groups])
    if not hidden:
        return None
    disclosure.append(f"{ct.variable.label} by {ct.by.label}: {hidden} cell(s) under {config.k} "
                      "suppressed (the table crosses two personal attributes); no chart drawn.")
    return hidden_block
