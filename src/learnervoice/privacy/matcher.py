"""Find personal data in a text: roster names however written, e-mail addresses, phone numbers, URLs.

Names are compared folded (Unicode normalised; zero-width, format and other
invisible characters removed; look-alike Cyrillic and Greek letters read as
Latin; accents and case ignored), token by token: full names, first names,
surnames and aliases; one-edit misspellings of name parts when either word has
five letters or more; handles made of name parts (``@mireiasala``,
``anna_bosch``). A name part that is also an ordinary word of the study's
languages ("rosa", "font", "camps") counts only where it reads as a name (and an ordinary word one letter
from a name part, "Cost" beside "Costa", not at a sentence start):
capitalised (not inside a run of capitalised words such as "Costa Rica" or
"Google Fonts", and at the start of a sentence not before a function word:
"Más de la mitad", though "Marc and I" is a name), after a title (Mr, Dra, Sra…), or next to another part of
a name. A title or an initial goes with the name it
belongs to ("Mr Vila", "J. Vila", "Jordi V." all become the pseudonym). URLs
that hold a name part are reported as such, so that outputs meant for
publication refuse them.

>>> from learnervoice.privacy.lexicon import Lexicon
>>> m = Matcher([Person("P01", ("Jordi Vila",)), Person("P25", ("Clara Fabra",))], Lexicon(["en", "es"]))
>>> m.redact("Later Mr Vila and jor\u200bdi agreed: a clara idea. Mail jordi.vila@uoc.edu")[0]
'Later P01 and P01 agreed: a clara idea. Mail [email]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .contacts import contacts
from .folding import Folded, fold, fold_word
from .lexicon import Lexicon

TOKEN = re.compile(r"[^\W\d_]+")
HANDLE = re.compile(r"@?[^\W_](?:[\w.-]*[^\W_])?")
TITLES = frozenset(
    "mr mrs ms mx miss mister sir madam dr dra prof profa sr sra srta senor senora senyor senyora "
    "don dona doctor doctora professor professora".split()
)
PARTICLES = frozenset("de del la las los el i y e da das do dos van von der den le di du st".split())
FUNCTION_WORDS = PARTICLES | frozenset("of the a an and or to in on at for with que en al por para con of per amb".split())
# after a capitalised word at a sentence start these say it is a word ("Más de la mitad"); a conjunction does not:
# "Marc and I", "Rosa y yo" name someone far more often than "Salt and pepper" does
NOT_A_NAME_AFTER = FUNCTION_WORDS - frozenset("and or y i e o u".split())
SENTENCE_END = ".!?…\n"
OPENERS = "\"'“‘«([¿¡ \t"
JOINERS = ("", " ", "-", "_", ".")  # what may stand between two parts of one name in a run
LANGUAGE_REGIONS = {"en": ("GB", "US"), "es": ("ES",), "ca": ("ES",), "fr": ("FR",), "de": ("DE",), "it": ("IT",),
                    "pt": ("PT", "BR"), "nl": ("NL",)}
PLACEHOLDERS = {"email": "[email]", "phone": "[phone]", "url": "[url]", "named_url": "[url]"}
MAX_FUZZY_LENGTH = 30
SHORT_TEXT, SHORT_CACHE = 80, 50_000  # texts this short are looked up once per matcher


@dataclass(frozen=True)
class Person:
    """Someone whose names must not leave the study, and the label that replaces them."""

    label: str
    names: tuple[str, ...]
    strict: bool = False  # every part counts, ordinary word or not (a speaker label given at import)
    phones: tuple[str, ...] = ()  # numbers the roster holds for them: found however written


@dataclass(frozen=True)
class Finding:
    """A span of the original text that holds personal data, and what replaces it."""

    start: int
    end: int
    kind: str  # name, handle, email, phone, url, named_url (a URL holding a name)
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
    phones: list[str] = field(default_factory=list)


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
        self._short: dict[str, list[Finding]] = {}  # findings of short texts that come again and again (codes, coders)

    def with_people(self, people: Iterable[Person]) -> Matcher:
        """This matcher, also finding these people."""
        return Matcher([*self._people, *people], self.lexicon, self.regions)

    @property
    def known_parts(self) -> set[str]:
        """Every folded name part the matcher finds."""
        return set(self._index.parts)

    def _add(self, person: Person) -> None:
        index = self._index
        index.phones += person.phones
        for name in person.names:
            parts = [p for p in TOKEN.findall(fold_word(name)) if len(p) > 1 and p not in PARTICLES | TITLES]
            for part in parts:
                index.parts.setdefault(part, set()).add(person.label)
                if person.strict:
                    index.strict.add(part)
                if 4 <= len(part) <= MAX_FUZZY_LENGTH:
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
        if len(text) <= SHORT_TEXT:
            found = self._short.get(text)
            if found is None:
                if len(self._short) >= SHORT_CACHE:
                    self._short.clear()
                found = self._short[text] = self._find(text)
            return list(found)
        return self._find(text)

    def _find(self, text: str) -> list[Finding]:
        folded = fold(text)
        found = self._contacts(folded)
        taken = sorted((f.start, f.end) for f in found)
        found += self._handles(folded, taken)
        taken = sorted((f.start, f.end) for f in found)
        found += self._names(folded, taken)
        if self.lexicon is not None:
            self.lexicon.save()
        return sorted(found, key=lambda f: f.start)

    def redact(self, text: str) -> tuple[str, list[Finding]]:
        """The text with every finding replaced by its label, and the findings."""
        findings = self.find(text)
        return apply(text, findings), findings

    def _contacts(self, folded: Folded) -> list[Finding]:
        out = []
        for start, end, kind, value in contacts(folded.clean, self.regions, self._index.phones):
            if kind == "url" and self._names_someone(value):
                kind = "named_url"
            s, e = folded.original_span(start, end, clean=True)
            out.append(Finding(s, e, kind, PLACEHOLDERS[kind]))
        return out

    def _names_someone(self, value: str) -> bool:
        """Whether a URL holds a name part that is no ordinary word, or two parts of one name run together."""
        words = TOKEN.findall(fold_word(value))
        return any((w in self._index.parts and not self._is_word(w) and len(w) > 3) or w in self._index.joined
                   for w in words)

    def _handles(self, folded: Folded, taken: list[tuple[int, int]]) -> list[Finding]:
        out = []
        for m in HANDLE.finditer(folded.folded):
            span = folded.original_span(m.start(), m.end())
            raw = m.group(0)
            core = raw.lstrip("@").rstrip("0123456789._-")
            key = re.sub(r"[._-]", "", core)
            labels = self._index.joined.get(key) or (self._index.parts.get(key) if raw.startswith("@") else None)
            if labels and (raw.startswith("@") or key not in self._index.parts) and not _overlaps(span, taken):
                out.append(Finding(span[0], span[1], "handle", _label(labels)))
        return out

    def _names(self, folded: Folded, taken: list[tuple[int, int]]) -> list[Finding]:
        text = folded.folded
        tokens = [self._token(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)
                  if not _glued_to_digits(text, m.start(), m.end())]
        tokens = [t for t in tokens if not _overlaps(folded.original_span(t.start, t.end), taken)]
        for i, token in enumerate(tokens):
            if token.labels:
                token.counts = self._counts(folded, tokens, i)
        return _runs(folded, tokens)

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
        """Labels of name parts one edit away (either word five letters or more). A variant that is a name of its own
        ("Jordy", "Steve" beside "Esteve") counts too: a misspelt participant and a namesake cannot be told apart."""
        if not 4 <= len(word) <= MAX_FUZZY_LENGTH:
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
        if _titled(folded, tokens, i) or _after_initial(folded, tokens, i) or _next_to_name(folded, tokens, i):
            return True
        if not token.common:
            return not token.fuzzy or len(token.word) >= 5
        capital = folded.original[folded.original_span(token.start, token.end)[0]].isupper()
        if not capital or _in_capitalised_run(folded, tokens, i):
            return False
        if not _sentence_start(folded, token):
            return True
        # at the start of a sentence a name and a word look alike: a name, unless a function word follows ("Más de"),
        # or the word is only one letter from a name part ("Cost worries" beside Costa)
        return not token.fuzzy and not (i + 1 < len(tokens) and tokens[i + 1].word in NOT_A_NAME_AFTER
                                         and _gap(folded, token, tokens[i + 1]) == " ")


def _runs(folded: Folded, tokens: list[_Token]) -> list[Finding]:
    """Counted tokens side by side (same line) become one finding when they name one person."""
    out: list[Finding] = []
    run: list[int] = []
    for i, token in enumerate(tokens):
        if token.counts and run and _gap(folded, tokens[run[-1]], token) in JOINERS:
            run.append(i)
            continue
        out += _run_findings(folded, tokens, run, out)
        run = [i] if token.counts else []
    out += _run_findings(folded, tokens, run, out)
    return out


def _run_findings(folded: Folded, tokens: list[_Token], run: list[int], before: list[Finding]) -> list[Finding]:
    if not run:
        return []
    shared = frozenset.intersection(*(tokens[i].labels for i in run))
    first, last = run[0], run[-1]
    start = _absorbed_before(folded, tokens, first)
    if before and start < before[-1].end:
        start = folded.original_span(tokens[first].start, tokens[first].end)[0]
    if len(shared) == 1:
        end = _absorbed_after(folded, tokens, last, shared)
        return [Finding(start, end, "name", next(iter(shared)))]
    out = []
    for n, i in enumerate(run):
        s, e = folded.original_span(tokens[i].start, tokens[i].end)
        out.append(Finding(start if n == 0 else s, e, "name", _label(tokens[i].labels)))
    return out


def _absorbed_before(folded: Folded, tokens: list[_Token], i: int) -> int:
    """Where a name's finding starts: at a title ("Mr Vila"), an initial ("J. Vila") or "O'" before it."""
    start = folded.original_span(tokens[i].start, tokens[i].end)[0]
    if i == 0:
        return start
    previous = tokens[i - 1]
    gap = _gap(folded, previous, tokens[i])
    initial = _after_initial(folded, tokens, i)
    elision = len(previous.word) == 1 and gap in ("'", "’")
    if _titled(folded, tokens, i) or initial or elision:
        return folded.original_span(previous.start, previous.end)[0]
    return start


def _absorbed_after(folded: Folded, tokens: list[_Token], i: int, labels: frozenset[str]) -> int:
    """Where it ends: after an initial of the same person's name ("Jordi V.")."""
    end = folded.original_span(tokens[i].start, tokens[i].end)[1]
    if i + 1 < len(tokens):
        after = tokens[i + 1]
        if len(after.word) == 1 and _gap(folded, tokens[i], after) == " " and folded.original[
                folded.original_span(after.start, after.end)[0]].isupper():
            stop = folded.original_span(after.start, after.end)[1]
            if stop < len(folded.original) and folded.original[stop] == ".":
                return stop + 1
    return end


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


def _glued_to_digits(text: str, start: int, end: int) -> bool:
    """Letters glued to digits (P01, x3vila9) are part of an identifier, not a word."""
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    import bisect

    at = bisect.bisect_left(taken, (span[1],))
    return any(s < span[1] and span[0] < e for s, e in taken[max(0, at - 2):at])


def _gap(folded: Folded, left: _Token, right: _Token) -> str:
    """What stands between two tokens in the original text (a run of spaces read as one)."""
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


def _after_initial(folded: Folded, tokens: list[_Token], i: int) -> bool:
    """"J. Vila": a capital initial with its full stop just before."""
    if i == 0 or len(tokens[i - 1].word) != 1:
        return False
    previous = tokens[i - 1]
    return _gap(folded, previous, tokens[i]) in (". ", ".") and folded.original[
        folded.original_span(previous.start, previous.end)[0]].isupper()


def _in_capitalised_run(folded: Folded, tokens: list[_Token], i: int) -> bool:
    """A neighbour is capitalised too, not merely as the first word of a sentence, and names nobody:
    "Costa Rica", "Google Fonts", "Total Cost" (but not "What Carla said")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and not tokens[j].labels and len(tokens[j].word) > 1 and not _sentence_start(folded, tokens[j]):
            left, right = (tokens[j], tokens[i]) if j < i else (tokens[i], tokens[j])
            if _gap(folded, left, right) == " " and folded.original[folded.original_span(tokens[j].start, tokens[j].end)[0]].isupper():
                return True
    return False


def _next_to_name(folded: Folded, tokens: list[_Token], i: int) -> bool:
    """Another name part stands right before or after (a space, a hyphen, or one line break between): a part of
    the same person, or a part that is no ordinary word."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].labels and not tokens[j].fuzzy and (
                not tokens[j].common or tokens[j].labels & tokens[i].labels):
            left, right = (tokens[j], tokens[i]) if j < i else (tokens[i], tokens[j])
            gap = folded.original[folded.original_span(left.start, left.end)[1]:folded.original_span(right.start, right.end)[0]]
            if (gap.isspace() and gap.count("\n") <= 1) or gap in ("-", "_"):
                return True
    return False
