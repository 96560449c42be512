"""`learnervoice init STUDY --from FILE…`: the command, what it refuses, what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import StudyError
from learnervoice.survey.instrument import init_from

from .helpers import DATA
from .layouts import write_google_forms, write_kobo_export


def test_the_command_prints_a_summary(tmp_path: Path) -> None:
    export = write_google_forms(tmp_path / "form.csv")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--from", str(export)])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "5 questions (2 single, 1 multiple, 1 numeric, 1 text), 2 columns ignored, " \
        "0 left as comments" in result.output
    assert "is declared: it is imported when the study is opened" in result.output


def test_an_existing_study_yaml_is_kept_unless_forced(tmp_path: Path) -> None:
    export = write_google_forms(tmp_path / "form.csv")
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "study.yaml").write_text("title: mine\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(folder), "--from", str(export)])
    assert result.exit_code == 2 and "a study.yaml is already here; nothing was written" in result.output
    assert (folder / "study.yaml").read_text(encoding="utf-8") == "title: mine\n"
    result = CliRunner().invoke(app, ["init", str(folder), "--from", str(export), "--force"])
    assert result.exit_code == 0, result.output
    assert "Which formats would you consider?" in (folder / "study.yaml").read_text(encoding="utf-8")


def test_without_from_the_starter_is_written(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s")])
    assert result.exit_code == 0 and "edit it" in result.output


@pytest.mark.parametrize(("files", "message"), [
    (["missing.csv"], "no such file"),
    (["a.csv", "b.csv"], "two response files given (a.csv and b.csv)"),
    (["old.xls"], "old.xls: cannot be read"),  # a damaged .xls; a real one is read like an .xlsx
    (["empty.csv"], "cannot be read: the file is empty; nothing was written"),
    (["survey.qsf"], "not a Qualtrics survey definition"),
    (["survey.lss"], "not a readable LimeSurvey .lss file"),
])
def test_files_it_cannot_use_are_refused_clearly(tmp_path: Path, files: list[str], message: str) -> None:
    for name in ("a.csv", "b.csv"):
        write_google_forms(tmp_path / name)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "survey.qsf").write_text("{not json", encoding="utf-8")
    (tmp_path / "survey.lss").write_text("<document><unclosed>", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s")] + [a for f in files for a in ("--from", str(tmp_path / f))])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s" / "study.yaml").exists()


def test_a_response_file_inside_the_study_is_declared_relative_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    (folder / "data").mkdir(parents=True)
    export = write_kobo_export(folder / "data" / "export.csv")
    report = init_from(folder, [export])
    assert "  - file: \"data/export.csv\"" in report.path.read_text(encoding="utf-8")


def test_a_definition_without_responses_needs_one(tmp_path: Path, samples: Path) -> None:
    with pytest.raises(StudyError, match="describes a response export: give the export too"):
        init_from(tmp_path / "s", [samples / "limesurvey_survey_998192_R_syntax_file.R"])


def test_a_qsf_needs_a_qualtrics_export(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="not a Qualtrics export"):
        init_from(tmp_path / "s", [DATA / "qualtrics_single_answer_mc.qsf", write_google_forms(tmp_path / "f.csv")])


def test_an_lss_with_entities_is_refused_not_expanded(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><questions>&b;</questions></document>")
    (tmp_path / "bomb.lss").write_text(bomb, encoding="utf-8")
    with pytest.raises(StudyError, match="not a readable LimeSurvey .lss file"):
        init_from(tmp_path / "s", [tmp_path / "bomb.lss"])


def test_a_broken_workbook_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "form.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--from", str(tmp_path / "form.xlsx")])
    assert result.exit_code == 2 and "cannot be read" in result.output and "Traceback" not in result.output


def test_encoding_given_to_init_is_used_and_declared(tmp_path: Path) -> None:
    """A cp1252 export whose first accented answer comes after the part read to guess the encoding."""
    rows = "".join(f"r{i},Online,{i % 40}\n" for i in range(20_000)) + "r_last,Caf\xe9,3\n"
    path = tmp_path / "export.csv"
    path.write_bytes(("id,mode,hours\n" + rows).encode("cp1252"))
    refused = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--from", str(path)])
    assert refused.exit_code == 2 and "not valid utf-8 text" in refused.output, refused.output
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--from", str(path), "--encoding", "cp1252"])
    assert result.exit_code == 0, result.output
    assert "encoding: cp1252" in (tmp_path / "s" / "study.yaml").read_text(encoding="utf-8")
    checked = CliRunner().invoke(app, ["check", str(tmp_path / "s")])
    assert checked.exit_code == 0, checked.output
