"""Text folded for matching names: Unicode normalised, invisible characters gone, case and accents ignored.

Every character of the folded text remembers where it came from, so a match found
in the folded text replaces the right characters of the original.

>>> f = fold("Nu\\u0301ria, Jor\\u200bdi")
>>> f.folded
'nuria, jordi'
>>> f.original_span(7, 12)
(8, 14)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator, direction marks
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f")


@dataclass(frozen=True)
class Folded:
    """The original text, its clean form (NFKC, invisible characters removed) and its folded form
    (clean, accents stripped, case-folded), with each character's index in the original."""

    original: str
    clean: str
    clean_origin: tuple[int, ...] | None  # None: same positions as the original
    folded: str
    folded_origin: tuple[int, ...] | None

    def original_span(self, start: int, end: int, *, clean: bool = False) -> tuple[int, int]:
        """The span of the original text that folded (or clean) characters start..end came from.

        The end reaches over combining marks and invisible characters that follow the last one.
        """
        origin = self.clean_origin if clean else self.folded_origin
        if origin is None:
            first, last = start, end - 1
        else:
            first, last = origin[start], origin[end - 1]
        stop = last + 1
        while stop < len(self.original) and _ignorable(self.original[stop]):
            stop += 1
        return first, stop


def _ignorable(ch: str) -> bool:
    return ch in INVISIBLE or unicodedata.combining(ch) > 0


def strip_accents(text: str) -> str:
    """Letters without their accents (é → e, ç → c).

    >>> strip_accents("Àlex Vallès")
    'Alex Valles'
    """
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold_word(text: str) -> str:
    """One word or name as the matcher compares it.

    >>> fold_word("Sílvia")
    'silvia'
    """
    return strip_accents("".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in INVISIBLE)).casefold()


def fold(text: str) -> Folded:
    """Fold a text, keeping each character's origin (plain ASCII text is folded without a map)."""
    if text.isascii():
        return Folded(text, text, None, text.lower(), None)
    clean: list[str] = []
    clean_origin: list[int] = []
    folded: list[str] = []
    folded_origin: list[int] = []
    for index, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        normal = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        for c in normal:
            clean.append(c)
            clean_origin.append(index)
        plain = strip_accents(normal).casefold() if not ch.isascii() else ch.lower()
        for c in plain:
            folded.append(c)
            folded_origin.append(index)
    return Folded(text, "".join(clean), tuple(clean_origin), "".join(folded), tuple(folded_origin))
