"""Answers checked against the instrument, as the web questionnaire gives them."""

from __future__ import annotations

from learnervoice.study.load import Study
from learnervoice.survey.webform import AnswerProblem, clean_answers


def test_answers_are_checked_and_kept_in_stored_form(example: Study) -> None:
    raw = {"age": "44", "gender": ["woman", "other"], "experience": "12.5", "mode": ["online"], "online_sync": "async",
           "length": ["m1_2", "nope"], "familiar": "maybe", "hours": "30", "schedule": ""}
    answers, problems = clean_answers(example.config, raw, final=False)
    assert answers == {"age": 44.0, "gender": ["woman", "other"], "mode": ["online"], "online_sync": "async"}
    assert problems == {"experience": AnswerProblem("integer"), "length": AnswerProblem("option"),
                        "familiar": AnswerProblem("option"), "hours": AnswerProblem("band", (1.0, 25.0))}


def test_conditional_answers_are_dropped_when_they_do_not_apply(example: Study) -> None:
    answers, problems = clean_answers(example.config, {"mode": ["onsite"], "online_sync": "nonsense"}, final=True)
    assert answers == {"mode": ["onsite"]} and problems == {}


def test_numbers_with_a_decimal_comma_in_languages_that_write_them(example: Study) -> None:
    config = example.config.model_copy(update={"language": "ca"})
    answers, _ = clean_answers(config, {"age": "44,0"}, final=False)
    assert answers == {"age": 44.0}
