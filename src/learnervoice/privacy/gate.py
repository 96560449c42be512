"""The disclosure gate: every text that leaves a study passes through it.

Writers of every kind (the report, tables, REFI-QDA exports, CLI listings, the
web API) hand their text to :meth:`Gate.release`, which replaces any roster name,
handle, e-mail address, phone number or URL it finds, and counts what it
replaced (never what the words were). The report, a document meant for
publication, asks :meth:`Gate.refuse` instead: it writes nothing when anything
would be disclosed.

>>> from learnervoice.privacy.matcher import Matcher, Person
>>> gate = Gate(Matcher([Person("P07", ("Mireia Sala",))]))
>>> gate.release({"quote": "As Mireia said (mireia.sala@uoc.edu)", "n": 3})
{'quote': 'As P07 said ([email])', 'n': 3}
>>> gate.notice()
'1 name and 1 e-mail address were replaced in the output'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import DisclosureError
from ..study.load import Study
from .lexicon import Lexicon
from .matcher import LANGUAGE_REGIONS, Finding, Matcher, Person, apply

if TYPE_CHECKING:
    import pandas as pd

    from ..study.roster import Roster

T = TypeVar("T")
LEXICON_CACHE = Path(".learnervoice") / "words.json"  # dictionary answers for this study's words
KIND_WORDS = {"name": ("name", "names"), "handle": ("user handle", "user handles"),
              "email": ("e-mail address", "e-mail addresses"), "phone": ("phone number", "phone numbers"),
              "named_url": ("URL with a name in it", "URLs with a name in them"), "url": ("URL", "URLs")}
ARTICLES = {"email": "an e-mail address", "phone": "a phone number", "url": "a URL",
            "named_url": "a URL with a name in it"}
PUBLISHED_KINDS = frozenset({"name", "handle", "email", "phone", "named_url"})


class Gate:
    """Replaces personal data in whatever is about to leave the study, and remembers how much it replaced."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.replaced: Counter[str] = Counter()

    def release(self, value: T) -> T:
        """The value with personal data replaced: a string, or the strings inside lists, tuples and dicts."""
        return self._release(value)

    def _release(self, value: Any) -> Any:
        if isinstance(value, str):
            text, findings = self.matcher.redact(value)
            self.replaced.update(f.kind for f in findings)
            return text
        if isinstance(value, dict):
            return {self._release(k): self._release(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._release(v) for v in value)
        return value

    def release_text(self, text: str) -> tuple[str, Callable[[int, bool], int]]:
        """The released text and a map of positions in the old text to positions in the new one
        (a position inside a replaced span goes to the replacement's start, or its end for an end)."""
        findings = self.matcher.find(text)
        self.replaced.update(f.kind for f in findings)

        def moved(position: int, is_end: bool = False) -> int:
            shift = 0
            for f in findings:
                if position >= f.end:
                    shift += len(f.label) - (f.end - f.start)
                elif position > f.start:
                    return f.start + shift + (len(f.label) if is_end else 0)
                else:
                    break
            return position + shift

        return apply(text, findings), moved

    def release_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A DataFrame with every text cell and column name released."""
        from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

        out = frame.copy()
        out.columns = [self._release(c) if isinstance(c, str) else c for c in out.columns]
        out.index = out.index.map(lambda v: self._release(v) if isinstance(v, str) else v)
        for position in range(out.shape[1]):
            column = out.iloc[:, position]
            if not (is_numeric_dtype(column) or is_bool_dtype(column) or is_datetime64_any_dtype(column)):
                out.isetitem(position, column.map(self._release))
        return out

    def findings(self, text: str, kinds: Iterable[str] = PUBLISHED_KINDS) -> list[Finding]:
        wanted = set(kinds)
        return [f for f in self.matcher.find(text) if f.kind in wanted]

    def refuse(self, text: str, what: str, kinds: Iterable[str] = PUBLISHED_KINDS) -> None:
        """Raise DisclosureError, naming whose names and which kinds were found, if the text holds any."""
        found = self.findings(text, kinds)
        if found:
            names = sorted({f"a name of {f.label}" for f in found if f.kind in ("name", "handle")})
            others = sorted({ARTICLES[f.kind] for f in found if f.kind not in ("name", "handle")})
            places = sorted({self.matcher.redact(_heading_before(text, f.start))[0] for f in found} - {""})
            where = f" (in {', '.join(repr(p) for p in places[:5])})" if places else ""
            raise DisclosureError(f"{what} would disclose {', '.join(names + others)}{where}; nothing was written")

    def notice(self) -> str | None:
        """What was replaced since the gate was made, in words (None when nothing was)."""
        if not self.replaced:
            return None
        parts = [f"{n} {_words(kind, n)}" for kind, n in sorted(self.replaced.items(), key=lambda kv: list(KIND_WORDS).index(kv[0]))]
        verb = "was" if sum(self.replaced.values()) == 1 else "were"
        return f"{' and '.join([', '.join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)} {verb} replaced in the output"


def _heading_before(text: str, at: int) -> str:
    """The Markdown heading a position falls under ("" when none)."""
    for line in reversed(text[:at].splitlines()):
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def _words(kind: str, n: int) -> str:
    one, many = KIND_WORDS[kind]
    return one if n == 1 else many


def gate_for(study: Study) -> Gate:
    """A fresh gate (its own count) over the study's matcher."""
    return Gate(matcher_for(study))


def matcher_for(study: Study) -> Matcher:
    """The matcher of the study's roster and languages (made once per roster version)."""
    from ..study.roster import load_roster

    config = study.config
    languages = config.privacy.languages or (config.language,)
    regions = config.privacy.phone_regions or _regions(config.locale, config.language)
    return _matcher(load_roster(study), languages, config.locale, regions, study.folder / LEXICON_CACHE)


def _regions(locale: str | None, language: str) -> tuple[str, ...]:
    if locale and "_" in locale:
        return (locale.split("_", 1)[1].upper()[:2],)
    return LANGUAGE_REGIONS.get(language, ())


_MATCHERS: dict[tuple[Any, ...], tuple[Roster, Matcher]] = {}


def _matcher(roster: Roster, languages: tuple[str, ...], locale: str | None, regions: tuple[str, ...],
             cache: Path) -> Matcher:
    key = (id(roster), languages, locale, regions, cache)  # load_roster gives one object per version of the file
    if key not in _MATCHERS or _MATCHERS[key][0] is not roster:
        people = [Person(p.pseudonym, p.names, phones=tuple(v for c in roster.contact_columns
                                                            if (v := p.private.get(c, "")) and "@" not in v))
                  for p in roster.participants]
        if len(_MATCHERS) > 16:
            _MATCHERS.clear()
        _MATCHERS[key] = (roster, Matcher(people, Lexicon(languages, locale, cache=cache), regions))
    return _MATCHERS[key][1]
