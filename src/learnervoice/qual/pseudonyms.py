"""Pseudonymisation of spoken text: roster names become pseudonyms; e-mails, phones and URLs placeholders.

>>> from learnervoice.qual.roster import Participant, Roster
>>> roster = Roster((Participant("P01", ("Núria Vidal",)), Participant("M1", ("Ana Puig",), "moderator")))
>>> Pseudonymiser(roster).apply("Thanks nuria! Write to ana.puig@uoc.edu or call +34 600 123 456.")
'Thanks P01! Write to [email] or call [phone].'
"""

from __future__ import annotations

import re
import unicodedata

from .roster import Roster

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{6,}\d(?![\w])")
MIN_PHONE_DIGITS = 9


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


class Pseudonymiser:
    """Replaces every spelling of every roster name (longest first, whole words, any case or accents)."""

    def __init__(self, roster: Roster, extra: dict[str, str] | None = None) -> None:
        replacements: dict[str, str] = {}
        for p in roster.participants:
            for spelling in p.spellings():
                replacements[spelling] = p.pseudonym
        for name, label in (extra or {}).items():
            replacements[name] = label
        self._lookup = {strip_accents(k).casefold(): v for k, v in replacements.items()}
        # the pattern is built from the names as written (accents kept), so "Sílvia" also finds "Silvia"
        names = sorted(replacements, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(_accent_insensitive(n) for n in names) + r")(?!\w)", re.IGNORECASE)
            if names
            else None
        )

    def apply(self, text: str) -> str:
        text = EMAIL.sub("[email]", text)
        text = URL.sub("[url]", text)
        text = PHONE.sub(_phone, text)
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self._lookup[strip_accents(m.group(0)).casefold()], text)
        return text

    def label(self, speaker: str) -> str:
        """A speaker label with any name in it replaced."""
        return self.apply(speaker)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if digits >= MIN_PHONE_DIGITS else match.group(0)


def _accent_insensitive(name: str) -> str:
    """A regex matching the name with or without its accents (é or e), spaces flexible."""
    out = []
    for ch in name:
        base = strip_accents(ch)
        if ch.isspace():
            out.append(r"\s+")
        elif base != ch and base:
            out.append(f"[{re.escape(base)}{re.escape(ch)}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
