"""Grid (a Likert battery): several items on one ordered scale, one store column per item holding its point's code.

Each item is tabulated as a Likert item of its own (``<grid>__<item>``: frequencies, cross-tabs, the
median); :mod:`learnervoice.stats.batteries` puts them together in one table (n, % per point, mean,
top- and bottom-2-box). In response files each item has its column (see :mod:`.items`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import TableError
from ..stats.variables import Variable, guarded
from ..study.model import Grid
from ..study.types import register
from ..survey.convert import mr_column
from ..survey.mapping import QuestionSource
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from .items import find_columns

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.readers import FileInfo


def item_column(q: Grid, item_id: str) -> str:
    """The store column (and table variable) of one item: ``<grid>__<item>``."""
    return mr_column(q.id, item_id)


@register(Grid)
class GridType(QuestionType[Grid]):
    widget: ClassVar[str] = "grid"

    def store_columns(self, q: Grid) -> dict[str, str]:
        return {item_column(q, i.id): "VARCHAR" for i in q.items}

    def convert(self, q: Grid, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        return {item_column(q, i.id): ctx.codes(q, src, src.option_columns[i.id]) if i.id in src.option_columns
                else "CAST(NULL AS VARCHAR)" for i in q.items}

    def stored(self, q: Grid, answer: Any) -> dict[str, Any]:
        points = dict(part.split("=", 1) for part in answer)
        return {item_column(q, i.id): points.get(i.id) for i in q.items}

    def variable(self, q: Grid, asked: str) -> Variable:
        items = ", ".join(item_column(q, i.id) for i in q.items)
        raise TableError(f"{q.id!r} is a grid: name one of its items ({items}) to group or split by")

    def variables(self, q: Grid, asked: str) -> list[Variable]:
        return [Variable(item_column(q, i.id), f"{q.text} — {i.text}", "likert", q.options, asked,
                         guarded(asked, quote(item_column(q, i.id))), ordinal=True) for i in q.items]

    def condition_sql(self, q: Grid, codes: tuple[str, ...]) -> str:
        raise TableError(f"{q.id!r} is a grid; a condition cannot test it")

    def form_fields(self, q: Grid) -> dict[str, Any]:
        return {"options": [{"code": o.code, "label": o.label} for o in q.options],
                "items": [{"id": i.id, "text": i.text} for i in q.items]}

    def from_form(self, values: list[str]) -> Any:
        return values

    def parse_answer(self, q: Grid, value: Any, comma: bool) -> Answer | AnswerProblem:
        """A list of ``item=code``, one per item answered (the grid widget's radios)."""
        parts = value if isinstance(value, list) else [value]
        items, codes = {i.id for i in q.items}, {o.code for o in q.options}
        answered: dict[str, str] = {}
        for part in parts:
            item, _, code = part.partition("=") if isinstance(part, str) else ("", "", "")
            if item not in items or code not in codes or item in answered:
                return AnswerProblem("option")
            answered[item] = code
        return [f"{i.id}={answered[i.id]}" for i in q.items if i.id in answered]

    def source_problems(self, q: Grid, src: QuestionSource) -> list[str]:
        return [f"no column answers item {i.id!r} ({i.text}) of grid {q.id!r}" for i in q.items
                if i.id not in src.option_columns]

    def infer_source(self, q: Grid, info: FileInfo, names: list[str], by_name: dict[str, str]) -> QuestionSource | None:
        columns = find_columns(names, [(i.id, i.text, i.source) for i in q.items], by_name)
        return QuestionSource(q.id, option_columns=columns) if columns else None
