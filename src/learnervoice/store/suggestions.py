"""What suggestions are learned from: every turn with its words and speaker, a coder's spans, rejected suggestions.

Rejections live in the audit log (action ``reject_suggestion``); accepted suggestions are codings added
by an ``add_codings`` record whose source is ``suggestion`` (so undo and history treat them like any other).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import codes, codings, documents, turns
from . import audit as audit_log

REJECT = "reject_suggestion"
ACCEPTED_SOURCE = "suggestion"


@dataclass(frozen=True)
class Turn:
    document: str
    start: int
    end: int
    speaker: str
    role: str
    words: str


@dataclass(frozen=True)
class Span:
    document: str
    start: int
    end: int
    code: str


def turns_with_words(conn: Connection) -> list[Turn]:
    """Every turn of every document (transcripts and open answers), by document name and turn order."""
    texts = {int(r.id): (str(r.name), str(r.text)) for r in conn.execute(sa.select(documents.c.id, documents.c.name,
                                                                                    documents.c.text))}
    found = conn.execute(sa.select(turns.c.document_id, turns.c.start, turns.c.end, turns.c.speaker, turns.c.role)
                         .order_by(turns.c.document_id, turns.c.idx)).all()
    out = [Turn(texts[r.document_id][0], r.start, r.end, r.speaker, r.role, texts[r.document_id][1][r.start : r.end])
           for r in found]
    return sorted(out, key=lambda t: (t.document, t.start))


def signature(conn: Connection) -> tuple[object, ...]:
    """(name, sha256) of every document and a digest of every turn's place, speaker and role: it changes when a
    document's text does, or a turn's speaker."""
    import hashlib

    rows = conn.execute(sa.select(documents.c.name, documents.c.sha256).order_by(documents.c.name)).all()
    digest = hashlib.sha256()
    for r in conn.execute(sa.select(turns.c.document_id, turns.c.idx, turns.c.start, turns.c.end, turns.c.speaker,
                                    turns.c.role).order_by(turns.c.document_id, turns.c.idx)):
        digest.update(repr(tuple(r)).encode())
    return (*((str(r.name), str(r.sha256)) for r in rows), digest.hexdigest())


def coder_spans(conn: Connection, coder: str) -> list[Span]:
    """Every coding by this coder (of any code): document, span, code key."""
    query = (sa.select(documents.c.name, codings.c.start, codings.c.end, codes.c.key)
             .join(documents, documents.c.id == codings.c.document_id).join(codes, codes.c.id == codings.c.code_id)
             .where(codings.c.coder == coder).order_by(documents.c.name, codings.c.start))
    return [Span(r.name, r.start, r.end, r.key) for r in conn.execute(query)]


def all_spans(conn: Connection) -> list[Span]:
    """Every coding by anyone: document, span, code key."""
    query = (sa.select(documents.c.name, codings.c.start, codings.c.end, codes.c.key)
             .join(documents, documents.c.id == codings.c.document_id).join(codes, codes.c.id == codings.c.code_id))
    return [Span(r.name, r.start, r.end, r.key) for r in conn.execute(query)]


def coders(conn: Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute(sa.select(codings.c.coder).distinct())}


def rejected(conn: Connection, code: str, coder: str) -> set[tuple[str, int, int]]:
    """(document, start, end) of the suggestions of this code this coder rejected (and did not undo)."""
    found = set()
    undone = {int(e.detail["undoes"]) for e in audit_log.entries(conn, ["undo"]) if e.detail.get("action") == REJECT}
    for entry in audit_log.entries(conn, [REJECT]):
        d = entry.detail
        if d.get("code") == code and d.get("coder") == coder and entry.id not in undone:
            found.add((str(d["document"]), int(d["start"]), int(d["end"])))
    return found


def accepted(conn: Connection, coder: str | None = None) -> list[dict[str, object]]:
    """The details of the suggestions accepted (by this coder, everyone's with None), newest first."""
    out = []
    for entry in audit_log.entries(conn, ["add_codings"]):
        d = entry.detail
        if d.get("source") == ACCEPTED_SOURCE and (coder is None or d.get("coder") == coder):
            out.append(d)
    return out
