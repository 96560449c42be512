"""Bring the coding store up to date with what study.yaml declares: transcripts, codebook, coding files,
and the speakers assigned by turn (transcripts/*.speakers.csv).

Every command calls this first, so it must cost nothing when nothing changed: a
transcript already imported is recognised by its hash, and the codebook, coding
files and speakers files are read again only when their content changed (their
hashes are kept in the store). Nothing is written, and so nothing is logged, otherwise.
The declared transcripts are imported all or nothing, as one import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..store import QualStore
from ..store import documents as documents_db
from ..store import sync as sync_db
from ..study.load import Study
from .codebook import CODEBOOK_FILE, sync_codebook, write_pending_folders
from .codings import add_codings, read_codings_file
from .documents import Source, import_transcripts
from .speakers import SPEAKERS_DIR, apply_file, speakers_file


def sync_declared(study: Study, store: QualStore) -> None:
    """Transcripts and speakers, then the codebook and the coding files."""
    sync_documents(study, store)
    sync_coding_files(study, store)


def sync_documents(study: Study, store: QualStore) -> None:
    """The declared transcripts (all or nothing) and the speakers files. A declared file that changed since it was
    imported replaces its document (the file is the study's record), keeping the codings whose quoted words are
    still found; the dropped ones are listed in the audit log (`replace_transcript`)."""
    sources = [Source(study.resolve(t.file), t.name or study.resolve(t.file).stem, t.format, t.max_turn_words)
               for t in study.config.transcripts]
    if sources:
        import_transcripts(study, sources, store=store, replace=True)
    _sync_speakers(study, store)


def sync_coding_files(study: Study, store: QualStore) -> None:
    """The codebook and the coding files, when their content changed (after every document is in)."""
    codebook = study.folder / CODEBOOK_FILE
    if codebook.is_file():
        _when_changed(study, store, codebook, lambda: sync_codebook(study, store, who="study.yaml"))
    if write_pending_folders(study, store):  # once, for a store made before codebook.yaml said `codable`
        _when_changed(study, store, codebook, lambda: sync_codebook(study, store, who="study.yaml"))
    for file in study.config.codings:
        _when_changed(study, store, study.resolve(file), _coding_step(store, study.resolve(file)))


def _sync_speakers(study: Study, store: QualStore) -> None:
    """Speakers files changed by hand since they were last brought in: their turns' speakers, again."""
    if not (study.folder / SPEAKERS_DIR).is_dir():
        return
    with store.read() as conn:
        names = documents_db.names(conn)
    for name in names:
        path = speakers_file(study, name)
        if path.is_file():
            _when_changed(study, store, path, _speakers_step(study, store, name))


def _speakers_step(study: Study, store: QualStore, name: str) -> Callable[[], object]:
    return lambda: apply_file(study, store, name)


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
