"""What tables to make: the choices every table function takes by keyword, said once.

`FrequencyChoices` and `CrosstabChoices` type the keywords of `frequency_tables` and `crosstab_tables`
(in `stats/tables.py` and in `mixed/tables.py`, which passes them on); `TableOptions` is the same choices
made, with their defaults, as the engine-side functions (`frequencies_on`, `crosstabs_on`) take them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from .comparisons import TestChoice
from .frequencies import BaseChoice

if TYPE_CHECKING:
    from .variables import Variable


@dataclass(frozen=True)
class TableOptions:
    """The items (every one when None; `summarise` names binned ones shown as numbers), the base of multiple
    response, weights, and for tables by a subgroup the test of numbers and the smallest group shown (`k`, per
    item when a mapping); `extra` are variables made elsewhere, as SQL over the responses (codes of open answers)."""

    questions: list[str] | None = None
    base: BaseChoice = "declared"
    weighted: bool = True
    summarise: Sequence[str] = ()
    test: TestChoice = "auto"
    k: int | Mapping[str, int] = 0
    extra: Sequence[Variable] = ()
    hide: Collection[str] = ()  # codes of groups left out of tables by a subgroup (a screen's disclosure control)


class FrequencyChoices(TypedDict, total=False):
    """The keywords of `frequency_tables` beside where the responses are read (`engine`, `responses`): each as
    `TableOptions` says."""

    questions: list[str] | None
    base: BaseChoice
    weighted: bool
    summarise: Sequence[str]
    extra: Sequence[Variable]


class CrosstabChoices(FrequencyChoices, total=False):
    """The keywords of `crosstab_tables`: those of `frequency_tables`, the test of numbers, k and hide."""

    test: TestChoice
    k: int | Mapping[str, int]
    hide: Collection[str]
