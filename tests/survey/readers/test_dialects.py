"""Which tool made a file and how many header rows it has, from the first records alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from learnervoice.survey.readers.dialects import detect_layout, is_import_id_row

from .builders import google_forms_rows, kobo_rows, limesurvey_codes_rows, qualtrics_rows


def _layout(rows: list[list[str]], requested: str = "auto", header_rows: int | None = None):  # type: ignore[no-untyped-def]
    return detect_layout(rows[:4], requested, header_rows, "f.csv")


def test_each_tool_from_its_own_columns() -> None:
    assert (_layout(qualtrics_rows()).format, _layout(qualtrics_rows()).header_rows) == ("qualtrics", 3)
    assert _layout(qualtrics_rows(import_ids=False)).header_rows == 2
    assert (_layout(kobo_rows()).format, _layout(kobo_rows(hxl=True)).header_rows) == ("kobo", 2)
    assert _layout(google_forms_rows()).format == "google-forms"
    assert _layout(limesurvey_codes_rows()).format == "limesurvey"


def test_localised_qualtrics_labels_still_make_two_rows() -> None:
    rows = qualtrics_rows(import_ids=False)
    rows[1] = ["Anfangsdatum", "Enddatum", "Antworttyp", "Aktueller Stand", "Dauer (in Sekunden)", "Beendet",
               "Erfassungsdatum", "Antwort-ID"] + rows[1][8:]
    layout = _layout(rows)
    assert layout.header_rows == 2 and layout.column_labels[7] == "Antwort-ID"


def test_import_id_rows() -> None:
    assert is_import_id_row(['{"ImportId":"QID1"}', "", '{"ImportId":"QID5_1","choiceId":"1"}'])
    assert is_import_id_row(['{"ImportId":"startDate","timeZone":"America/Denver"}'])
    assert not is_import_id_row(['{"id": 1}', '{"ImportId":"QID1"}', "x", "y"])
    assert not is_import_id_row(["", ""])


def test_asked_tool_keeps_its_name_and_finds_its_rows() -> None:
    assert _layout([["a", "b"], ["1", "2"]], "qualtrics").format == "qualtrics"
    assert _layout([["a", "b"], ["1", "2"]], "google-forms").header_rows == 1
    assert _layout(qualtrics_rows(), "csv").format == "qualtrics"  # a container named: the tool is still found


def test_given_header_rows_win() -> None:
    layout = _layout(qualtrics_rows(), header_rows=2)
    assert layout.header_rows == 2 and layout.column_labels[8] == "How did you take the course?"
    assert _layout([["q1"], ["text"], ["1"]], header_rows=2).column_labels == {0: "text"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.from_regex(r"[A-Za-z_][A-Za-z0-9_ ]{0,12}", fullmatch=True), min_size=2, max_size=8, unique=True),
    st.lists(st.lists(st.text(alphabet="0123456789abc ,-/:R_", max_size=12), min_size=8, max_size=8), min_size=1, max_size=3),
)
def test_ordinary_files_keep_one_header_row(names: list[str], data: list[list[str]]) -> None:
    layout = _layout([names] + [row[: len(names)] for row in data])
    assert layout.header_rows == 1 and layout.format != "qualtrics"
