"""Open text: the answer as written, tabulated as answered or not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..stats.variables import ANSWERED, Variable, guarded, literal
from ..study.model import OpenText
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.mapping import QuestionSource

MAX_TEXT = 5000  # characters of an answer on the web questionnaire


@register(OpenText)
class OpenTextType(QuestionType[OpenText]):
    def convert(self, q: OpenText, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        assert src.column is not None
        return {q.id: ctx.cell(src.column)}

    def variable(self, q: OpenText, asked: str) -> Variable:
        answered = f"CASE WHEN trim({quote(q.id)}) <> '' THEN {literal(ANSWERED)} END"
        return Variable(q.id, q.text, q.type, (), asked, guarded(asked, answered), answered_only=True)

    def parse_answer(self, q: OpenText, value: Any, comma: bool) -> Answer | AnswerProblem:
        if not isinstance(value, str):
            return AnswerProblem("option")
        return value.strip() if len(value) <= MAX_TEXT else AnswerProblem("too_long", (MAX_TEXT,))
