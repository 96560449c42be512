"""Codings and turns for analysis: copied from the transactional store into DuckDB through Arrow.

The coding store (SQLite or PostgreSQL) is built for many small writes; counts,
matrices and interval joins over hundreds of thousands of codings belong to an
analytic engine. A Parquet snapshot of codings and turns is kept in the study's
private folder and rebuilt only when the audit log says something changed.

This module holds all the DuckDB SQL over that snapshot (the store's own SQL is in
`learnervoice.store`); `queries.py` and `quantitise.py` ask it for frames and rows.
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

from ..store import QualStore
from ..store import snapshot as snapshot_db
from ..study.load import Study

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

SNAPSHOT_DIR = "qual_snapshot"


KEEP_SECONDS = 300  # an older snapshot stays this long for queries that may still read it
_building = threading.Lock()


def _version(store: QualStore) -> str:
    """Which store (its URL, without password) and how far its history goes: a snapshot's name."""
    with store.read() as conn:
        last, count = snapshot_db.version(conn)
    where = hashlib.sha256(store.engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return f"{where}-{last}-{count}"


def _arrow(columns: snapshot_db.Columns) -> pa.Table:
    import pyarrow as pa

    return pa.table(columns)


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
        with store.read() as conn:
            coding_table = _arrow(snapshot_db.coding_columns(conn))
        with store.read() as conn:
            turn_table = _arrow(snapshot_db.turn_columns(conn))
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


# --- the questions asked of the snapshot --------------------------------------------------------


def coded_frame(study: Study, store: QualStore, *, coder: str | None = None, codes_in: list[str] | None = None) -> pd.DataFrame:
    """Every coding (of these codes) with the turn it starts in, by document and place."""
    with analytic(study, store, coder=coder) as con:
        clause, params = ("WHERE list_contains(?, code)", [codes_in]) if codes_in is not None else ("", [])
        return con.execute(f"SELECT * FROM coded {clause} ORDER BY document, start, coding_id", params).df()


def code_counts(study: Study, store: QualStore, tree: pd.DataFrame, *, coder: str | None = None) -> pd.DataFrame:
    """Per code used: segments, documents, and participants who voiced it, over the codings of every code
    `tree` (columns code, counted_as) counts it as; a segment (one coder's span) coded twice counts once."""
    with analytic(study, store, coder=coder) as con:
        con.register("tree", tree)
        return con.execute(
            "SELECT t.counted_as AS code, count(DISTINCT (c.document_id, c.start, c.\"end\", c.coder)) AS segments, "
            "count(DISTINCT c.document_id) AS documents, count(DISTINCT c.participant) AS participants, "
            "count(*) FILTER (WHERE c.code = t.counted_as) AS own_segments "
            "FROM coded c JOIN tree t ON c.code = t.code GROUP BY t.counted_as"
        ).df()


def voices_by_value(study: Study, store: QualStore, people: pd.DataFrame, tree: pd.DataFrame, *,
                    coder: str | None = None) -> pd.DataFrame:
    """Code, value, n: participants who voiced each code (or a code `tree` counts as it), by the `value` given
    to each participant in `people`."""
    with analytic(study, store, coder=coder) as con:
        con.register("people", people)
        con.register("tree", tree)
        return con.execute(
            "SELECT t.counted_as AS code, p.value, count(DISTINCT c.participant) AS n FROM coded c "
            "JOIN tree t ON c.code = t.code JOIN people p USING (participant) "
            "WHERE p.value IS NOT NULL AND p.value <> '' GROUP BY ALL"
        ).df()


def code_pairs(study: Study, store: QualStore, *, unit: str) -> tuple[pd.DataFrame, list[str]]:
    """Code_a, code_b, n: pairs of codings that overlap (unit 'overlap') or fall in the same turn ('turn');
    and the codes used."""
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
    return long, keys


def participant_codes(study: Study, store: QualStore, codes: list[str], *, coder: str | None) -> list[tuple[str, str]]:
    """(participant, code) for each of these codes a participant (not a moderator) voiced."""
    return [(p, c) for p, c in _participant_rows(study, store, "participant, code", codes, coder)]


def participant_segments(study: Study, store: QualStore, codes: list[str], *, coder: str | None) -> dict[str, int]:
    """Participant -> how many segments of these codes they said."""
    return {p: int(n) for p, n in _participant_rows(study, store, "participant, count(*)", codes, coder)}


def _participant_rows(study: Study, store: QualStore, select: str, codes: list[str], coder: str | None) -> list[tuple[Any, ...]]:
    with analytic(study, store, coder=coder) as con:
        return con.execute(
            f"SELECT {select} FROM coded WHERE participant IS NOT NULL AND role = 'participant' "
            "AND list_contains(?, code) GROUP BY ALL", [codes],
        ).fetchall()


def respondent_codes(study: Study, store: QualStore, document: str, codes: list[str], *, coder: str | None) -> list[tuple[str, str, int]]:
    """(respondent pseudonym, code, segments) for each of these codes in an open question's document."""
    with analytic(study, store, coder=coder) as con:
        rows = con.execute(
            "SELECT participant, code, count(*) FROM coded WHERE document = ? AND role = 'respondent' "
            "AND list_contains(?, code) GROUP BY ALL", [document, codes],
        ).fetchall()
    return [(str(p), str(c), int(n)) for p, c, n in rows]
