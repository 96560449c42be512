"""LimeSurvey: response exports with the R syntax file, the .lss structure or the structure TSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from learnervoice.study.model import Grid, Likert, MultipleResponse, Numeric, OpenText, Ranking, SingleChoice
from learnervoice.survey.instrument import init_from

from .helpers import DATA, init_and_import, label, rows
from .layouts import write_limesurvey_codes_export, write_lss


def test_full_text_export_with_its_r_syntax_file(tmp_path: Path, samples: Path) -> None:
    export = samples / "limesurvey_survey_998192_R_data_file.csv"
    report, study = init_and_import(tmp_path / "s", export, samples / "limesurvey_survey_998192_R_syntax_file.R")
    frame = pd.read_csv(export, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    stored = {r["respondent_id"]: r for r in rows(study)}
    assert len(stored) == len(frame) == 7
    gender = study.config.question("gender")
    assert isinstance(gender, SingleChoice) and [o.label for o in gender.options] == ["Man", "Woman", "Other"]
    assert label(study, "gender", stored["4"]["gender"]) == "Man" and label(study, "gender", stored["5"]["gender"]) == "Other"
    assert stored["5"]["gender_other"] == "4444"
    education = study.config.question("education")
    assert isinstance(education, MultipleResponse) and education.options[0].label == "Primary School"
    assert (stored["5"]["education__primary"], stored["4"]["education__tertairy"]) == (True, True)
    assert stored["6"]["education__primary"] is None  # nothing ticked: no answer
    personality = study.config.question("personality")  # an array on a 7-point scale: one grid
    assert isinstance(personality, Grid) and personality.text == "Describe yourselves"
    assert [i.text for i in personality.items][::4] == ["Openness", "Emotional Stability"]
    assert [o.label for o in personality.options][::6] == ["1 disagree strongly", "7 agree strongly"]
    assert (stored["9"]["personality__open"], stored["9"]["personality__neur"]) == ("1", "4")
    order = study.config.question("order")  # a ranking: each column holds the film put at that rank
    assert isinstance(order, Ranking) and [o.code for o in order.options] == ["tita", "west", "star", "lion", "it"]
    assert [stored["1"][f"order__{c}"] for c in ("west", "star", "it", "lion", "tita")] == [1, 2, 3, 4, 5]
    assert isinstance(study.config.question("age"), Numeric) and stored["4"]["age"] == 66.0
    ignored = set(study.config.responses[0].ignore_columns)
    assert {"Please enter your address [Street]", "Please enter your address [City]"} <= ignored  # personal
    assert "Total time" in ignored and "Question time: gender" in ignored
    assert {x.name.split(" ")[0] for x in report.draft.left} == {"born"}  # a date


def test_lss_structure_with_an_export_of_codes(tmp_path: Path) -> None:
    export = write_limesurvey_codes_export(tmp_path / "survey_900001.csv")
    report, study = init_and_import(tmp_path / "s", write_lss(tmp_path / "survey.lss"), export)
    assert study.config.title == "Course feedback"
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    stored = rows(study)
    assert len(stored) == len(frame) == 5
    assert [label(study, "gender", r["gender"]) for r in stored] == ["Man", "Woman", "Other", "Woman", "Man"]
    satisf = study.config.question("satisf")  # an array on a satisfaction scale: one grid, a column per row
    assert isinstance(satisf, Grid) and satisf.text == "How satisfied are you with…"
    assert [(i.id, i.text) for i in satisf.items][0] == ("sq001", "the teachers")
    labels = {o.code: o.label for o in satisf.options}
    assert [labels[r["satisf__sq001"]] for r in stored][:2] == ["Satisfied", "Neither satisfied nor dissatisfied"]
    sync = study.config.question("sync")
    assert sync.ask_if is not None and (sync.ask_if.question, sync.ask_if.any_of) == ("modes", ("SQ001",))
    assert isinstance(study.config.question("overall"), Likert)
    assert isinstance(study.config.question("comments"), OpenText)
    assert "contact" in study.config.responses[0].ignore_columns  # an e-mail address
    assert [x.name for x in report.draft.left] == ["born (LimeSurvey type D)"]


def test_structure_tsv_alone(tmp_path: Path, samples: Path) -> None:
    report = init_from(tmp_path / "s", [samples / "limesurvey_structure_one_multichoice.tsv.txt"])
    (question,) = report.draft.questions
    assert (question.id, question.type) == ("onlyquestion", "multiple")
    assert question.option_columns == {"opt": "onlyQuestion[opt]", "opt1": "onlyQuestion[opt1]"}
    assert report.draft.title == "Simplest Survey Ever"
    assert "responses: []" in report.path.read_text(encoding="utf-8")


def test_lss_of_limesurvey_6_alone(tmp_path: Path) -> None:
    report = init_from(tmp_path / "s", [DATA / "limesurvey_one_question_two_languages.lss"])
    (question,) = report.draft.questions
    assert (question.id, question.type, question.text) == ("q1", "text", "Q1")
    assert report.draft.language == "et"


def test_export_alone(tmp_path: Path, samples: Path) -> None:
    """Without its structure: 'Question [Option]' columns of 0/1 are one multiple choice; the rest typed from values."""
    export = samples / "limesurvey_survey_998192_R_data_file.csv"
    report, study = init_and_import(tmp_path / "s", export)
    first = study.config.questions[0]
    assert first.text.startswith("Please read the points below")  # questions in the file's order
    education = study.config.question("which_educations_have_you_ever_done")
    assert isinstance(education, MultipleResponse) and [o.label for o in education.options][0] == "Primary School"
    assert len(rows(study)) == 7
    assert "Please enter your address [Street]" in study.config.responses[0].ignore_columns
