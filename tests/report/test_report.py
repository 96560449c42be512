"""The study report: every format, the paper's tables, attributed quotes, reproducible bytes, no disclosure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import ReportError
from learnervoice.report.write import write_report
from learnervoice.study.load import Study


def test_html_is_self_contained_and_reproducible(example: Study, tmp_path: Path) -> None:
    first = write_report(example, tmp_path / "a.html").read_bytes()
    second = write_report(example, tmp_path / "b.html").read_bytes()
    assert first == second  # no timestamps, no random ids
    text = first.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", text) and "<link" not in text and "<script" not in text
    assert "<meta name=\"viewport\"" in text  # readable on a phone


def test_report_holds_the_papers_tables_and_themes(example: Study, tmp_path: Path) -> None:
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    for row in ("| 46-55 | 21 | 51.2% |", "| For the pleasure of learning new things | 25 | 17.9% |",
                "| From 2 to 3 | 17 | 37.8% |", "| Credentials are preferred / crucial | 35 | 94.6% |",
                "| Credentials are not essential | 2 | 5.4% |"):
        assert row in md, row
    assert "## RQ1: What motivates learners to pursue micro-credentials?" in md
    assert "Voiced by 35 participant(s)" in md  # the credentials theme, counted per participant
    quotes = re.findall(r"^> “(.+)” — (P\d\d)(.*)$", md, re.M)
    assert len(quotes) > 20 and all(attr == "" or attr.startswith(", ") for _, _, attr in quotes)
    assert "Krippendorff's alpha" in md and "unit: speaker turn" in md and "Codebook" in md
    assert "**Instrument**" in md and "| If online, do you prefer a course... | single |" in md


def test_attributions_are_coarsened_below_k(example: Study, tmp_path: Path) -> None:
    """Every attribution shown is shared by at least k = 3 participants; what was coarsened is listed."""
    from learnervoice.study.roster import load_roster

    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    people = [p.attributes for p in load_roster(example).participants if not p.is_moderator]
    for _, _, attrs in re.findall(r"^> “(.+)” — (P\d\d)(.*)$", md, re.M):
        values = [v for v in attrs.split(", ") if v]
        assert sum(1 for p in people if all(v in p.values() for v in values)) >= 3, values
    assert "## Disclosure control" in md and "left out (fewer than 3 participants share it)" in md


def test_docx(example: Study, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(example.folder), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "r.docx"))
    assert len(doc.tables) == 43  # 17 survey and quantitised tables (the grid one), 12 cross-tabs, 2 numbers by group, 9 joint displays, 2 alignment, instrument, codebook
    assert any(p.style is not None and p.style.name == "Quote" for p in doc.paragraphs)


def test_a_name_in_the_codebook_is_pseudonymised(example: Study, tmp_path: Path) -> None:
    """A participant's name slipped into codebook.yaml: the store, and so the report, hold the pseudonym."""
    path = example.folder / "codebook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "What participants knew of the term before the study.", "As Marta Soler explained."), encoding="utf-8")
    from learnervoice.workspace import open_workspace

    open_workspace(example).close()  # as every command opens the study
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "As P02 explained." in md and "Soler" not in md


def test_a_name_stops_the_report(example: Study, tmp_path: Path) -> None:
    """A name that reached the store another way (an older version, another tool): the report refuses, writes nothing."""
    from learnervoice.store import QualStore
    from learnervoice.store.schema import codes

    store = QualStore.for_study(example)
    from learnervoice.qual.sync import sync_declared

    sync_declared(example, store)
    with store.write() as conn:
        conn.execute(codes.update().where(codes.c.key == "familiarity").values(description="As Ms Soler explained."))
    store.close()
    with pytest.raises(ReportError, match="would disclose a name of P02"):
        write_report(example, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_unknown_format(example: Study, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(example.folder), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "unknown report format 'pdf'" in result.output


def test_default_layout_without_report_yaml(example: Study, tmp_path: Path) -> None:
    (example.folder / "report.yaml").unlink()
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## Results" in md and "## Methods appendix" in md and "### Credentials" in md


def test_every_chart_has_alt_text(example: Study, tmp_path: Path) -> None:
    html = write_report(example, tmp_path / "r.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure><svg role=\"img\" aria-label=\"([^\"]+)\"", html)
    assert len(figures) == html.count("<figure>") == 27  # one per table, one per cross-tab not suppressed
    assert any(alt.startswith("Bar chart of Preference for credentials: Credentials are preferred / crucial 94.6% (35)")
               for alt in figures)
    write_report(example, tmp_path / "r.docx")
    doc = Document(str(tmp_path / "r.docx"))
    described = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert len(described) == 27 and all(d and d.startswith(("Bar chart of ", "Grouped bar chart of ",
                                                            "Diverging stacked bar chart of ")) for d in described)
    assert any(alt.startswith("Diverging stacked bar chart of How important is each of these features") for alt in figures)


def test_joint_displays_with_machine_notes(example: Study, tmp_path: Path) -> None:
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "**Joint display: Course length**" in md
    assert "| One to three months | Less than 1, From 1 to 2, From 2 to 3 | 68.9% | 24 of 34 |" in md
    assert "The strands agree on course length: 'One to three months' leads in the survey (68.9%)" in md
    assert "The strands diverge on motivations: the survey leans to 'Pleasure of learning' (17.9%)" in md


def test_joint_display_naming_an_unknown_option(example: Study, tmp_path: Path) -> None:
    path = example.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("length_short: [lt1, m1_2, m2_3]", "length_short: [lt1, weeks]"),
                    encoding="utf-8")
    with pytest.raises(ReportError, match="joint display 'Course length': 'length' has no option\\(s\\) \\['weeks'\\]"):
        write_report(example, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_appendix_lists_the_published_inconsistencies(example: Study, tmp_path: Path) -> None:
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    appendix = md.split("## Methods appendix", 1)[1]
    assert "Inconsistencies found in the published figures" in appendix
    assert "'Other': printed 4.8 where 2/41 is 4.878…%, which rounds half up to 4.9" in appendix
    assert "percentages imply a base of 140" in appendix


def test_small_cells_crossing_personal_attributes_are_suppressed(example: Study, tmp_path: Path) -> None:
    """Age by career stage crosses two personal attributes: counts under k = 3 are hidden, with one more in the row."""
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| 46-55 | <3 |  | · |  | 21 | 51.2% |" in md
    assert "**Age (years) by Career stage**" in md and "suppressed (the table crosses two personal attributes)" in md
    # a table crossing one personal attribute with an answer keeps its counts and gets a grouped chart
    assert "| More than 6 | 2 | 14.3% | 1 | 3.2% | 3 | 6.7% |" in md


def test_suppression_unit() -> None:
    from learnervoice.report.blocks import Block
    from learnervoice.report.disclosure import suppress_small_cells

    block = Block("t", ("x", "a n", "a %", "b n", "b %", "T n", "T %"),
                  (("r1", "1", "10.0%", "9", "90.0%", "10", "100.0%"), ("r2", "5", "50.0%", "5", "50.0%", "10", "100.0%")), ())
    out, hidden = suppress_small_cells(block, 2, 3)
    assert hidden == 2 and out.rows[0][1:5] == ("<3", "", "·", "") and out.rows[1] == block.rows[1]


def test_a_row_whose_hidden_counts_are_fewer_than_k_hides_its_total() -> None:
    """Found by a tester on the results page: '<3, 0, 0' beside a total of 1 named the group of the one person who
    preferred not to say their gender; hiding a 0 as well would not help (the total less the rest is still 1)."""
    from learnervoice.report.blocks import Block
    from learnervoice.report.disclosure import suppress_small_cells

    block = Block("t", ("x", "a n", "a %", "b n", "b %", "c n", "c %", "T n", "T %"),
                  (("r1", "1", "10.0%", "0", "0.0%", "0", "0.0%", "1", "2.5%"),
                   ("r2", "1", "10.0%", "9", "60.0%", "5", "33.3%", "15", "37.5%")), ())
    out, _ = suppress_small_cells(block, 3, 3)
    assert out.rows[0][1] == "<3" and out.rows[0][7] == "·"  # its total hidden: 1 - 0 - 0 would say where
    assert out.rows[1][7] == "15"  # <3 and · hide 1 + 5: the total gives neither back
    assert any("row's total is hidden too" in n for n in out.notes)


def test_suppression_hides_groups_smaller_than_k() -> None:
    """A group of 2 with k = 3: its zeros would tell where its two members are, so the whole column goes."""
    from learnervoice.report.blocks import Block
    from learnervoice.report.disclosure import suppress_small_cells

    block = Block("t", ("x", "a n", "a %", "b n", "b %", "T n", "T %"),
                  (("r1", "0", "0.0%", "9", "45.0%", "9", "40.9%"), ("r2", "2", "100.0%", "11", "55.0%", "13", "59.1%")),
                  ("Column percentages (valid). Bases: a 2, b 20; total 22.",))
    out, hidden = suppress_small_cells(block, 2, 3, [2, 20])
    assert [row[1] for row in out.rows] == ["·", "<3"]
    assert out.rows[0][3] != "9" and out.rows[1][3] != "11"  # the row totals cannot give the hidden cells back
    assert out.notes[0] == "Column percentages (valid). Bases: a <3, b 20; total 22."
    assert "a: fewer than 3 respondents" in out.notes[1]


def test_subgroup_joint_displays(example: Study, tmp_path: Path) -> None:
    """Junior and senior learners: the strands compared within each group."""
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "**Joint display: Motivations, by career stage**" in md
    assert "| Showing skills to employers | 27.3% | 10 of 11 | 7.3% | 3 of 26 |" in md
    assert "Junior (under 10 years): The strands agree on motivations: 'Showing skills to employers' leads" in md
    assert "Senior (10 years or more): The strands diverge on motivations" in md
    # personal vs professional motivation: the survey's derived grouping beside the participants' predominant codes
    display = md.split("**Joint display: Course length, by motivation**", 1)[1].split("\n\n*", 1)[0]
    assert "Mainly personal: survey %" in display and "Personal and professional alike: participants" in display
    assert "| One to three months | 71.4% | 3 of 6 |" in display


def test_small_cells_merged_when_configured(example: Study, tmp_path: Path) -> None:
    path = example.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("k: 3\n", "k: 3\nsmall_cells: merge\n"), encoding="utf-8")
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    table = md.split("**Age (years) by Career stage**", 1)[1].split("\n\n*", 1)[0]
    counts = [int(c) for line in table.splitlines()[3:] for c in line.split(" | ")[1:5:2]]
    assert counts and all(n == 0 or n >= 3 for n in counts)  # no group cell under k after merging
    assert "| 36 or more | 7 | 58.3% | 29 | 100.0% | 36 | 87.8% |" in table  # merged bands named by their span
    assert "categories merged" in md


def test_bad_report_yaml_names_its_line(example: Study, tmp_path: Path) -> None:
    from learnervoice.errors import StudyError

    path = example.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("k: 3\n", "k: 0\n"), encoding="utf-8")
    with pytest.raises(StudyError, match=r"report.yaml, line \d+: k: Input should be greater than or equal to 1"):
        write_report(example, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_three_coders_report_fleiss_kappa(example: Study, tmp_path: Path) -> None:
    """Cohen's kappa is for pairs: with a third coder the appendix gives Fleiss' kappa instead of failing."""
    runner = CliRunner()
    coded = runner.invoke(app, ["code", str(example.folder), "--auto", "online", "--pattern", "online|virtual", "--coder", "zed"])
    assert coded.exit_code == 0, coded.output
    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Fleiss' kappa" in md and "coder_a, coder_b, zed" in md
