"""Agreement between coders on a study's codings, per code and pooled, at a stated unit.

Units: `turn` (did the coder code any part of this speaker turn with the code? In an open question's
document a turn is one respondent's answer), `sentence` (… any part of this sentence? sentences as
`sentences.py` finds them, never across turns) or `character` (was this character inside one of the
coder's segments?). A
coder who coded nothing in a document is missing for that document's units,
not a "no". Character units are counted by sweeping segment boundaries, so a
long transcript costs as many steps as it has codings, not characters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fnmatch import fnmatchcase
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CodingError
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import documents as documents_db
from .sentences import excerpt, joined, sentence_spans
from .reliability import (
    Pattern,
    Units,
    alpha_bootstrap,
    cohen_kappa,
    cohen_table,
    fleiss_counts,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

if TYPE_CHECKING:
    import pandas as pd

UNITS = ("turn", "sentence", "character")


@dataclass(frozen=True)
class _Data:
    coders: tuple[str, ...]
    docs: dict[int, tuple[str, int]]  # id -> (name, text length)
    unit_spans: dict[int, list[tuple[int, int, int, int]]]  # doc -> (turn idx, sentence in turn (0: the turn), start, end)
    segments: dict[tuple[str, int, str], list[tuple[int, int]]]  # (code, doc, coder) -> spans
    coded_docs: dict[str, set[int]]  # coder -> documents they coded
    code_keys: list[str]
    texts: dict[int, str]


def _load(store: QualStore, coders: list[str] | None, unit: str = "turn", languages: Iterable[str] | None = None,
          documents: list[str] | None = None) -> _Data:
    with store.read() as conn:
        stored = [d for d in documents_db.all_texts(conn)
                  if documents is None or any(fnmatchcase(d.name, pattern) for pattern in documents)]
        texts = {d.id: d.text for d in stored}
        docs = {d.id: (d.name, len(d.text)) for d in stored}
        rows = [r for r in codings_db.spans(conn) if r.document_id in docs]
        spans: dict[int, list[tuple[int, int, int, int]]] = {}
        for t in documents_db.turn_spans(conn):
            if t.document_id not in docs:
                continue
            parts = [(t.start, t.end)] if unit != "sentence" else sentence_spans(texts[t.document_id], t.start, t.end,
                                                                                  languages=languages)
            spans.setdefault(t.document_id, []).extend(
                (t.idx, n if unit == "sentence" else 0, a, b) for n, (a, b) in enumerate(parts, start=1))
        keys = [c.key for c in codes_db.all_codes(conn, order="created")]
    found = sorted({r.coder for r in rows})
    chosen = tuple(coders or found)
    unknown = [c for c in chosen if c not in found]
    if unknown:
        raise CodingError(f"no codings by {', '.join(unknown)}; coders are: {', '.join(found) or 'none'}")
    if len(chosen) < 2:
        where = f" in {', '.join(documents)}" if documents else ""
        raise CodingError(f"agreement needs codings by at least two coders{where}")
    segments: dict[tuple[str, int, str], list[tuple[int, int]]] = {}
    coded: dict[str, set[int]] = {c: set() for c in chosen}
    for r in rows:
        if r.coder in coded:
            segments.setdefault((r.code, r.document_id, r.coder), []).append((r.start, r.end))
            coded[r.coder].add(r.document_id)
    return _Data(chosen, docs, spans, segments, coded, keys, texts)


def _units(data: _Data, code: str, unit: str) -> Units:
    patterns: dict[Pattern, float] = {}

    def add(pattern: Pattern, weight: float) -> None:
        if weight > 0:
            patterns[pattern] = patterns.get(pattern, 0.0) + weight

    for doc_id, (_, length) in data.docs.items():
        present = [doc_id in data.coded_docs[c] for c in data.coders]
        if sum(present) < 2:
            continue
        spans = [data.segments.get((code, doc_id, c), []) if ok else None for c, ok in zip(data.coders, present)]
        if unit != "character":
            for _, _, start, end in data.unit_spans.get(doc_id, []):
                add(tuple(None if s is None else int(any(a < max(end, start + 1) and b > start for a, b in s)) for s in spans), 1.0)
        else:
            for pattern, weight in _sweep(spans, length):
                add(pattern, weight)
    return Units(data.coders, patterns)


def _sweep(spans: list[list[tuple[int, int]] | None], length: int) -> list[tuple[Pattern, float]]:
    """Character runs with the same pattern of coders marking them (None for coders absent)."""
    cuts = {0, length}
    for s in spans:
        for a, b in s or []:
            cuts.update((a, b))
    points = sorted(c for c in cuts if 0 <= c <= length)
    out: list[tuple[Pattern, float]] = []
    for a, b in zip(points, points[1:]):
        pattern = tuple(None if s is None else int(any(x <= a and b <= y for x, y in s)) for s in spans)
        out.append((pattern, float(b - a)))
    return out


@dataclass(frozen=True)
class Agreement:
    code: str
    unit: str
    units: float
    percent: float
    alpha: float
    alpha_low: float
    alpha_high: float
    cohen: float | None
    fleiss: float | None


def _figures(code: str, unit: str, units: Units, bootstrap: int) -> Agreement:
    cohen = None
    if len(units.coders) == 2:
        _, table = cohen_table(units)
        cohen = cohen_kappa(table)
    counts, weights = fleiss_counts(units)
    low, high = alpha_bootstrap(units, draws=bootstrap) if bootstrap else (math.nan, math.nan)
    return Agreement(
        code, unit, units.pairable(), percent_agreement(units), krippendorff_alpha(units), low, high, cohen,
        fleiss_kappa(counts, weights) if counts.size else None,
    )


def agreement(
    store: QualStore, *, unit: str = "turn", coders: list[str] | None = None, bootstrap: int = 1000,
    languages: Iterable[str] | None = None, documents: list[str] | None = None,
) -> pd.DataFrame:
    """Per code and pooled: percent agreement, Krippendorff's alpha (with a bootstrap 95% interval),
    Cohen's kappa (two coders) and Fleiss' kappa, at the stated unit (`frame.attrs["unit"]`), over every
    document or those named in `documents` (names or patterns: ``open:*`` is every open question's answers,
    where a turn is an answer)."""
    import pandas as pd

    _check_unit(unit)
    data = _load(store, coders, unit, languages, documents)
    rows = []
    pooled: dict[Pattern, float] = {}
    used = {key for key, _, _ in data.segments}
    for code in data.code_keys:
        if code not in used:
            continue  # nobody applied it (a theme that only groups sub-codes): nothing to agree on
        units = _units(data, code, unit)
        if not units.patterns:
            continue
        for p, w in units.patterns.items():
            pooled[(code, *p)] = pooled.get((code, *p), 0.0) + w
        rows.append(_figures(code, unit, units, bootstrap))
    # pooled: every (unit, code) pair is a unit of its own; identical patterns add up
    pooled_units = Units(data.coders, _strip_code(pooled))
    rows.append(_figures("(all codes)", unit, pooled_units, bootstrap))
    frame = pd.DataFrame([r.__dict__ for r in rows])
    frame.attrs["coders"] = list(data.coders)
    frame.attrs["unit"] = unit
    return frame


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise CodingError(f"the unit is 'turn', 'sentence' or 'character', not {unit!r}")


def _strip_code(pooled: dict[Pattern, float]) -> dict[Pattern, float]:
    out: dict[Pattern, float] = {}
    for p, w in pooled.items():
        out[p[1:]] = out.get(p[1:], 0.0) + w
    return out


def disagreements(store: QualStore, *, coders: list[str] | None = None, unit: str = "turn", context: int = 0,
                  languages: Iterable[str] | None = None, documents: list[str] | None = None) -> pd.DataFrame:
    """Units (turns or sentences; in open questions' documents a turn is an answer) where coders differ on a code:
    who coded it and who did not, with the words: a sentence, or the coded part of a turn, with `context` words
    each side ("…" where a sentence is cut)."""
    import pandas as pd

    if unit not in ("turn", "sentence"):
        raise CodingError(f"disagreements are listed by 'turn' or 'sentence', not {unit!r}")
    data = _load(store, coders, unit, languages, documents)
    rows = []
    for code in data.code_keys:
        for doc_id, (name, _) in data.docs.items():
            present = [c for c in data.coders if doc_id in data.coded_docs[c]]
            if len(present) < 2:
                continue
            for idx, sentence, start, end in data.unit_spans.get(doc_id, []):
                coded = {c: [(a, b) for a, b in data.segments.get((code, doc_id, c), []) if a < max(end, start + 1) and b > start]
                         for c in present}
                said = [c for c in present if coded[c]]
                if said and len(said) < len(present):
                    shown = (start, end) if unit == "sentence" else _extent(coded, start, end)
                    rows.append({"code": code, "document": name, "turn": idx + 1, "sentence": sentence or None,
                                 "coded_by": ", ".join(said), "not_by": ", ".join(c for c in present if c not in said),
                                 "text": _words(data.texts[doc_id], *shown, context)})
    columns = ["code", "document", "turn", "sentence", "coded_by", "not_by", "text"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.drop(columns="sentence") if unit == "turn" else frame
    frame.attrs["unit"] = unit
    return frame


def _extent(coded: dict[str, list[tuple[int, int]]], start: int, end: int) -> tuple[int, int]:
    """The part of a turn that some coder coded (from the first coded character to the last)."""
    spans = [s for found in coded.values() for s in found]
    return max(start, min(a for a, _ in spans)), min(end, max(b for _, b in spans))


def _words(text: str, start: int, end: int, context: int) -> str:
    reach = 200 + 30 * context
    return joined(*excerpt(text[max(0, start - reach) : start], text[start:end], text[end : end + reach], context))
