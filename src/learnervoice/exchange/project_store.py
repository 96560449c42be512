"""An imported project's sources, codings, notes and kept objects written into the new study's store, in
one transaction whose audit record is the import's report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..errors import ExchangeError
from ..store import GUID, QualStore, kept_guid, now
from ..store import codebook as codes_db
from ..store import documents as documents_db
from ..store import exchange as exchange_db
from ..store.exchange import ExchangeObject
from .codetree import kept_code_guids, walk
from .refi_model import ImportedProject, Note, Source
from .refi_write import guid


@dataclass
class Counts:
    documents: int
    codings: int
    memos: int


def fill(store: QualStore, project: ImportedProject, keys: dict[str, str], pseudonyms: list[str]) -> Counts:
    """Everything but the codebook (already synced from codebook.yaml); a database refusal becomes a clear
    error that shows no text of the project."""
    record: dict[str, Any] = {"origin": project.origin, "sources": len(project.sources)}
    try:
        with store.change("import", "import_qdpx", record) as conn:
            guids = kept_code_guids(keys)
            if len(guids) < len(keys):
                project.report.not_kept["code GUIDs that are not well formed (new ones made)"] += len(keys) - len(guids)
            exchange_db.set_code_guids(conn, guids)
            exchange_db.keep_objects(conn, list(_objects(project, keys, pseudonyms)))
            counts = _sources(conn, project, keys)
            _say_folder_codings(project)
            record.update(counts.__dict__, report=project.report.record())
    except SQLAlchemyError as exc:
        cause = type(getattr(exc, "orig", exc)).__name__
        raise ExchangeError(f"the project could not be stored ({cause}: "
                            f"{str(getattr(exc, 'orig', '')).splitlines()[0] if getattr(exc, 'orig', None) else 'database error'})") from None
    return counts


def _objects(project: ImportedProject, keys: dict[str, str], pseudonyms: list[str]) -> Iterable[ExchangeObject]:
    """What the study's own files and tables do not hold, kept for the next export."""
    for user_guid, name in project.users.items():
        if GUID.fullmatch(user_guid):
            yield ExchangeObject("user", user_guid, name)
    for v in project.variables:
        if GUID.fullmatch(v.guid):
            yield ExchangeObject("variable", v.guid, v.name, {"type": v.type, "description": v.description})
    for case, pseudonym in zip(project.cases, pseudonyms):
        if GUID.fullmatch(case.guid):
            yield ExchangeObject("case", case.guid, pseudonym, {"sources": case.sources, "description": case.description})
    for s in project.sets:
        if GUID.fullmatch(s.guid):
            project.report.sets_kept += 1
            yield ExchangeObject("set", s.guid, s.name, {"description": s.description, "codes": s.codes,
                                                          "sources": s.sources, "notes": s.notes})
        else:
            project.report.not_kept["sets without a well-formed GUID"] += 1
    for note in project.notes:
        if note.guid and GUID.fullmatch(note.guid) and note.name:
            yield ExchangeObject("note", note.guid, note.name)
    if project.description:
        yield ExchangeObject("project", guid("project", project.name), project.name, {"description": project.description})


def _say_folder_codings(project: ImportedProject) -> None:
    """Codings of folder codes (isCodable="false": the tool let them be coded, or they became folders later) are
    kept as they are; the report says so, as `check` does after."""
    folders = {node.guid for node, _ in walk(project.codes) if not node.codable}
    n = sum(sel.code in folders for src in project.sources for sel in src.selections)
    if n:
        project.report.notes.append(f"{n} coding(s) of folder codes (isCodable=\"false\") kept as they are; new "
                                    "codings use their sub-codes")


def _sources(conn: Any, project: ImportedProject, keys: dict[str, str]) -> Counts:
    code_ids = codes_db.ids(conn)
    notes = {n.guid: n for n in project.notes if n.guid}
    memo_rows: list[dict[str, Any]] = []
    seen_codings: set[str] = set()
    seen_memos: set[str] = set()
    seen_sources: set[str] = set()
    names: set[str] = set()
    kept: list[ExchangeObject] = []
    n_codings = 0
    for src in project.sources:
        name = _distinct_name(src.name, names, project)
        doc_id = documents_db.add(conn, name=name, source="project.qde", sha256="", format="qdpx", text=src.text,
                                  guid=kept_guid(src.guid, seen_sources) if src.guid else None)
        if src.description:
            kept.append(ExchangeObject("source", src.guid or "", name, {"description": src.description}))
        documents_db.add_turns(conn, doc_id, _paragraph_turns(src.text))
        rows, guids = _codings(src, doc_id, keys, code_ids, seen_codings, project)
        ids = exchange_db.add_codings(conn, rows)
        n_codings += len(rows)
        for coding_guid, sel in zip(guids, src.selections):
            memo_rows += _memos(notes, sel.notes, "coding", ids[coding_guid], seen_memos)
        memo_rows += _memos(notes, src.notes, "document", doc_id, seen_memos)
    for node, _ in walk(project.codes):
        if node.guid in keys:
            memo_rows += _memos(notes, node.notes, "code", code_ids[keys[node.guid]], seen_memos)
    memo_rows += _memos(notes, project.project_notes, "project", 0, seen_memos)
    memo_rows += _memos(notes, list(notes), "note", 0, seen_memos)  # notes nothing refers to
    exchange_db.keep_objects(conn, kept)
    return Counts(len(project.sources), n_codings, exchange_db.add_memos(conn, memo_rows))


def _distinct_name(name: str, taken: set[str], project: ImportedProject) -> str:
    """Source names are unique in a study: a repeated one gets ' (2)', ' (3)'… and is reported."""
    given, n = name, 2
    while name.lower() in taken:
        name, n = f"{given} ({n})", n + 1
    if name != given:
        project.report.notes.append(f"two sources named {given!r}: the second is kept as {name!r}")
    taken.add(name.lower())
    return name


def _codings(src: Source, doc_id: int, keys: dict[str, str], code_ids: dict[str, int], seen: set[str],
             project: ImportedProject) -> tuple[list[dict[str, Any]], list[str]]:
    """The source's coding rows, a passage coded twice with one code by one coder kept once (the store holds
    it once); the GUID of each selection's row."""
    rows: dict[tuple[int, int, int, str], dict[str, Any]] = {}
    guids = []
    for sel in src.selections:
        if sel.code not in keys:
            raise ExchangeError(f"source {src.name!r}: a coding refers to unknown code {sel.code}")
        same = (sel.start, sel.end, code_ids[keys[sel.code]], sel.user)
        if same in rows:
            project.report.not_kept["repeated codings (same passage, code and coder; kept once)"] += 1
        else:
            rows[same] = {"document_id": doc_id, "start": sel.start, "end": sel.end, "code_id": same[2],
                          "coder": sel.user, "created_at": sel.created or now(), "guid": kept_guid(sel.guid, seen)}
        guids.append(rows[same]["guid"])
    return list(rows.values()), guids


def _memos(notes: dict[str, Note], refs: Iterable[str], kind: str, target: int, seen: set[str]) -> list[dict[str, Any]]:
    """Memos for the notes referred to (each note once: the first reference wins; empty notes are not kept)."""
    out = []
    for ref in refs:
        note = notes.pop(ref, None)
        if note is not None and note.text:
            out.append({"target_kind": kind, "target_id": target, "author": note.user, "text": note.text,
                        "created_at": note.created or now(), "guid": kept_guid(note.guid, seen)})
    return out


def _paragraph_turns(text: str) -> list[dict[str, Any]]:
    """Sources from other tools have no speaker turns: each paragraph is a unit of its own (a CRLF's CR
    stays outside it)."""
    rows = []
    offset = 0
    for idx, line in enumerate(text.split("\n")):
        body = line[:-1] if line.endswith("\r") else line
        rows.append({"idx": idx, "speaker": "(no speaker)", "participant": None, "role": "unknown",
                     "start": offset, "end": offset + len(body), "start_time": None, "end_time": None, "flagged": False})
        offset += len(line) + 1
    return rows
