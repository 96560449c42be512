"""Binned numeric: a number answered by the respondent, tabulated in the question's bands (as SPSS recodes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..stats.variables import Variable, band_case, guarded
from ..study.model import Band, BinnedNumeric
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from .numeric import number_answer
from ..study.types import register

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.mapping import QuestionSource


@register(BinnedNumeric)
class BinnedType(QuestionType[BinnedNumeric]):
    column_type: ClassVar[str] = "DOUBLE"
    widget: ClassVar[str] = "number"

    def convert(self, q: BinnedNumeric, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        column = src.column
        assert column is not None
        number = ctx.numbers(q, column)
        inside = " OR ".join(_in_band(number, b) for b in q.bands)
        bands = ", ".join(b.label for b in q.bands)
        ctx.flag(column, f"{number} IS NOT NULL AND NOT ({inside})", f"a number inside one of the bands ({bands})")
        return {q.id: number}

    def key_sql(self, q: BinnedNumeric) -> str:
        return band_case(quote(q.id), q.bands)

    def variable(self, q: BinnedNumeric, asked: str) -> Variable:
        return Variable(q.id, q.text, q.type, q.options, asked, guarded(asked, self.key_sql(q)), quote(q.id))

    def bands(self, q: BinnedNumeric) -> tuple[Band, ...]:
        return q.bands

    def form_fields(self, q: BinnedNumeric) -> dict[str, Any]:
        low, high = _span(q)
        return {"min": low, "max": high, "integer": q.integer}

    def parse_answer(self, q: BinnedNumeric, value: Any, comma: bool) -> Answer | AnswerProblem:
        number = number_answer(value, comma, q.integer)
        if isinstance(number, float) and not any(b.contains(number) for b in q.bands):
            return AnswerProblem("band", _span(q))
        return number


def _in_band(number: str, band: Band) -> str:
    tests = [f"{number} >= {band.min!r}"] if band.min is not None else []
    tests += [f"{number} <= {band.max!r}"] if band.max is not None else []
    return "(" + (" AND ".join(tests) or "true") + ")"


def _span(q: BinnedNumeric) -> tuple[float | None, float | None]:
    """The lowest and highest finite ends of the bands (None where the bands are unbounded)."""
    lows = [b.min for b in q.bands if b.min is not None]
    highs = [b.max for b in q.bands if b.max is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)
