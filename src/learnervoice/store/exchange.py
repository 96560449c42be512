"""What a REFI-QDA project export reads at once: documents, codings with their codes, memos, who speaks where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import memos as memo_rows
from .schema import codes, codings, documents, turns


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    text: str
    imported_at: datetime
    guid: str | None


@dataclass(frozen=True)
class Selection:
    """A coding with its code's key and exchange GUID."""

    id: int
    document_id: int
    start: int
    end: int
    coder: str
    created_at: datetime
    guid: str | None
    key: str
    code_guid: str | None


@dataclass(frozen=True)
class Project:
    sources: list[Source]  # in the order they were stored
    selections: list[Selection]  # likewise
    memos: list[memo_rows.Memo]  # likewise
    speakers: list[tuple[int, str]]  # (document id, participant pseudonym) of every turn a participant speaks


def project(conn: Connection) -> Project:
    """Everything a project export writes but the codebook (which `codebook.all_codes` gives)."""
    docs = conn.execute(sa.select(documents).order_by(documents.c.id)).all()
    selections = conn.execute(
        sa.select(codings, codes.c.key, codes.c.guid.label("code_guid"))
        .join(codes, codes.c.id == codings.c.code_id).order_by(codings.c.id)
    ).all()
    speakers = conn.execute(sa.select(turns.c.document_id, turns.c.participant).where(turns.c.participant.is_not(None))).all()
    return Project(
        [Source(d.id, d.name, d.text, d.imported_at, d.guid) for d in docs],
        [Selection(c.id, c.document_id, c.start, c.end, c.coder, c.created_at, c.guid, c.key, c.code_guid) for c in selections],
        memo_rows.all_memos(conn),
        [(t.document_id, t.participant) for t in speakers],
    )
