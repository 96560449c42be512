"""One place where a study is made current: open it, bring its stores up to date once, work, close.

Everything that works on a study (the CLI, the web app, the report, the exchange,
the Python API) opens a workspace. Opening it brings the stores up to date with
what the folder declares, in this order and nowhere else:

1. the survey store (DuckDB): response files declared in study.yaml are imported
   when their content changed;
2. the coding store (SQLite, or PostgreSQL for a team server): declared
   transcripts are brought in when they changed;
3. answers submitted in the built-in questionnaire are published to the survey store;
4. the answers to open (`text`) questions become documents of the coding store (`open:<question id>`),
   following the responses (see `learnervoice.qual.open_answers`);
5. the codebook and coding files are brought in when they changed.

After that, reads (`tables`, `quotes`, the report) only read: a store that is not
current is an error, never a reason to write.

>>> with open_workspace("examples/microcredentials-2023") as ws:  # doctest: +SKIP
...     frequency_tables(ws.study)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .store import QUAL_FILE, QualStore
from .study.load import Study, open_study


@dataclass
class Workspace:
    """A study with its stores, current as of opening; close it (or use `with`) when done."""

    study: Study
    database_url: str | None = None
    _qual: QualStore | None = field(default=None, repr=False)

    @property
    def has_qual(self) -> bool:
        """Whether the study has qualitative data (declared transcripts or codings, or a coding store)."""
        config = self.study.config
        return bool(self._qual is not None or self.database_url or config.transcripts or config.codings
                    or (self.study.folder / QUAL_FILE).exists())

    @property
    def qual(self) -> QualStore:
        """The coding store (opened, and migrated, on first use)."""
        if self._qual is None:
            self._qual = QualStore.for_study(self.study, self.database_url)
        return self._qual

    def refresh(self) -> None:
        """Bring both stores up to date with the folder (declared files, web answers)."""
        from .qual.open_answers import open_questions, sync_open_answers
        from .qual.sync import sync_coding_files, sync_documents
        from .survey.importer import sync_declared_sources
        from .survey.store import count_responses
        from .survey.webform import publish

        sync_declared_sources(self.study)
        if self.has_qual:
            sync_documents(self.study, self.qual)
            publish(self.study, self.qual)
        if open_questions(self.study) and (self.has_qual or count_responses(self.study)):
            sync_open_answers(self.study, self.qual)  # after the web answers: they may hold open answers too
        if self.has_qual:
            sync_coding_files(self.study, self.qual)  # after every document, open answers' included

    def close(self) -> None:
        if self._qual is not None:
            self._qual.close()
            self._qual = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()


def open_workspace(folder: Path | str | Study, *, database_url: str | None = None, refresh: bool = True) -> Workspace:
    """Open a study folder (or an opened Study) and, unless told not to, bring its stores up to date."""
    study = folder if isinstance(folder, Study) else open_study(folder)
    workspace = Workspace(study, database_url)
    if refresh:
        try:
            workspace.refresh()
        except BaseException:
            workspace.close()
            raise
    return workspace
