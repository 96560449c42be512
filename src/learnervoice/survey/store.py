"""The study's embedded store: one DuckDB file in the study's private folder.

Responses are kept wide (one column per question, one boolean column per
option of a multiple-response question), which is what the table engine scans.
Every import runs in one transaction; a first import builds the file beside
its final place and moves it in only on success, so a failed import leaves the
study exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..study.load import Study
from .convert import quote, store_columns

if TYPE_CHECKING:
    import duckdb


IMPORT_MEMORY_LIMIT = "128MB"


@dataclass(frozen=True)
class ImportRecord:
    source: str
    sha256: str
    rows: int
    format: str
    content_sha256: str | None = None


@contextmanager
def connect(study: Study, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the study's store (read-only when it only reads)."""
    import duckdb

    try:
        con = duckdb.connect(str(study.store_path), read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(f"{study.store_path}: the store cannot be opened ({exc}); is another command using it?") from None
    try:
        yield con
    finally:
        con.close()


@contextmanager
def write_transaction(study: Study, *, wait: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing change of the store, in bounded memory.

    The change is made on a copy of the store beside it, which replaces the store
    only when everything succeeded (an atomic rename); on any error, or a crash,
    the study keeps its store exactly as it was. A lock file serialises writers: a second
    writer fails at once, or waits its turn with `wait` (the web questionnaire's short writes).
    """
    created = not study.private_dir.exists()
    study.private_dir.mkdir(exist_ok=True)
    try:
        with _writer_lock(study, wait):
            yield from _write_on_copy(study)
    except BaseException:
        if created:  # a failed first import leaves no trace
            shutil.rmtree(study.private_dir, ignore_errors=True)
        raise


def _write_on_copy(study: Study) -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    final = study.store_path
    work = final.with_name(f".{final.name}.{os.getpid()}.new")
    if final.exists():
        shutil.copy2(final, work)
    try:
        con = duckdb.connect(str(work))
    except duckdb.Error as exc:
        _remove(work)
        raise StoreError(f"{final}: the store cannot be opened for writing ({exc})") from None
    ok = False
    try:
        # DuckDB spills to the private folder beyond this, so large imports stay small in memory
        con.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{study.private_dir / 'tmp'}'")
        ensure_schema(con, study)
        yield con
        con.execute("CHECKPOINT")
        ok = True
    finally:
        con.close()
        if ok:
            os.replace(work, final)
        else:
            _remove(work)
        _remove(work.with_name(work.name + ".wal"))


@contextmanager
def _writer_lock(study: Study, wait: bool = False) -> Iterator[None]:
    import fcntl

    with (study.private_dir / "store.lock").open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{study.folder}: another import is writing to this study; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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
        "CREATE TABLE IF NOT EXISTS responses "
        "(respondent_id VARCHAR NOT NULL, _source VARCHAR NOT NULL, _row BIGINT NOT NULL)"
    )
    recorded = {row[0] for row in con.execute("DESCRIBE imports").fetchall()}
    for name in ("content_sha256", "details"):  # stores made before imports kept their content and details
        if name not in recorded:
            con.execute(f"ALTER TABLE imports ADD COLUMN {name} VARCHAR")
    existing = {row[0] for row in con.execute("DESCRIBE responses").fetchall()}
    if "_row" not in existing:  # stores made before rows were numbered
        con.execute("ALTER TABLE responses ADD COLUMN _row BIGINT DEFAULT 0")
    for name, sql_type in store_columns(study.config).items():
        if name not in existing:
            con.execute(f"ALTER TABLE responses ADD COLUMN {quote(name)} {sql_type}")


def import_records(study: Study) -> dict[str, ImportRecord]:
    if not study.store_path.exists():
        return {}
    with connect(study, read_only=True) as con:
        columns = {row[0] for row in con.execute("DESCRIBE imports").fetchall()}
        content = "content_sha256" if "content_sha256" in columns else "NULL"
        rows = con.execute(f"SELECT source, sha256, rows, format, {content} FROM imports").fetchall()
    return {r[0]: ImportRecord(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows}


def count_responses(study: Study) -> int:
    if not study.store_path.exists():
        return 0
    with connect(study, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM responses").fetchone()
    return 0 if row is None else int(row[0])


def text_answers(study: Study, question_id: str) -> list[tuple[str, str]]:
    """(respondent id, answer) of every respondent who wrote an answer to an open question, in the order
    of the response files and their rows (a respondent twice: the first answer)."""
    if not study.store_path.exists():
        return []
    column = quote(question_id)
    with connect(study, read_only=True) as con:
        if question_id not in {row[0] for row in con.execute("DESCRIBE responses").fetchall()}:
            return []
        rows = con.execute(
            f"SELECT respondent_id, {column} FROM responses WHERE trim(coalesce({column}, '')) <> '' "
            "QUALIFY row_number() OVER (PARTITION BY respondent_id ORDER BY _source, _row) = 1 ORDER BY _source, _row"
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def respondent_ids(study: Study) -> set[str]:
    """Every respondent id in the survey store."""
    if not study.store_path.exists():
        return set()
    with connect(study, read_only=True) as con:
        return {str(r[0]) for r in con.execute("SELECT DISTINCT respondent_id FROM responses").fetchall()}


def replace_source(study: Study, source: str, rows: list[dict[str, Any]], *, sha256: str, format: str) -> None:
    """Put `rows` (respondent_id, _source, _row and the store's columns, as Python values) in place of the
    source's rows and record the import, in one transaction; waits for another writer to finish first."""
    import pandas as pd

    types = store_columns(study.config)
    columns = ["respondent_id", "_source", "_row", *types]
    frame = pd.DataFrame(rows, columns=columns)
    with write_transaction(study, wait=True) as con:
        con.execute("DELETE FROM responses WHERE _source = ?", [source])
        if rows:
            con.register("source_rows", frame)
            names = ", ".join(quote(c) for c in columns)
            casts = ", ".join(f"CAST({quote(c)} AS {t}) AS {quote(c)}" for c, t in types.items())
            con.execute(f"INSERT INTO responses ({names}) SELECT respondent_id, _source, _row, {casts} FROM source_rows")
            con.unregister("source_rows")
        con.execute("DELETE FROM imports WHERE source = ?", [source])
        con.execute("INSERT INTO imports (source, sha256, rows, format) VALUES (?, ?, ?, ?)", [source, sha256, len(rows), format])
