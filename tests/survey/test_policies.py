"""Imports lose nothing silently and apply the study's policies: filters, duplicate ids, answers to questions
not asked, ignored columns, sources keyed by path, per-column problem lists, values shown with their labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import InvalidResponsesError
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses
from learnervoice.survey.store import connect, count_responses, import_records

from ..conftest import snapshot, write_study

STUDY = """
title: Policies
consent: I agree.
questions:
  - id: works
    text: Do you work?
    type: single
    options: [{code: "1", label: "Yes"}, {code: "2", label: "No"}]
  - id: hours
    text: Hours of work a week
    type: numeric
    ask_if: {question: works, any_of: ["1"]}
  - id: mode
    text: Mode
    type: single
    options: [{code: online, label: Online}, {code: onsite, label: Face-to-face}]
"""


def _study(tmp_path: Path, extra: str = "") -> Study:
    return write_study(tmp_path / "study", STUDY + extra)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _stored(study: Study, columns: str = "respondent_id, works, hours, mode") -> list[tuple[object, ...]]:
    with connect(study, read_only=True) as con:
        return con.execute(f"SELECT {columns} FROM responses ORDER BY _source, _row").fetchall()


INCONSISTENT = "id,works,hours,mode\nr1,1,30,Online\nr2,2,0,Online\nr3,2,,Face-to-face\n"


def test_an_answer_to_a_question_not_asked_is_refused_with_its_value_and_the_rule(tmp_path: Path) -> None:
    study = _study(tmp_path)
    before = snapshot(study.folder)
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, _file(tmp_path, "r.csv", INCONSISTENT))
    message = str(err.value)
    assert "row 3, column 'hours': found '0'" in message
    assert "'hours' is asked only if 'works' is one of ['1'] (here it is '2', 'No')" in message
    assert "on_inconsistent: blank or keep" in message
    assert snapshot(study.folder) == before


@pytest.mark.parametrize(("policy", "hours_r2"), [("blank", None), ("keep", 0.0)])
def test_the_inconsistent_policy_blanks_or_keeps_and_says_how_many(tmp_path: Path, policy: str, hours_r2: object) -> None:
    study = _study(tmp_path)
    report = import_responses(study, _file(tmp_path, "r.csv", INCONSISTENT), settings={"on_inconsistent": policy})
    assert _stored(study, "respondent_id, hours") == [("r1", 30.0), ("r2", hours_r2), ("r3", None)]
    assert any(note.startswith(f"1 answer(s) to 'hours' {'blanked' if policy == 'blank' else 'kept'}") for note in report.notes)
    assert report.details["inconsistent"] == {"hours": {"rows": 1, "policy": policy}}


def test_the_policy_declared_in_study_yaml_applies_and_is_kept_in_the_import_record(tmp_path: Path) -> None:
    study = _study(tmp_path, "responses:\n  - file: data/r.csv\n    on_inconsistent: blank\n")
    _file(study.folder, "data/r.csv", INCONSISTENT)
    import_responses(study, study.folder / "data" / "r.csv")
    with connect(study, read_only=True) as con:
        details = json.loads(con.execute("SELECT details FROM imports").fetchone()[0])
    assert details["inconsistent"]["hours"] == {"rows": 1, "policy": "blank"}


DUPLICATES = "id,works,hours,mode\nr1,1,30,Online\nr2,2,,Online\nr1,1,20,Face-to-face\n"


def test_duplicate_ids_are_refused_by_default_and_kept_first_or_last_on_request(tmp_path: Path) -> None:
    study = _study(tmp_path)
    path = _file(tmp_path, "r.csv", DUPLICATES)
    with pytest.raises(InvalidResponsesError, match=r"row 4, column 'id': found 'r1'; a unique respondent id \(also on row\(s\) 2\)"):
        import_responses(study, path)
    import_responses(study, path, settings={"on_duplicate": "keep-first"})
    assert _stored(study, "respondent_id, hours") == [("r1", 30.0), ("r2", None)]
    report = import_responses(study, path, settings={"on_duplicate": "keep-last"})
    assert _stored(study, "respondent_id, hours") == [("r2", None), ("r1", 20.0)]
    assert report.details["duplicates_dropped"] == {"rows": 1, "policy": "keep-last"}


def test_a_filter_leaves_out_unfinished_responses_and_counts_them(tmp_path: Path) -> None:
    study = _study(tmp_path)
    path = _file(tmp_path, "r.csv", "id,Finished,Progress,works,hours,mode\n"
                                    "r1,True,100,1,30,Online\nr2,False,40,1,,\nr3,TRUE,85,2,,Online\n")
    report = import_responses(study, path, settings={
        "filter": [{"column": "Finished", "is": ["true", "1"]}, {"column": "Progress", "at_least": 80}]})
    assert [r[0] for r in _stored(study)] == ["r1", "r3"]
    assert "the filter left out 1 of 3 row(s)" in report.notes and report.details["left_out_by_filter"] == 1
    assert "Finished" in report.mapping.ignored_columns


def test_the_cli_where_option_filters_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    study = _study(tmp_path)
    path = _file(tmp_path, "r.csv", "id,Progress,works,hours,mode\nr1,100,1,30,Online\nr2,40,2,,Online\n")
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(study.folder), str(path), "--where", "Progress>=80"])
    assert result.exit_code == 0, result.output
    assert count_responses(study) == 1
    result = runner.invoke(app, ["import", str(study.folder), str(path), "--where", "Progress>=lots"])
    assert result.exit_code == 2 and "is not a number" in result.output
    result = runner.invoke(app, ["import", str(study.folder), str(path), "--where", "Nope=1"])
    assert result.exit_code == 2 and "'Nope'" in result.output


def test_a_second_file_of_the_same_name_in_another_folder_is_a_new_source(tmp_path: Path) -> None:
    study = _study(tmp_path)
    wave1 = _file(tmp_path, "wave1/export.csv", "id,works,hours,mode\nw1-1,1,30,Online\nw1-2,2,,Online\n")
    wave2 = _file(tmp_path, "wave2/export.csv", "id,works,hours,mode\nw2-1,1,10,Online\n")
    import_responses(study, wave1)
    report = import_responses(study, wave2)
    assert (report.source, report.rows) == ("../wave2/export.csv", 1)
    assert set(import_records(study)) == {"../wave1/export.csv", "../wave2/export.csv"}
    assert count_responses(study) == 3


def test_the_respondent_id_study_yaml_declares_is_used_by_the_cli(tmp_path: Path) -> None:
    study = _study(tmp_path, "responses:\n  - file: data/kobo.csv\n    respondent_id: _uuid\n")
    path = _file(study.folder, "data/kobo.csv", "_id,_uuid,works,hours,mode\n1,aa-11,1,3,Online\n2,bb-22,2,,Online\n")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(path)])
    assert result.exit_code == 0, result.output
    assert [r[0] for r in _stored(study)] == ["aa-11", "bb-22"]


def test_problems_are_listed_per_column_with_a_count_each(tmp_path: Path) -> None:
    study = _study(tmp_path)
    rows = "".join(f"r{i},3,x{i},Bus\n" for i in range(500))
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, _file(tmp_path, "r.csv", "id,works,hours,mode\n" + rows))
    shown = err.value.problems
    assert {p.field for p in shown} == {"works", "hours", "mode"}  # every column is seen, not only the first
    assert err.value.per_column == {"works": 500, "hours": 500, "mode": 500}
    assert "column 'hours': 500 in all" in str(err.value)


def test_a_value_is_shown_with_the_label_the_file_gives_it(tmp_path: Path, samples: Path) -> None:
    study = write_study(tmp_path / "study", """
title: Labels
consent: ok
questions:
  - id: colour
    text: Colour
    source: x
    type: single
    options: [{code: "1", label: "Red"}, {code: "2", label: "Green"}]
""")
    with pytest.raises(InvalidResponsesError) as err:  # the file's x has 3 = 'blue', which the question lacks
        import_responses(study, samples / "spss_simple_alltypes_mrsets.sav", settings={"ignore_columns": ["*"]})
    assert "column 'x': found '3' (labelled 'blue' in the file); one of 1 (Red), 2 (Green)" in str(err.value)


def test_options_whose_codes_and_labels_cross_keep_their_answers_apart(tmp_path: Path) -> None:
    study = write_study(tmp_path / "study", """
title: Crossed
consent: ok
questions:
  - id: q
    text: Q
    type: single
    options: [{code: a, label: b}, {code: b, label: a}]
""")
    import_responses(study, _file(tmp_path, "r.csv", "id,q\n1,a\n2,b\n3,b\n"))
    with connect(study, read_only=True) as con:
        assert con.execute("SELECT q, count(*) FROM responses GROUP BY q ORDER BY q").fetchall() == [("a", 1), ("b", 2)]
    result = CliRunner().invoke(app, ["check", str(study.folder)])
    assert result.exit_code == 0
    assert "warning: question 'q': option 'a' has the label 'b', which is also the code of option 'b'" in result.output


def test_a_stray_option_column_is_an_error_not_a_silent_no_answer(tmp_path: Path) -> None:
    study = write_study(tmp_path / "study", """
title: Kobo
consent: ok
questions:
  - id: transport
    text: Transport
    type: multiple
    options: [{code: "1", label: Bus}, {code: "2", label: Car}, {code: "3", label: Bike}, {code: "4", label: Foot}]
""")
    header = "_uuid,transport,transport/1,transport/2,transport/3,transport/4,transport/5,transport_other\n"
    path = _file(tmp_path, "kobo.csv", header + "u1,5,0,0,0,0,1,\nu2,1 2,1,1,0,0,0,\n")
    with pytest.raises(InvalidResponsesError, match=r"column 'transport/5'; an option of question 'transport'"):
        import_responses(study, path)
    report = import_responses(study, path, settings={"ignore_columns": ["transport/5"]})
    assert report.mapping.declared_ignored == ["transport/5"]
    assert "transport_other" in report.mapping.ignored_columns and "transport/5" not in report.mapping.ignored_columns


def test_ignored_columns_are_listed_unless_declared(tmp_path: Path) -> None:
    study = _study(tmp_path)
    path = _file(tmp_path, "r.csv", "id,StartDate,IPAddress,works,hours,mode\nr1,2024-01-01,10.0.0.1,1,3,Online\n")
    report = import_responses(study, path)
    assert any(n.startswith("columns not imported: StartDate, IPAddress") for n in report.notes)
    quiet = import_responses(study, path, settings={"ignore_columns": ["StartDate", "IP*"]})
    assert not any(n.startswith("columns not imported") for n in quiet.notes)


def test_labels_match_whatever_their_case_spacing_and_punctuation_but_codes_match_exactly() -> None:
    from learnervoice.study.model import Likert
    from learnervoice.survey.convert import OptionLookup

    q = Likert(id="q", text="Q", type="likert", options=[
        {"code": "1.5", "label": "Strongly disagree"}, {"code": "15", "label": "Strongly agree"}])
    lookup = OptionLookup.of(q, {"7": "Strongly Agree.", "8": "strongly-disagree"}, {})
    assert [lookup.code(v) for v in ("7", "8", "STRONGLY  agree", "1.5", "15", "Strongly agree!")] == [
        "15", "1.5", "15", "1.5", "15", "15"]
    assert lookup.code("1 5") is None


@pytest.mark.parametrize("rows_before", [3, 60_000])  # in the rows the reader samples, and beyond them (DuckDB)
def test_a_cell_too_long_and_a_ragged_row_name_their_line(tmp_path: Path, rows_before: int) -> None:
    study = _study(tmp_path)
    rows = "".join(f"r{i},1,3,Online\n" for i in range(rows_before))
    line = rows_before + 2
    huge = _file(tmp_path, "huge.csv", "id,works,hours,mode\n" + rows + "rx,1,3," + "x" * 3_000_000 + "\n")
    long_cell = rf"(line {line}, column 'mode': a cell of more|row {line}; a line longer|row {line}, column 'mode': found 'xxx)"
    with pytest.raises(InvalidResponsesError, match=rf"huge.csv.*{long_cell}"):
        import_responses(study, huge)
    ragged = _file(tmp_path, "ragged.csv", "id,works,hours,mode\n" + rows + "rx,1,3,Online,extra,cells\n")
    with pytest.raises(InvalidResponsesError, match=rf"ragged.csv.*(line {line} has 6 cells|row {line}; a row with more cells)"):
        import_responses(study, ragged)
    assert count_responses(study) == 0


@pytest.mark.parametrize("rows_before", [1, 60_000])
def test_a_trailing_empty_cell_is_harmless_but_a_cell_beyond_the_header_is_named(tmp_path: Path, rows_before: int) -> None:
    study = _study(tmp_path)
    import_responses(study, _file(tmp_path, "ok.csv", "id,works,hours,mode\nr1,1,3,Online,\nr2,2,,Online\n"))
    assert count_responses(study) == 2
    rows = "".join(f"s{i},1,3,Online\n" for i in range(rows_before))
    line = rows_before + 2
    with pytest.raises(InvalidResponsesError, match=rf"wide.csv.*(line {line} has 5 cells|row {line}, column "
                                                    r"'\(a cell beyond the last column\)': found 'oops')"):
        import_responses(study, _file(tmp_path, "wide.csv", "id,works,hours,mode\n" + rows + "rx,1,3,Online,oops\n"))


def test_a_label_written_exactly_wins_over_one_that_differs_only_in_punctuation(tmp_path: Path) -> None:
    study = write_study(tmp_path / "study", """
title: Near
consent: ok
questions:
  - id: q
    text: Q
    type: single
    options: [{code: y1, label: "Yes!"}, {code: y2, label: "Yes"}, {code: o1, label: "Other"}, {code: o2, label: "Other:"}]
""")
    import_responses(study, _file(tmp_path, "r.csv", "id,q\n1,Yes\n2,Yes!\n3,Other:\n4,other\n"))
    with connect(study, read_only=True) as con:
        assert con.execute("SELECT q FROM responses ORDER BY _row").fetchall() == [("y2",), ("y1",), ("o2",), ("o1",)]
    result = CliRunner().invoke(app, ["check", str(study.folder)])
    assert "the labels 'Yes!' and 'Yes' differ only in case, accents or punctuation" in result.output


def test_a_nul_in_a_cell_is_reported_not_a_crash(tmp_path: Path) -> None:
    study = _study(tmp_path)
    rows = "".join(f"r{i},1,3,Online\n" for i in range(20_000))  # past the part read to sniff the file
    with pytest.raises(InvalidResponsesError, match=r"row 20002, column 'mode': found 'Bus\\x00'; one of online"):
        import_responses(study, _file(tmp_path, "r.csv", "id,works,hours,mode\n" + rows + "rx,1,3,Bus\x00\n"))


@pytest.mark.parametrize("args", [["--where", "hours>=1e400"], ["--where", "hours<=nan"], ["--on-duplicate", "bogus"],
                                  ["--on-inconsistent", "sometimes"]])
def test_bad_import_settings_are_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    study = _study(tmp_path)
    path = _file(tmp_path, "r.csv", "id,works,hours,mode\nr1,1,3,Online\n")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(path), *args])
    assert result.exit_code == 2 and "internal error" not in result.output, result.output
    assert count_responses(study) == 0


def test_settings_of_a_declared_file_are_changed_in_study_yaml_not_on_the_command_line(tmp_path: Path) -> None:
    study = _study(tmp_path, "responses:\n  - file: data/r.csv\n")
    path = _file(study.folder, "data/r.csv", "id,Finished,works,hours,mode\nr1,1,1,3,Online\nr2,0,2,,Online\n")
    result = CliRunner().invoke(app, ["import", str(study.folder), str(path), "--where", "Finished=1"])
    assert result.exit_code == 2 and "write filter: under its entry in study.yaml" in result.output, result.output
    result = CliRunner().invoke(app, ["import", str(study.folder), str(path), "--on-duplicate", "error"])
    assert result.exit_code == 0, result.output  # the same as declared: nothing to refuse


def test_two_files_named_alike_without_ids_are_two_sets_of_respondents(tmp_path: Path) -> None:
    study = _study(tmp_path)
    for wave, hours in (("w1", 3), ("w2", 4)):
        import_responses(study, _file(tmp_path, f"{wave}/export.csv", f"works,hours,mode\n1,{hours},Online\n2,,Online\n"))
    assert [r[0] for r in _stored(study)] == ["w1/export-2", "w1/export-3", "w2/export-2", "w2/export-3"]


def test_a_large_csv_with_line_breaks_in_quoted_answers_imports(tmp_path: Path) -> None:
    study = write_study(tmp_path / "study", "title: T\nconsent: ok\nquestions:\n  - {id: comment, text: C, type: text}\n")
    rows = "".join(f'r{i},"line one\nline two {i}"\n' if i % 20 == 0 else f"r{i},plain {i}\n" for i in range(700_000))
    report = import_responses(study, _file(tmp_path, "r.csv", "id,comment\n" + rows))
    assert report.rows == 700_000
    with connect(study, read_only=True) as con:
        assert con.execute("SELECT comment, _row FROM responses WHERE respondent_id = 'r699980'").fetchone() == (
            "line one\nline two 699980", 699_982)


def test_a_wide_file_imports(tmp_path: Path) -> None:
    questions = "".join(f"  - {{id: v{i}, text: V{i}, type: single, options: [{{code: '1', label: A}}, {{code: '2', label: B}}]}}\n"
                        for i in range(600))
    study = write_study(tmp_path / "study", "title: Wide\nconsent: ok\nquestions:\n" + questions)
    header = "id," + ",".join(f"v{i}" for i in range(600)) + "\n"
    rows = "".join(f"r{r}," + ",".join("1" if (r + i) % 3 else "2" for i in range(600)) + "\n" for r in range(300))
    assert import_responses(study, _file(tmp_path, "wide.csv", header + rows)).rows == 300


def test_rows_of_a_large_file_read_in_parallel_keep_their_file_rows(tmp_path: Path) -> None:
    """Several of DuckDB's row groups, a source already in the store, a re-import: each row's `_row` is its row."""
    study = _study(tmp_path)
    import_responses(study, _file(tmp_path, "first.csv", "id,works,hours,mode\nf1,1,3,Online\nf2,2,,Online\n"))
    for hours in (5, 6):  # the second import replaces the first's rows
        big = _file(tmp_path, "big.csv", "id,works,hours,mode\n" + "".join(f"{i},1,{hours},Online\n" for i in range(300_000)))
        import_responses(study, big)
        with connect(study, read_only=True) as con:
            wrong = con.execute("SELECT count(*) FROM responses WHERE _source = '../big.csv' "
                                "AND _row <> CAST(respondent_id AS BIGINT) + 2").fetchone()
            assert wrong == (0,)


def test_a_column_with_hundreds_of_spellings_is_looked_up_through_a_table(tmp_path: Path) -> None:
    """More distinct cells than a CASE expression holds (256): the lookup table and the exact passes."""
    aliases = ", ".join(f'"yes {i}"' for i in range(400))
    study = write_study(tmp_path / "study", f"""
title: Spellings
consent: ok
questions:
  - id: q
    text: Q
    type: single
    options: [{{code: y, label: "Yes", aliases: [{aliases}]}}, {{code: n, label: "No"}}]
""")
    rows = "".join(f"r{i},yes {i % 400}\n" for i in range(1_000)) + "rn,No\n"
    assert import_responses(study, _file(tmp_path, "r.csv", "id,q\n" + rows)).rows == 1_001
    with connect(study, read_only=True) as con:
        assert con.execute("SELECT q, count(*) FROM responses GROUP BY q ORDER BY q").fetchall() == [("n", 1), ("y", 1_000)]
