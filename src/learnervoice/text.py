"""Matching of labels and column names as people type them (case, accents, spacing)."""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: str) -> str:
    """Letters without their accents (é → e, ç → c).

    >>> strip_accents("Àlex Vallès")
    'Alex Valles'
    """
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Casefolded, accents removed, runs of spaces and punctuation at the ends trimmed.

    >>> normalize("  Té  Café!? ")
    'te cafe'
    """
    plain = re.sub(r"\s+", " ", strip_accents(text).replace("\u00a0", " ")).strip().casefold()
    return plain.strip(" .:?!*")


def number_text(text: str) -> str:
    """'1.0' -> '1', so codes typed as numbers by a spreadsheet still match."""
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text
