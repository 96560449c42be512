"""Google Forms CSV and plain CSV/XLSX: questions typed from their values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from learnervoice.study.model import MultipleResponse, Numeric, OpenText, SingleChoice

from ...conftest import EXAMPLE
from .helpers import DATA, init_and_import, label, rows
from .layouts import GOOGLE_ANSWERS, write_google_forms


def test_google_forms(tmp_path: Path) -> None:
    export = write_google_forms(tmp_path / "Course feedback (Responses).csv")
    report, study = init_and_import(tmp_path / "s", export)
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    stored = rows(study)
    assert len(stored) == len(frame) == len(GOOGLE_ANSWERS)
    ignored = study.config.responses[0].ignore_columns
    assert ("Timestamp", "Email Address") == ignored
    assert not any("Email Address" in q.columns() for q in report.draft.questions)
    heard = study.config.question("how_did_you_hear_about_the")
    assert isinstance(heard, SingleChoice)
    assert [label(study, heard.id, r[heard.id]) for r in stored] == list(frame["How did you hear about the course?"])
    formats = study.config.question("which_formats_would_you_consider")
    assert isinstance(formats, MultipleResponse) and {o.label for o in formats.options} == {"Online", "Face-to-face", "Blended learning"}
    assert [r["which_formats_would_you_consider__blended_learning"] for r in stored][:2] == [True, False]
    assert isinstance(study.config.question("what_is_your_age"), Numeric)
    assert isinstance(study.config.question("any_other_comments"), OpenText)


def test_plain_csv(tmp_path: Path) -> None:
    export = EXAMPLE / "data" / "responses.csv"
    report, study = init_and_import(tmp_path / "s", export)
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    assert len(rows(study)) == len(frame)
    assert report.draft.questions


def test_plain_xlsx(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a1", "a2", "a3", "a4"], "Gender": ["Woman", "Man", "Woman", "Woman"],
                          "Hours": [3, 5.5, 2, 8], "Why?": ["Time", "Work", "Family reasons", "Curiosity"]})
    path = tmp_path / "answers.xlsx"
    frame.to_excel(path, index=False)
    _, study = init_and_import(tmp_path / "s", path)
    assert study.config.responses[0].respondent_id == "id"
    assert isinstance(study.config.question("gender"), SingleChoice)
    hours = study.config.question("hours")
    assert isinstance(hours, Numeric) and not hours.integer
    assert [r["hours"] for r in rows(study)] == [3, 5.5, 2, 8]


def test_free_text_of_a_small_file_is_open_text_not_a_choice(tmp_path: Path) -> None:
    comments = ["none", "none", "More evenings please", "write to ana.puig@example.org", "Too expensive for me", "none",
                "Cheaper fees", "n/a"]
    frame = pd.DataFrame({"id": [f"r{n}" for n in range(8)], "Stage": ["junior", "senior"] * 4, "Comments": comments,
                          "Site": ["see https://example.org", "Barcelona"] * 4})
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    _, study = init_and_import(tmp_path / "s", path)
    assert isinstance(study.config.question("stage"), SingleChoice)
    assert isinstance(study.config.question("comments"), OpenText)  # 5 of 8 answers said once: not options
    assert isinstance(study.config.question("site"), OpenText)  # a web address is never an option label
    written = (tmp_path / "s" / "study.yaml").read_text(encoding="utf-8")
    assert "ana.puig" not in written and "example.org" not in written
    assert [r["comments"] for r in rows(study)] == comments


def test_commas_inside_single_answers_and_options(tmp_path: Path) -> None:
    """A single choice whose answers hold ", " stays single; a checkbox option holding ", " stays one option."""
    intent = ["Yes, definitely", "Yes, probably", "No, not really", "Yes, definitely", "No, not really", "Yes, probably"]
    modes = ["Online", "Blended (online, with some campus days)", "Online, Blended (online, with some campus days)",
             "Face-to-face, Online", "Face-to-face", "Blended (online, with some campus days), Face-to-face"]
    path = tmp_path / "Course (Responses).csv"
    pd.DataFrame({"Timestamp": [f"2024/03/0{i} 10:11:32 AM GMT+1" for i in range(1, 7)],
                  "Would you take the course again?": intent, "Which modes suit you?": modes}).to_csv(path, index=False)
    report, study = init_and_import(tmp_path / "s", path)
    again = study.config.question("would_you_take_the_course_again")
    assert isinstance(again, SingleChoice)
    assert sorted(o.label for o in again.options) == ["No, not really", "Yes, definitely", "Yes, probably"]
    suit = study.config.question("which_modes_suit_you")
    assert isinstance(suit, MultipleResponse)
    assert sorted(o.label for o in suit.options) == ["Blended (online, with some campus days)", "Face-to-face", "Online"]
    stored = rows(study)
    assert [label(study, again.id, r[again.id]) for r in stored] == intent
    blended = next(o.code for o in suit.options if o.label.startswith("Blended"))
    assert [r[f"{suit.id}__{blended}"] for r in stored] == [False, True, True, False, False, True]


def test_cantera_option_with_commas(tmp_path: Path) -> None:
    """Cantera/user-surveys responses.csv: 'Debian or its derivatives (Ubuntu, Mint, etc.)' is one answer,
    and its 112 columns import (the import's DuckDB memory grows with the columns)."""
    report, study = init_and_import(tmp_path / "s", DATA / "cantera_user_survey_responses.csv")
    assert len(rows(study)) == len(pd.read_csv(DATA / "cantera_user_survey_responses.csv", skiprows=[1])) == 60  # 2 header rows
    for x in report.draft.questions:
        labels = [o.label for o in x.options]
        assert "Mint" not in labels and "etc.)" not in labels, x.id
    debian = [x for x in report.draft.questions if any(o.label.startswith("Debian or its") for o in x.options)]
    assert debian and all(x.type == "single" for x in debian)
    assert "Debian or its derivatives (Ubuntu, Mint, etc.)" in [o.label for o in debian[0].options]


def test_a_study_yaml_too_large_to_open_is_not_written(tmp_path: Path) -> None:
    """Thousands of columns with long names would make a study.yaml over the 5 MB `check` accepts (the tester's
    20,000-column CSV did): refused at init with the reason, nothing written."""
    from learnervoice.errors import StudyError
    from learnervoice.survey.instrument import init_from

    path = tmp_path / "wide.csv"
    names = [f"item {i:05d} " + "of a question with a very long text " * 28 for i in range(2_500)]
    path.write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n" + ",".join(["2"] * len(names)) + "\n")
    with pytest.raises(StudyError, match="above the 5 MB a study.yaml may hold"):
        init_from(tmp_path / "s", [path])
    assert not (tmp_path / "s" / "study.yaml").exists()
