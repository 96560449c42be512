"""The audit log: one record per change, appended in the change's own transaction; counters that move with it."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import audit, now


def record(conn: Connection, who: str, action: str, detail: dict[str, Any]) -> None:
    """Append what was done, by whom, with its details (as JSON)."""
    conn.execute(audit.insert().values(at=now(), who=who, action=action, detail=json.dumps(detail, default=str)))


def last_id(conn: Connection) -> int:
    """The id of the newest audit record (0 for an empty store): it moves with every change."""
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit.c.id), 0))).scalar_one())


def count_by(conn: Connection, who: Collection[str]) -> int:
    """How many changes these people made (ids would tell the others' changes apart)."""
    counted = sa.select(sa.func.count()).select_from(audit).where(audit.c.who.in_(sorted(who)))
    return int(conn.execute(counted).scalar_one())


@dataclass(frozen=True)
class Entry:
    """One record of the audit log, its details read back from JSON."""

    id: int
    at: datetime
    who: str
    action: str
    detail: dict[str, Any]


def entries(conn: Connection, actions: Collection[str], *, who: Collection[str] | None = None,
            limit: int | None = None) -> list[Entry]:
    """The records of these actions (by these people; everyone's with None), newest first."""
    query = sa.select(audit).where(audit.c.action.in_(sorted(actions))).order_by(audit.c.id.desc())
    if who is not None:
        query = query.where(audit.c.who.in_(sorted(who)))
    if limit is not None:
        query = query.limit(limit)
    return [Entry(r.id, r.at, r.who, r.action, json.loads(r.detail)) for r in conn.execute(query)]


def entry(conn: Connection, record_id: int) -> Entry | None:
    r = conn.execute(sa.select(audit).where(audit.c.id == record_id)).first()
    return None if r is None else Entry(r.id, r.at, r.who, r.action, json.loads(r.detail))
