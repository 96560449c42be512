"""Words that look like names nobody put in the roster, for a researcher to review.

A capitalised word in the middle of a sentence that is no pseudonym, no roster
name, and no ordinary word of the study's languages is listed when it is a first
name somewhere in the world (gender-guesser's list) or a word no dictionary of
those languages knows ("Joe", "Xisca", "Moodle"). The researcher adds real people
to the roster (they are then pseudonymised on the next import) or marks the word
safe (`private/reviewed_words.txt`, one word a line). The report is not written
while any word is unreviewed, unless it is told to go ahead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..study.load import Study
from .folding import fold_word
from .gate import matcher_for
from .lexicon import Lexicon, is_first_name
from .matcher import OPENERS, SENTENCE_END, TITLES

REVIEWED_FILE = Path("private") / "reviewed_words.txt"
WORD = re.compile(r"(?<![\w@.])[^\W\d_][^\W\d_]*(?:['’][^\W\d_]+)?(?![\w@])")


@dataclass(frozen=True)
class Candidate:
    """A word that may be a person's name, where it occurs and why it was listed."""

    word: str
    count: int
    documents: tuple[str, ...]
    reason: str  # "a first name" or "in no dictionary"


def name_candidates(study: Study, texts: Iterable[tuple[str, str]]) -> list[Candidate]:
    """Unreviewed words that look like names in (document, text) pairs, most frequent first."""
    matcher = matcher_for(study)
    lexicon = matcher.lexicon
    reviewed = reviewed_words(study)
    known = matcher.known_parts
    seen: dict[str, tuple[str, int, set[str], str]] = {}
    for document, text in texts:
        words = [(m.start(), m.group(0).split("'")[0].split("’")[0]) for m in WORD.finditer(text)]
        for i, (at, word) in enumerate(words):
            folded = fold_word(word)
            if not _capitalised(word) or _sentence_start(text, at) or folded in known or folded in reviewed:
                continue
            titled = _after_title(words, i)
            if folded in TITLES or (lexicon is not None and lexicon.is_word(word) and not titled):
                continue
            reason = _reason(word, lexicon, titled, _beside_proper(words, i, lexicon))
            if reason:
                first, count, docs, why = seen.get(folded, (word, 0, set(), reason))
                seen[folded] = (first, count + 1, docs | {document}, why)
    out = [Candidate(word, count, tuple(sorted(docs)), why) for word, count, docs, why in seen.values()]
    return sorted(out, key=lambda c: (-c.count, c.word))


def _reason(word: str, lexicon: Lexicon | None, after_title: bool, beside_proper: bool) -> str | None:
    if after_title:
        return "after a title"
    if is_first_name(word):
        return "a first name"
    if lexicon is None or not lexicon.knows(word):
        return "in no dictionary"
    if beside_proper:
        return "a proper noun beside another"
    return None


def _after_title(words: list[tuple[int, str]], i: int) -> bool:
    return i > 0 and fold_word(words[i - 1][1]) in TITLES


def _beside_proper(words: list[tuple[int, str]], i: int, lexicon: Lexicon | None) -> bool:
    """A capitalised word next to another capitalised word that is no ordinary word: "Xisca Ramis"."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(words) and _capitalised(words[j][1]) and abs(words[j][0] - words[i][0]) <= len(words[min(i, j)][1]) + 1:
            if lexicon is None or not lexicon.is_word(words[j][1]):
                return True
    return False


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _sentence_start(text: str, at: int) -> bool:
    at -= 1
    while at >= 0 and text[at] in OPENERS:
        at -= 1
    return at < 0 or text[at] in SENTENCE_END or text[at] == ":"


def reviewed_words(study: Study) -> set[str]:
    """The words a researcher marked safe (folded)."""
    path = study.folder / REVIEWED_FILE
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {fold_word(line.strip()) for line in lines if line.strip() and not line.startswith("#")}


def mark_reviewed(study: Study, words: Iterable[str]) -> list[str]:
    """Add words to private/reviewed_words.txt (written whole, readable by the owner only). Returns those added."""
    path = study.folder / REVIEWED_FILE
    current = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [
        "# Words that looked like names and were reviewed: not people of this study (learnervoice transcripts review)."]
    have = {fold_word(line.strip()) for line in current if not line.startswith("#")}
    added = [w.strip() for w in words if w.strip() and fold_word(w.strip()) not in have]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(current + added) + "\n")
    os.replace(tmp, path)
    return added
