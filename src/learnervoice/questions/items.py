"""Where the items of a grid or the options of a ranking are in a response file: one column each,
named as the survey tools name them.

- Qualtrics matrix and rank order: ``Q5_1``, ``Q5_2`` (the item's number), its label row
  ``Question text - Item text``;
- LimeSurvey arrays: ``Q5[SQ001]`` (the subquestion code, or ``SQ`` and the item's number), or
  ``Q5 [Item text]`` with labels as headings; its ranking: ``Q6[1]``, ``Q6[2]`` — one column per *rank*;
- KoboToolbox / ODK groups: ``group/item``; SurveyMonkey and Typeform: ``Question - Item``;
- SPSS-style ``q5_cert``, ``q5.cert``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..text import normalize

PATTERNS = ("{b}_{k}", "{b}[{k}]", "{b} [{k}]", "{b}/{k}", "{b}.{k}", "{b} - {k}", "{b}: {k}", "{b}-{k}")


def item_keys(position: int, code: str, text: str) -> list[str]:
    """The names an item may have after its question's: its code, its number, LimeSurvey's SQ001, its text."""
    return [code, str(position), f"SQ{position:03d}", f"SQ{position}", text]


def find_column(bases: Sequence[str], keys: Sequence[str], by_name: dict[str, str]) -> str | None:
    """The first column named like `base` + separator + `key`, for any of the question's names and the item's keys."""
    for base in bases:
        for key in keys:
            for pattern in PATTERNS:
                column = by_name.get(normalize(pattern.format(b=base, k=key)))
                if column is not None:
                    return column
    return None


def find_columns(
    bases: Sequence[str], items: Sequence[tuple[str, str, str | None]], by_name: dict[str, str]
) -> dict[str, str]:
    """Item code -> its column, for items given as (code, text, declared column or None); items not found are left out."""
    found: dict[str, str] = {}
    for position, (code, text, declared) in enumerate(items, 1):
        column = by_name.get(normalize(declared)) if declared else find_column(bases, item_keys(position, code, text), by_name)
        if column is not None and column not in found.values():
            found[code] = column
    return found


def rank_columns(bases: Sequence[str], ranks: int, by_name: dict[str, str]) -> tuple[str, ...]:
    """LimeSurvey's ranking layout: ``Q6[1]`` … ``Q6[k]`` (``Question [Rank 1]`` with texts as headings), each
    holding the option put at that rank."""
    for base in bases:
        for pattern in ("{b}[{r}]", "{b} [Rank {r}]", "{b}[Rank {r}]"):  # codes, or texts as headings
            columns = [by_name.get(normalize(pattern.format(b=base, r=r))) for r in range(1, ranks + 1)]
            if columns[0] is not None:
                return tuple(c for c in columns if c is not None)
    return ()
