"""Open text: the answer as written, tabulated as answered or not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..stats.variables import ANSWERED, Variable, guarded, literal
from ..study.model import OpenText
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    import pandas as pd

    from ..errors import Problem
    from ..survey.convert import ChunkConverter
    from ..survey.mapping import QuestionSource

MAX_TEXT = 5000  # characters of an answer on the web questionnaire


@register(OpenText)
class OpenTextType(QuestionType[OpenText]):
    def convert(
        self, q: OpenText, src: QuestionSource, chunk: pd.DataFrame, ctx: ChunkConverter, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        assert src.column is not None
        raw = ctx.cells(chunk, src.column)
        return {q.id: raw.where(raw.notna(), None)}

    def variable(self, q: OpenText, asked: str) -> Variable:
        answered = f"CASE WHEN trim({quote(q.id)}) <> '' THEN {literal(ANSWERED)} END"
        return Variable(q.id, q.text, q.type, (), asked, guarded(asked, answered), answered_only=True)

    def parse_answer(self, q: OpenText, value: Any, comma: bool) -> Answer | AnswerProblem:
        if not isinstance(value, str):
            return AnswerProblem("option")
        return value.strip() if len(value) <= MAX_TEXT else AnswerProblem("too_long", (MAX_TEXT,))
