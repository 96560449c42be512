"""Matching of labels and column names as people type them (case, accents, spacing)."""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """Casefolded, accents removed, runs of spaces and punctuation at the ends trimmed.

    >>> normalize("  Té  Café!? ")
    'te cafe'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"\s+", " ", plain.replace("\u00a0", " ")).strip().casefold()
    return plain.strip(" .:?!*")


def number_text(text: str) -> str:
    """'1.0' -> '1', so codes typed as numbers by a spreadsheet still match."""
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text
