"""The files a study declares (codebook, coding files), by the hash of their content when last brought in."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import synced_files


def digest(conn: Connection, path: str) -> str | None:
    """The SHA-256 the file had when it was last brought in (None: never)."""
    value = conn.execute(sa.select(synced_files.c.sha256).where(synced_files.c.path == path)).scalar()
    return None if value is None else str(value)


def record(conn: Connection, path: str, sha256: str) -> None:
    conn.execute(synced_files.delete().where(synced_files.c.path == path))
    conn.execute(synced_files.insert().values(path=path, sha256=sha256))
