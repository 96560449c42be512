"""Numeric: a number per respondent (within optional limits), tabulated as answered with a summary."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from ..stats.variables import ANSWERED, Variable, guarded, literal
from ..study.model import Numeric
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.mapping import QuestionSource


def number_answer(value: Any, comma: bool, integer: bool) -> float | AnswerProblem:
    """A web answer as a finite number (text in the study's decimal mark, or a JSON number).

    >>> number_answer("7,5", True, False), number_answer("7.5", False, True)
    (7.5, AnswerProblem(kind='integer', values=()))
    """
    if isinstance(value, bool):
        return AnswerProblem("number")
    if isinstance(value, str):
        text = value.strip().replace(",", ".") if comma else value.strip()
        try:
            number = float(text)
        except ValueError:
            return AnswerProblem("number")
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return AnswerProblem("number")
    if not math.isfinite(number):
        return AnswerProblem("number")
    if integer and not number.is_integer():
        return AnswerProblem("integer")
    return number


@register(Numeric)
class NumericType(QuestionType[Numeric]):
    column_type: ClassVar[str] = "DOUBLE"
    widget: ClassVar[str] = "number"

    def convert(self, q: Numeric, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        column = src.column
        assert column is not None
        number = ctx.numbers(q, column)
        if q.id == ctx.config.weight:
            ctx.flag(column, f"{ctx.cell(column)} IS NULL", "a survey weight (every respondent needs one)")
            ctx.flag(column, f"{number} < 0", "a weight of zero or more")
        if q.min is not None:
            ctx.flag(column, f"{number} < {q.min!r}", f"a number of at least {q.min:g}")
        if q.max is not None:
            ctx.flag(column, f"{number} > {q.max!r}", f"a number of at most {q.max:g}")
        return {q.id: number}

    def variable(self, q: Numeric, asked: str) -> Variable:
        column = quote(q.id)
        answered = f"CASE WHEN {column} IS NOT NULL THEN {literal(ANSWERED)} END"
        return Variable(q.id, q.text, q.type, (), asked, guarded(asked, answered), column, answered_only=True,
                        summary=True)

    def form_fields(self, q: Numeric) -> dict[str, Any]:
        return {"min": q.min, "max": q.max, "integer": q.integer}

    def parse_answer(self, q: Numeric, value: Any, comma: bool) -> Answer | AnswerProblem:
        number = number_answer(value, comma, q.integer)
        if isinstance(number, float) and ((q.min is not None and number < q.min) or (q.max is not None and number > q.max)):
            return AnswerProblem("range", (q.min, q.max))
        return number
