"""The coding store on PostgreSQL (the team-server mode) gives the same results as on SQLite."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from learnervoice.qual.agreement import agreement
from learnervoice.qual.codebook import sync_codebook
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.queries import code_frequencies, quotes
from learnervoice.qual.store import QualStore, metadata
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
    shutil.rmtree(qual_study.private_dir / "qual_snapshot", ignore_errors=True)  # rebuilt from the other store
    lite = _run(qual_study, QualStore.for_study(qual_study), tmp_path)
    assert pg == lite
    assert pg[0] == ["Promotion, mostly", "Promotion, mostly"]
