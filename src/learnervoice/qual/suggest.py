"""Suggested codings, learned offline from one coder's own codings; the coder accepts or rejects each.

For a code and a coder, every segment (sentence or turn of a transcript or an open answer) is a
candidate unless that coder coded it with the code or rejected it as a suggestion. Positives are the
segments the coder coded with the code; negatives are the other segments of the documents the coder
has coded (seen and left uncoded) and the suggestions they rejected. The codebook's description,
inclusion criteria and example join the positives, its exclusion criteria the negatives. A logistic
regression over word and character n-grams (see `qual/segments`) ranks the candidates by the
probability it gives; with fewer than three positives or negatives it ranks them by their cosine
similarity to the positives and the codebook's words instead. Moderators' words are neither offered
nor negatives unless the coder coded some with the code. Nobody else's codings are read (blind
coding holds), nothing leaves the machine, and the same store gives the same ranking. Given a local
sentence-embedding model's folder (the optional `embedding` method, `qual/embeddings`), the features also hold
each segment's model vector; the ranking is the same.

Accepting adds a coding by the coder (an ``add_codings`` audit record with source ``suggestion``, so
history and undo treat it like any other); rejecting appends a ``reject_suggestion`` audit record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CodingError, NotFoundError
from ..store import QualStore, new_guid, now
from ..store import accounts as accounts_db
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import suggestions as suggestions_db
from .codebook import coding_targets
from .embeddings import load_model
from .segments import Corpus, corpus, covered

MIN_EXAMPLES = 3  # positives and negatives each, below which similarity replaces the classifier
SEED = 0
MAX_NEGATIVES = 2000  # a seeded sample of them beyond this, to stay fast on large studies


@dataclass(frozen=True)
class Suggestion:
    """A segment suggested for a code: its place, the score (0–1, higher = more like the coder's codings), its words
    as the store holds them (pseudonymised)."""

    document: str
    start: int
    end: int
    score: float
    text: str


@dataclass(frozen=True)
class Examples:
    """What the ranking learns from: row numbers of the corpus, and the codebook's words."""

    positive: list[int]
    negative: list[int]
    candidates: list[int]
    described: list[str]
    excluded: list[str]


def suggest_codings(store: QualStore, code: str, coder: str, *, top: int = 20, languages: Iterable[str] = ("en",),
                    unit: str = "sentence", model: Path | None = None) -> list[Suggestion]:
    """The `top` segments most like those `coder` coded with `code`, best first (ties in document order); with
    `model`, a sentence-embedding model's folder (see `qual/embeddings.model_folder`), its vectors join the n-grams."""
    spec = _code(store, code)
    _check_coder(store, coder)
    found = corpus(store, unit, languages, None if model is None else load_model(model))
    examples = _examples(store, found, spec, coder)
    if not examples.candidates:
        return []
    scores = rank(found, examples)
    order = sorted(range(len(examples.candidates)), key=lambda i: (-scores[i], examples.candidates[i]))
    out = []
    for i in order[: max(top, 0)]:
        s = found.segments[examples.candidates[i]]
        out.append(Suggestion(s.document, s.start, s.end, round(float(scores[i]), 6), s.text))
    return out


def _code(store: QualStore, key: str) -> codes_db.Code:
    """The code suggestions are asked for: a code text may be coded with (a folder of codes: FolderCodeError)."""
    with store.read() as conn:
        for c in codes_db.all_codes(conn):
            if c.key == key:
                coding_targets(conn).id_of(key)
                return c
    raise NotFoundError(f"no code {key!r} in the codebook (see `learnervoice codes STUDY`)")


def _check_coder(store: QualStore, coder: str) -> None:
    with store.read() as conn:
        known = suggestions_db.coders(conn) | {a.name for a in accounts_db.all_accounts(conn)}
    if coder not in known:
        raise NotFoundError(f"no coder {coder!r}: nobody of that name has coded or has an account "
                            f"(coders: {', '.join(sorted(known)) or 'none yet'})")


def _examples(store: QualStore, found: Corpus, spec: codes_db.Code, coder: str) -> Examples:
    """Positives, negatives and candidates among the corpus's segments, from this coder's codings only."""
    with store.read() as conn:
        spans = suggestions_db.coder_spans(conn, coder)
        rejected = suggestions_db.rejected(conn, spec.key, coder)
    return examples_from(found, spec, spans, rejected)


def examples_from(found: Corpus, spec: codes_db.Code, spans: list[suggestions_db.Span],
                  rejected: set[tuple[str, int, int]]) -> Examples:
    """Positives, negatives and candidates given one coder's spans (of every code) and rejected suggestions."""
    mine: dict[str, list[tuple[int, int]]] = {}
    for span in spans:
        if span.code == spec.key:
            mine.setdefault(span.document, []).append((span.start, span.end))
    seen = {span.document for span in spans}
    positive = [i for i, s in enumerate(found.segments) if covered(s, mine.get(s.document, ()))]
    moderators = any(found.segments[i].role == "moderator" for i in positive)  # else their words are never offered
    negative, candidates = [], []
    taken = set(positive)
    for i, s in enumerate(found.segments):
        if i in taken or (s.role == "moderator" and not moderators):
            continue
        if any(covered(s, [(a, b)]) for d, a, b in rejected if d == s.document):
            negative.append(i)
        else:
            candidates.append(i)
            if s.document in seen:
                negative.append(i)
    described = [t for t in (spec.name, spec.description, spec.inclusion, spec.example) if t.strip()]
    return Examples(positive, negative, candidates, described, [spec.exclusion] if spec.exclusion.strip() else [])


def rank(found: Corpus, examples: Examples) -> Any:
    """A score per candidate (numpy array, in the candidates' order)."""
    from scipy import sparse

    if not examples.positive and not examples.described:
        raise CodingError("nothing to learn from: the coder has not coded this code yet and the codebook gives no "
                          "description, inclusion criteria or example for it")
    described = found.features(examples.described) if examples.described else None
    positives = found.matrix[examples.positive]
    if described is not None:
        positives = sparse.vstack([positives, described]).tocsr()
    excluded = found.features(examples.excluded) if examples.excluded else None
    negatives = found.matrix[examples.negative]
    if excluded is not None:
        negatives = sparse.vstack([negatives, excluded]).tocsr()
    candidates = found.matrix[examples.candidates]
    if len(examples.positive) < MIN_EXAMPLES or negatives.shape[0] < MIN_EXAMPLES:
        return _similarity(candidates, positives)
    return _classifier(candidates, positives, negatives)


def _similarity(candidates: Any, positives: Any) -> Any:
    """Mean of the cosine to the positives' centroid and the cosine to the nearest positive (n-grams: both 0–1; a
    model's vectors may point away, below 0, which counts as 0)."""
    import numpy as np
    from sklearn.preprocessing import normalize

    centroid = normalize(np.asarray(positives.mean(axis=0)))
    to_centroid = np.asarray(candidates @ centroid.T).ravel()
    nearest = np.asarray((candidates @ positives.T).max(axis=1).todense()).ravel()
    return np.clip((to_centroid + nearest) / 2, 0.0, 1.0)


def _classifier(candidates: Any, positives: Any, negatives: Any) -> Any:
    """The probability of the code by a logistic regression (classes balanced; at most MAX_NEGATIVES negatives,
    drawn with a fixed seed)."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    if negatives.shape[0] > MAX_NEGATIVES:
        keep = np.sort(np.random.default_rng(SEED).choice(negatives.shape[0], MAX_NEGATIVES, replace=False))
        negatives = negatives[keep]
    features = sparse.vstack([positives, negatives]).tocsr()
    labels = np.r_[np.ones(positives.shape[0]), np.zeros(negatives.shape[0])]
    model = LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", random_state=SEED, tol=1e-3)
    model.fit(features, labels)
    return model.predict_proba(candidates)[:, 1]


def record_decision(store: QualStore, code: str, coder: str, document: str, start: int, end: int, *,
                    accepted: bool) -> None:
    """The coder's decision on a suggestion, in one transaction: accepted, a coding by the coder (its audit record
    says it came from a suggestion); rejected, remembered (never suggested again, a negative example after)."""
    if not coder.strip():
        raise CodingError("name the coder who decides")
    with store.read() as conn:
        targets = coding_targets(conn)
        sizes = documents_db.lengths(conn, [document])
    if code not in targets.ids:
        raise NotFoundError(f"no code {code!r} in the codebook")
    code_id = targets.id_of(code)  # a folder of codes: FolderCodeError (it is never suggested either)
    if document not in sizes:
        raise NotFoundError(f"no document {document!r}")
    doc_id, length = sizes[document]
    if not 0 <= start < end <= length:
        raise CodingError(f"offsets {start}–{end} are outside {document!r} (0–{length})")
    _check_coder(store, coder)
    place = {"code": code, "coder": coder, "document": document, "start": start, "end": end}
    if not accepted:
        with store.read() as conn:
            if (document, start, end) in suggestions_db.rejected(conn, code, coder):
                return  # rejected already: one record is enough
        with store.change(coder, suggestions_db.REJECT, place | {"undo": {}}):  # undo: the rejection counts no more
            return
    added: list[str] = []
    detail = {"source": suggestions_db.ACCEPTED_SOURCE, "count": 1, "undo": {"added": added}} | place
    with store.change(coder, "add_codings", detail) as conn:
        guid = new_guid()
        if codings_db.add_if_new(conn, document_id=doc_id, start=start, end=end, code_id=code_id, coder=coder,
                                 created_at=now(), guid=guid):
            added.append(guid)


def accepted_suggestions(store: QualStore, coder: str | None = None) -> list[dict[str, object]]:
    """The suggestions accepted (by this coder; everyone's with None), newest first: code, coder, document, span."""
    with store.read() as conn:
        return suggestions_db.accepted(conn, coder)
