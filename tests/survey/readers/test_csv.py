"""CSV exports: every tool's layout, skipped and header rows, and the contract with DuckDB's read_csv."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from learnervoice.errors import UnreadableFileError
from learnervoice.survey.readers import open_response_file, sniff_csv

from .builders import google_forms_rows, kobo_csv, kobo_rows, limesurvey_codes_rows, qualtrics_rows, write_csv
from .helpers import read_all


def _duckdb_rows(path: Path, info) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The data records as the import engine reads them: DuckDB's ``skip`` counts records (a quoted line break
    stays inside its record), so it skips ``skip_rows + header_rows``."""
    skip = info.skip_rows + info.header_rows
    sql = (f"SELECT * FROM read_csv(?, skip={skip}, header=false, all_varchar=true, delim=?, quote=?, escape=?, "
           "strict_mode=false, "
           f"columns={{{', '.join(repr(f'c{i}') + ': ' + repr('VARCHAR') for i in range(len(info.columns)))}}})")
    rows = duckdb.connect().execute(sql, [str(path), info.delimiter, info.quote, info.quote]).fetchall()
    return [tuple("" if v is None else v for v in row) for row in rows]


def test_qualtrics_three_rows_real_sample(samples: Path) -> None:
    info, frame = read_all(samples / "qualtrics_sample.csv")
    assert (info.format, info.skip_rows, info.header_rows, info.header_lines) == ("qualtrics", 0, 3, 3)
    assert info.column_labels["Q1"] == "This is a multiple choice question." and info.column_labels["ResponseId"] == "Antwort-ID"
    assert info.column_meta["Q2"] == {"ImportId": "QID2_TEXT"}
    assert frame.loc[0, "ResponseId"] == "R_2YPOQ602ER1jkf1" and frame.loc[0, "Q2 - Topics"] == ""
    assert info.row_number(0) == 4
    assert len(frame) == len(pd.read_csv(samples / "qualtrics_sample.csv", skiprows=[1, 2]))


def test_qualtrics_legacy_real_sample(samples: Path) -> None:
    info, frame = read_all(samples / "qualtrics_sample_legacy.csv")
    assert (info.format, info.header_rows) == ("qualtrics", 2)
    assert info.columns[:3] == ["ResponseID", "ResponseSet", "Name"] and info.columns[-1] == "column_16"
    assert info.column_labels["Q1"] == "This is a multiple choice question."
    assert frame.loc[0, "Q2"] == "Hello World!"
    assert len(frame) == len(pd.read_csv(samples / "qualtrics_sample_legacy.csv", skiprows=[1], encoding="utf-8-sig"))


def test_qualtrics_json_import_ids_and_a_line_break_in_a_question(tmp_path: Path) -> None:
    """ImportIds with timeZone and choiceId; a question text over two lines makes 3 header rows of 4 lines."""
    path = write_csv(tmp_path / "insights.csv", qualtrics_rows(newline_in_label=True))
    info, frame = read_all(path)
    assert (info.format, info.header_rows, info.header_lines) == ("qualtrics", 3, 4)
    assert info.column_meta["StartDate"] == {"ImportId": "startDate", "timeZone": "America/Denver"}
    assert info.column_meta["Q5_1"] == {"ImportId": "QID5_1", "choiceId": "1"}
    assert info.column_labels["Q1"] == "How did you take the course?\nTick one."
    assert list(frame["ResponseId"]) == ["R_0aBcDeFgHiJkLmN", "R_1aBcDeFgHiJkLmN", "R_2aBcDeFgHiJkLmN"]
    assert _duckdb_rows(path, info) == [tuple(r) for r in frame.itertuples(index=False)]


def test_qualtrics_two_rows_without_import_ids(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "two.csv", qualtrics_rows(import_ids=False))
    info, frame = read_all(path)
    assert (info.format, info.header_rows) == ("qualtrics", 2)
    assert info.column_labels["Q5_2"] == "How useful was it? - Quizzes" and info.column_meta == {}
    assert len(frame) == 3 and frame.loc[0, "Q1"] == "Online"


def test_qualtrics_with_its_header_rows_removed_is_one_row(tmp_path: Path) -> None:
    rows = qualtrics_rows()
    path = write_csv(tmp_path / "clean.csv", [rows[0]] + rows[3:])
    info, frame = read_all(path)
    assert info.header_rows == 1 and len(frame) == 3


@pytest.mark.parametrize(
    "rows",
    [
        [["ResponseId", "StartDate", "EndDate", "Q1"], ["R_abc", "2024-01-01", "2024-01-02", "3"], ["R_def", "2024-01-01", "2024-01-02", "4"]],
        [["V1", "V2"], ["a", "b"], ["c", "d"]],
        [["id", "note"], ["1", "x"], ['{"a": 1}', "y"], ["3", "z"]],
        [["Timestamp", "value"], ["2024-01-01 10:00", "3"]],
        [["id", "Date submitted"], ["1", "2024"]],
    ],
    ids=["response-ids", "v-columns", "json-cell", "sensor-log", "half-limesurvey"],
)
def test_ordinary_files_are_not_taken_for_a_tool(tmp_path: Path, rows: list[list[str]]) -> None:
    info, frame = read_all(write_csv(tmp_path / "plain.csv", rows))
    assert (info.format, info.header_rows) == ("csv", 1)
    assert len(frame) == len(rows) - 1


def test_kobo_csv_with_hxl_row_groups_and_split_options(tmp_path: Path) -> None:
    path = kobo_csv(tmp_path / "kobo.csv", hxl=True)
    info, frame = read_all(path)
    assert (info.format, info.delimiter, info.header_rows) == ("kobo", ";", 2)
    assert info.column_meta["modes"] == {"hxl": "#modes"}
    assert any("group_profile" in n for n in info.notes) and any("option columns" in n and "modes" in n for n in info.notes)
    assert list(frame["modes/online"]) == ["1", "1", "0", "1"] and frame.loc[0, "modes"] == "online"
    assert len(frame) == len(pd.read_csv(path, sep=";", skiprows=[1]))
    assert _duckdb_rows(path, info) == [tuple(r) for r in frame.itertuples(index=False)]


def test_kobo_csv_in_arabic(tmp_path: Path) -> None:
    path = kobo_csv(tmp_path / "kobo_ar.csv", arabic=True)
    info, frame = read_all(path)
    assert info.format == "kobo" and info.header_rows == 1
    assert "تعليقات" in info.columns  # the right-to-left mark around the name is gone
    assert frame.loc[1, "البيانات/الجنس"] == "أنثى" and frame.loc[0, "طريقة التعلم/عبر الإنترنت"] == "1"
    assert any("البيانات" in n for n in info.notes)


def test_google_forms_csv(tmp_path: Path) -> None:
    info, frame = read_all(write_csv(tmp_path / "Form Responses 1.csv", google_forms_rows()))
    assert info.format == "google-forms" and len(frame) == 3
    assert frame.loc[2, "Which parts did you use?"] == "Quizzes, Forum, Videos"


def test_limesurvey_real_sample_full_texts(samples: Path) -> None:
    path = samples / "limesurvey_survey_998192_R_data_file.csv"
    info, frame = read_all(path)
    assert info.format == "limesurvey" and len(info.columns) == 71
    assert len(frame) == len(pd.read_csv(path)) == 7  # one answer spans two lines


def test_limesurvey_codes(tmp_path: Path) -> None:
    info, frame = read_all(write_csv(tmp_path / "results-survey123.csv", limesurvey_codes_rows(), delimiter=";"))
    assert info.format == "limesurvey" and "G01Q02[SQ001]" in info.columns and len(frame) == 3


def test_title_lines_above_the_header(tmp_path: Path) -> None:
    rows = qualtrics_rows()
    text = "Course evaluation 2024\r\nExported by hand, do not edit\r\n\r\n"
    path = tmp_path / "titled.csv"
    path.write_bytes(text.encode() + write_csv(tmp_path / "x.csv", rows).read_bytes())
    info, frame = read_all(path, skip_rows=2)
    assert (info.format, info.skip_rows, info.header_rows) == ("qualtrics", 3, 3)  # the blank line is skipped too
    assert info.row_number(0) == 7 and len(frame) == 3
    assert _duckdb_rows(path, info) == [tuple(r) for r in frame.itertuples(index=False)]


def test_header_rows_given_for_a_tool_with_two(tmp_path: Path) -> None:
    rows = [["q1", "q2"], ["How old are you?", "Where do you live?"], ["23", "Lyon"], ["31", "Gent"]]
    info, frame = read_all(write_csv(tmp_path / "two.csv", rows), header_rows=2)
    assert info.header_rows == 2 and info.column_labels == {"q1": "How old are you?", "q2": "Where do you live?"}
    assert list(frame["q2"]) == ["Lyon", "Gent"] and info.row_number(0) == 3


def test_header_rows_given_override_detection(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", qualtrics_rows())
    info, frame = read_all(path, header_rows=1)
    assert info.header_rows == 1 and info.column_labels == {} and len(frame) == 5


def test_skip_rows_past_the_end(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["a"], ["1"]])
    with pytest.raises(UnreadableFileError, match="only 2 line"):
        open_response_file(path, skip_rows=5)


def test_header_only_file_names_the_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", qualtrics_rows(responses=0))
    with pytest.raises(UnreadableFileError) as err:
        open_response_file(path)
    assert "q.csv, row 4" in str(err.value) and "no responses" in str(err.value)


def test_format_named_by_the_study_wins(tmp_path: Path) -> None:
    info, _ = read_all(write_csv(tmp_path / "r.csv", [["a", "b"], ["1", "2"]]), format="kobo")
    assert info.format == "kobo"


def test_short_records_are_padded_and_blank_lines_skipped_as_pandas_does(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2\n\n3,4,5\n\n", encoding="utf-8")
    _, frame = read_all(path)
    assert frame.values.tolist() == [["1", "2", ""], ["3", "4", "5"]]
    assert len(frame) == len(pd.read_csv(path))


def test_utf16_and_cp1252(tmp_path: Path) -> None:
    rows = [["id", "ville"], ["1", "Liège"], ["2", "Zürich"]]
    for encoding in ("utf-16", "cp1252"):
        info, frame = read_all(write_csv(tmp_path / f"{encoding}.csv", rows, delimiter="\t", encoding=encoding))
        assert info.delimiter == "\t" and list(frame["ville"]) == ["Liège", "Zürich"], encoding


def test_delimiter_from_consistent_records_not_from_question_texts(tmp_path: Path) -> None:
    rows = [["id", "What, if anything, did you like?", "Rate; 1-5"], ["1", "Videos, quizzes", "4"], ["2", "x; y", "5"]]
    assert sniff_csv(write_csv(tmp_path / "r.csv", rows)).delimiter == ","
    assert sniff_csv(write_csv(tmp_path / "s.csv", rows, delimiter=";", quote_all=True)).delimiter == ";"


def test_kobo_rows_builder_matches_its_own_header() -> None:
    rows = kobo_rows(hxl=True)
    assert len({len(r) for r in rows}) == 1
