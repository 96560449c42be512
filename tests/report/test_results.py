"""What a screen shows of a study's results (report/results.py) and the report as bytes (report/write.report_document)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from learnervoice.errors import NotAllowedError, TableError
from learnervoice.privacy.gate import gate_for
from learnervoice.report.results import grouping_choices, study_results
from learnervoice.study import open_study
from learnervoice.study.load import Study


def test_the_tables_are_the_tablesets_with_a_chart_each(example: Study) -> None:
    from learnervoice.mixed.tables import frequency_tables
    from learnervoice.report.assemble import question_tables
    from learnervoice.report.blocks import table_blocks

    shown = study_results(example, None, gate=gate_for(example))
    expected = frequency_tables(example)
    assert [s.block for s in shown.tables] == table_blocks(expected)  # what `tables` and the report lay out
    blocks, charts = question_tables(expected)  # a grid as one table, with its diverging bars
    assert [s.chart is not None for s in shown.tables] == [c is not None for c in charts] and blocks == table_blocks(expected)
    assert shown.joint and shown.joint[0].title == "Joint display: Course length" and shown.joint_problem is None
    assert "career_stage" in [c.id for c in shown.groupings] and "motivations" not in [c.id for c in shown.groupings]


def test_without_the_codings_nothing_made_of_them_is_shown(example: Study) -> None:
    shown = study_results(example, None, codings=False, gate=gate_for(example))
    quantitised = {v.id for v in example.config.quantitised}
    assert shown.joint is None and not quantitised & {c.id for c in shown.questions}
    assert not any(s.block.title == "Preference for credentials" for s in shown.tables)
    split = study_results(example, None, by="career_stage", codings=False, gate=gate_for(example))
    assert not any(s.block.title.startswith("Mentions price") for s in split.tables)  # a code of the open answers
    assert any(s.block.title.startswith("Mentions price") for s in
               study_results(example, None, by="career_stage", gate=gate_for(example)).tables)
    with pytest.raises(NotAllowedError, match="coding is blind"):
        study_results(example, None, questions=["credentials_preference"], codings=False, gate=gate_for(example))


def test_a_split_is_the_reports_subgroup_control(example: Study) -> None:
    shown = study_results(example, None, by="status", questions=["age", "familiar"], gate=gate_for(example))
    age, familiar = shown.tables
    assert age.chart is None and familiar.chart is not None  # two personal attributes crossed: no chart
    assert shown.personal_k == 3 and shown.withheld is None  # a personal split: its groups under 3 are left out
    assert "2 groups of fewer than 3 people are not shown." in " ".join(age.block.notes)
    assert not any(h.startswith(("Studying full time", "Inactive")) for h in age.block.header)
    assert shown.disclosure[0].startswith("Age (years) by Professional status: ")
    for by, message in (("nope", "no question or derived variable 'nope'"), ("gender", "cannot split the tables")):
        with pytest.raises(TableError, match=message):
            study_results(example, None, by=by, gate=gate_for(example))
    assert [c.id for c in grouping_choices(example)][:3] == ["age", "degree", "status"]


def test_labels_are_released_before_a_chart_draws_them(example: Study) -> None:
    """A name in an option label is replaced in the table and inside the chart's image (which no page release reaches)."""
    path = example.folder / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('label: "Yes"}', 'label: "Yes, as Laia Ferrer said"}', 1),
                    encoding="utf-8")
    study = open_study(example.folder)
    familiar = study_results(study, None, questions=["familiar"], gate=gate_for(study)).tables[0]
    assert familiar.chart is not None
    image = familiar.chart.svg + base64.b64encode(familiar.chart.png).decode()
    assert "Laia" not in familiar.block.rows[1][0] and "Laia" not in familiar.chart.alt and "Laia" not in image
    assert familiar.block.rows[1][0] == "Yes, as M1 said"


def test_the_report_as_bytes_is_the_report_written(example: Study, tmp_path: Path) -> None:
    from learnervoice.report.write import report_document, write_report

    written = write_report(example, tmp_path / "report.html")
    assert report_document(example, "html") == written.read_bytes()
    assert report_document(example, "docx")[:2] == b"PK"
    with pytest.raises(Exception, match="unknown report format 'pdf'"):
        report_document(example, "pdf")
