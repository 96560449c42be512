"""SPSS and Stata files: the instrument from variable labels, value labels, missing values and MR sets."""

from __future__ import annotations

from pathlib import Path

import pyreadstat
import pytest

from learnervoice.study.model import Likert, MultipleResponse, Numeric, OpenText, SingleChoice

from .helpers import DATA, init_and_import, label, rows


def test_spss_value_labels_missing_values_and_mr_sets(tmp_path: Path, samples: Path) -> None:
    sav = samples / "spss_simple_alltypes_mrsets.sav"
    report, study = init_and_import(tmp_path / "s", sav)
    frame, _ = pyreadstat.read_sav(str(sav), apply_value_formats=True, user_missing=False)
    stored = rows(study)
    assert len(stored) == len(frame) == 6
    x = study.config.question("x")
    assert isinstance(x, SingleChoice) and x.text == "Numeric variable with value labels"
    assert [(o.code, o.label) for o in x.options][:3] == [("1", "red"), ("2", "green"), ("3", "blue")]
    assert {o.code for o in x.options} == {"1", "2", "3", "4", "9"}  # 4 and 9 have no label; 8 is user-missing
    assert [label(study, "x", r["x"]) for r in stored][:3] == list(frame["x"][:3])  # red, green, blue by label
    assert stored[4]["x"] is None  # 8: declared missing, no answer
    assert isinstance(study.config.question("z"), Numeric)
    assert isinstance(study.config.question("str"), OpenText)
    mr = study.config.question("mymrset")
    assert isinstance(mr, MultipleResponse) and [o.label for o in mr.options] == ["Response #1", "Response #2", "Response #3"]
    assert [r["mymrset__bool1"] for r in stored] == [True, True, False, None, False, True]  # no tick at all: missing
    assert isinstance(study.config.question("categorical_array"), MultipleResponse)
    text = report.path.read_text(encoding="utf-8")
    assert "999 'skipped' means the question was not asked" in text
    assert "# y: a date or time (ADATE10): dates are not a question type yet" in text
    assert {"y", "date", "quarter"} <= set(study.config.responses[0].ignore_columns)
    assert report.summary == "5 questions (2 multiple, 1 numeric, 1 single, 1 text), 3 columns ignored, 3 left as comments"


def test_spss_non_latin_variable_name(tmp_path: Path, samples: Path) -> None:
    sav = samples / "spss_hebrews.sav"
    _, study = init_and_import(tmp_path / "s", sav)
    frame, _ = pyreadstat.read_sav(str(sav))
    (question,) = study.config.questions
    assert isinstance(question, Numeric) and question.integer and question.source == "ותק_ב"
    stored = rows(study)
    assert len(stored) == len(frame) == 99
    assert [r[question.id] for r in stored[:5]] == list(frame["ותק_ב"][:5])


def test_stata_value_labels_and_dates(tmp_path: Path) -> None:
    dta = DATA / "stata_pyreadstat_sample.dta"
    report, study = init_and_import(tmp_path / "s", dta)
    frame, _ = pyreadstat.read_dta(str(dta), apply_value_formats=True)
    stored = rows(study)
    assert len(stored) == len(frame) == 5
    assert [label(study, "mylabl", r["mylabl"]) for r in stored] == list(frame["mylabl"])  # Male, Female…
    assert [label(study, "myord", r["myord"]) for r in stored] == list(frame["myord"])
    assert isinstance(study.config.question("myord"), SingleChoice)  # three points: not a Likert scale
    assert isinstance(study.config.question("mychar"), OpenText)
    assert [r["mynum"] for r in stored] == list(frame["mynum"])
    left = {x.name for x in report.draft.left}
    assert left == {"mydate", "dtime", "mytime"}


def test_stata_extended_missing_values_are_no_answer(tmp_path: Path) -> None:
    dta = DATA / "stata_pyreadstat_missing_test.dta"
    report, study = init_and_import(tmp_path / "s", dta)
    frame, _ = pyreadstat.read_dta(str(dta))
    stored = rows(study)
    assert len(stored) == len(frame) == 1
    assert stored[0]["var1"] is None and stored[0]["var9"] == 1.0  # .a is missing; 1 is a number
    text = report.path.read_text(encoding="utf-8")
    assert "var1: declared missing in the file (Stata extended missing values .a): read as no answer." in text
    assert "SPSS" not in text


def test_spss_string_user_missing_values_are_no_answer(tmp_path: Path) -> None:
    """pyreadstat's missing_char.sav declares 'Z' missing in a string variable: no answer, never an option."""
    sav = DATA / "pyreadstat_missing_char.sav"
    report, study = init_and_import(tmp_path / "s", sav)
    mychar = study.config.question("mychar")
    assert isinstance(mychar, SingleChoice) and [o.label for o in mychar.options] == ["labeled"]
    assert [label(study, "mychar", r["mychar"]) for r in rows(study)] == [None, "labeled"]
    assert study.config.missing_values == ("Z",)
    text = report.path.read_text(encoding="utf-8")
    assert "mychar: declared missing in the file (SPSS user-missing values 'Z'): read as no answer." in text
    assert "Stata" not in text


@pytest.mark.parametrize("labels", [["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]])
def test_an_agreement_scale_is_likert(tmp_path: Path, labels: list[str]) -> None:
    import pandas as pd

    frame = pd.DataFrame({"respid": [1.0, 2.0, 3.0, 4.0], "q1": [1.0, 5.0, 4.0, 99.0], "age": [23.0, 45.0, 31.0, 52.0]})
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(frame, str(path), column_labels=["Respondent", "The course met my needs", "Age"],
                         variable_value_labels={"q1": {float(i): lab for i, lab in enumerate(labels, 1)} | {99.0: "Not applicable"}},
                         missing_ranges={"q1": [99.0]})
    report, study = init_and_import(tmp_path / "s", path)
    q1 = study.config.question("q1")
    assert isinstance(q1, Likert) and [o.code for o in q1.options] == ["1", "2", "3", "4", "5"]
    assert study.config.responses[0].respondent_id == "respid"
    stored = rows(study)
    assert [r["respondent_id"] for r in stored] == ["1", "2", "3", "4"]
    assert [r["q1"] for r in stored] == ["1", "5", "4", None]
    assert "99 'Not applicable' means the question was not asked" in report.path.read_text(encoding="utf-8")
