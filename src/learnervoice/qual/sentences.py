"""Sentences of a transcript's text, as character spans: the unit auto-coding and agreement can use.

A small rule set (no segmenting library is installed): a sentence ends at `.`, `!`, `?`, `…` or
`...` (with any closing quotes or brackets after it) when whitespace follows and the next word starts
a sentence: a capital letter, a digit, an opening quote or bracket, `¿`, `¡` or a dash. A line break
always ends a sentence (turns are lines). It does not end after an abbreviation that never closes a
sentence ("e.g.", "Dr.", "Sr.", "p. ej.", "núm."), after a single initial ("J. Ko"), inside a number
("3.5", "1.000,50") or before a lower-case word ("… and then", "etc. and"). Abbreviations are listed
for English, Spanish and Catalan; others use the union of those lists.

>>> [("Dr. Ko said 3.5 hours. Then, e.g. the badge…  Fine!"[a:b]) for a, b in sentence_spans(
...     "Dr. Ko said 3.5 hours. Then, e.g. the badge…  Fine!")]
['Dr. Ko said 3.5 hours.', 'Then, e.g. the badge…', 'Fine!']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Abbreviations (lower case, without their last period) after which a sentence never ends.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "mt", "e.g", "i.e", "cf", "vs", "fig", "figs",
        "approx", "dept", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vol", "pp",
        "p", "ch", "sec", "eds", "rev", "capt", "lt", "sgt", "gov", "hon", "u.s", "u.k", "ph.d", "b.a", "m.a",
        "m.sc", "b.sc", "viz",
    }),
    "es": frozenset({
        "sr", "sra", "srta", "sres", "dr", "dra", "d", "dña", "ud", "uds", "vd", "vds", "lic", "ing", "arq", "prof",
        "profa", "pág", "págs", "p", "pp", "núm", "nº", "art", "cap", "ej", "p.ej", "aprox", "admón", "avda", "av",
        "c", "cía", "dpto", "depto", "ene", "feb", "abr", "jun", "jul", "ago", "sept", "oct", "nov", "dic", "vol",
        "s", "ss", "sto", "fdo", "tel", "ref", "cf", "vs", "ee.uu", "uu",
    }),
    "ca": frozenset({
        "sr", "sra", "srta", "dr", "dra", "mn", "prof", "pàg", "pàgs", "p", "pp", "núm", "art", "cap", "ex", "p.ex",
        "aprox", "av", "avgda", "c", "pl", "dept", "febr", "abr", "jul", "oct", "nov", "vol", "tel", "ref", "cf",
        "vs", "ptes",
    }),
}
# Abbreviations that may also close a sentence: a capital after them starts a new one ("… and so on, etc. Then").
MAY_END = frozenset({"etc", "a.m", "p.m", "inc", "ltd", "corp", "min", "max", "mín", "máx", "màx"})
# Words that are an abbreviation only before a number ("No. 5", "nos. 3–4"), an ordinary word elsewhere ("I said no.").
BEFORE_NUMBER = frozenset({"no", "nos"})

_END = re.compile(r"(?:\.{2,}|[.!?…]+)[\"'”’»)\]]*(?=\s)")
_STARTS = re.compile(r"\s+(?=[A-ZÀ-ÖØ-Þ0-9\"'“‘«(\[¿¡—–-])")
_WORD_BEFORE = re.compile(r"([^\s\"'“‘«(\[]+)$")


def abbreviations(languages: Iterable[str] | None = None) -> frozenset[str]:
    """The abbreviations of these languages (all known ones for None or a language without a list)."""
    chosen = [ABBREVIATIONS[lang] for lang in languages or () if lang in ABBREVIATIONS]
    return frozenset().union(*(chosen or ABBREVIATIONS.values()))


def sentence_spans(text: str, start: int = 0, end: int | None = None, *,
                   languages: Iterable[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text[start:end]`, offsets into `text`, end exclusive, spaces trimmed."""
    stop = len(text) if end is None else end
    known = abbreviations(languages)
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text, start, stop):
        begin = line_start
        for match in _END.finditer(text, line_start, line_end):
            after = match.end()
            if _STARTS.match(text, after, line_end) is None or _no_end(text, begin, match.start(), match.group(), known):
                continue
            spans.append((begin, after))
            begin = after
        spans.append((begin, line_end))
    return [trimmed for a, b in spans if (trimmed := _trim(text, a, b))[1] > trimmed[0]]


def _lines(text: str, start: int, stop: int) -> Iterable[tuple[int, int]]:
    at = start
    while at < stop:
        newline = text.find("\n", at, stop)
        line_end = stop if newline < 0 else newline
        yield at, line_end
        at = line_end + 1


def _no_end(text: str, begin: int, dot: int, mark: str, known: frozenset[str]) -> bool:
    """Whether the period at `dot` belongs to an abbreviation or an initial, not to the sentence's end."""
    if not mark.startswith(".") or mark.startswith(".."):
        return False
    found = _WORD_BEFORE.search(text, begin, dot)
    if found is None:
        return False
    word = found.group(1).lower()
    if word in MAY_END:
        return False
    if word in BEFORE_NUMBER:
        return text[dot + 1 : dot + 3].strip()[:1].isdigit()
    initial = len(word) == 1 and found.group(1).isupper() and found.group(1) != "I"  # "J. Ko", not "so did I."
    return word in known or initial or _initials(word)


def _initials(word: str) -> bool:
    """"U.S", "p.ej", "e.g": letters with periods between them (an abbreviation even when not listed)."""
    parts = word.split(".")
    return len(parts) > 1 and all(0 < len(p) <= 3 and p.isalpha() for p in parts)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b



_CLOSES = re.compile(r"[.!?…][\"'”’»)\]]*$")


def ends_sentence(words: str) -> bool:
    """Whether these words end a sentence (or are nothing at all: the start of a turn)."""
    words = words.rstrip()
    return not words or _CLOSES.search(words) is not None


def excerpt(before: str, quote: str, after: str, words: int) -> tuple[str, str, str]:
    """The coded words with `words` words of context each side, kept inside the speaker's turn (a line),
    and "…" where what is shown starts or ends inside a sentence. Spacing is kept as written.

    `before` and `after` are the text around the quote as the store cut it (long enough for the context).

    >>> excerpt("Ann said. It was ", "really good", ", for me, honestly. Next", 1)
    ('…was ', 'really good', ', for…')
    >>> excerpt("Ann said. ", "It was good.", " Next", 0)
    ('', 'It was good.', '')
    """
    line_before = before.rsplit("\n", 1)[-1]
    line_after = after.split("\n", 1)[0]
    heads = list(_WORD.finditer(line_before))
    cut = len(line_before) if not words else 0 if len(heads) <= words else heads[-words].start()
    tails = list(_WORD.finditer(line_after))
    stop = tails[min(words, len(tails)) - 1].end() if words and tails else 0
    shown_before, shown_after = line_before[cut:], line_after[:stop]
    lead = "" if ends_sentence(line_before[:cut]) else "…"
    trail = "" if not line_after[stop:].strip() or ends_sentence(shown_after or quote) else "…"
    return lead + shown_before, quote.strip(), shown_after + trail


def joined(before: str, quote: str, after: str) -> str:
    """An excerpt as one text: "…words before quote words after…"."""
    return f"{before}{quote}{after}".strip()


_WORD = re.compile(r"\S*\w\S*")  # a word; a dash or a comma standing alone is not
