"""One exception hierarchy for everything learnervoice reports to a user.

Every error carries the place a researcher must look at to fix the input
(file, line or row, field) and a message in plain words. The CLI turns any
:class:`LearnervoiceError` into that message and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LearnervoiceError(Exception):
    """Base class of every error learnervoice raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was found, what was expected."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    expected: str
    label: str | None = None  # the file's own label of the value found (SPSS, Stata)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", column {self.field!r}"
        found = "" if self.value is None else f": found {_clip(self.value)!r}"
        if self.label:
            found += f" (labelled {_clip(self.label)!r} in the file)"
        return f"{where}{found}; {self.expected}"


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class StudyError(LearnervoiceError):
    """The study folder or its study.yaml is not valid."""

    def __init__(self, message: str, *, file: Path | str | None = None, line: int | None = None) -> None:
        where = ""
        if file is not None:
            where = f"{file}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message)
        self.file = None if file is None else str(file)
        self.line = line


class InvalidResponsesError(LearnervoiceError):
    """A response file cannot be imported; nothing was stored."""

    def __init__(
        self, problems: list[Problem], *, total: int | None = None, summary: str | None = None,
        per_column: dict[str, int] | None = None,
    ) -> None:
        self.problems = problems
        self.per_column = per_column or {}
        self.total = len(problems) if total is None else total
        head = summary or f"{self.total:,} problem(s) found; nothing was imported"
        shown = "\n".join(f"  - {p}" for p in problems)
        more = ""
        if self.total > len(problems):
            more = f"\n  … and {self.total - len(problems):,} more"
            counts = [(c, n) for c, n in self.per_column.items() if n > sum(p.field == c for p in problems)]
            if counts:
                more += " (" + "; ".join(f"column {c!r}: {n:,} in all" for c, n in counts) + ")"
        super().__init__(f"{head}:\n{shown}{more}")


class UnreadableFileError(InvalidResponsesError):
    """The file itself cannot be read: empty, binary, wrong encoding, too large."""

    def __init__(self, file: str, reason: str, *, row: int | None = None) -> None:
        super().__init__([Problem(file, row, None, None, reason)], summary="The file cannot be read; nothing was imported")


class StoreError(LearnervoiceError):
    """The study's store cannot be opened (busy, damaged, or not writable)."""


class TableError(LearnervoiceError):
    """A table cannot be computed as asked (unknown variable, no data, bad option)."""


class RosterError(LearnervoiceError):
    """The participant roster cannot be read."""


class TranscriptError(LearnervoiceError):
    """A transcript cannot be imported; nothing was stored."""


class CodingError(LearnervoiceError):
    """A coding, code or memo cannot be stored as asked; nothing was changed."""


class ExchangeError(LearnervoiceError):
    """A REFI-QDA project or codebook cannot be read or written; nothing was changed."""


class ReportError(LearnervoiceError):
    """The study report cannot be written as asked (unknown format, or it would disclose a name)."""


class DisclosureError(ReportError):
    """An output would disclose personal data (a roster name, an e-mail address, a phone number); nothing was written."""


class AuditError(LearnervoiceError):
    """A published table given to the audit cannot be read."""


class QuestionnaireError(LearnervoiceError):
    """A questionnaire request cannot be met as asked (no invites asked for, an expired start of the open link)."""


# What happened, said once: the web layer gives each class its HTTP status (web/app.py), the CLI exit code 2.


class NotFoundError(LearnervoiceError):
    """Nothing is there by that name, or nothing the one asking may see (blind coding hides the others' work)."""


class ConflictError(LearnervoiceError):
    """What is stored forbids it now: the name is taken, the answers were submitted, consent comes first."""


class InvalidInputError(LearnervoiceError):
    """A value given is not valid (a user name, a role, a password, a missing choice); nothing was changed."""


class AccessError(LearnervoiceError):
    """Who is asking may not do this (the base of the errors of signing in and of roles)."""


class NotSignedInError(AccessError):
    """Nobody is signed in, the session ended, or the name or the password is not right."""


class NotAllowedError(AccessError):
    """The signed-in user's role does not allow this, or a change did not come from this site (CSRF)."""


class TooManyAttemptsError(AccessError):
    """Too many tries from one address in a while (sign-ins, starts of the open link); later it works again."""


class SamplingError(LearnervoiceError):
    """A population file or sampling plan that cannot be used."""


class CatalogueError(LearnervoiceError):
    """A catalogue of offers, or a credential file, that cannot be used."""


class ModelError(LearnervoiceError):
    """The sentence-embedding model the settings name cannot be used (no folder, a file missing, too large, or not
    the expected layout), or its optional packages are not installed; nothing was changed."""


class FolderCodeError(CodingError, InvalidInputError):
    """Text cannot be coded with a code that is a folder of codes (codable: false in codebook.yaml); nothing was
    stored. A CodingError, and invalid input (422) to the web app."""
