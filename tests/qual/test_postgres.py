"""The coding store on PostgreSQL (the team-server mode) gives the same results as on SQLite."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from learnervoice.qual.agreement import agreement
from learnervoice.qual.codebook import sync_codebook
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.queries import code_frequencies, quotes
from learnervoice.store import QualStore
from learnervoice.store.schema import metadata
from learnervoice.study.load import Study

from .conftest import write

TRANSCRIPT = """Melissa Ko: Why did you enrol?
Ryan Sloan: Promotion, mostly; my employer counts certified hours.
Srijani Ghosh: Curiosity, and the pleasure of it.
"""


def _run(study: Study, store: QualStore, tmp_path: Path) -> tuple[list[str], list[int], float]:
    sync_codebook(study, store)
    import_transcript(study, write(tmp_path / "fg.txt", TRANSCRIPT), store=store)
    items = [
        NewCoding("fg", 0, 0, "career", coder, quote="Promotion, mostly") for coder in ("a", "b")
    ] + [NewCoding("fg", 0, 0, "pleasure", "a", quote="the pleasure of it"), NewCoding("fg", 0, 0, "online", "b", quote="Curiosity")]
    add_codings(store, items, who="t")
    found = list(quotes(study, store, "career")["quote"])
    freq = list(code_frequencies(study, store)["segments"])
    alpha = float(agreement(store, bootstrap=0).set_index("code").loc["(all codes)", "alpha"])
    return found, freq, alpha


def test_same_results_on_postgresql(qual_study: Study, tmp_path: Path, postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:  # a clean schema for this test
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS schema_migrations")
    engine.dispose()
    on_postgres = QualStore.for_study(qual_study, url=postgres_url)
    assert on_postgres.engine.dialect.name == "postgresql"
    pg = _run(qual_study, on_postgres, tmp_path)
    on_postgres.close()
    # the same history on another store: the analytic snapshot is keyed by the store, so nothing stale is reused
    lite = _run(qual_study, QualStore.for_study(qual_study), tmp_path)
    assert pg == lite
    assert pg[0] == ["Promotion, mostly", "Promotion, mostly"]


def test_snapshots_are_per_store_and_never_rewritten(qual_study: Study, tmp_path: Path) -> None:
    """Two stores of one study with the same history length get different snapshots; a version stays as written."""
    from learnervoice.qual.analytics import snapshot

    first = QualStore.for_study(qual_study)
    other = QualStore(sa.create_engine(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    other.migrate()
    a, b = snapshot(qual_study, first), snapshot(qual_study, other)
    assert a != b and a.parent == b.parent
    written = (a / "codings.parquet").stat().st_mtime_ns
    assert snapshot(qual_study, first) == a and (a / "codings.parquet").stat().st_mtime_ns == written
