"""E-mail addresses, URLs and phone numbers in a text, found in linear time.

Phone numbers are checked by Google's libphonenumber (`phonenumbers`) in the
international form and in the national formats of the study's countries; runs
of nine digits or more, numbers written with a leading + or 00, and any number
the roster holds for someone are phones too. E-mail addresses written out
("jordi (at) uoc (dot) edu", "jordi at uoc dot edu") count as e-mail addresses.

>>> [(kind, text) for _, _, kind, text in contacts("Mail jordi(at)uoc(dot)edu or +34 600 123 456, see www.x.org.")]
[('email', 'jordi(at)uoc(dot)edu'), ('phone', '+34 600 123 456'), ('url', 'www.x.org')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

TLDS = frozenset("com org net edu gov info io eu es cat uk de fr it pt nl me co ly app dev ai int mil biz be ch at "
                 "ie us ca au se no dk fi pl cz gr ro hu mx ar br cl tv fm gl xyz online site tech".split())
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+")
WRITTEN_EMAIL = re.compile(
    r"(?<![\w.])[\w+-]+(?:(?: ?[(\[{]dot[)\]}] ?|\.)[\w+-]+)* ?[(\[{]at[)\]}] ?[\w-]+(?:(?: ?[(\[{]dot[)\]}] ?|\.)[\w-]+)+"
    r"|(?<![\w.])[\w+-]+(?: dot [\w+-]+)* at [\w-]+(?: dot [\w-]+)* dot (?:" + "|".join(sorted(TLDS)) + r")\b",
    re.IGNORECASE)
SCHEME_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
DOMAIN = re.compile(r"(?<![\w.@/-])(?>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:/[^\s<>\"']*)?", re.IGNORECASE)
IDENTIFIER = re.compile(  # UUIDs and long hexadecimal digests: made by programs, never a phone or an address
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32,128}\b", re.IGNORECASE)
DIGIT_RUN = re.compile(r"(?<![^\W_]|\+)(?:\+|\()?\d[\d \t().\-–—/]*+")
TRAILING = ".,;:!?)]}'\""
MIN_PHONE_DIGITS = 9
MIN_NATIONAL_DIGITS = 6
KNOWN_DIGITS = 7  # a roster phone is recognised by its last seven digits or more


def contacts(text: str, regions: Sequence[str] = (), known_phones: Iterable[str] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, text) of every e-mail address, URL and phone number, in order, none overlapping."""
    spans = [(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "email") for m in WRITTEN_EMAIL.finditer(text)]
    spans += [(m.start(), _trimmed(text, m.start(), m.end()), "url") for m in SCHEME_URL.finditer(text)]
    spans += [(m.start(), _trimmed(text, m.start(), m.end()), "url") for m in DOMAIN.finditer(text) if _is_domain(m.group(0))]
    spans += [(s, e, "phone") for s, e in phones(text, regions, known_phones)]
    generated = [(m.start(), m.end()) for m in IDENTIFIER.finditer(text)]
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(start < e and s < end for s, e in generated):
            continue
        if end > start and (not chosen or start >= chosen[-1][1]):
            chosen.append((start, end, kind))
    return [(s, e, kind, text[s:e]) for s, e, kind in chosen]


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in TRAILING:
        end -= 1
    return end


def _is_domain(candidate: str) -> bool:
    host = candidate.split("/", 1)[0].rstrip(TRAILING)
    labels = host.lower().split(".")
    return len(labels) > 1 and labels[-1] in TLDS and all(labels) and not host.replace(".", "").isdigit()


def phones(text: str, regions: Sequence[str] = (), known_phones: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Spans of phone numbers: valid for one of the regions, international, long, or known to the roster."""
    import phonenumbers

    known = {d[-KNOWN_DIGITS:] for d in (re.sub(r"\D", "", p) for p in known_phones) if len(d) >= KNOWN_DIGITS}
    out = []
    for run in DIGIT_RUN.finditer(text):
        start, end = run.start(), _trimmed_digits(text, run.start(), run.end())
        candidate = text[start:end].replace("–", "-").replace("—", "-")
        digits = re.sub(r"\D", "", candidate)
        if len(digits) < MIN_NATIONAL_DIGITS or "\n" in candidate or _glued_to_letters(text, end):
            continue
        if (digits[-KNOWN_DIGITS:] in known or len(digits) >= MIN_PHONE_DIGITS and candidate.startswith(("+", "00"))
                or (len(digits) >= MIN_PHONE_DIGITS and candidate.isdigit() and len(digits) <= 15)):
            out.append((start, end))
            continue
        for region in (*regions, None):
            found = [(start + m.start, start + m.end) for m in
                     phonenumbers.PhoneNumberMatcher(candidate, region, leniency=phonenumbers.Leniency.VALID)]
            if found:
                out += found
                break
    return out


def _glued_to_letters(text: str, end: int) -> bool:
    """Digits ending right before a letter are part of a code (a digest prefix such as '6490140150a2'), not a phone."""
    return end < len(text) and text[end].isalpha()


def _trimmed_digits(text: str, start: int, end: int) -> int:
    while end > start and not text[end - 1].isdigit():
        end -= 1
    return end
