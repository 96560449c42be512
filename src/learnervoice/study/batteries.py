"""Questions of several items answered together: grids (Likert batteries) and rankings.

A grid asks each of its items on one ordered scale ("How important is each of these to you?");
a ranking asks respondents to put options in order (1 = first). Both are one question of study.yaml,
stored as one column per item or option and tabulated item by item with a summary table
(:mod:`learnervoice.stats.batteries`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .basics import ChoiceQuestion, Identifier, Strict, require_unique


class GridItem(Strict):
    """One item of a grid: a stable id (its store column is ``<grid>__<id>``) and the text printed."""

    id: Identifier
    text: str = Field(min_length=1)
    source: str | None = Field(default=None, description="The item's column in response files, when not inferred.")


class Grid(ChoiceQuestion):
    """Items answered on one ordered scale; `options` are the scale's points from the lowest to the highest.

    The mean uses the option codes as numbers when every code is one (1–5), else the points' positions
    (1, 2, …); top-2-box is the share of the two highest points, bottom-2-box of the two lowest (the end point
    alone on scales of three points or fewer).
    """

    type: Literal["grid"]
    items: tuple[GridItem, ...] = Field(min_length=1)
    sort: Literal["as_listed", "mean", "top2"] = Field(
        default="as_listed", description="Order of the items in the table: as listed, or highest mean / top-2-box first.")

    @model_validator(mode="after")
    def _unique_items(self) -> Grid:
        require_unique([i.id for i in self.items], f"grid {self.id!r} item ids")
        return self

    def scores(self) -> dict[str, float]:
        """Each scale point's number for means: its code when every code is a number, else its position."""
        try:
            return {o.code: float(o.code) for o in self.options}
        except ValueError:
            return {o.code: float(i) for i, o in enumerate(self.options, 1)}


class Ranking(ChoiceQuestion):
    """Options put in order by each respondent: rank 1 is the first (most preferred).

    ``ranks``: how many ranks are asked ("rank your top 3"); every option when absent. A respondent may
    rank only some options; one who ranked none has not answered.
    """

    type: Literal["ranking"]
    ranks: int | None = Field(default=None, ge=1, description="How many ranks are given (all options when absent).")

    @model_validator(mode="after")
    def _ranks_fit(self) -> Ranking:
        if self.ranks is not None and self.ranks > len(self.options):
            raise ValueError(f"ranking {self.id!r} asks for {self.ranks} ranks but has {len(self.options)} options")
        return self

    @property
    def rank_count(self) -> int:
        return self.ranks or len(self.options)
