"""Questions researchers ask of their codings, answered as DataFrames.

Quotes for a code (speaker, pseudonym, attributes, context), code frequencies
counted as segments, documents and participants, code × attribute matrices,
co-occurrence of codes, and keyword in context. Only pseudonyms appear. The
codebook as plain rows (`codebook_rows`, `code_names`) for the report, which runs no SQL of its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import CodingError
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import memos as memos_db
from ..study.load import Study
from ..study.roster import load_roster
from . import analytics
from .sentences import excerpt, joined
from .open_answers import FORMAT as OPEN_FORMAT
from .open_answers import ROLE, respondent_attributes

if TYPE_CHECKING:
    import pandas as pd

CONTEXT_WORDS = 10  # words of context each side of a quote, in the speaker's turn


def _context_chars(words: int) -> int:
    """Characters the store cuts around a quote: enough for `words` words and to see where the sentence starts."""
    return 200 + 30 * words


def written_texts(store: QualStore) -> list[tuple[str, str]]:
    """(where, text) of every document and memo: what a review of names reads."""
    with store.read() as conn:
        docs = [(d.name, d.text) for d in documents_db.all_texts(conn)]
        notes = [(f"memo {memo_id}", text) for memo_id, text in memos_db.texts(conn)]
    return docs + notes


def coded_segments(study: Study, store: QualStore, *, coder: str | None = None, codes_in: list[str] | None = None) -> pd.DataFrame:
    """Every coding with its code, document, the turn it starts in, the speaker and their attributes: the
    roster's, and, for segments of open answers, the respondent's survey answers where the roster has none."""
    frame = analytics.coded_frame(study, store, coder=coder, codes_in=codes_in)
    if frame.empty:
        return frame
    attributes = _attributes(study)
    if not attributes.empty:
        frame = frame.merge(attributes, on="participant", how="left")
    if (frame["role"] == ROLE).any():
        frame = _with_survey_answers(frame, respondent_attributes(study, store))
    return frame


def _with_survey_answers(frame: pd.DataFrame, answers: list[dict[str, str]]) -> pd.DataFrame:
    """Respondents' segments given their survey answers (a roster attribute, where there is one, wins)."""
    import pandas as pd

    if not answers:
        return frame
    survey = pd.DataFrame(answers).set_index("participant")
    rows = frame["role"] == ROLE
    for column in survey.columns:
        values = frame.loc[rows, "participant"].map(survey[column])
        if column in frame.columns:
            kept = frame.loc[rows, column]
            values = kept.where(kept.notna() & (kept.astype(str) != ""), values)
        frame.loc[rows, column] = values
    return frame


def _people_with_answers(attributes: pd.DataFrame, answers: list[dict[str, str]]) -> pd.DataFrame:
    """Roster attributes and respondents' survey answers, one row per pseudonym (the roster's value first)."""
    import pandas as pd

    survey = pd.DataFrame(answers).set_index("participant")
    roster = attributes.set_index("participant") if not attributes.empty else pd.DataFrame(index=pd.Index([], name="participant"))
    roster = roster.replace("", None)
    return roster.combine_first(survey).rename_axis("participant").reset_index()


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
    context: int = CONTEXT_WORDS,
) -> pd.DataFrame:
    """Quotes for a code (and its sub-codes), with speaker, attributes and `context` words around them
    (`before`, `after`: inside the speaker's turn, "…" where they cut a sentence; `excerpt`: all three as one text).

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
    """The quoted words and `context` words of context each side ("…" where a sentence is cut), cut by the
    database (no transcript leaves it whole)."""
    import pandas as pd

    columns = ["coding_id", "quote", "before", "after", "excerpt"]
    if not ids:
        return pd.DataFrame(columns=columns)
    with store.read() as conn:
        cut = codings_db.quote_texts(conn, ids, _context_chars(context))
    rows = []
    for coding_id, quote, before, after in cut:
        shown_before, shown, shown_after = excerpt(before, quote, after, context)
        rows.append((coding_id, shown, shown_before, shown_after, joined(shown_before, shown, shown_after)))
    return pd.DataFrame(rows, columns=columns)


def _with_descendants(store: QualStore, key: str) -> list[str]:
    with store.read() as conn:
        rows = codes_db.all_codes(conn, order="created")
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


ROLLED_UP = "incl. sub-codes"


def code_frequencies(study: Study, store: QualStore, *, coder: str | None = None) -> pd.DataFrame:
    """Per code: segments, documents, and participants who voiced it (the unit researchers report).

    A code with sub-codes counts its own codings and all its descendants' (`counted` says "incl. sub-codes";
    `own_segments` are its own), each segment, document and participant once.
    """
    import pandas as pd

    rows, tree = _code_tree(store)
    counts = analytics.code_counts(study, store, tree, coder=coder)
    parents = {r.parent_id for r in rows}
    all_codes = pd.DataFrame([(c.key, c.name, ROLLED_UP if c.id in parents else "own") for c in rows],
                             columns=["code", "name", "counted"])
    columns = ["segments", "documents", "participants", "own_segments"]
    out = all_codes.merge(counts, on="code", how="left").fillna({c: 0 for c in columns})
    return out.astype({c: int for c in columns})[["code", "name", *columns, "counted"]]


def _code_tree(store: QualStore) -> tuple[list[codes_db.Code], pd.DataFrame]:
    """The codes, and (code, counted_as) pairs: each code counted as itself and as each of its ancestors."""
    import pandas as pd

    with store.read() as conn:
        rows = codes_db.all_codes(conn, order="created")
    return rows, pd.DataFrame(_ancestry(rows), columns=["code", "counted_as"])


def _ancestry(rows: list[codes_db.Code]) -> list[tuple[str, str]]:
    """(code, counted as) for every code: itself and each of its ancestors."""
    by_id = {r.id: r for r in rows}
    pairs = []
    for r in rows:
        at: codes_db.Code | None = r
        while at is not None:
            pairs.append((r.key, at.key))
            at = by_id.get(at.parent_id) if at.parent_id is not None else None
    return pairs


def code_by_attribute(study: Study, store: QualStore, attribute: str, *, coder: str | None = None) -> pd.DataFrame:
    """Participants (and respondents, for codes of open answers) who voiced each code (a code with sub-codes: it or
    any of them), by an attribute (codes × attribute values): a roster attribute, or a survey answer of a
    respondent the roster says nothing of."""
    attributes = _attributes(study)
    answers = respondent_attributes(study, store)
    if answers:
        attributes = _people_with_answers(attributes, answers)
    if attribute not in attributes.columns:
        raise CodingError(f"participants have no attribute {attribute!r}")
    people = attributes[["participant", attribute]].rename(columns={attribute: "value"})
    long = analytics.voices_by_value(study, store, people, _code_tree(store)[1], coder=coder)
    matrix = long.pivot_table(index="code", columns="value", values="n", aggfunc="sum", fill_value=0)
    matrix.columns.name = attribute
    return matrix


def cooccurrence(study: Study, store: QualStore, *, unit: str = "overlap") -> pd.DataFrame:
    """Codes × codes: pairs of codings that overlap (unit='overlap') or fall in the same turn ('turn')."""
    if unit not in ("overlap", "turn"):
        raise CodingError("co-occurrence unit is 'overlap' or 'turn'")
    long, keys = analytics.code_pairs(study, store, unit=unit)
    matrix = long.pivot_table(index="code_a", columns="code_b", values="n", aggfunc="sum", fill_value=0)
    return matrix.reindex(index=keys, columns=keys, fill_value=0).rename_axis(index="code", columns=None)


def keyword_in_context(store: QualStore, pattern: str, *, width: int = 60) -> pd.DataFrame:
    """Every match of a word or regex, with the words around it and its turn's speaker. The words around it stay
    inside that turn (or open answer): another speaker's or respondent's words are never credited to this one."""
    import pandas as pd

    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CodingError(f"the pattern {pattern!r} is not a valid regular expression ({exc})") from None
    with store.read() as conn:
        docs = [(d.id, d.name, d.text) for d in documents_db.all_texts(conn)]
        turns: dict[int, list[tuple[int, int, str]]] = {}
        for t in documents_db.turn_spans(conn):
            turns.setdefault(t.document_id, []).append((t.start, t.end, t.speaker))
    rows = []
    for doc_id, name, text in docs:
        spans = sorted(turns.get(doc_id, []))
        for m in regex.finditer(text):
            lo, hi, who = next(((a, b, w) for a, b, w in spans if a <= m.start() <= b), (0, len(text), None))
            rows.append({
                "document": name, "start": m.start(), "end": m.end(),
                "left": text[max(lo, m.start() - width) : m.start()], "match": m.group(0),
                "right": text[m.end() : max(m.end(), min(hi, m.end() + width))], "speaker": who,
            })
    return pd.DataFrame(rows, columns=["document", "start", "end", "left", "match", "right", "speaker"])


CodeRow = codes_db.Code  # one code as stored: what a report needs to lay out the code tree


def document_counts(store: QualStore) -> list[documents_db.DocumentCounts]:
    """Each document (with turns) by name, with its numbers of turns and of distinct speakers."""
    with store.read() as conn:
        return documents_db.turn_counts(conn)


def document_listing(store: QualStore) -> list[tuple[str, str, int, int, int]]:
    """Each document by name: (name, kind — 'open answers' or the transcript's format —, turns or answers,
    speakers or respondents, codings)."""
    with store.read() as conn:
        rows = documents_db.listing(conn)
    return [(name, "open answers" if fmt == OPEN_FORMAT else fmt, n, speakers, codings) for name, fmt, n, speakers, codings in rows]


def codebook_rows(store: QualStore) -> list[CodeRow]:
    """Every code in codebook order (position, then id); parents are found through `parent_id`."""
    with store.read() as conn:
        return codes_db.all_codes(conn)


def code_names(store: QualStore) -> dict[str, str]:
    """Code key -> code name."""
    with store.read() as conn:
        return codes_db.labels(conn)
