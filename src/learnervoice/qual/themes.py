"""Candidate themes: uncoded segments grouped by k-means over their words, for a researcher to name and code.

The segments are the sentences of participants and respondents (moderators' words left out) that no
coding by anyone covers, of at least MIN_WORDS words. Their word TF-IDF vectors (stop words of the
study's languages left out) are grouped by k-means (seeded, 10 starts). When k is not given it is the k
from 2 to 10 (and at most a fifth of the segments) with the highest mean silhouette (cosine, on at most
2,000 segments drawn with the seed). Each theme shows its most distinctive terms (the highest weights of
its centre), how many people said something in it, and the three segments nearest its centre (one per
person first). Terms are words of letters only: pseudonyms (P16), numbers and the privacy masks ([email])
are not terms. The same store, documents, k and seed give the same themes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import CodingError
from ..store import QualStore
from ..study.load import Study
from ..store import suggestions as suggestions_db
from .segments import Segment, covered, segments_of
from .stopwords import spoken_words
from .suggest import Suggestion
from ..text import strip_accents

MIN_WORDS = 4
MAX_K = 10
TERMS = 8
LETTERS_ONLY = r"(?u)\b[^\W\d_]{2,}\b"  # terms are words: pseudonyms (P16, S03) and numbers are not theme terms


@dataclass(frozen=True)
class CandidateTheme:
    label: str
    terms: tuple[str, ...]
    people: int
    segments: int
    quotes: tuple[Suggestion, ...]


def suggest_themes(store: QualStore, *, documents: list[str] | None = None, k: int | None = None, seed: int = 0,
                   languages: Iterable[str] = ("en",)) -> list[CandidateTheme]:
    """Candidate themes among the uncoded segments, largest first."""
    from sklearn.cluster import KMeans

    langs = tuple(sorted(languages))
    pool = uncoded_segments(store, documents, langs)
    if len(pool) < 10:
        raise CodingError(f"only {len(pool)} uncoded segment(s) of {MIN_WORDS}+ words: too few to group into themes")
    matrix, terms = _features(pool, langs)
    if k is None:
        k = choose_k(matrix, seed)
    if not 2 <= k <= len(pool) // 2:
        raise CodingError(f"k={k}: give between 2 and {len(pool) // 2} themes for {len(pool)} segments")
    model = KMeans(n_clusters=k, random_state=seed, n_init=10).fit(matrix)
    themes = [_theme(pool, matrix, terms, model, c) for c in range(k)]
    return sorted(themes, key=lambda t: (-t.segments, t.label))


def uncoded_segments(store: QualStore, documents: list[str] | None, languages: tuple[str, ...]) -> list[Segment]:
    """Sentences of participants and respondents that no coding covers, of MIN_WORDS words or more."""
    with store.read() as conn:
        turns = suggestions_db.turns_with_words(conn)
        spans = suggestions_db.all_spans(conn)
    if documents is not None:
        missing = sorted(set(documents) - {t.document for t in turns})
        if missing:
            from ..errors import NotFoundError

            raise NotFoundError(f"no document(s) {', '.join(map(repr, missing))} (see `learnervoice documents list`)")
        turns = [t for t in turns if t.document in set(documents)]
    coded: dict[str, list[tuple[int, int]]] = {}
    for span in spans:
        coded.setdefault(span.document, []).append((span.start, span.end))
    return [s for s in segments_of([t for t in turns if t.role != "moderator"], "sentence", languages)
            if len(s.text.split()) >= MIN_WORDS and not covered(s, coded.get(s.document, ()))]


def _features(pool: list[Segment], languages: tuple[str, ...]) -> tuple[Any, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(stop_words=sorted(spoken_words(languages)) or None, sublinear_tf=True,
                                 strip_accents="unicode", min_df=2 if len(pool) >= 50 else 1, max_df=0.5,
                                 preprocessor=_without_placeholders, token_pattern=LETTERS_ONLY)
    try:
        matrix = vectoriser.fit_transform([s.text for s in pool])
    except ValueError:
        raise CodingError("the uncoded segments share no words beyond stop words: nothing to group") from None
    return matrix, list(vectoriser.get_feature_names_out())


def _without_placeholders(text: str) -> str:
    """Lower case, the privacy masks ([email], [name], [respondent]…) left out: they say nothing about a theme."""
    import re

    return re.sub(r"\[\w+\]", " ", text.lower())


def choose_k(matrix: Any, seed: int) -> int:
    """The k (2 to MAX_K, at most a fifth of the segments) whose k-means has the highest mean silhouette."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = matrix.shape[0]
    best, best_score = 2, -2.0
    for k in range(2, max(2, min(MAX_K, n // 5)) + 1):
        labels = KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(matrix, labels, metric="cosine", sample_size=min(n, 2000), random_state=seed))
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def _theme(pool: list[Segment], matrix: Any, terms: list[str], model: Any, cluster: int) -> CandidateTheme:
    import numpy as np

    centre = model.cluster_centers_[cluster]
    top = tuple(terms[i] for i in np.argsort(-centre, kind="stable")[:TERMS] if centre[i] > 0)
    members = [i for i, label in enumerate(model.labels_) if label == cluster]
    closeness = np.asarray(matrix[members] @ centre).ravel()
    ordered = [members[j] for j in sorted(range(len(members)), key=lambda j: (-closeness[j], members[j]))]
    quotes: list[int] = []
    for i in ordered:  # one per person first, then anyone
        if len(quotes) < 3 and pool[i].speaker not in {pool[q].speaker for q in quotes}:
            quotes.append(i)
    quotes += [i for i in ordered if i not in quotes][: 3 - len(quotes)]
    score = {i: float(closeness[members.index(i)]) for i in quotes}
    return CandidateTheme(
        label=" / ".join(top[:3]) or f"theme {cluster + 1}", terms=top,
        people=len({pool[i].speaker for i in members}), segments=len(members),
        quotes=tuple(Suggestion(pool[i].document, pool[i].start, pool[i].end, round(score[i], 6), pool[i].text)
                     for i in quotes))


def themes_frame(themes: list[CandidateTheme]) -> Any:
    """One row per representative quote: theme number, label, terms, people, segments, document, start, end, text."""
    import pandas as pd

    rows = [{"theme": n, "label": t.label, "terms": ", ".join(t.terms), "people": t.people, "segments": t.segments,
             "document": q.document, "start": q.start, "end": q.end, "text": q.text}
            for n, t in enumerate(themes, start=1) for q in t.quotes]
    columns = ["theme", "label", "terms", "people", "segments", "document", "start", "end", "text"]
    return pd.DataFrame(rows, columns=columns)


def make_theme_code(study: Study, store: QualStore, themes: list[CandidateTheme], number: int, *, name: str | None,
                    key: str | None = None, who: str) -> str:
    """Theme `number` (1 = first listed) as a new code: its name, its terms as the description; nothing is coded
    (the researcher codes it, with `code suggest` learning from the description at first). The code's key."""
    import re

    from .workbench import add_code

    if not 1 <= number <= len(themes):
        raise CodingError(f"no theme {number}: there are {len(themes)}")
    if not name or not name.strip():
        raise CodingError("name the new code (--name \"Cost worries\")")
    if key is None:  # from the name as it will be stored: a participant's name or phone in it is not in the key
        from ..privacy.gate import gate_for

        released = re.sub(r"\[\w+\]", " ", gate_for(study).release(name))
        key = re.sub(r"[^a-z0-9]+", "_", strip_accents(released).lower()).strip("_")[:100]
        key = key if re.match(r"[a-z]", key) else f"theme_{key}".rstrip("_")
    theme = themes[number - 1]
    description = f"Candidate theme ({theme.segments} segments, {theme.people} people): {', '.join(theme.terms)}"
    add_code(study, store, key, name, None, description, who)
    return key
