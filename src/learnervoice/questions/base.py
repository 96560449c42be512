"""What a question type does, concern by concern, with the common case (one column per question) as default.

A type module subclasses :class:`QuestionType` for its pydantic model and registers it::

    @register(SingleChoice)
    class SingleChoiceType(QuestionType[SingleChoice]):
        ...

Every place that used to test a question's class asks ``question_type(q)`` instead: the store
(:func:`learnervoice.survey.convert.store_columns`), conversion of response files
(:class:`learnervoice.survey.convert.SqlConverter`), SQL keys for tables
(:mod:`learnervoice.stats.variables`), the web questionnaire (:mod:`learnervoice.survey.webform`,
the widget macros of ``web/templates/widgets.html``) and the mapping of columns
(:mod:`learnervoice.survey.mapping`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from ..stats.variables import Variable, literal
from ..study.model import QuestionBase
from ..study.types import Answer, AnswerProblem
from ..survey.mapping import QuestionSource
from ..survey.store import quote
from ..text import normalize

if TYPE_CHECKING:
    from ..study.model import Band, DerivedVariable
    from ..survey.convert import SqlConverter
    from ..survey.readers import FileInfo

Q = TypeVar("Q", bound=QuestionBase)
class QuestionType(ABC, Generic[Q]):
    """The behaviour of one type of question outside the instrument."""

    column_type: ClassVar[str] = "VARCHAR"
    """SQL type of the question's one store column."""
    widget: ClassVar[str] = "textarea"
    """The macro of ``web/templates/widgets.html`` that asks the question on the web."""

    # --- the store and conversion of raw answers ---------------------------------------------------

    def store_columns(self, q: Q) -> dict[str, str]:
        """Column name -> SQL type of the question's answers in the wide responses table."""
        return {q.id: self.column_type}

    def answer_column(self, q: Q) -> str:
        """The store column that is NULL when the question has no answer."""
        return next(iter(self.store_columns(q)))

    def answered_sql(self, q: Q) -> str:
        """SQL true when the respondent answered the question (any item of a grid, any rank of a ranking)."""
        return " OR ".join(f"{quote(c)} IS NOT NULL" for c in self.store_columns(q)) or "false"

    @abstractmethod
    def convert(self, q: Q, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        """SQL of each store column over the staged response file; ``ctx.flag`` each cell that is not an answer."""

    def stored(self, q: Q, answer: Any) -> dict[str, Any]:
        """Store columns from an answer of the web questionnaire, as :meth:`parse_answer` gave it."""
        return {q.id: answer}

    # --- tables ------------------------------------------------------------------------------------

    @abstractmethod
    def variable(self, q: Q, asked: str) -> Variable:
        """The question as something to tabulate: its SQL key, options and table layout hints.

        ``asked`` is the SQL that is true for respondents the question was asked of.
        """

    def variables(self, q: Q, asked: str) -> list[Variable]:
        """What the tables count: the question itself, or one variable per item (grids, rankings)."""
        return [self.variable(q, asked)]

    def condition_sql(self, q: Q, codes: tuple[str, ...]) -> str:
        """As a condition's source: SQL that is true when the answer is one of the codes."""
        listed = ", ".join(literal(c) for c in codes)
        return f"coalesce({quote(q.id)} IN ({listed}), false)"

    def key_sql(self, q: Q) -> str:
        """SQL of the answer's option code (NULL without an answer)."""
        return quote(q.id)

    def recode_sql(self, q: Q, d: DerivedVariable) -> str:
        """As the source of a derived variable with groups: SQL of the group code."""
        key = self.key_sql(q)
        whens = " ".join(
            f"WHEN {key} IN ({', '.join(literal(c) for c in g.from_codes)}) THEN {literal(g.code)}" for g in d.groups
        )
        return f"CASE {whens} END"

    def bands(self, q: Q) -> tuple[Band, ...]:
        """The numeric bands the options stand for (none unless the answer is a number in bands)."""
        return ()

    # --- the web questionnaire ---------------------------------------------------------------------

    def form_fields(self, q: Q) -> dict[str, Any]:
        """What the widget needs beyond id, text and condition (options, limits), in the questionnaire's JSON."""
        return {}

    def from_form(self, values: list[str]) -> Any:
        """The raw answer from the values a posted HTML form holds under the question's name."""
        return values[0] if values else None

    @abstractmethod
    def parse_answer(self, q: Q, value: Any, comma: bool) -> Answer | AnswerProblem:
        """A web answer (not empty) in stored form, or why it is refused; ``comma``: decimal comma."""

    # --- mapping of a response file's columns ------------------------------------------------------

    def source_problems(self, q: Q, src: QuestionSource) -> list[str]:
        """What is missing from a source found or given (a grid's item without a column), as messages."""
        return []

    def infer_source(self, q: Q, info: FileInfo, names: list[str], by_name: dict[str, str]) -> QuestionSource | None:
        """The column(s) answering the question, from the names it may have (normalised name -> column)."""
        for name in names:
            col = by_name.get(normalize(name))
            if col is not None:
                return QuestionSource(q.id, column=col)
        return None
