"""Grids and rankings in tables and the report: their blocks, the diverging stacked bar chart, the report section."""

from __future__ import annotations

import math
import re

import pytest

from learnervoice.report.assemble import build_report
from learnervoice.report.battery_blocks import grid_block, ranking_block
from learnervoice.report.diverging import MIDDLE, diverging_offsets, grid_chart, ranking_chart, scale_colours
from learnervoice.stats.batteries import GridRow, GridTable, RankingRow, RankingTable
from learnervoice.study.load import Study
from learnervoice.study.model import Option

SCALE = tuple(Option(code=str(i), label=label) for i, label in enumerate(["Never", "Rarely", "Sometimes", "Often",
                                                                            "Always"], 1))
GRID = GridTable("g", "How often?", SCALE, (1.0, 2.0, 3.0, 4.0, 5.0), (
    GridRow("g__x", "Reading", 20, (10.0, 20.0, 40.0, 20.0, 10.0), 3.0, 1.12, 30.0, 30.0),
    GridRow("g__y", "Writing", 10, (0.0, 0.0, 10.0, 30.0, 60.0), 4.5, 0.71, 90.0, 0.0, missing=2),
    GridRow("g__z", "Nobody answered", 0, (math.nan,) * 5, math.nan, math.nan, math.nan, math.nan),
))


def test_diverging_geometry() -> None:
    """Lower points left of zero, the middle point split across it, higher points right (Robbins & Heiberger)."""
    starts = diverging_offsets((10.0, 20.0, 40.0, 20.0, 10.0))
    assert starts == [-50.0, -40.0, -20.0, 20.0, 40.0]  # the middle runs from -20 to +20
    starts = diverging_offsets((0.0, 0.0, 10.0, 30.0, 60.0))
    assert starts[2] == -5.0 and starts[3] == 5.0 and starts[4] + 60.0 == 95.0
    assert diverging_offsets((25.0, 25.0, 30.0, 20.0)) == [-50.0, -25.0, 0.0, 30.0]  # an even scale: no middle
    assert diverging_offsets((math.nan,) * 3) == [0.0, 0.0, 0.0]


def test_colours_diverge_around_a_grey_middle() -> None:
    five, four, seven = scale_colours(5), scale_colours(4), scale_colours(7)
    assert five[2] == MIDDLE and MIDDLE not in four and seven[3] == MIDDLE
    assert len(set(five)) == 5 and len(set(seven)) == 7 and len(four) == 4
    assert five[:2] == ["#B35806", "#FDB863"] and five[3:] == ["#B2ABD2", "#542788"]  # orange low, purple high


def test_grid_chart_is_accessible() -> None:
    chart = grid_chart(GRID, decimal_comma=False)
    assert chart.png.startswith(b"\x89PNG")
    assert chart.svg.startswith('<svg role="img" aria-label="Diverging stacked bar chart of How often?')
    assert "Reading (n=20, mean 3.00): Never 10.0%, Rarely 20.0%, Sometimes 40.0%, Often 20.0%, Always 10.0%" in chart.alt
    assert "<title>" in chart.svg and all(label in chart.svg for label in ("Never", "Always", "Reading", "Writing"))
    assert grid_chart(GRID, decimal_comma=True).alt.count("10,0%") == 3
    assert grid_chart(GRID, decimal_comma=False).svg == chart.svg  # the same data, the same file


def test_grid_block() -> None:
    block = grid_block(GRID, comma=False)
    assert block.header == ("How often?", "n", "Never %", "Rarely %", "Sometimes %", "Often %", "Always %", "Mean", "SD",
                            "Top 2 %", "Bottom 2 %")
    assert block.rows[1] == ("Writing", "10", "0.0%", "0.0%", "10.0%", "30.0%", "60.0%", "4.50", "0.71", "90.0%", "0.0%")
    assert block.rows[2][1:3] == ("0", "") and block.rows[2][7] == "–"
    assert "Top 2: Always or Often; bottom 2: Never or Rarely." in block.notes
    assert "Not in the bases — no answer: Writing 2." in block.notes


def test_ranking_block_and_chart() -> None:
    table = RankingTable("r", "Rank the courses", 4, 50, (
        RankingRow("a", "Alpha", 40, 1.8, 46.0, 90.0), RankingRow("b", "Beta", 12, 3.25, 4.0, 12.0)), missing=3)
    block = ranking_block(table, comma=True)
    assert block.header == ("Rank the courses", "n ranked", "Mean rank", "Ranked first %", "Top 3 %")
    assert block.rows[0] == ("Alpha", "40", "1,80", "46,0%", "90,0%")
    assert block.notes[0].startswith("Base: 50 respondents who ranked at least one option")
    assert "lower is preferred" in block.notes[1] and "ranked nothing: 3" in block.notes[2]
    chart = ranking_chart(table, decimal_comma=False)
    assert "Alpha 46.0% ranked first, mean rank 1.80 (n=40)" in chart.alt


def test_the_example_report_shows_the_grid_with_its_chart(example: Study) -> None:
    report = build_report(example)
    section = next(s for s in report.sections if s.title.startswith("RQ2"))
    at = next(i for i, b in enumerate(section.tables) if b.title.startswith("How important is each"))
    block, chart = section.tables[at], section.charts[at]
    assert [row[0] for row in block.rows][0] == "Flexibility"  # sorted by mean, as study.yaml asks
    assert chart is not None and chart.alt.startswith("Diverging stacked bar chart of How important is each")
    means = [float(row[7]) for row in block.rows]
    assert means == sorted(means, reverse=True)
    assert re.search(r"Short length \(n=41, mean \d\.\d\d\)", chart.alt)


def test_a_grid_cannot_split_tables_but_its_items_can(example: Study) -> None:
    from learnervoice.errors import TableError
    from learnervoice.stats.tables import crosstab_tables

    with pytest.raises(TableError, match="'importance' is a grid: name one of its items"):
        crosstab_tables(example, "importance", questions=["mode"])
    by_item = crosstab_tables(example, "importance__price", questions=["mode"])
    assert by_item.crosstabs[0].by.label.endswith("— Price")
    grid_by_stage = crosstab_tables(example, "career_stage", questions=["importance"])
    assert [ct.variable.id for ct in grid_by_stage.crosstabs] == [f"importance__{i}" for i in (
        "certificate", "flexibility", "price", "recognition", "short_length")]


def test_a_three_point_grid_has_a_top_box_of_one_point() -> None:
    """On three points a 'top 2' would hold the middle: the top and bottom boxes are the end points alone."""
    from learnervoice.stats.batteries import grid_table
    from learnervoice.stats.frequencies import FrequencyTable, TableRow
    from learnervoice.study.model import Grid

    grid = Grid(id="g", text="Like it?", type="grid", items=({"id": "x", "text": "X"},),  # type: ignore[arg-type]
                options=tuple({"code": c, "label": c.title()} for c in ("no", "maybe", "yes")))  # type: ignore[arg-type]
    rows = tuple(TableRow(c, c, n, 100 * n / 10) for c, n in (("no", 2), ("maybe", 3), ("yes", 5)))
    table = grid_table(grid, [FrequencyTable("g__x", "X", "likert", "valid", rows, 10, 0, 0, 10)], weighted=False)
    assert (table.rows[0].top2, table.rows[0].bottom2, table.rows[0].mean) == (50.0, 20.0, 2.3)
    block = grid_block(table, comma=False)
    assert block.header[-2:] == ("Top box %", "Bottom box %") and "Top box: Yes; bottom box: No." in block.notes
