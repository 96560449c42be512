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

from ..text import strip_accents

# zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator, direction marks;
# every other format character (Unicode category Cf) and mark that takes no room (Mn: CGJ, variation selectors) too
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f")
# letters of other scripts that look like Latin ones (Cyrillic, Greek), and the Turkish dotless i
LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ı": "i", "ɩ": "i", "ⅼ": "l",
})


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
    return invisible(ch) or unicodedata.combining(ch) > 0


def invisible(ch: str) -> bool:
    """A character that shows nothing: zero-width, format (Cf) or a mark that takes no room (Mn)."""
    return ch in INVISIBLE or (not ch.isascii() and unicodedata.category(ch) in ("Cf", "Mn"))



def fold_word(text: str) -> str:
    """One word or name as the matcher compares it.

    >>> fold_word("Sílvia")
    'silvia'
    """
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not invisible(ch))
    return strip_accents(visible).casefold().translate(LOOKALIKES)


def fold(text: str) -> Folded:
    """Fold a text, keeping each character's origin (plain ASCII text is folded without a map)."""
    if text.isascii():
        return Folded(text, text, None, text.lower(), None)
    clean: list[str] = []
    clean_origin: list[int] = []
    folded: list[str] = []
    folded_origin: list[int] = []
    for index, ch in enumerate(text):
        if ch.isascii():
            clean.append(ch)
            clean_origin.append(index)
            folded.append(ch.lower())
            folded_origin.append(index)
            continue
        if invisible(ch):
            continue
        normal = unicodedata.normalize("NFKC", ch)
        for c in normal:
            clean.append(c)
            clean_origin.append(index)
        plain = strip_accents(normal).casefold().translate(LOOKALIKES)
        for c in plain:
            folded.append(c)
            folded_origin.append(index)
    return Folded(text, "".join(clean), tuple(clean_origin), "".join(folded), tuple(folded_origin))
