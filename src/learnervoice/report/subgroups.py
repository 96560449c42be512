"""Subgroup tables as the report prints them: cross-tabs by one variable, with grouped charts and small-cell control.

The one place where the report's rules for subgroups live, so that the report (`assemble.py`) and every screen
that shows subgroups (the workbench's results page, `results.py`) hide the same cells: in a table crossing two
personal variables (report.yaml's `personal`), counts under k are suppressed (a group smaller than k is hidden
whole) or neighbouring categories merged (`small_cells`), and no chart is drawn of such a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..study.load import Study
from .blocks import Block, table_blocks
from .charts import Chart, grouped_chart
from .config import ReportConfig
from .disclosure import bands_of, merge_small_rows, suppress_small_cells

if TYPE_CHECKING:
    from ..privacy.gate import Gate
    from ..stats.tables import CrossTab


def subgroup_tables(
    study: Study, by: str, ids: tuple[str, ...] | list[str], config: ReportConfig, disclosure: list[str],
    *, gate: Gate | None = None,
) -> tuple[list[Block], list[Chart | None]]:
    """The items named (every item when none is) by `by`: a block and a chart (None: no chart) per item.

    A gate given releases every label before the tables are laid out and the charts drawn (a chart
    carries its labels inside the image); what was suppressed or merged is said in `disclosure`.
    """
    from ..stats.tables import crosstab_tables
    from .formats import released_tables

    result = crosstab_tables(study, by, questions=list(ids) or None)
    if gate is not None:
        result = released_tables(result, gate)
    blocks: list[Block] = []
    charts: list[Chart | None] = []
    for ct, block in zip(result.crosstabs, table_blocks(result)):
        controlled = _controlled(study, ct, block, config, disclosure, result.decimal_comma)
        blocks.append(controlled or block)
        charts.append(None if controlled else grouped_chart(ct, result.decimal_comma))
    return blocks, charts


def _controlled(
    study: Study, ct: CrossTab, block: Block, config: ReportConfig, disclosure: list[str], comma: bool,
) -> Block | None:
    """The block with small cells merged or suppressed when it crosses two personal variables and has any; else None."""
    if ct.by.id not in config.personal or ct.variable.id not in config.personal:
        return None
    if config.small_cells == "merge":
        merged_block, merged = merge_small_rows(ct, config.k, comma, bands_of(study, ct.variable.id))
        if not merged:
            return None
        disclosure.append(f"{ct.variable.label} by {ct.by.label}: categories merged ({'; '.join(merged)}) so "
                          f"that no cell is under {config.k}; no chart drawn.")
        return merged_block
    hidden_block, hidden = suppress_small_cells(block, len(ct.groups), config.k, [c.respondents for c in ct.columns])
    if not hidden:
        return None
    disclosure.append(f"{ct.variable.label} by {ct.by.label}: {hidden} cell(s) under {config.k} "
                      "suppressed (the table crosses two personal attributes); no chart drawn.")
    return hidden_block
