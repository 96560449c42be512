"""Question types: every type of the instrument has one, and a new type is one module registered in one place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd
import pytest

from learnervoice.errors import Problem
from learnervoice.questions import question_type, register, registered
from learnervoice.study import types as registry
from learnervoice.questions.base import Answer, AnswerProblem, QuestionType
from learnervoice.stats.engine import Engine
from learnervoice.stats.frequencies import build_tables
from learnervoice.stats.variables import Variable, all_variables, guarded, literal
from learnervoice.study.model import QUESTION_MODELS, QUESTION_TAGS, Option, QuestionBase, SingleChoice, StudyConfig
from learnervoice.survey.convert import SqlConverter, Unreadable, store_columns
from learnervoice.survey.mapping import QuestionSource, resolve_mapping
from learnervoice.survey.readers import open_response_file
from learnervoice.survey.staging import stage
from learnervoice.survey.store import quote
from learnervoice.survey.webform import clean_answers
from learnervoice.web.app import templates

def test_every_type_of_the_instrument_has_a_question_type() -> None:
    types = registered()
    assert set(QUESTION_MODELS) <= set(types)
    for model in QUESTION_MODELS:
        assert isinstance(types[model], QuestionType)
    assert QUESTION_TAGS == {"single", "multiple", "likert", "numeric", "binned", "text", "grid", "ranking"}


def test_every_widget_a_type_names_is_a_macro_of_the_questionnaire() -> None:
    macros = templates.env.get_template("_widgets.html").module
    for model, qtype in registered().items():
        assert callable(getattr(macros, qtype.widget, None)), f"{model.__name__}: no macro {qtype.widget!r}"


def test_a_question_of_an_unknown_type_is_refused_clearly() -> None:
    class Nothing(QuestionBase):
        type: Literal["nothing"]

    with pytest.raises(TypeError, match="no question type is registered for Nothing"):
        question_type(Nothing(id="x", text="X", type="nothing"))


# --- a toy type: a yes/no toggle, stored as a boolean -------------------------------------------------


class YesNo(QuestionBase):
    type: Literal["yesno"]


YES_NO = (Option(code="yes", label="Yes"), Option(code="no", label="No"))


class YesNoType(QuestionType[YesNo]):
    column_type: ClassVar[str] = "BOOLEAN"
    widget: ClassVar[str] = "radio"

    def convert(self, q: YesNo, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        assert src.column is not None

        def yes_no(raw: str) -> tuple[bool | None] | Unreadable:
            key = raw.strip().lower()
            if key in ("yes", "no", ""):
                return (None if not key else key == "yes",)
            return Unreadable("yes or no")

        return {q.id: ctx.recode(src.column, [(q.id, "BOOLEAN")], yes_no)[0]}

    def variable(self, q: YesNo, asked: str) -> Variable:
        key = f"CASE WHEN {quote(q.id)} THEN {literal('yes')} WHEN NOT {quote(q.id)} THEN {literal('no')} END"
        return Variable(q.id, q.text, "yesno", YES_NO, asked, guarded(asked, key))

    def form_fields(self, q: YesNo) -> dict[str, Any]:
        return {"options": [{"code": o.code, "label": o.label} for o in YES_NO]}

    def stored(self, q: YesNo, answer: Any) -> dict[str, Any]:
        return {q.id: answer == "yes"}

    def parse_answer(self, q: YesNo, value: Any, comma: bool) -> Answer | AnswerProblem:
        return value.lower() if isinstance(value, str) and value.lower() in ("yes", "no") else AnswerProblem("option")


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[StudyConfig]:
    """A study with a single-choice question and a yes/no one, its type registered for the test only."""
    monkeypatch.setattr(registry, "_TYPES", registered())
    register(YesNo)(YesNoType)
    config = StudyConfig(title="Toy", consent="Yes.", questions=(
        SingleChoice(id="familiar", text="Familiar?", type="single", options=YES_NO),))
    yield config.model_copy(update={"questions": (*config.questions, YesNo(id="online", text="Online?", type="yesno"))})


def test_a_new_type_is_converted_stored_and_tabulated_through_the_registry(toy: StudyConfig, tmp_path: Path) -> None:
    import duckdb

    assert store_columns(toy) == {"familiar": "VARCHAR", "online": "BOOLEAN"}
    path = tmp_path / "answers.csv"
    path.write_text("id,familiar,online\nr1,yes,Yes\nr2,no,no\nr3,yes,\nr4,no,YES\n", encoding="utf-8")
    file = open_response_file(path)
    mapping, problems = resolve_mapping(toy, file.info, respondent_id="id")
    assert not problems and mapping.questions["online"].column == "online"
    con = duckdb.connect()
    frame, problems = _converted(con, toy, file, mapping)
    assert not problems
    assert frame["online"].tolist() == [True, False, pd.NA, True]
    con.register("converted", frame)
    con.execute("CREATE TABLE responses AS SELECT * FROM converted")
    variables = all_variables(toy)
    table = build_tables(variables, Engine(con, "responses").aggregate(variables))[1]
    assert [(r.code, r.count) for r in table.rows] == [("yes", 2), ("no", 1)]
    assert (table.base, table.missing, table.not_asked) == (3, 1, 0)


def test_a_new_type_reports_problems_against_the_file(toy: StudyConfig, tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("id,familiar,online\nr1,yes,maybe\n", encoding="utf-8")
    file = open_response_file(path)
    mapping, _ = resolve_mapping(toy, file.info, respondent_id="id")
    import duckdb

    _, problems = _converted(duckdb.connect(), toy, file, mapping)
    assert [(p.row, p.field, p.value, p.expected) for p in problems] == [(2, "online", "maybe", "yes or no")]


def _converted(con: Any, config: StudyConfig, file: Any, mapping: Any) -> tuple[pd.DataFrame, list[Problem]]:
    """The file's rows as the question types convert them (the importer's SQL), and the problems found."""
    staged = stage(con, file)
    converter = SqlConverter(con, config, file.info, mapping, staged, row_offset=file.info.row_number(0))

    def columns() -> dict[str, str]:
        found: dict[str, str] = {}
        for q in config.questions:
            found |= question_type(q).convert(q, mapping.questions[q.id], converter)
        return found

    expressions = converter.prepare(columns)
    problems = [p for entry in converter.find_problems().values() for p in entry.shown]
    select = ", ".join(f"{sql} AS {name}" for name, sql in expressions.items())
    frame = con.execute(f"SELECT {select} FROM {staged.with_helpers(converter.helpers, 'true')} ORDER BY _rid").df()
    return frame, problems


def test_a_new_type_is_asked_and_checked_on_the_web(toy: StudyConfig) -> None:
    answers, problems = clean_answers(toy, {"familiar": "yes", "online": "YES"}, final=False)
    assert answers == {"familiar": "yes", "online": "yes"} and not problems
    _, problems = clean_answers(toy, {"online": "sometimes"}, final=False)
    assert problems == {"online": AnswerProblem("option")}
    online = toy.questions[1]
    assert question_type(online).stored(online, "yes") == {"online": True}
    macro = getattr(templates.env.get_template("_widgets.html").module, question_type(online).widget)
    html = str(macro({"id": "online", "text": "Online?"} | question_type(online).form_fields(online), "no", None))
    assert 'value="no" checked' in html and 'value="yes" >' in html
