"""Rendered tables: every format writes, decimal commas, spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from learnervoice.report.blocks import table_blocks
from learnervoice.cli import app
from learnervoice.report.formats import render_text, write_tables
from learnervoice.stats.tables import frequency_tables
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study


@pytest.mark.parametrize("fmt", ["md", "html", "latex", "json", "csv"])
def test_text_formats(example: Study, fmt: str) -> None:
    text = render_text(frequency_tables(example), fmt)
    assert "Ideal length (months)" in text.replace("\\", "")
    if fmt in ("md", "html", "latex"):
        assert "37.8" in text  # From 2 to 3: 17 of 45 responses, one decimal
    if fmt == "json":
        assert json.loads(text)["rows"][0]["question_id"] == "age"


def test_markdown_shows_bases_and_footnote(example: Study) -> None:
    text = render_text(frequency_tables(example, questions=["motivations", "online_sync"]), "md")
    assert "| Motivations to participate in micro-credentials | Recount | % \\* |" in text
    assert "Base: 140 responses from 40 respondents (% of responses)." in text
    assert "Percentage of total responses" in text
    assert "Not in the base — no answer: 4; not asked: 1." in text


def test_docx_and_xlsx(example: Study, tmp_path: Path) -> None:
    tables = frequency_tables(example)
    write_tables(tables, "docx", tmp_path / "t.docx")
    write_tables(tables, "xlsx", tmp_path / "t.xlsx")
    doc = Document(str(tmp_path / "t.docx"))
    assert len(doc.tables) == len(table_blocks(tables))  # a grid's five items are one table
    assert len(table_blocks(tables)) == len(tables.frequencies) - 4
    assert doc.tables[0].rows[2].cells[2].text == "12.2%"
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames[0] == "Contents" and len(wb.sheetnames) == len(table_blocks(tables)) + 2  # contents, data
    assert wb["Data"].cell(1, 1).value == "question_id"
    assert wb["1 age"]["C6"].value == pytest.approx(0.122) and wb["1 age"]["C6"].number_format == "0.0%"  # 26-35: 5 of 41


def test_decimal_comma_for_catalan(tmp_path: Path) -> None:
    study = write_study(
        tmp_path / "s",
        "title: t\nlanguage: ca\nconsent: c\nquestions:\n"
        "  - {id: q, text: Q, type: single, options: [{code: a, label: A}, {code: b, label: B}]}\n",
    )
    (tmp_path / "r.csv").write_text("id,q\n1,A\n2,A\n3,B\n", encoding="utf-8")
    import_responses(study, tmp_path / "r.csv")
    assert "| A | 2 | 66,7% |" in render_text(frequency_tables(study), "md")


def test_formulas_are_neutralised(tmp_path: Path) -> None:
    study = write_study(
        tmp_path / "s",
        "title: t\nconsent: c\nquestions:\n"
        "  - {id: q, text: '=HYPERLINK(\"http://x\")', type: single, options: [{code: a, label: '+1 more'}, {code: b, label: '@SUM(A1)'}]}\n",
    )
    (tmp_path / "r.csv").write_text("id,q\n1,a\n2,b\n", encoding="utf-8")
    import_responses(study, tmp_path / "r.csv", mapping={"questions": {"q": "q"}})
    tables = frequency_tables(study)
    rows = list(csv.DictReader(io.StringIO(render_text(tables, "csv"))))
    assert rows[0]["question"].startswith("'=") and rows[0]["option"] == "'+1 more"
    write_tables(tables, "xlsx", tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'+1 more" in cells and len(wb.sheetnames) == 3
    assert not any(v.startswith(("=", "+", "@")) for v in cells)


def test_cli_writes_by_suffix(example: Study, tmp_path: Path) -> None:
    out = tmp_path / "tables.html"
    result = CliRunner().invoke(app, ["tables", str(example.folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(app, ["tables", str(example.folder), "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown format 'pdf'" in bad.output


def test_help_does_not_load_heavy_libraries() -> None:
    import subprocess
    import sys

    code = "import sys, learnervoice.cli; print(any(m in sys.modules for m in ('duckdb', 'pandas', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_sheet_is_named_for_its_table(example: Study, tmp_path: Path) -> None:
    """A grid is one table: the sheets after it keep their own tables' names (they were shifted by its items)."""
    tables = frequency_tables(example)
    write_tables(tables, "xlsx", tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    blocks, names = table_blocks(tables), wb.sheetnames[1:-1]  # between Contents and Data
    assert len(names) == len(blocks) and any(n.endswith(" importance") for n in names)
    assert all(wb[name]["A1"].value == block.title for name, block in zip(names, blocks))
    assert [n.split(" ", 1)[1] for n in names if not n.endswith(" importance")] == [
        t.variable_id for t in tables.frequencies if not t.variable_id.startswith("importance__")]
