"""Mappings: inferred and printed, given in a file or in study.yaml, and refused when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import InvalidResponsesError, StudyError
from learnervoice.stats.tables import frequency_tables
from learnervoice.workspace import open_workspace
from learnervoice.survey.importer import import_responses

from ..conftest import snapshot, write_study

STUDY = """
title: Mapping
consent: ok
questions:
  - id: mode
    text: Do you prefer a course...
    type: single
    options: [{code: online, label: Online}, {code: onsite, label: Face-to-face}]
"""
FILE = "Respondent number,Q7\n1,1\n2,2\n3,1\n"


def test_printed_mapping_can_be_fed_back(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    (tmp_path / "r.csv").write_text(FILE, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("respondent_id: Respondent number\nquestions:\n  mode:\n    column: Q7\n    values: {'1': online, '2': onsite}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(tmp_path / "r.csv"), "--mapping", str(mapping), "--dry-run"])
    assert result.exit_code == 0, result.output
    printed = result.output[result.output.index("respondent_id"):result.output.index("checked (dry run)")]
    mapping.write_text(printed, encoding="utf-8")  # what import prints is a valid mapping file
    result = CliRunner().invoke(app, ["import", str(study.folder), str(tmp_path / "r.csv"), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert [r.count for r in frequency_tables(study).frequencies[0].rows] == [2, 1]


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    (tmp_path / "r.csv").write_text("id,mode\n1,Online\n", encoding="utf-8")
    before = snapshot(study.folder)
    assert import_responses(study, tmp_path / "r.csv", dry_run=True).status == "checked"
    assert snapshot(study.folder) == before


def test_bad_mapping_file_names_its_line(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    (tmp_path / "r.csv").write_text(FILE, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("respondent_id: Respondent number\nquestions:\n  mode:\n    column: Q7\n    columns: {online: Q7}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(tmp_path / "r.csv"), "--mapping", str(mapping)])
    assert result.exit_code == 2
    assert "mapping.yaml, line 3" in result.output and "questions.mode" in result.output
    assert "exactly one of column, columns or category_columns" in result.output


def test_mapping_naming_unknown_things(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    (tmp_path / "r.csv").write_text(FILE, encoding="utf-8")
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, tmp_path / "r.csv", mapping={"respondent_id": "Nope", "questions": {"mood": "Q7", "mode": "Q8"}})
    text = str(err.value)
    assert "column 'Nope'" in text and "'mood'" in text and "column 'Q8'" in text


def test_mapping_declared_in_study_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "answers.csv").write_text(FILE, encoding="utf-8")
    study = write_study(
        folder,
        STUDY + """responses:
  - file: answers.csv
    mapping:
      respondent_id: Respondent number
      questions:
        mode: {column: Q7, values: {'1': online, '2': onsite}}
""",
    )
    open_workspace(study).close()  # declared files are imported where a study is opened
    table = frequency_tables(study).frequencies[0]
    assert [r.count for r in table.rows] == [2, 1]


def test_declared_mapping_errors_name_the_study_line(tmp_path: Path) -> None:
    with pytest.raises(StudyError) as err:
        write_study(tmp_path / "s", STUDY + "responses:\n  - file: a.csv\n    mapping:\n      questions:\n        mode: {separator: ';'}\n")
    assert err.value.line == 13


def test_weights_are_required_and_not_negative(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY + "  - {id: wt, text: Weight, type: numeric}\nweight: wt\n")
    (tmp_path / "r.csv").write_text("id,mode,wt\n1,Online,1.5\n2,Online,\n3,Online,-1\n", encoding="utf-8")
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, tmp_path / "r.csv")
    assert "row 3, column 'wt'" in str(err.value) and "a survey weight" in str(err.value)
    assert "row 4, column 'wt': found '-1'; a weight of zero or more" in str(err.value)


def test_yaml_reader_is_safe(tmp_path: Path) -> None:
    """A mapping file cannot construct Python objects."""
    study = write_study(tmp_path / "s", STUDY)
    (tmp_path / "r.csv").write_text(FILE, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("respondent_id: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(tmp_path / "r.csv"), "--mapping", str(mapping)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert YAML(typ="safe") is not None
