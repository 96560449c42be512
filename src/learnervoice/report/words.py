"""The words of a table's header in the study's language, with the study's own in their place where it gives them.

study.yaml's `language` picks the defaults (English for a language not listed here); `tables: {words: {…}}`
overrides any of them — the bundled example says `count: Recount`, the word of the paper it re-analyses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnWords:
    count: str = "n"
    percent: str = "%"
    weighted_percent: str = "Weighted %"
    ci: str = "95% CI"
    total: str = "Total"
    answered: str = "Answered"
    base: str = "Base"


DEFAULTS: dict[str, ColumnWords] = {
    "en": ColumnWords(),
    "es": ColumnWords(weighted_percent="% ponderado", ci="IC 95%", answered="Respondieron"),
    "ca": ColumnWords(weighted_percent="% ponderat", ci="IC 95%", answered="Han respost"),
    "fr": ColumnWords(weighted_percent="% pondéré", ci="IC à 95 %", answered="Ont répondu"),
    "de": ColumnWords(weighted_percent="% gewichtet", ci="95%-KI", total="Gesamt", answered="Beantwortet",
                      base="Basis"),
    "pt": ColumnWords(weighted_percent="% ponderada", ci="IC 95%", answered="Responderam"),
    "it": ColumnWords(weighted_percent="% ponderata", ci="IC 95%", total="Totale", answered="Hanno risposto"),
}


def column_words(language: str, overrides: Mapping[Any, str] | None = None) -> ColumnWords:
    """The header words for a study: its language's, then its own (study.yaml `tables: words:`).

    >>> column_words("es").weighted_percent, column_words("en", {"count": "Recount"}).count
    ('% ponderado', 'Recount')
    """
    from dataclasses import replace

    words = DEFAULTS.get(language[:2].lower(), DEFAULTS["en"])
    return replace(words, **dict(overrides or {}))
