"""Find personal data in a text: roster names however written, e-mail addresses, phone numbers, URLs.

Names are compared folded (Unicode normalised, zero-width characters and soft
hyphens removed, accents and case ignored), token by token: full names, first
names, surnames and aliases; one-edit misspellings of name parts when either
word has five letters or more; handles made of name parts (``@mireiasala``,
``anna_bosch``). A name part that is also an ordinary word of the study's
language ("rosa", "font", "camps") counts only where it reads as a name:
written with a capital, after a title (Mr, Dra, Sra…), or next to another name
part, in the same turn or across a turn boundary. A misspelling counts where the
word is no ordinary word, or where it is capitalised mid-sentence, after a title
or next to a name.

>>> from learnervoice.privacy.lexicon import Lexicon
>>> m = Matcher([Person("P01", ("Jordi Vila",)), Person("P25", ("Clara Fabra",))], Lexicon(["en", "es"]))
>>> m.redact("Later Mr Vila and jor\u200bdi agreed: a clara idea. Mail jordi.vila@uoc.edu")[0]
'Later P01 and P01 agreed: a clara idea. Mail [email]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .folding import Folded, fold, fold_word
from .lexicon import Lexicon

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|info|io|eu|es|cat|uk|de|fr|it|pt|nl|me|co|ly|app|dev)"
    r"(?:/[^\s<>\"']*)?(?![\w@])",
    re.IGNORECASE,
)
PHONE_FALLBACK = re.compile(r"(?<![\w+])\+\d[\d \t().-]{6,}\d(?!\w)|(?<![\w.,-])\d{9,15}(?![\w.,])")
MIN_PHONE_DIGITS = 9
MIN_NATIONAL_DIGITS = 6
DIGIT_RUN = re.compile(r"(?:\+|\(|(?<!\w))\d[\d \t().\-/]{4,}\d(?!\w)")
TOKEN = re.compile(r"[^\W\d_]+")
IDENTIFIER_LENGTH = 20
HANDLE = re.compile(r"@?[^\W_](?:[\w.-]*[^\W_])?")
TITLES = frozenset(
    "mr mrs ms mx miss mister sir madam dr dra prof profa sr sra srta senor senora senyor senyora "
    "don dona doctor doctora professor professora".split()
)
PARTICLES = frozenset("de del la las los el i y e da das do dos van von der den le di du st".split())
SENTENCE_END = ".!?…\n"
OPENERS = "\"'“‘«([¿¡ \t"
LANGUAGE_REGIONS = {"en": ("GB", "US"), "es": ("ES",), "ca": ("ES",), "fr": ("FR",), "de": ("DE",), "it": ("IT",),
                    "pt": ("PT", "BR"), "nl": ("NL",)}
PLACEHOLDERS = {"email": "[email]", "phone": "[phone]", "url": "[url]"}


@dataclass(frozen=True)
class Person:
    """Someone whose names must not leave the study, and the label that replaces them."""

    label: str
    names: tuple[str, ...]
    strict: bool = False  # every part counts, ordinary word or not (a speaker label given at import)


@dataclass(frozen=True)
class Finding:
    """A span of the original text that holds personal data, and what replaces it."""

    start: int
    end: int
    kind: str  # name, handle, email, phone, url
    label: str


@dataclass
class _Token:
    start: int  # in the folded text
    end: int
    word: str
    labels: frozenset[str] = frozenset()
    fuzzy: bool = False
    common: bool = False
    counts: bool = False


@dataclass
class _Index:
    parts: dict[str, set[str]] = field(default_factory=dict)  # folded part -> labels
    strict: set[str] = field(default_factory=set)  # parts that count anywhere
    deletes: dict[str, set[str]] = field(default_factory=dict)  # part with one letter deleted -> parts
    joined: dict[str, set[str]] = field(default_factory=dict)  # name parts run together -> labels


class Matcher:
    """Finds and replaces personal data; built once per roster, used on the way in and on the way out."""

    def __init__(self, people: Iterable[Person], lexicon: Lexicon | None = None, regions: Sequence[str] = ()) -> None:
        self.lexicon = lexicon
        self.regions = tuple(regions)
        self._index = _Index()
        self._people = list(people)
        for person in self._people:
            self._add(person)
        self._fuzzy_cache: dict[str, frozenset[str]] = {}

    def with_people(self, people: Iterable[Person]) -> Matcher:
        """This matcher, also finding these people."""
        added = Matcher((), self.lexicon, self.regions)
        added._people = [*self._people, *people]
        for person in added._people:
            added._add(person)
        return added

    @property
    def known_parts(self) -> set[str]:
        """Every folded name part the matcher finds."""
        return set(self._index.parts)

    @property
    def labels(self) -> set[str]:
        return {label for labels in self._index.parts.values() for label in labels}

    def _add(self, person: Person) -> None:
        index = self._index
        for name in person.names:
            parts = [p for p in TOKEN.findall(fold_word(name)) if len(p) > 1 and p not in PARTICLES]
            for part in parts:
                index.parts.setdefault(part, set()).add(person.label)
                if person.strict:
                    index.strict.add(part)
                if len(part) >= 4:
                    for deleted in _deletions(part):
                        index.deletes.setdefault(deleted, set()).add(part)
            for first in parts:
                for second in parts:
                    if first != second:
                        for joined in (first + second, first[0] + second):
                            index.joined.setdefault(joined, set()).add(person.label)

    # --- finding ----------------------------------------------------------------------------

    def find(self, text: str) -> list[Finding]:
        """Every span of personal data in the text, in order, none overlapping."""
        if not text:
            return []
        folded = fold(text)
        found = self._contacts(folded)
        taken = [(f.start, f.end) for f in found]
        found += self._handles(folded, taken)
        taken = [(f.start, f.end) for f in found]
        found += self._names(folded, taken)
        return sorted(found, key=lambda f: f.start)

    def redact(self, text: str) -> tuple[str, list[Finding]]:
        """The text with every finding replaced by its label, and the findings."""
        findings = self.find(text)
        return apply(text, findings), findings

    def _contacts(self, folded: Folded) -> list[Finding]:
        clean = folded.clean
        spans: list[tuple[int, int, str]] = [(m.start(), m.end(), "email") for m in EMAIL.finditer(clean)]
        for m in URL.finditer(clean):
            end = m.end()
            while end > m.start() and clean[end - 1] in ".,;:!?)]}'\"":
                end -= 1
            spans.append((m.start(), end, "url"))
        spans += [(s, e, "phone") for s, e in self._phones(clean)]
        chosen: list[tuple[int, int, str]] = []
        for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, kind))
        out = []
        for start, end, kind in chosen:
            s, e = folded.original_span(start, end, clean=True)
            out.append(Finding(s, e, kind, PLACEHOLDERS[kind]))
        return out

    def _phones(self, clean: str) -> list[tuple[int, int]]:
        import phonenumbers

        spans = []
        for candidate in DIGIT_RUN.finditer(clean):  # the library only sees runs of digits that could be a number
            if sum(ch.isdigit() for ch in candidate.group(0)) < MIN_NATIONAL_DIGITS:
                continue
            for region in (*self.regions, None):
                for match in phonenumbers.PhoneNumberMatcher(candidate.group(0), region, leniency=phonenumbers.Leniency.VALID):
                    spans.append((candidate.start() + match.start, candidate.start() + match.end))
        for m in PHONE_FALLBACK.finditer(clean):
            if sum(ch.isdigit() for ch in m.group(0)) >= MIN_PHONE_DIGITS and "\n" not in m.group(0):
                spans.append((m.start(), m.end()))
        return spans

    def _handles(self, folded: Folded, taken: list[tuple[int, int]]) -> list[Finding]:
        out = []
        for m in HANDLE.finditer(folded.folded):
            if _overlaps(folded.original_span(m.start(), m.end()), taken):
                continue
            raw = m.group(0)
            core = raw.lstrip("@").rstrip("0123456789._-")
            key = re.sub(r"[._-]", "", core)
            separated = raw.startswith("@") or any(ch in core for ch in "._-") or not self._is_part(key)
            labels = self._index.joined.get(key) or (self._index.parts.get(key) if raw.startswith("@") else None)
            if labels and separated:
                s, e = folded.original_span(m.start(), m.end())
                out.append(Finding(s, e, "handle", _label(labels)))
        return out

    def _is_part(self, word: str) -> bool:
        return word in self._index.parts

    def _names(self, folded: Folded, taken: list[tuple[int, int]]) -> list[Finding]:
        text = folded.folded
        tokens = [self._token(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)
                  if not _inside_identifier(text, m.start(), m.end())]
        tokens = [t for t in tokens if not _overlaps(folded.original_span(t.start, t.end), taken)]
        for i, token in enumerate(tokens):
            if token.labels:
                token.counts = self._counts(folded, tokens, i)
        return self._runs(folded, tokens)

    def _token(self, start: int, end: int, word: str) -> _Token:
        labels = self._index.parts.get(word)
        if labels:
            common = word not in self._index.strict and self._is_word(word)
            return _Token(start, end, word, frozenset(labels), common=common)
        fuzzy = self._fuzzy(word)
        if fuzzy:
            return _Token(start, end, word, fuzzy, fuzzy=True, common=self._is_word(word))
        return _Token(start, end, word)

    def _is_word(self, word: str) -> bool:
        return self.lexicon is not None and self.lexicon.is_word(word)

    def _fuzzy(self, word: str) -> frozenset[str]:
        """Labels of name parts one edit away (when either word has five letters or more)."""
        if len(word) < 4:
            return frozenset()
        if word not in self._fuzzy_cache:
            from rapidfuzz.distance import OSA

            parts: set[str] = set()
            for key in (word, *_deletions(word)):
                parts |= self._index.deletes.get(key, set())
                if key in self._index.parts and key != word:
                    parts.add(key)
            labels: set[str] = set()
            for part in parts:
                if max(len(part), len(word)) >= 5 and OSA.distance(part, word, score_cutoff=1) <= 1:
                    labels |= self._index.parts[part]
            self._fuzzy_cache[word] = frozenset(labels)
        return self._fuzzy_cache[word]

    def _counts(self, folded: Folded, tokens: list[_Token], i: int) -> bool:
        token = tokens[i]
        capital = folded.original[folded.original_span(token.start, token.end)[0]].isupper()
        beside = _titled(folded, tokens, i) or _next_to_name(folded, tokens, i)
        if not token.fuzzy:
            return not token.common or capital or beside
        return (not token.common and len(token.word) >= 5) or (capital and not _sentence_start(folded, token)) or beside

    def _runs(self, folded: Folded, tokens: list[_Token]) -> list[Finding]:
        """Counted tokens side by side (same line) become one finding when they name one person."""
        out: list[Finding] = []
        run: list[int] = []
        for i, token in enumerate(tokens):
            if token.counts and run and _gap(folded, tokens[run[-1]], token) in ("", " ", "-"):
                run.append(i)
                continue
            out += self._run_findings(folded, tokens, run)
            run = [i] if token.counts else []
        out += self._run_findings(folded, tokens, run)
        return out

    def _run_findings(self, folded: Folded, tokens: list[_Token], run: list[int]) -> list[Finding]:
        if not run:
            return []
        shared = frozenset.intersection(*(tokens[i].labels for i in run))
        first = run[0]
        start = folded.original_span(tokens[first].start, tokens[first].end)[0]
        if first > 0 and _titled(folded, tokens, first):
            start = folded.original_span(tokens[first - 1].start, tokens[first - 1].end)[0]
        if len(shared) == 1:
            end = folded.original_span(tokens[run[-1]].start, tokens[run[-1]].end)[1]
            return [Finding(start, end, "name", next(iter(shared)))]
        out = []
        for n, i in enumerate(run):
            s, e = folded.original_span(tokens[i].start, tokens[i].end)
            out.append(Finding(start if n == 0 else s, e, "name", _label(tokens[i].labels)))
        return out


def apply(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding's span by its label (findings sorted and not overlapping)."""
    parts = []
    at = 0
    for f in findings:
        parts.append(text[at:f.start])
        parts.append(f.label)
        at = f.end
    parts.append(text[at:])
    return "".join(parts)


def _label(labels: Iterable[str]) -> str:
    """One person's label, or [name] when the word names several people."""
    distinct = set(labels)
    return next(iter(distinct)) if len(distinct) == 1 else "[name]"


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """Letters glued to digits (P01, x3vila9), or inside a long run of letters, digits, _ and - with digits
    (a token, a key), are part of an identifier, not a word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isdigit() or after.isdigit():
        return True
    left, right = start, end
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "_-"):
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] in "_-"):
        right += 1
    return right - left >= IDENTIFIER_LENGTH and any(ch.isdigit() for ch in text[left:right])


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _gap(folded: Folded, left: _Token, right: _Token) -> str:
    """What stands between two tokens in the original text (spaces collapsed)."""
    gap = folded.original[folded.original_span(left.start, left.end)[1]:folded.original_span(right.start, right.end)[0]]
    return " " if gap and gap.isspace() and "\n" not in gap else gap


def _sentence_start(folded: Folded, token: _Token) -> bool:
    at = folded.original_span(token.start, token.end)[0] - 1
    text = folded.original
    while at >= 0 and text[at] in OPENERS:
        at -= 1
    return at < 0 or text[at] in SENTENCE_END


def _titled(folded: Folded, tokens: list[_Token], i: int) -> bool:
    if i == 0 or tokens[i - 1].word not in TITLES:
        return False
    return _gap(folded, tokens[i - 1], tokens[i]) in (" ", ". ", ".")


def _next_to_name(folded: Folded, tokens: list[_Token], i: int) -> bool:
    """Another name part stands right before or after (spaces or one line break between): a part of the
    same person, or a part that is no ordinary word."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].labels and not tokens[j].fuzzy and (
                not tokens[j].common or tokens[j].labels & tokens[i].labels):
            left, right = (tokens[j], tokens[i]) if j < i else (tokens[i], tokens[j])
            gap = folded.original[folded.original_span(left.start, left.end)[1]:folded.original_span(right.start, right.end)[0]]
            if gap.isspace() and gap.count("\n") <= 1:
                return True
    return False
