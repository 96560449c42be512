"""Codings and turns for analysis: copied from the transactional store into DuckDB through Arrow.

The coding store (SQLite or PostgreSQL) is built for many small writes; counts,
matrices and interval joins over hundreds of thousands of codings belong to an
analytic engine. A Parquet snapshot of codings and turns is kept in the study's
private folder and rebuilt only when the audit log says something changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..study.load import Study
from .store import QualStore, audit, codes, codings, documents, turns

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

SNAPSHOT_DIR = "qual_snapshot"


KEEP_SECONDS = 300  # an older snapshot stays this long for queries that may still read it
_building = threading.Lock()


def _version(store: QualStore) -> str:
    """Which store (its URL, without password) and how far its history goes: a snapshot's name."""
    with store.read() as conn:
        last = conn.execute(sa.select(sa.func.max(audit.c.id))).scalar()
        count = conn.execute(sa.select(sa.func.count()).select_from(codings)).scalar()
    where = hashlib.sha256(store.engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return f"{where}-{last or 0}-{count or 0}"


def _arrow(store: QualStore, query: sa.Select[Any]) -> pa.Table:
    import pyarrow as pa

    with store.read() as conn:
        result = conn.execute(query)
        names = list(result.keys())
        rows = result.fetchall()
    columns: list[list[Any]] = [list(col) for col in zip(*rows)] if rows else [[] for _ in names]
    return pa.table(dict(zip(names, columns)))


def snapshot(study: Study, store: QualStore) -> Path:
    """Parquet copies of codings and turns, current as of the last change in the store.

    Each version is a folder of its own, written beside it and renamed into place, and never
    changed: queries running while the store moves on keep reading the version they started with.
    """
    import pyarrow.parquet as pq

    root = study.private_dir / SNAPSHOT_DIR
    version = _version(store)
    folder = root / version
    if (folder / "version").is_file():
        return folder
    with _building:
        if (folder / "version").is_file():
            return folder
        coding_table = _arrow(store, sa.select(
            codings.c.id.label("coding_id"), codings.c.document_id, documents.c.name.label("document"),
            codings.c.start, codings.c.end, codes.c.key.label("code"), codings.c.coder,
        ).join(codes, codes.c.id == codings.c.code_id).join(documents, documents.c.id == codings.c.document_id))
        turn_table = _arrow(store, sa.select(
            turns.c.document_id, turns.c.idx.label("turn"), turns.c.start.label("turn_start"), turns.c.end.label("turn_end"),
            turns.c.speaker, turns.c.participant, turns.c.role,
        ))
        root.mkdir(parents=True, exist_ok=True)
        work = root / f".{version}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        work.mkdir()
        pq.write_table(_typed(coding_table, {"coding_id": "int64", "document_id": "int64", "start": "int64", "end": "int64"}), work / "codings.parquet")
        pq.write_table(_typed(turn_table, {"document_id": "int64", "turn": "int64", "turn_start": "int64", "turn_end": "int64"}), work / "turns.parquet")
        (work / "version").write_text(version)
        try:
            os.rename(work, folder)
        except OSError:  # another process made the same version meanwhile
            shutil.rmtree(work, ignore_errors=True)
        _forget_old(root, keep=folder)
    return folder


def _forget_old(root: Path, keep: Path) -> None:
    """Remove versions (and abandoned work folders) older than a few minutes."""
    now = time.time()
    for old in root.iterdir():
        if old != keep and old.is_dir() and now - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    for stray in ("codings.parquet", "turns.parquet", "version"):  # the single-folder layout of earlier versions
        (root / stray).unlink(missing_ok=True)


def _typed(table: pa.Table, types: dict[str, str]) -> pa.Table:
    import pyarrow as pa

    fields = []
    for f in table.schema:
        wanted = types.get(f.name)
        fields.append(pa.field(f.name, pa.type_for_alias(wanted) if wanted else (pa.string() if pa.types.is_null(f.type) else f.type)))
    return table.cast(pa.schema(fields))


@contextmanager
def analytic(study: Study, store: QualStore, *, coder: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """DuckDB with views `codings`, `turns` and `coded` (each coding with the turn it starts in),
    holding only one coder's codings when `coder` is given."""
    import duckdb

    folder = snapshot(study, store)
    con = duckdb.connect()
    only = "" if coder is None else " WHERE coder = '" + coder.replace("'", "''") + "'"
    try:
        con.execute(f"CREATE VIEW codings AS SELECT * FROM read_parquet('{folder / 'codings.parquet'}'){only}")
        con.execute(f"CREATE VIEW turns AS SELECT * FROM read_parquet('{folder / 'turns.parquet'}')")
        con.execute(
            "CREATE VIEW coded AS SELECT c.*, t.turn, t.speaker, t.participant, t.role FROM codings c "
            "LEFT JOIN turns t ON c.document_id = t.document_id AND c.start >= t.turn_start AND c.start <= t.turn_end"
        )
        yield con
    finally:
        con.close()
