"""Tables a user would publish: the study's column words, one rounding rule in every format, Markdown without
HTML entities, an XLSX sheet per table with a contents sheet, weighted columns wherever weights apply, and a
methods appendix that names only what the study has."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.report.formats import render_text, write_tables
from learnervoice.report.words import column_words
from learnervoice.report.write import write_report
from learnervoice.report.writers.md import md_text
from learnervoice.report.writers.xlsx import sheet_names
from learnervoice.stats.tables import crosstab_tables, frequency_tables
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

QUESTIONS = """questions:
  - {id: g, text: Group, type: single, options: [{code: a, label: Left}, {code: b, label: Right}]}
  - {id: q, text: 'Answer | with a pipe', type: single, options: [{code: y, label: Yes}, {code: n, label: '<b>No</b> & more'}]}
  - {id: h, text: Agree?, type: single, options: [{code: a, label: Agree}, {code: d, label: Disagree}]}
  - {id: wt, text: Survey weight, type: numeric}
"""


def _study(tmp_path: Path, head: str = "", *, rows: int = 16) -> Study:
    """16 respondents: 1 says Yes (1/16 = 6.25%, a tie); the group splits Agree? completely (p < .001)."""
    study = write_study(tmp_path / "s", f"title: Publish\nconsent: c\n{head}{QUESTIONS}")
    lines = ["id,g,q,h,wt"]
    for i in range(rows):
        left = i < rows // 2
        answer = "Yes" if i == 0 else "<b>No</b> & more"
        lines.append(f"r{i},{'Left' if left else 'Right'},{answer},{'Agree' if left else 'Disagree'},{1 + i % 3}")
    (tmp_path / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_responses(study, tmp_path / "r.csv")
    return study


# --- rounding: half up everywhere, half to even on request -------------------------------------


@pytest.mark.parametrize(("head", "shown"), [("", "6.3"), ("tables: {rounding: half_even}\n", "6.2")])
def test_one_rule_in_every_format(tmp_path: Path, head: str, shown: str) -> None:
    study = _study(tmp_path, head)
    tables = frequency_tables(study, questions=["q"], weighted=False)
    assert f"| Yes | 1 | {shown}% |" in render_text(tables, "md")
    assert f">{shown}%<" in render_text(tables, "html")
    rows = list(csv.DictReader(io.StringIO(render_text(tables, "csv"))))
    assert rows[0]["percent_printed"] == shown and rows[0]["percent"] == "6.25"
    assert json.loads(render_text(tables, "json"))["rows"][0]["percent_printed"] == float(shown)
    write_tables(tables, "docx", tmp_path / "t.docx")
    assert Document(str(tmp_path / "t.docx")).tables[0].rows[1].cells[2].text == f"{shown}%"
    write_tables(tables, "xlsx", tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx")["1 q"]["C5"]
    assert cell.value == pytest.approx(float(shown) / 100) and cell.number_format == "0.0%"


# --- column words ---------------------------------------------------------------------------------


def test_column_words_from_the_language_and_the_study(tmp_path: Path) -> None:
    assert column_words("en").count == "n" and column_words("xx").count == "n"  # English for a language not listed
    spanish = _study(tmp_path, "language: es\nweight: wt\n")
    text = render_text(crosstab_tables(spanish, "g", questions=["q"]), "md")
    assert "| Left n | Left % | Left % ponderado |" in text and "| Total n | Total % | Total % ponderado |" in text
    assert "| Yes | 1 | 12,5% |" in text  # and its decimal comma
    own = _study(tmp_path / "own", "tables:\n  words: {count: Frecuencia, percent: Porcentaje, total: Todos}\n")
    assert "| Answer \\| with a pipe | Frecuencia | Porcentaje |" in render_text(frequency_tables(own, questions=["q"]), "md")
    assert "| Todos Frecuencia | Todos Porcentaje |" in render_text(crosstab_tables(own, "g", questions=["q"]), "md")


def test_unknown_column_word_is_refused(tmp_path: Path) -> None:
    from learnervoice.errors import StudyError

    with pytest.raises(StudyError, match="tables"):
        write_study(tmp_path / "s", "title: t\nconsent: c\ntables: {words: {frequency: F}}\n")


def test_the_example_keeps_the_papers_word(example: Study) -> None:
    assert example.config.tables.words == {"count": "Recount"}
    assert "| Gender | Recount | % |" in render_text(frequency_tables(example, questions=["gender"]), "md")


# --- Markdown ---------------------------------------------------------------------------------------


def test_markdown_has_no_html_entities(tmp_path: Path) -> None:
    study = _study(tmp_path)
    text = render_text(crosstab_tables(study, "g", questions=["q", "h"], weighted=False), "md")
    assert "p < .001" in text
    assert "&lt;" not in text and "&amp;" not in text
    assert "| \\<b>No\\</b> & more |" in text  # a tag is escaped with a backslash: it prints as written
    assert md_text("p < .001") == "p < .001" and md_text("a|b") == "a\\|b" and md_text("1. first") == "1\\. first"


def test_report_markdown_escapes_with_backslashes(tmp_path: Path) -> None:
    study = _study(tmp_path, rows=60)
    (study.folder / "report.yaml").write_text(
        "sections:\n  - {kind: question, title: 'Results <draft>', tables: [q]}\n"
        "  - {kind: subgroups, title: By group, by: g, tables: [h]}\n  - {kind: appendix, title: Methods}\n",
        encoding="utf-8")
    text = write_report(study, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "p < .001" in text and "&lt;" not in text
    assert "## Results \\<draft>" in text


# --- the methods appendix ---------------------------------------------------------------------------


def test_appendix_names_only_what_the_study_has(tmp_path: Path) -> None:
    study = _study(tmp_path)
    (study.folder / "report.yaml").write_text(
        "sections:\n  - {kind: question, title: Results, tables: [q]}\n  - {kind: appendix, title: Methods}\n", encoding="utf-8")
    text = write_report(study, tmp_path / "r.md").read_text(encoding="utf-8")
    methods = text.split("## Methods", 1)[1]
    for absent in ("career_stage", "gender", "Weights", "Transcripts", "coder", "Codebook", "quotes are attributed",
                   "test of association", "Disclosure control"):
        assert absent not in methods, absent
    assert "Percentages are rounded half up to one decimal." in methods


def test_appendix_says_weights_and_tests_when_used(tmp_path: Path) -> None:
    study = _study(tmp_path, "weight: wt\n")
    (study.folder / "report.yaml").write_text(
        "personal: [g, q]\nsections:\n  - {kind: subgroups, title: By group, by: g, tables: [q]}\n"
        "  - {kind: appendix, title: Methods}\n", encoding="utf-8")
    methods = write_report(study, tmp_path / "r.md").read_text(encoding="utf-8").split("## Methods", 1)[1]
    assert "Weights: answers are weighted by “Survey weight” (wt)" in methods
    assert "Fisher's exact test" in methods
    assert "counts under 3 are shown as <3" in methods and "quotes" not in methods


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_sheet_per_table_with_contents(example: Study, tmp_path: Path) -> None:
    tables = crosstab_tables(example, "career_stage")
    write_tables(tables, "xlsx", tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames[0] == "Contents" and wb.sheetnames[-1] == "Data"
    assert len(wb.sheetnames) == len(tables.crosstabs) + len(tables.numbers) + 2  # numbers by group too
    names = wb.sheetnames[1:-1]
    assert all(len(n) <= 31 for n in names) and len({n.casefold() for n in names}) == len(names)
    contents = wb["Contents"]
    links = [contents.cell(r, 1).hyperlink.location for r in range(5, 5 + len(names))]
    assert links == [f"'{n}'!A1" for n in names]
    sheet = wb[names[0]]
    assert sheet["A1"].value == "Age (years) by Career stage" and sheet["A1"].font.b
    assert sheet["B4"].value == "Junior (under 10 years) Recount" and sheet["B4"].font.b and sheet["B4"].fill.fgColor.rgb.endswith("DDE6F0")
    numbers = [c for row in sheet.iter_rows(min_row=5, max_row=10, min_col=2) for c in row if c.value is not None]
    assert numbers and all(isinstance(c.value, (int, float)) for c in numbers)
    percents = [c for c in numbers if c.number_format == "0.0%"]
    assert percents and all(round(c.value * 1000) == pytest.approx(c.value * 1000) for c in percents)  # as printed


def test_sheet_names_keep_excels_rules() -> None:
    names = sheet_names(["Q: what? [1/2]", "q: WHAT? [1/2]", "x" * 40, "x" * 40, "History", "'"], taken={"Contents"})
    assert names[0] == "Q_ what_ _1_2_" and names[1] == "q_ WHAT_ _1_2_ (2)"
    assert names[2] == "x" * 31 and names[3] == "x" * 27 + " (2)" and names[4] == "History_" and names[5] == "Table"
    assert all(len(n) <= 31 and not set(n) & set(":\\/?*[]") for n in names)


# --- weighted columns -------------------------------------------------------------------------------


def test_weighted_columns_in_csv_json_and_by_tables(tmp_path: Path) -> None:
    study = _study(tmp_path, "weight: wt\n")
    result = CliRunner().invoke(app, ["tables", str(study.folder), "-f", "csv", "-q", "q"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[-3:] == ["weighted_percent", "weighted_percent_printed", "weighted_base"]
    yes = rows[0]
    assert float(yes["weighted_percent"]) == pytest.approx(100 * 1 / 31)  # weights 1,2,3,1,2,3…: 31 in all, r0 has 1
    assert yes["weighted_percent_printed"] == "3.2" and float(yes["weighted_base"]) == 31
    by = CliRunner().invoke(app, ["tables", str(study.folder), "-f", "csv", "-q", "q", "--by", "g"]).stdout
    assert "weighted_percent_printed" in by.splitlines()[0]
    doc = json.loads(CliRunner().invoke(app, ["tables", str(study.folder), "-f", "json", "-q", "q"]).stdout)
    assert doc["rows"][0]["weighted_percent_printed"] == 3.2 and doc["rounding"] == "half_up"
    md = CliRunner().invoke(app, ["tables", str(study.folder), "-q", "q", "--by", "g"]).stdout
    assert "| Left n | Left % | Left Weighted % |" in md
    plain = CliRunner().invoke(app, ["tables", str(study.folder), "-f", "csv", "-q", "q", "--unweighted"]).stdout
    assert "weighted" not in plain.splitlines()[0]


def test_small_cells_with_weighted_columns(tmp_path: Path) -> None:
    """Suppression hides a group's n, % and weighted % together; merging adds the weighted % of the rows it joins."""
    from learnervoice.report.blocks import Block
    from learnervoice.report.disclosure import suppress_small_cells

    block = Block("t", ("x", "a n", "a %", "a w%", "b n", "b %", "b w%", "T n", "T %", "T w%"),
                  (("r1", "1", "10.0%", "9.0%", "9", "90.0%", "91.0%", "10", "50.0%", "50.0%"),), ())
    out, hidden = suppress_small_cells(block, 2, 3, names=["a", "b"])
    assert hidden == 2 and out.rows[0][1:7] == ("<3", "", "", "·", "", "") and out.rows[0][7:] == block.rows[0][7:]
    study = _study(tmp_path, "weight: wt\n")
    (study.folder / "report.yaml").write_text(
        "personal: [g, q]\nsmall_cells: merge\nsections:\n  - {kind: subgroups, title: By group, by: g, tables: [q]}\n",
        encoding="utf-8")
    text = write_report(study, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| Left n | Left % | Left Weighted % |" in text
    merged = next(line for line in text.splitlines() if line.startswith("| Yes"))
    assert merged.endswith("| 8 | 100.0% | 100.0% | 8 | 100.0% | 100.0% | 16 | 100.0% | 100.0% |"), merged
