"""Other file shapes: XLSX, Stata, KoboToolbox, Google Forms ticks, cp1252 and decimal commas."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyreadstat
from openpyxl import Workbook

from learnervoice.survey.convert import OptionLookup, split_ticks
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

STUDY = """
title: Formats
consent: I agree.
questions:
  - id: mode
    text: Do you prefer a course...
    type: multiple
    options: [{code: online, label: Online}, {code: onsite, label: Face-to-face}, {code: mixed, label: "Mixed, some of each"}]
  - id: gender
    text: Gender
    type: single
    options: [{code: man, label: Man}, {code: woman, label: Woman}, {code: other, label: Other}]
  - id: hours
    text: Hours a week
    type: numeric
"""


def _table(study) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(study.store_path), read_only=True)
    try:
        return con.execute(
            "SELECT respondent_id, mode__online, mode__onsite, mode__mixed, gender, hours FROM responses ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


EXPECTED = [
    ("1", True, False, True, "woman", 7.5),
    ("2", None, None, None, "man", None),
    ("3", False, True, False, "other", 12.0),
]


def test_xlsx(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "Do you prefer a course...", "Gender", "Hours a week"])
    ws.append([1, "Online, Mixed, some of each", "Woman", 7.5])
    ws.append([2, None, "Man", None])
    ws.append([3, "Face-to-face", "Other", 12])
    wb.save(tmp_path / "r.xlsx")
    assert import_responses(study, tmp_path / "r.xlsx").format == "xlsx"
    assert _table(study) == EXPECTED


def test_stata_with_value_labels(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "mode": ["online mixed", "", "onsite"], "gender": [2, 1, 3], "hours": [7.5, None, 12.0]}
    )
    pyreadstat.write_dta(frame, str(tmp_path / "r.dta"), variable_value_labels={"gender": {1: "Man", 2: "Woman", 3: "Other"}})
    assert import_responses(study, tmp_path / "r.dta").format == "dta"
    assert _table(study) == EXPECTED


def test_kobo_option_columns_and_cp1252_decimal_comma(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    text = (
        "_id;mode;mode/online;mode/onsite;mode/mixed;gender;hours;_uuid\n"
        "1;online mixed;1;0;1;woman;7,5;a\n"
        "2;;0;0;0;man;;b\n"
        "3;onsite;0;1;0;other;12;c\n"
    )
    (tmp_path / "kobo.csv").write_bytes(text.encode("cp1252"))
    report = import_responses(study, tmp_path / "kobo.csv")
    assert report.format == "kobo"
    assert report.mapping.questions["mode"].option_columns == {"online": "mode/online", "onsite": "mode/onsite", "mixed": "mode/mixed"}
    assert _table(study) == EXPECTED


def test_utf8_bom_and_semicolons(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    text = "\ufeffid;Do you prefer a course...;Gender;Hours a week\n1;Online, Mixed, some of each;Wóman;7,5\n2;;Man;\n3;Face-to-face;Other;12\n"
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    study = write_study(tmp_path / "s", STUDY.replace("label: Woman", "label: Wóman"))
    import_responses(study, tmp_path / "r.csv")
    assert _table(study) == EXPECTED


def test_google_forms_labels_with_commas() -> None:
    lookup = OptionLookup({"online": "on", "mixed, some of each": "mx", "face-to-face": "f2f"}, {})
    assert split_ticks("Online, Mixed, some of each", lookup, None) == frozenset({"on", "mx"})
    assert split_ticks("Online;Face-to-face", lookup, None) == frozenset({"on", "f2f"})
    assert split_ticks("Online, By post", lookup, None) is None
