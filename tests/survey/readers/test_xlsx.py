"""Workbooks: every row from the cells (not the declared dimension), tools' layouts, cells as typed, hostile files refused."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from learnervoice.errors import UnreadableFileError
from learnervoice.survey.readers import detect_format

from .builders import (
    google_forms_rows, kobo_xlsx, lying_bomb_xlsx, qualtrics_xlsx, rewrite_member, stale_dimension_xlsx, write_xlsx,
    zip_bomb_xlsx,
)
from .helpers import read_all


def _pandas_rows(path: Path, header_rows: int = 1, skip_rows: int = 0) -> int:
    """Data records as pandas reads them (openpyxl, which resets a read-only sheet's dimension)."""
    frame = pd.read_excel(path, header=None, dtype=str, skiprows=skip_rows, engine="openpyxl")
    return len(frame) - header_rows


def _refused(path: Path, *fragments: str, **kwargs: object) -> str:
    with pytest.raises(UnreadableFileError) as err:
        read_all(path, **kwargs)  # type: ignore[arg-type]
    message = str(err.value)
    assert path.name in message and "internal" not in message.lower(), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_stale_dimension_gives_every_row(tmp_path: Path) -> None:
    path = stale_dimension_xlsx(tmp_path / "stale.xlsx", rows=41)
    with zipfile.ZipFile(path) as zf:
        assert b'<dimension ref="A1:N10"/>' in zf.read("xl/worksheets/sheet1.xml")
    info, frame = read_all(path)
    assert (info.format, info.sheet) == ("xlsx", "Sheet1")
    assert len(frame) == 41 == _pandas_rows(path)
    assert frame.loc[40, "id"] == "41" and frame.loc[40, "hours"] == "0"


def test_qualtrics_xlsx_with_three_header_rows(tmp_path: Path, samples: Path) -> None:
    path = qualtrics_xlsx(samples / "qualtrics_sample.csv", tmp_path / "export.xlsx")
    for fmt in ("auto", "qualtrics", "xlsx", "csv"):  # a workbook is read as one whatever the study calls it
        info, frame = read_all(path, format=fmt)
        assert (info.format, info.header_rows) == ("qualtrics", 3), fmt
        assert info.column_labels["Q1"] == "This is a multiple choice question."
        assert info.column_meta["Q1"] == {"ImportId": "QID1"}
        assert frame.loc[0, "Q1"] == "2" and frame.loc[0, "ResponseId"] == "R_2YPOQ602ER1jkf1"
        assert len(frame) == _pandas_rows(path, header_rows=3) == 1


def test_kobo_xlsx_reads_the_main_sheet_and_notes_repeat_groups(tmp_path: Path) -> None:
    path = kobo_xlsx(tmp_path / "kobo.xlsx")
    info, frame = read_all(path)
    assert (info.format, info.sheet) == ("kobo", "Learner form")
    assert any("repeat groups" in n and "'family'" in n for n in info.notes)
    assert frame.loc[0, "_id"] == "313790959" and frame.loc[0, "_index"] == "1"
    assert frame.loc[0, "_submission_time"] == "2024-02-19 09:20:17"
    assert len(frame) == _pandas_rows(path) == 4


def test_kobo_xlsx_in_arabic(tmp_path: Path) -> None:
    info, frame = read_all(kobo_xlsx(tmp_path / "kobo_ar.xlsx", arabic=True))
    assert info.format == "kobo" and "تعليقات" in info.columns
    assert list(frame["البيانات/الجنس"]) == ["ذكر", "أنثى", "ذكر", "أنثى"]


def test_google_forms_xlsx(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in google_forms_rows()]
    for row in rows[1:]:
        row[0] = dt.datetime(2024, 1, 17, 18, 7, 45, 597000)
    info, frame = read_all(write_xlsx(tmp_path / "Course (Responses).xlsx", {"Form responses 1": rows}))
    assert info.format == "google-forms" and frame.loc[0, "Timestamp"] == "2024-01-17 18:07:45.597"


def test_cells_as_a_person_types_them(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["id", "when", "day", "time", "ticked", "share", "count", "big", "text"],
        [1.0, dt.datetime(2024, 3, 1, 9, 30), dt.date(2020, 1, 31), dt.time(14, 12), True, 0.1 + 0.2, 3, 12345678901234, " kept "],
        [2, None, None, None, False, 1e-05, -2.5, 1.5e20, "a, b"],
    ]
    _, frame = read_all(write_xlsx(tmp_path / "types.xlsx", {"S": rows}))
    assert frame.values.tolist() == [
        ["1", "2024-03-01 09:30:00", "2020-01-31", "14:12:00", "TRUE", "0.3", "3", "12345678901234", " kept "],
        ["2", "", "", "", "FALSE", "0.00001", "-2.5", "150000000000000000000", "a, b"],
    ]


def test_title_rows_and_empty_rows_before_the_header(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Course evaluation 2024"], ["exported 2024-05-01"], [], ["id", "q1"], [1, "a"], [], [3, "c"], [], []]
    path = write_xlsx(tmp_path / "titled.xlsx", {"S": rows})
    info, frame = read_all(path, skip_rows=2)
    assert (info.skip_rows, info.header_rows) == (3, 1)
    assert frame.values.tolist() == [["1", "a"], ["", ""], ["3", "c"]]  # the inner empty row kept, as pandas does
    assert info.row_number(2) == 7  # the spreadsheet's own row
    assert len(frame) == _pandas_rows(path, skip_rows=3)


def test_header_rows_given(tmp_path: Path) -> None:
    rows: list[list[object]] = [["q1", "q2"], ["How old?", "Where?"], [23, "Lyon"]]
    info, frame = read_all(write_xlsx(tmp_path / "two.xlsx", {"S": rows}), header_rows=2)
    assert info.column_labels == {"q1": "How old?", "q2": "Where?"} and frame.values.tolist() == [["23", "Lyon"]]


def test_value_in_a_column_without_a_name_is_an_error(tmp_path: Path) -> None:
    rows: list[list[object]] = [["id", "q1"], [1, "a"], [2, "b", "stray note"]]
    _refused(write_xlsx(tmp_path / "stray.xlsx", {"S": rows}), "cell C3", "'stray note'", "no name in the header row")


def test_empty_sheet_and_header_only(tmp_path: Path) -> None:
    _refused(write_xlsx(tmp_path / "empty.xlsx", {"S": []}), "is empty")
    _refused(write_xlsx(tmp_path / "head.xlsx", {"S": [["id", "q1"]]}), "row 2", "no responses")


def test_zip_bomb_refused_quickly(tmp_path: Path) -> None:
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 5 * 1024**2
    started = time.monotonic()
    _refused(path, "would unpack to 600 MB", "zip bomb")
    assert time.monotonic() - started < 1


def test_zip_whose_headers_lie_about_sizes(tmp_path: Path) -> None:
    path = lying_bomb_xlsx(tmp_path / "lying.xlsx")
    started = time.monotonic()
    _refused(path, "damaged")
    assert time.monotonic() - started < 5


def test_not_a_zip_and_a_zip_without_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip")
    _refused(tmp_path / "fake.xlsx", "not an Excel .xlsx file")
    (tmp_path / "text.xlsx").write_text("id,q1\n1,a\n", encoding="utf-8")
    _refused(tmp_path / "text.xlsx", "not an Excel .xlsx file")
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as zf:
        zf.writestr("readme.txt", "hello")
    _refused(tmp_path / "other.xlsx", "without a workbook")
    with zipfile.ZipFile(tmp_path / "kobo_spss.xlsx", "w") as zf:
        zf.writestr("data.sav", "x")
        zf.writestr("labels.sps", "y")
    _refused(tmp_path / "kobo_spss.xlsx", "it holds data.sav, labels.sps: unzip it")


def test_zip_renamed_csv_is_found_by_its_content(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"S": [["id"], [1]]})
    renamed = tmp_path / "responses.csv"
    renamed.write_bytes(path.read_bytes())
    assert detect_format(renamed) == "xlsx"
    assert read_all(renamed)[1].values.tolist() == [["1"]]


def test_broken_sheet_xml_and_entity_expansion(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"S": [["id", "q"], [1, "a"]]})
    rewrite_member(good, tmp_path / "broken.xlsx", "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2])
    _refused(tmp_path / "broken.xlsx", "damaged")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    rewrite_member(good, tmp_path / "laughs.xlsx", "xl/worksheets/sheet1.xml",
                   lambda b: laughs + (b.split(b"?>", 1)[1] if b.startswith(b"<?xml") else b).replace(b">a<", b">&lol3;<"))
    try:
        _, frame = read_all(tmp_path / "laughs.xlsx")
    except UnreadableFileError as exc:
        assert "laughs.xlsx" in str(exc)
    else:
        assert len(frame.to_string()) < 10_000  # entities are not expanded


def test_truncated_workbook_at_many_lengths(tmp_path: Path) -> None:
    data = write_xlsx(tmp_path / "good.xlsx", {"S": [["id", "q"]] + [[i, "abc"] for i in range(200)]}).read_bytes()
    cut = tmp_path / "cut.xlsx"
    for length in range(1, len(data), max(1, len(data) // 150)):
        cut.write_bytes(data[:length])
        try:
            _, frame = read_all(cut)
        except UnreadableFileError as exc:
            assert "cut.xlsx" in str(exc)
        else:
            assert len(frame) == 200, length  # a cut that loses nothing may still read: never fewer rows


def test_password_protected_workbook(tmp_path: Path) -> None:
    """An encrypted .xlsx is an OLE container, not a zip."""
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    _refused(path, "secret.xlsx")
