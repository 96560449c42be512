"""Documents (the pseudonymised text of a transcript or source) and their speaker turns."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import codings, documents, now, turns
from .sql import insert_id

TURN_FIELDS = ("idx", "speaker", "participant", "role", "start", "end", "start_time", "end_time", "flagged")


@dataclass(frozen=True)
class DocumentText:
    id: int
    name: str
    text: str


@dataclass(frozen=True)
class DocumentCounts:
    name: str
    turns: int
    speakers: int


@dataclass(frozen=True)
class TurnSpan:
    document_id: int
    idx: int
    start: int
    end: int
    speaker: str


@dataclass(frozen=True)
class SpokenTurn:
    document: str
    start: int
    end: int
    speaker: str
    words: str


def add(conn: Connection, *, name: str, source: str, sha256: str, format: str, text: str, guid: str | None = None) -> int:
    """A new document; its id."""
    values: dict[str, Any] = {"name": name, "source": source, "sha256": sha256, "format": format, "text": text,
                              "imported_at": now()}
    if guid is not None:
        values["guid"] = guid
    return insert_id(conn, documents.insert().values(**values))


def add_turns(conn: Connection, document_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """The document's turns: each with the fields of `TURN_FIELDS`."""
    if rows:
        conn.execute(turns.insert(), [{k: row[k] for k in TURN_FIELDS} | {"document_id": document_id} for row in rows])


def replace_content(conn: Connection, document_id: int, *, text: str, sha256: str,
                    rows: Sequence[Mapping[str, Any]]) -> None:
    """A document's text and turns made new (its codings are the caller's to move first)."""
    conn.execute(documents.update().where(documents.c.id == document_id).values(text=text, sha256=sha256, imported_at=now()))
    conn.execute(turns.delete().where(turns.c.document_id == document_id))
    add_turns(conn, document_id, rows)


def digest(conn: Connection, name: str) -> str | None:
    """The SHA-256 of the file the document was imported from (None: no such document)."""
    value = conn.execute(sa.select(documents.c.sha256).where(documents.c.name == name)).first()
    return None if value is None else str(value.sha256)


def names(conn: Connection) -> list[str]:
    """Every document's name, by name."""
    return list(conn.execute(sa.select(documents.c.name).order_by(documents.c.name)).scalars())


def id_of(conn: Connection, name: str) -> int | None:
    value = conn.execute(sa.select(documents.c.id).where(documents.c.name == name)).scalar()
    return None if value is None else int(value)


def by_name(conn: Connection, name: str) -> DocumentText | None:
    row = conn.execute(sa.select(documents.c.id, documents.c.name, documents.c.text).where(documents.c.name == name)).first()
    return None if row is None else DocumentText(row.id, row.name, row.text)


def length(conn: Connection, document_id: int) -> int:
    """The length of the document's text in code points."""
    return int(conn.execute(sa.select(sa.func.length(documents.c.text)).where(documents.c.id == document_id)).scalar_one())


def lengths(conn: Connection, names: Collection[str]) -> dict[str, tuple[int, int]]:
    """Name -> (id, text length) of the documents named (those that exist)."""
    query = (sa.select(documents.c.id, documents.c.name, sa.func.length(documents.c.text).label("length"))
             .where(documents.c.name.in_(sorted(names))))
    return {r.name: (r.id, int(r.length)) for r in conn.execute(query)}


def texts(conn: Connection, names: Collection[str]) -> dict[str, str]:
    """Name -> text of the documents named (those that exist)."""
    query = sa.select(documents.c.name, documents.c.text).where(documents.c.name.in_(sorted(names)))
    return {r.name: r.text for r in conn.execute(query)}


def all_texts(conn: Connection) -> list[DocumentText]:
    """Every document with its text, in the order they were stored."""
    query = sa.select(documents.c.id, documents.c.name, documents.c.text).order_by(documents.c.id)
    return [DocumentText(r.id, r.name, r.text) for r in conn.execute(query)]


def summaries(conn: Connection) -> list[dict[str, Any]]:
    """Each document's name, format, length (`chars`) and number of turns, by name."""
    turn_count = sa.select(sa.func.count()).where(turns.c.document_id == documents.c.id).scalar_subquery()
    rows = conn.execute(
        sa.select(documents.c.name, documents.c.format, sa.func.length(documents.c.text).label("chars"),
                  turn_count.label("turns")).order_by(documents.c.name)
    ).all()
    return [{"name": r.name, "format": r.format, "chars": int(r.chars), "turns": int(r.turns)} for r in rows]


def speakers(conn: Connection) -> list[tuple[str, str, str | None, str]]:
    """(document, speaker, participant, role) for every speaker of every document, once each, in no set order."""
    rows = conn.execute(
        sa.select(documents.c.name, turns.c.speaker, turns.c.participant, turns.c.role)
        .join(turns, turns.c.document_id == documents.c.id).distinct()
    ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def turn_counts(conn: Connection) -> list[DocumentCounts]:
    """Documents (those with turns) with their numbers of turns and of distinct speakers, by name."""
    rows = conn.execute(
        sa.select(documents.c.name, sa.func.count(turns.c.id).label("turns"),
                  sa.func.count(sa.distinct(turns.c.speaker)).label("speakers"))
        .join(turns, turns.c.document_id == documents.c.id).group_by(documents.c.name).order_by(documents.c.name)
    ).all()
    return [DocumentCounts(r.name, int(r.turns), int(r.speakers)) for r in rows]


def listing(conn: Connection) -> list[tuple[str, str, int, int, int]]:
    """(name, format, turns, distinct speakers, codings) of every document, by name."""
    turn_count = sa.select(sa.func.count()).where(turns.c.document_id == documents.c.id).scalar_subquery()
    speaker_count = (sa.select(sa.func.count(sa.distinct(turns.c.speaker))).where(turns.c.document_id == documents.c.id)
                     .scalar_subquery())
    coding_count = sa.select(sa.func.count()).where(codings.c.document_id == documents.c.id).scalar_subquery()
    rows = conn.execute(sa.select(documents.c.name, documents.c.format, turn_count, speaker_count, coding_count)
                        .order_by(documents.c.name)).all()
    return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]


def turns_of(conn: Connection, document_id: int) -> list[dict[str, Any]]:
    """The document's turns in order: idx, speaker, participant, role, start, end."""
    rows = conn.execute(sa.select(turns.c.idx, turns.c.speaker, turns.c.participant, turns.c.role, turns.c.start,
                                  turns.c.end).where(turns.c.document_id == document_id).order_by(turns.c.idx)).all()
    return [dict(r._mapping) for r in rows]


def turn_spans(conn: Connection) -> list[TurnSpan]:
    """Every turn's place and speaker, in turn order within each document."""
    query = sa.select(turns.c.document_id, turns.c.idx, turns.c.start, turns.c.end, turns.c.speaker).order_by(turns.c.idx)
    return [TurnSpan(r.document_id, r.idx, r.start, r.end, r.speaker) for r in conn.execute(query)]


def spoken_turns(conn: Connection) -> list[SpokenTurn]:
    """Every turn with its words, by document name and turn order (each document's text read once)."""
    texts = {r.id: r.text for r in conn.execute(sa.select(documents.c.id, documents.c.text)
                                                .where(documents.c.id.in_(sa.select(turns.c.document_id))))}
    found = conn.execute(
        sa.select(documents.c.name, turns.c.document_id, turns.c.start, turns.c.end, turns.c.speaker)
        .join(turns, turns.c.document_id == documents.c.id).order_by(documents.c.name, turns.c.idx)
    ).all()
    return [SpokenTurn(r.name, r.start, r.end, r.speaker, texts[r.document_id][r.start : r.end]) for r in found]


def set_speakers(conn: Connection, document_id: int, speakers: Mapping[int, tuple[str, str | None, str]]) -> None:
    """Turn index -> (speaker, participant, role) for turns of the document, no longer flagged as speakerless."""
    if not speakers:
        return
    change = (turns.update().where(turns.c.document_id == sa.bindparam("doc"), turns.c.idx == sa.bindparam("turn"))
              .values(speaker=sa.bindparam("who"), participant=sa.bindparam("person"), role=sa.bindparam("as_role"),
                      flagged=False))
    conn.execute(change, [{"doc": document_id, "turn": idx, "who": speaker, "person": participant, "as_role": role}
                          for idx, (speaker, participant, role) in speakers.items()])


def timed_turns(conn: Connection, document_id: int) -> list[tuple[int, str, str, float | None]]:
    """The document's turns in order: (idx, speaker, words, start time in seconds or None)."""
    text = conn.execute(sa.select(documents.c.text).where(documents.c.id == document_id)).scalar_one()
    rows = conn.execute(sa.select(turns.c.idx, turns.c.speaker, turns.c.start, turns.c.end, turns.c.start_time)
                        .where(turns.c.document_id == document_id).order_by(turns.c.idx)).all()
    return [(r.idx, r.speaker, text[r.start : r.end], r.start_time) for r in rows]


def remove(conn: Connection, document_id: int) -> None:
    """A document and its turns gone (its codings and memos are the caller's to delete first)."""
    conn.execute(turns.delete().where(turns.c.document_id == document_id))
    conn.execute(documents.delete().where(documents.c.id == document_id))
