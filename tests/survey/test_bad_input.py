"""Every kind of bad response file: a clear message naming file, row and column, and the study unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import InvalidResponsesError
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses
from learnervoice.survey.store import count_responses, import_records

from ..conftest import snapshot, write_study

STUDY = """
title: Bad input
consent: I agree.
questions:
  - id: mode
    text: Do you prefer a course...
    type: single
    options: [{code: online, label: Online}, {code: onsite, label: Face-to-face}]
  - id: hours
    text: Hours a week
    type: numeric
    min: 0
    max: 80
"""
GOOD = "respondent,mode,hours\nr1,Online,5\nr2,Face-to-face,10\n"


@pytest.fixture(params=["fresh", "with_store"])
def study(request: pytest.FixtureRequest, tmp_path: Path) -> Study:
    """A study with no store yet, and one that already holds an import: both must stay as they were."""
    s = write_study(tmp_path / "study", STUDY)
    if request.param == "with_store":
        (tmp_path / "first.csv").write_text("respondent,mode,hours\nr0,Online,1\n", encoding="utf-8")
        import_responses(s, tmp_path / "first.csv")
    return s


def _refused(study: Study, file: Path, *fragments: str, **kwargs: object) -> str:
    before = snapshot(study.folder)
    rows = count_responses(study)
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, file, **kwargs)  # type: ignore[arg-type]
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot(study.folder) == before
    assert count_responses(study) == rows
    return message


def test_unknown_option(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\nr1,Online,5\nr2,By post,3\n", encoding="utf-8")
    _refused(study, f, "r.csv, row 3, column 'mode': found 'By post'", "one of online (Online), onsite (Face-to-face)")


def test_wrong_type_and_range(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\nr1,Online,five\nr2,Online,99\n", encoding="utf-8")
    _refused(study, f, "row 2, column 'hours': found 'five'; a number", "row 3, column 'hours': found '99'; a number of at most 80")


def test_every_problem_is_reported_at_once(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\nr1,Train,5\nr2,Online,x\n,Online,1\n", encoding="utf-8")
    message = _refused(study, f, "3 problem(s)")
    assert "found 'Train'" in message and "found 'x'" in message and "row 4, column 'respondent'" in message


def test_duplicate_respondent_id(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\nr1,Online,5\nr2,Online,6\nr1,Online,7\n", encoding="utf-8")
    _refused(study, f, "row 4, column 'respondent': found 'r1'; a unique respondent id (also on row(s) 2)")


def test_missing_column(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode\nr1,Online\n", encoding="utf-8")
    _refused(study, f, "column 'Hours a week'", "no column answers question 'hours'")


def test_empty_file(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"")
    _refused(study, f, "r.csv", "the file is empty")


def test_header_without_rows(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\n", encoding="utf-8")
    _refused(study, f, "r.csv, row 2", "a header but no responses")


def test_wrong_encoding_after_the_sniffed_part(study: Study, tmp_path: Path) -> None:
    """UTF-8 for the first 300 KB, then a cp1252 byte: the error names the row, and nothing is stored."""
    f = tmp_path / "r.csv"
    lines = ["respondent,mode,hours"] + [f"r{i},Online,{i % 80}" for i in range(20_000)]
    data = ("\n".join(lines) + "\n").encode("utf-8") + "r_last,Caf\xe9,1\n".encode("cp1252")
    f.write_bytes(data)
    _refused(study, f, "r.csv, row 20002", "not valid utf-8 text", "line 20002", "encoding")


def test_declared_encoding_that_does_not_fit(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes("respondent,mode,hours\nr1,Online,5\nr2,Caf\xe9,5\n".encode("cp1252"))
    _refused(study, f, "not valid utf-8 text", encoding="utf-8")


def test_binary_garbage(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(bytes(range(256)) * 64)
    _refused(study, f, "r.csv", "not a text file")


def test_spreadsheet_that_is_not_a_workbook(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.xlsx"
    f.write_bytes(b"PK\x03\x04 this is not really a zip")
    _refused(study, f, "r.xlsx", "not an Excel .xlsx file")


def test_answer_given_although_not_asked(tmp_path: Path) -> None:
    s = write_study(
        tmp_path / "s",
        STUDY + """  - id: sync
    text: If online, synchronous?
    type: single
    ask_if: {question: mode, any_of: [online]}
    options: [{code: "yes", label: "Yes"}, {code: "no", label: "No"}]
""",
    )
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours,sync\nr1,Online,5,Yes\nr2,Face-to-face,5,No\n", encoding="utf-8")
    _refused(s, f, "row 3, column 'sync'", "asked only if 'mode' is one of ['online']")


def test_cli_exit_code_2_and_no_traceback(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("respondent,mode,hours\nr1,Bus,5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(f)])
    assert result.exit_code == 2
    assert "found 'Bus'" in result.output and "Traceback" not in result.output


def test_reimport_is_idempotent(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "good.csv"
    f.write_text(GOOD, encoding="utf-8")
    first = import_responses(study, f)
    rows = count_responses(study)
    before = snapshot(study.folder)
    second = import_responses(study, f)
    assert (first.status, second.status) == ("imported", "unchanged")
    assert count_responses(study) == rows and snapshot(study.folder) == before


def test_changed_file_replaces_its_own_rows(study: Study, tmp_path: Path) -> None:
    f = tmp_path / "good.csv"
    f.write_text(GOOD, encoding="utf-8")
    import_responses(study, f)
    rows = count_responses(study)
    f.write_text(GOOD + "r3,Online,2\n", encoding="utf-8")
    assert import_responses(study, f).status == "imported"
    assert count_responses(study) == rows + 1


def test_same_id_from_another_file_is_refused(study: Study, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(GOOD, encoding="utf-8")
    b.write_text(GOOD + "\n", encoding="utf-8")  # other bytes, the same respondents
    import_responses(study, a)
    _refused(study, b, "a respondent id not already imported from ../a.csv")


def test_same_data_under_a_second_name_is_refused_unless_it_replaces_the_first(study: Study, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(GOOD, encoding="utf-8")
    shutil.copy(a, b)
    before = count_responses(study)
    first = import_responses(study, a).rows
    _refused(study, b, "the same data is already imported from ../a.csv", "--replace ../a.csv")
    report = import_responses(study, b, replace="../a.csv")
    assert (report.source, report.rows, count_responses(study)) == ("../b.csv", first, before + first)
    assert "../a.csv" not in import_records(study) and "../b.csv" in import_records(study)
