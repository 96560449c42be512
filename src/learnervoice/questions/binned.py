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
    import pandas as pd

    from ..errors import Problem
    from ..survey.convert import ChunkConverter
    from ..survey.mapping import QuestionSource


@register(BinnedNumeric)
class BinnedType(QuestionType[BinnedNumeric]):
    column_type: ClassVar[str] = "DOUBLE"
    widget: ClassVar[str] = "number"

    def convert(
        self, q: BinnedNumeric, src: QuestionSource, chunk: pd.DataFrame, ctx: ChunkConverter, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        import pandas as pd

        column = src.column
        assert column is not None
        raw = ctx.cells(chunk, column)
        numbers = ctx.numbers(q, column, raw, problems)
        inside = pd.Series(False, index=raw.index)
        for band in q.bands:
            low = numbers >= band.min if band.min is not None else numbers.notna()
            high = numbers <= band.max if band.max is not None else numbers.notna()
            inside |= (low & high).fillna(False).astype(bool)
        bands = ", ".join(b.label for b in q.bands)
        ctx.flag(numbers.notna() & ~inside, raw, column, f"a number inside one of the bands ({bands})", problems)
        return {q.id: numbers}

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


def _span(q: BinnedNumeric) -> tuple[float | None, float | None]:
    """The lowest and highest finite ends of the bands (None where the bands are unbounded)."""
    lows = [b.min for b in q.bands if b.min is not None]
    highs = [b.max for b in q.bands if b.max is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)
