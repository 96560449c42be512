"""Segments to suggest or cluster — sentences or whole turns of transcripts and open answers — and their features.

Features are word n-grams (1–2, the languages' stop words left out) and character n-grams (3–5, inside
words), TF-IDF weighted with sublinear term frequency. A sentence is read with the rest of its turn: its
row holds its own features and, beside them at the same weight, those of the turn's other sentences
(coders code what a speaker is talking about, which a short sentence — "Same for me." — does not say by
itself). A whole turn, and a text from the codebook, is its own context. The vectorisers are fitted on
every segment of the store (no labels), so they are kept, per store and unit, until a document's text
changes: later calls only read the coder's codings and fit a small classifier.

With a sentence-embedding model (the `embedding` method, `qual/embeddings`), each text's own row also holds its
model vector, at EMBEDDING_WEIGHT beside the unit-length n-grams, so words that share no letters but mean alike
("afford", "costs") come near; the rest of the turn and the codebook's texts get the same columns. The kept
features are then per model too (its folder and its files' sizes and times).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..store import QualStore
from ..store import suggestions as suggestions_db
from .embeddings import StaticModel
from .sentences import sentence_spans
from .stopwords import stop_words

UNITS = ("sentence", "turn")
CONTEXT_WEIGHT = 1.0  # the rest of the turn beside the sentence's own words (measured in bench/suggest.py)
EMBEDDING_WEIGHT = 1.0  # a model's vector beside the n-grams, both of unit length (measured in bench/suggest.py)
_CACHE: dict[tuple[Any, ...], Corpus] = {}
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Segment:
    document: str
    start: int
    end: int
    speaker: str
    role: str
    text: str
    turn: int = 0  # the turn's number in the store's order: sentences of one turn share it


@dataclass
class Corpus:
    """The store's segments in one unit, their feature matrix, and the vectorisers that made it."""

    segments: list[Segment]
    matrix: Any  # scipy.sparse CSR, one L2-normalised row per segment
    vectorisers: tuple[Any, Any]
    by_document: dict[str, list[int]]
    model: StaticModel | None = None
    context_weight: float = CONTEXT_WEIGHT

    def features(self, texts: Sequence[str]) -> Any:
        """Rows for other texts (a codebook's definition, a theme's name) in the same space."""
        own = _own(self.vectorisers, self.model, texts, fit=False)
        return _beside(own, own, self.context_weight)


def segments_of(turns: Iterable[suggestions_db.Turn], unit: str, languages: Iterable[str]) -> list[Segment]:
    """Every turn as one segment, or each of its sentences; empty turns are left out."""
    if unit not in UNITS:
        from ..errors import InvalidInputError

        raise InvalidInputError(f"unit {unit!r}: use sentence or turn")
    langs = list(languages)
    out = []
    for n, t in enumerate(turns):
        spans = [(0, len(t.words))] if unit == "turn" else sentence_spans(t.words, languages=langs)
        out += [Segment(t.document, t.start + a, t.start + b, t.speaker, t.role, t.words[a:b], n)
                for a, b in spans if t.words[a:b].strip()]
    return out


def corpus(store: QualStore, unit: str, languages: Iterable[str], model: StaticModel | None = None, *,
           context_weight: float = CONTEXT_WEIGHT) -> Corpus:
    """The store's segments with their features; fitted once per store, unit, documents' texts and model. (A
    `context_weight` of 0 reads each sentence alone: bench/suggest.py measures what the turn adds.)"""
    langs = tuple(sorted(languages))
    with store.read() as conn:
        key = (str(store.engine.url), id(store.engine), unit, langs, None if model is None else model.key,
               context_weight, suggestions_db.signature(conn))
        if key in _CACHE:
            return _CACHE[key]
        turns = suggestions_db.turns_with_words(conn)
    segments = segments_of(turns, unit, langs)
    vectorisers = _vectorisers(langs)
    own = _own(vectorisers, model, [s.text for s in segments], fit=True)
    matrix = _beside(own, own if unit == "turn" else _rest_of_turn(segments, own), context_weight)
    by_document: dict[str, list[int]] = {}
    for i, s in enumerate(segments):
        by_document.setdefault(s.document, []).append(i)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = found = Corpus(segments, matrix, vectorisers, by_document, model, context_weight)
    return found


def _vectorisers(languages: tuple[str, ...]) -> tuple[Any, Any]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2), stop_words=sorted(stop_words(languages)) or None, sublinear_tf=True,
                            token_pattern=r"(?u)\b\w\w+\b", strip_accents="unicode", dtype=np.float64)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, strip_accents="unicode",
                            min_df=2, dtype=np.float64)
    return words, chars


def _stack(vectorisers: tuple[Any, Any], texts: Sequence[str], *, fit: bool) -> Any:
    """Word and character features side by side, the row scaled to unit length."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    texts = list(texts) or [""]
    parts = []
    for v in vectorisers:
        try:
            parts.append(v.fit_transform(texts) if fit else v.transform(texts))
        except ValueError:  # too few texts for min_df, or nothing but stop words: fall back to every n-gram
            v.set_params(min_df=1, stop_words=None)
            parts.append(v.fit_transform(texts) if fit else v.transform(texts))
    return normalize(sparse.hstack(parts).tocsr())


def _own(vectorisers: tuple[Any, Any], model: StaticModel | None, texts: Sequence[str], *, fit: bool) -> Any:
    """A text's own row: its n-grams, and beside them its model vector when there is a model (unit length)."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    texts = list(texts) or [""]
    ngrams = _stack(vectorisers, texts, fit=fit)
    if model is None:
        return ngrams
    vectors = sparse.csr_matrix(model.embed(texts).astype("float64"))
    return normalize(sparse.hstack([ngrams, EMBEDDING_WEIGHT * vectors]).tocsr())


def _rest_of_turn(segments: Sequence[Segment], own: Any) -> Any:
    """Each segment's context: the sum of the other segments of its turn, scaled to unit length (zero when the turn
    is one segment)."""
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    members: dict[int, list[int]] = {}
    for i, s in enumerate(segments):
        members.setdefault(s.turn, []).append(i)
    rows, cols = [], []
    for group in members.values():
        for i in group:
            others = [j for j in group if j != i]
            rows += [i] * len(others)
            cols += others
    link = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(segments), len(segments)))
    return normalize(link @ own)


def _beside(own: Any, context: Any, weight: float) -> Any:
    """A segment's own features and its context's, side by side, the row scaled to unit length."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    return normalize(sparse.hstack([own, weight * context]).tocsr())


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def covered(segment: Segment, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether a coding covers the segment: it overlaps half of the segment, or half of the coding."""
    for start, end in spans:
        shared = overlap(segment.start, segment.end, start, end)
        if shared > 0 and (2 * shared >= segment.end - segment.start or 2 * shared >= end - start):
            return True
    return False
