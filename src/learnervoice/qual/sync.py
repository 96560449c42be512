"""Bring the coding store up to date with what study.yaml declares: transcripts, codebook, coding files.

Every command calls this first, so it must cost nothing when nothing changed: a
transcript already imported is recognised by its hash, and the codebook and
coding files are read again only when their content changed (their hashes are
kept in the store). Nothing is written, and so nothing is logged, otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..store import QualStore
from ..store import sync as sync_db
from ..study.load import Study
from .codebook import CODEBOOK_FILE, sync_codebook
from .codings import add_codings, read_codings_file
from .documents import import_transcript


def sync_declared(study: Study, store: QualStore) -> None:
    for source in study.config.transcripts:
        path = study.resolve(source.file)
        import_transcript(study, path, name=source.name or path.stem, format=source.format, store=store)
    codebook = study.folder / CODEBOOK_FILE
    if codebook.is_file():
        _when_changed(study, store, codebook, lambda: sync_codebook(study, store, who="study.yaml"))
    for file in study.config.codings:
        _when_changed(study, store, study.resolve(file), _coding_step(store, study.resolve(file)))


def _coding_step(store: QualStore, path: Path) -> Callable[[], object]:
    return lambda: add_codings(store, read_codings_file(path), who="study.yaml", source=path.name)


def _when_changed(study: Study, store: QualStore, path: Path, step: Callable[[], object]) -> None:
    """Run `step` when the file's content differs from the last time it was brought in."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    resolved = path.resolve()
    key = resolved.relative_to(study.folder).as_posix() if resolved.is_relative_to(study.folder) else str(resolved)
    with store.read() as conn:
        known = sync_db.digest(conn, key)
    if known == digest and digest:
        return
    step()  # raises on bad input: nothing recorded, so the next command reports it again
    with store.write() as conn:
        sync_db.record(conn, key, digest)
