"""Questions researchers ask of their codings, answered as DataFrames.

Quotes for a code (speaker, pseudonym, attributes, context), code frequencies
counted as segments, documents and participants, code × attribute matrices,
co-occurrence of codes, and keyword in context. Only pseudonyms appear. The
codebook as plain rows (`codebook_rows`, `code_names`) for the report, which runs no SQL of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import CodingError
from ..study.load import Study
from .analytics import analytic
from ..study.roster import load_roster
from .store import QualStore, codes, codings, documents, turns

if TYPE_CHECKING:
    import pandas as pd

CONTEXT_CHARS = 120


def _frame(store: QualStore, query: sa.Select[Any]) -> pd.DataFrame:
    import pandas as pd

    with store.read() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def written_texts(store: QualStore) -> list[tuple[str, str]]:
    """(where, text) of every document and memo: what a review of names reads."""
    from .store import memos

    with store.read() as conn:
        docs = [(r.name, r.text) for r in conn.execute(sa.select(documents.c.name, documents.c.text).order_by(documents.c.id))]
        notes = [(f"memo {r.id}", r.text) for r in conn.execute(sa.select(memos.c.id, memos.c.text).order_by(memos.c.id))]
    return docs + notes


def coded_segments(study: Study, store: QualStore, *, coder: str | None = None, codes_in: list[str] | None = None) -> pd.DataFrame:
    """Every coding with its code, document, the turn it starts in, the speaker and their attributes."""
    with analytic(study, store, coder=coder) as con:
        clause, params = ("WHERE list_contains(?, code)", [codes_in]) if codes_in is not None else ("", [])
        frame = con.execute(f"SELECT * FROM coded {clause} ORDER BY document, start, coding_id", params).df()
    attributes = _attributes(study)
    if not attributes.empty and not frame.empty:
        frame = frame.merge(attributes, on="participant", how="left")
    return frame


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
    frame = coded_segments(study, store, coder=coder, codes_in=_with_descendants(store, code))
    for attribute, value in (where or {}).items():
        if attribute not in frame.columns:
            raise CodingError(f"participants have no attribute {attribute!r}")
        frame = frame[frame[attribute] == value]
    text = quote_texts(store, [int(i) for i in frame["coding_id"]], context)
    frame = frame.merge(text, on="coding_id", how="left")
    return frame.sort_values(["document", "start"]).reset_index(drop=True)


def quote_texts(store: QualStore, ids: list[int], context: int) -> pd.DataFrame:
    """The quoted words and their context, cut by the database (no transcript leaves it whole)."""
    import pandas as pd

    if not ids:
        return pd.DataFrame(columns=["coding_id", "quote", "before", "after"])
    start, end, text = codings.c.start, codings.c.end, documents.c.text
    before_from = sa.func.max(start - context, 0) if store.engine.dialect.name == "sqlite" else sa.func.greatest(start - context, 0)
    query = (
        sa.select(
            codings.c.id.label("coding_id"),
            sa.func.substr(text, start + 1, end - start).label("quote"),
            sa.func.substr(text, before_from + 1, start - before_from).label("before"),
            sa.func.substr(text, end + 1, context).label("after"),
        )
        .join(documents, documents.c.id == codings.c.document_id)
        .where(codings.c.id.in_(ids))
    )
    return _frame(store, query)


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
    with analytic(study, store, coder=coder) as con:
        counts = con.execute(
            "SELECT code, count(*) AS segments, count(DISTINCT document_id) AS documents, "
            "count(DISTINCT participant) AS participants FROM coded GROUP BY code"
        ).df()
    all_codes = _frame(store, sa.select(codes.c.key.label("code"), codes.c.name).order_by(codes.c.id))
    out = all_codes.merge(counts, on="code", how="left").fillna({"segments": 0, "documents": 0, "participants": 0})
    return out.astype({"segments": int, "documents": int, "participants": int})


def code_by_attribute(study: Study, store: QualStore, attribute: str, *, coder: str | None = None) -> pd.DataFrame:
    """Participants who voiced each code, by a participant attribute (codes × attribute values)."""
    attributes = _attributes(study)
    if attribute not in attributes.columns:
        raise CodingError(f"participants have no attribute {attribute!r}")
    with analytic(study, store, coder=coder) as con:
        con.register("people", attributes[["participant", attribute]].rename(columns={attribute: "value"}))
        long = con.execute(
            "SELECT c.code, p.value, count(DISTINCT c.participant) AS n FROM coded c JOIN people p USING (participant) "
            "WHERE p.value IS NOT NULL AND p.value <> '' GROUP BY ALL"
        ).df()
    matrix = long.pivot_table(index="code", columns="value", values="n", aggfunc="sum", fill_value=0)
    matrix.columns.name = attribute
    return matrix


def cooccurrence(study: Study, store: QualStore, *, unit: str = "overlap") -> pd.DataFrame:
    """Codes × codes: pairs of codings that overlap (unit='overlap') or fall in the same turn ('turn')."""
    if unit not in ("overlap", "turn"):
        raise CodingError("co-occurrence unit is 'overlap' or 'turn'")
    with analytic(study, store) as con:
        if unit == "overlap":  # an interval self-join on the codings alone
            source, join = "codings", "a.start < b.end AND b.start < a.end"
        else:  # each coding's turn, computed once, then an equi-join
            con.execute("CREATE TEMP TABLE in_turns AS SELECT coding_id, document_id, code, turn FROM coded")
            source, join = "in_turns", "a.turn = b.turn"
        long = con.execute(
            f"SELECT a.code AS code_a, b.code AS code_b, count(*) AS n FROM {source} a JOIN {source} b "
            f"ON a.document_id = b.document_id AND {join} AND a.coding_id <> b.coding_id GROUP BY ALL"
        ).df()
        keys = sorted(r[0] for r in con.execute("SELECT DISTINCT code FROM codings").fetchall())
    matrix = long.pivot_table(index="code_a", columns="code_b", values="n", aggfunc="sum", fill_value=0)
    return matrix.reindex(index=keys, columns=keys, fill_value=0).rename_axis(index="code", columns=None)


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


@dataclass(frozen=True)
class CodeRow:
    """One code of the codebook as stored: what a report needs to lay out the code tree."""

    id: int
    key: str
    name: str
    parent_id: int | None
    description: str
    inclusion: str
    exclusion: str


def codebook_rows(store: QualStore) -> list[CodeRow]:
    """Every code in codebook order (position, then id); parents are found through `parent_id`."""
    query = sa.select(codes.c.id, codes.c.key, codes.c.name, codes.c.parent_id, codes.c.description,
                      codes.c.inclusion, codes.c.exclusion).order_by(codes.c.position, codes.c.id)
    with store.read() as conn:
        return [CodeRow(*row) for row in conn.execute(query).all()]


def code_names(store: QualStore) -> dict[str, str]:
    """Code key -> code name."""
    with store.read() as conn:
        return {key: name for key, name in conn.execute(sa.select(codes.c.key, codes.c.name)).all()}
