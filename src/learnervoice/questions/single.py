"""Single choice: one option code per respondent, in one text column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..stats.variables import Variable, guarded
from ..study.model import ChoiceQuestion, SingleChoice
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.mapping import QuestionSource

C = TypeVar("C", bound=ChoiceQuestion)


class OneOption(QuestionType[C]):
    """One answer among the options (single choice, Likert): its code is the store value and the SQL key."""

    kind: ClassVar[str]  # the tables' name of the kind of variable (the type's tag in study.yaml)
    widget: ClassVar[str] = "radio"
    ordinal: ClassVar[bool] = False  # an ordered scale: tables give the median

    def convert(self, q: C, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        assert src.column is not None
        return {q.id: ctx.codes(q, src, src.column)}

    def variable(self, q: C, asked: str) -> Variable:
        return Variable(q.id, q.text, self.kind, q.options, asked, guarded(asked, self.key_sql(q)), ordinal=self.ordinal)

    def form_fields(self, q: C) -> dict[str, Any]:
        return {"options": [{"code": o.code, "label": o.label} for o in q.options]}

    def parse_answer(self, q: C, value: Any, comma: bool) -> Answer | AnswerProblem:
        return value if isinstance(value, str) and value in {o.code for o in q.options} else AnswerProblem("option")


@register(SingleChoice)
class SingleChoiceType(OneOption[SingleChoice]):
    """Single choice: options in any order."""

    kind: ClassVar[str] = "single"
