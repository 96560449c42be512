"""The study's embedded store: one DuckDB file in the study's private folder.

Responses are kept wide (one column per question, one boolean column per
option of a multiple-response question), which is what the table engine scans.
Every import runs in one transaction; a first import builds the file beside
its final place and moves it in only on success, so a failed import leaves the
study exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..study.load import Study
from .convert import store_columns

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class ImportRecord:
    source: str
    sha256: str
    rows: int
    format: str


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def connect(study: Study, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the study's store (read-only when it only reads)."""
    import duckdb

    con = duckdb.connect(str(study.store_path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def write_transaction(study: Study) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing change of the store; the store is created on first success."""
    import duckdb

    study.private_dir.mkdir(exist_ok=True)
    final = study.store_path
    fresh = not final.exists()
    path = final.with_name(f".{final.name}.{os.getpid()}.new") if fresh else final
    con = duckdb.connect(str(path))
    ok = False
    try:
        ensure_schema(con, study)
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        ok = True
    finally:
        if not ok:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
        con.close()
        if fresh:
            if ok:
                os.replace(path, final)
            else:
                _remove(path)
            _remove(path.with_name(path.name + ".wal"))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def ensure_schema(con: duckdb.DuckDBPyConnection, study: Study) -> None:
    """Create the tables, and add columns for questions added to the instrument since."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS imports (source VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, "
        "rows BIGINT NOT NULL, format VARCHAR NOT NULL, imported_at TIMESTAMP DEFAULT current_timestamp)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS responses (respondent_id VARCHAR NOT NULL, _source VARCHAR NOT NULL)"
    )
    existing = {row[0] for row in con.execute("DESCRIBE responses").fetchall()}
    for name, sql_type in store_columns(study.config).items():
        if name not in existing:
            con.execute(f"ALTER TABLE responses ADD COLUMN {quote(name)} {sql_type}")


def import_records(study: Study) -> dict[str, ImportRecord]:
    if not study.store_path.exists():
        return {}
    with connect(study, read_only=True) as con:
        rows = con.execute("SELECT source, sha256, rows, format FROM imports").fetchall()
    return {r[0]: ImportRecord(r[0], r[1], int(r[2]), r[3]) for r in rows}


def count_responses(study: Study) -> int:
    if not study.store_path.exists():
        return 0
    with connect(study, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM responses").fetchone()
    return 0 if row is None else int(row[0])
