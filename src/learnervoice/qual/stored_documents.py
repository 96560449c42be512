"""Changing a stored document as a whole: a transcript's text replaced by a corrected file, or a document removed.

A replaced transcript keeps each coding whose quoted words are still found in the new text (the same
occurrence of those words: the second "I agree" stays on the second), moved to where they now are;
the others are deleted, with their memos, and listed in the audit record. A removed document takes
its turns, codings and memos with it, in one transaction, recorded in the audit log. Neither can be
undone by `undo` (docs/transcripts.md): import the file again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConflictError, NotFoundError
from ..store import QualStore
from ..store import audit as audit_log
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import memos as memos_db
from ..study.load import Study

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

QUOTE_IN_LOG = 80  # characters of a dropped coding's quote kept in the audit record


@dataclass(frozen=True)
class Removed:
    document: str
    turns: int
    codings: int
    memos: int


def replace_text(conn: Connection, name: str, *, text: str, sha256: str, rows: list[dict[str, object]],
                 who: str) -> tuple[int, list[dict[str, Any]]]:
    """A stored transcript's text and turns made those of a corrected file; (codings kept, codings dropped)."""
    existing = documents_db.by_name(conn, name)
    if existing is None:
        raise NotFoundError(f"no document {name!r} to replace")
    kept, dropped = carry_by_quote(conn, existing, text)
    documents_db.replace_content(conn, existing.id, text=text, sha256=sha256, rows=rows)
    audit_log.record(conn, who, "replace_transcript", {"document": name, "turns": len(rows), "sha256": sha256,
                                                       "codings_kept": kept, "codings_dropped": dropped})
    return kept, dropped


def carry_by_quote(conn: Connection, existing: documents_db.DocumentText, text: str) -> tuple[int, list[dict[str, Any]]]:
    """Codings moved to the same occurrence of their quoted words in `text`; those not found deleted. (kept, dropped)."""
    places: dict[int, tuple[int, int]] = {}
    dropped: dict[int, dict[str, Any]] = {}
    for coding in codings_db.of_document(conn, existing.id):
        row = int(coding.guid)
        quote = existing.text[coding.start : coding.end]
        at = _nth(text, quote, _occurrence(existing.text, quote, coding.start))
        if at is None:
            dropped[row] = {"code": coding.code, "coder": coding.coder, "start": coding.start, "end": coding.end,
                            "quote": quote[:QUOTE_IN_LOG]}
        elif at != coding.start:
            places[row] = (at, at + len(quote))
    codings_db.delete_many(conn, list(dropped))
    codings_db.relocate(conn, places)
    return len(codings_db.of_document(conn, existing.id)), list(dropped.values())


def _occurrence(text: str, quote: str, start: int) -> int:
    """Which occurrence of `quote` in `text` (0 the first, overlapping ones counted) starts at `start`."""
    count, at = 0, text.find(quote)
    while -1 < at < start:
        count, at = count + 1, text.find(quote, at + 1)
    return count


def _nth(text: str, quote: str, n: int) -> int | None:
    """Where the `n`-th occurrence (from 0) of `quote` starts in `text`; None when there are fewer."""
    at = text.find(quote)
    for _ in range(n):
        if at < 0:
            break
        at = text.find(quote, at + 1)
    return None if at < 0 else at


def remove_document(study: Study, store: QualStore, name: str, *, confirmed: bool = False, who: str = "cli") -> Removed:
    """A document removed with its turns, codings and memos, in one transaction with its audit record.

    A document with codings or memos is removed only when `confirmed` (the message says how many would go).
    """
    _check_removable(study, name)
    with store.write() as conn:
        found = documents_db.id_of(conn, name)
        if found is None:
            raise NotFoundError(f"no document {name!r} in the study (see `learnervoice documents list`)")
        coded = [int(c.guid) for c in codings_db.of_document(conn, found)]
        memos = len(memos_db.on_document(conn, found, None))
        if (coded or memos) and not confirmed:
            raise ConflictError(f"{name!r} has {len(coded)} coding(s) and {memos} memo(s), which would be deleted "
                                "with it; nothing was removed. Give --yes to remove it all")
        turns = len(documents_db.turns_of(conn, found))
        codings_db.delete_many(conn, coded)
        memos_db.delete_on(conn, "document", found)
        documents_db.remove(conn, found)
        audit_log.record(conn, who, "remove_document", {"document": name, "turns": turns, "codings": len(coded),
                                                        "memos": memos})
    return Removed(name, turns, len(coded), memos)


def declared_names(study: Study) -> set[str]:
    """The names of the transcripts study.yaml declares (each its file's name without suffix unless named)."""
    from pathlib import Path

    return {source.name or Path(source.file).stem for source in study.config.transcripts}


def check_import_name(study: Study, name: str, *, replace: bool) -> None:
    """A name a transcript may be imported under by hand: not an open question's (open:…), no path in it, and not one
    study.yaml declares when replacing (the declared file is the record: it comes back when the study is opened)."""
    from ..errors import TranscriptError

    if name.startswith("open:"):
        raise TranscriptError(f"--name {name!r}: names beginning with 'open:' are the open questions' answers")
    if not name.strip() or name.startswith(".") or any(c in name for c in "/\\") or name != name.strip():
        raise TranscriptError(f"--name {name!r}: a document's name has no slash, does not begin with a dot and has no "
                              "spaces around it")
    if replace and name in declared_names(study):
        raise TranscriptError(f"{name!r} is declared in study.yaml (transcripts:): change the declared file instead; "
                              "the study reads it again when it is opened and carries the codings over")


def _check_removable(study: Study, name: str) -> None:
    """Documents the study makes again when it is opened are not removed: they would come back."""
    if name.startswith("open:"):
        raise ConflictError(f"{name!r} holds the answers to an open question: it is made again from the survey's "
                            "responses whenever they change, so it is not removed")
    if name in declared_names(study):
        raise ConflictError(f"{name!r} is declared in study.yaml (transcripts:): take it out of study.yaml first, "
                            "or it is imported again when the study is opened")
