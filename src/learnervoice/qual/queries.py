"""Questions researchers ask of their codings, answered as DataFrames.

Quotes for a code (speaker, pseudonym, attributes, context), code frequencies
counted as segments, documents and participants, code × attribute matrices,
co-occurrence of codes, and keyword in context. Only pseudonyms appear.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import CodingError
from ..study.load import Study
from .roster import load_roster
from .store import QualStore, codes, codings, documents, turns

if TYPE_CHECKING:
    import pandas as pd

CONTEXT_CHARS = 120


def _frame(store: QualStore, query: sa.Select[Any]) -> pd.DataFrame:
    import pandas as pd

    with store.read() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def coded_segments(study: Study, store: QualStore) -> pd.DataFrame:
    """Every coding with its code, document, text, the turn it starts in, and the speaker's attributes."""
    frame = _frame(
        store,
        sa.select(
            codings.c.id.label("coding_id"), codes.c.key.label("code"), codes.c.name.label("code_name"),
            documents.c.name.label("document"), codings.c.start, codings.c.end, codings.c.coder,
            documents.c.text,
        )
        .join(codes, codes.c.id == codings.c.code_id)
        .join(documents, documents.c.id == codings.c.document_id),
    )
    turn_rows = _frame(
        store,
        sa.select(documents.c.name.label("document"), turns.c.idx.label("turn"), turns.c.start.label("turn_start"),
                  turns.c.end.label("turn_end"), turns.c.speaker, turns.c.participant, turns.c.role)
        .join(documents, documents.c.id == turns.c.document_id),
    )
    if frame.empty:
        return frame.assign(quote="", turn=None, speaker=None, participant=None)
    frame["quote"] = [t[s:e] for t, s, e in zip(frame["text"], frame["start"], frame["end"])]
    merged = frame.merge(turn_rows, on="document")
    merged = merged[(merged["start"] >= merged["turn_start"]) & (merged["start"] <= merged["turn_end"])]
    merged = merged.drop_duplicates("coding_id").drop(columns=["turn_start", "turn_end"])
    attributes = _attributes(study)
    if not attributes.empty:
        merged = merged.merge(attributes, on="participant", how="left")
    return merged.reset_index(drop=True)


def _attributes(study: Study) -> pd.DataFrame:
    import pandas as pd

    roster = load_roster(study)
    return pd.DataFrame(
        [{"participant": p.pseudonym, "respondent_id": p.respondent_id, **p.attributes} for p in roster.participants]
    )


def quotes(
    study: Study,
    store: QualStore,
    code: str,
    *,
    coder: str | None = None,
    where: dict[str, str] | None = None,
    context: int = CONTEXT_CHARS,
) -> pd.DataFrame:
    """Quotes for a code (and its sub-codes), with speaker, attributes and surrounding words.

    >>> quotes(study, store, "pleasure", where={"career_stage": "senior"})  # doctest: +SKIP
    """
    keys = _with_descendants(store, code)
    frame = coded_segments(study, store)
    frame = frame[frame["code"].isin(keys)]
    if coder is not None:
        frame = frame[frame["coder"] == coder]
    for attribute, value in (where or {}).items():
        if attribute not in frame.columns:
            raise CodingError(f"participants have no attribute {attribute!r}")
        frame = frame[frame[attribute] == value]
    frame = frame.assign(
        before=[t[max(0, s - context) : s] for t, s in zip(frame["text"], frame["start"])],
        after=[t[e : e + context] for t, e in zip(frame["text"], frame["end"])],
    )
    return frame.drop(columns=["text"]).sort_values(["document", "start"]).reset_index(drop=True)


def _with_descendants(store: QualStore, key: str) -> list[str]:
    with store.read() as conn:
        rows = conn.execute(sa.select(codes.c.id, codes.c.key, codes.c.parent_id)).all()
    by_key = {r.key: r for r in rows}
    if key not in by_key:
        raise CodingError(f"no code {key!r} in the codebook")
    found = [key]
    frontier = [by_key[key].id]
    while frontier:
        children = [r for r in rows if r.parent_id in frontier]
        found += [r.key for r in children]
        frontier = [r.id for r in children]
    return found


def code_frequencies(study: Study, store: QualStore, *, coder: str | None = None) -> pd.DataFrame:
    """Per code: segments, documents, and participants who voiced it (the unit researchers report)."""
    import pandas as pd

    frame = coded_segments(study, store)
    if coder is not None:
        frame = frame[frame["coder"] == coder]
    with store.read() as conn:
        all_codes = pd.DataFrame(conn.execute(sa.select(codes.c.key.label("code"), codes.c.name)).fetchall(), columns=["code", "name"])
    if frame.empty:
        return all_codes.assign(segments=0, documents=0, participants=0)
    grouped = frame.groupby("code").agg(
        segments=("coding_id", "count"), documents=("document", "nunique"), participants=("participant", "nunique")
    )
    out = all_codes.merge(grouped, left_on="code", right_index=True, how="left").fillna(0)
    return out.astype({"segments": int, "documents": int, "participants": int})


def code_by_attribute(study: Study, store: QualStore, attribute: str, *, coder: str | None = None) -> pd.DataFrame:
    """Participants who voiced each code, by a participant attribute (codes × attribute values)."""
    frame = coded_segments(study, store)
    if attribute not in frame.columns:
        raise CodingError(f"participants have no attribute {attribute!r}")
    if coder is not None:
        frame = frame[frame["coder"] == coder]
    people = frame.dropna(subset=["participant"]).drop_duplicates(["code", "participant"])
    return people.pivot_table(index="code", columns=attribute, values="participant", aggfunc="count", fill_value=0)


def cooccurrence(study: Study, store: QualStore, *, unit: str = "overlap") -> pd.DataFrame:
    """Codes × codes: how many pairs of codings overlap (unit='overlap') or fall in the same turn ('turn')."""
    import pandas as pd

    if unit not in ("overlap", "turn"):
        raise CodingError("co-occurrence unit is 'overlap' or 'turn'")
    frame = coded_segments(study, store)[["coding_id", "code", "document", "start", "end", "turn"]]
    pairs = frame.merge(frame, on="document", suffixes=("_a", "_b"))
    pairs = pairs[pairs["coding_id_a"] != pairs["coding_id_b"]]
    if unit == "overlap":
        pairs = pairs[(pairs["start_a"] < pairs["end_b"]) & (pairs["start_b"] < pairs["end_a"])]
    else:
        pairs = pairs[pairs["turn_a"] == pairs["turn_b"]]
    keys = sorted(frame["code"].unique())
    matrix = pd.crosstab(pairs["code_a"], pairs["code_b"]).reindex(index=keys, columns=keys, fill_value=0)
    return matrix


def keyword_in_context(store: QualStore, pattern: str, *, width: int = 60) -> pd.DataFrame:
    """Every match of a word or regex, with the words around it and its turn's speaker."""
    import pandas as pd

    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CodingError(f"the pattern {pattern!r} is not a valid regular expression ({exc})") from None
    docs = _frame(store, sa.select(documents.c.id, documents.c.name, documents.c.text))
    speakers = _frame(store, sa.select(turns.c.document_id, turns.c.start, turns.c.end, turns.c.speaker))
    rows = []
    for doc in docs.itertuples():
        spans = speakers[speakers["document_id"] == doc.id]
        for m in regex.finditer(doc.text):
            who = spans[(spans["start"] <= m.start()) & (spans["end"] >= m.start())]["speaker"]
            rows.append({
                "document": doc.name, "start": m.start(), "end": m.end(),
                "left": doc.text[max(0, m.start() - width) : m.start()], "match": m.group(0),
                "right": doc.text[m.end() : m.end() + width], "speaker": who.iloc[0] if len(who) else None,
            })
    return pd.DataFrame(rows, columns=["document", "start", "end", "left", "match", "right", "speaker"])
