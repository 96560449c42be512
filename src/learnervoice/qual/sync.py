"""Bring the coding store up to date with what study.yaml declares: transcripts, codebook, coding files.

Each step is idempotent: a transcript already imported, a code already known or
a coding already stored changes nothing, so every command can call this first.
"""

from __future__ import annotations

from ..study.load import Study
from .codebook import CODEBOOK_FILE, sync_codebook
from .codings import add_codings, read_codings_file
from .documents import import_transcript
from .store import QualStore


def sync_declared(study: Study, store: QualStore) -> None:
    for source in study.config.transcripts:
        path = study.resolve(source.file)
        import_transcript(study, path, name=source.name or path.stem, format=source.format, store=store)
    if (study.folder / CODEBOOK_FILE).is_file():
        sync_codebook(study, store, who="study.yaml")
    for file in study.config.codings:
        path = study.resolve(file)
        add_codings(store, read_codings_file(path), who="study.yaml", source=path.name)
