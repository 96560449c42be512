"""A REFI-QDA project from another tool becomes a new learnervoice study folder, and back.

The new folder is built beside its final place and moved in only when
everything was read, so a refused project leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection

from ..errors import ExchangeError
from ..privacy.gate import Gate, gate_for
from ..study.roster import CONTACT_COLUMN, CONTACT_VALUE, FIXED, PSEUDONYM, load_roster
from ..store import QualStore, kept_guid, now
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import memos as memos_db
from ..study.load import Study, open_study
from ..study.model import slug
from .refi import CodeNode, ImportedProject, export_qdc, export_qdpx, open_qdpx


@dataclass
class ProjectImportReport:
    folder: Path
    origin: str
    documents: int
    codes: int
    codings: int
    memos: int
    cases: int
    adjustments: list[str] = field(default_factory=list)


def export_study_qdpx(study: Study, out: Path | str, *, gate: Gate | None = None) -> Path:
    """The study's coding project as .qdpx: pseudonymised sources, participants as cases with their
    declared attributes only (no names, no private columns), every text through the disclosure gate."""
    roster = load_roster(study)
    participants = [{"pseudonym": p.pseudonym, **p.attributes} for p in roster.participants if not p.is_moderator]
    store = QualStore.for_study(study)
    try:
        return export_qdpx(store, Path(out), project=study.config.title, participants=participants,
                           gate=gate or gate_for(study))
    finally:
        store.close()


def export_study_qdc(study: Study, out: Path | str, *, gate: Gate | None = None) -> Path:
    """The study's codebook as .qdc (names and definitions through the disclosure gate)."""
    store = QualStore.for_study(study)
    try:
        return export_qdc(store, Path(out), gate=gate or gate_for(study))
    finally:
        store.close()


def import_qdpx(file: Path | str, folder: Path | str) -> ProjectImportReport:
    """Make a new study folder from a .qdpx project (ATLAS.ti, NVivo, MAXQDA, QualCoder, learnervoice)."""
    path, target = Path(file), Path(folder)
    if target.exists() and any(target.iterdir()):
        raise ExchangeError(f"{target}: the folder exists and is not empty; import into a new folder")
    project = open_qdpx(path)
    work = target.with_name(f".{target.name}.{os.getpid()}.importing")
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir(parents=True)
        report = _build(project, work)
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.folder = target
    return report


def _build(project: ImportedProject, folder: Path) -> ProjectImportReport:
    from ruamel.yaml import YAML

    yaml = YAML()
    attributes, private = _case_variables(project)
    config: dict[str, object] = {"title": project.name or "Imported project",
                                 "consent": "Consent as recorded in the original project.", "questions": []}
    if attributes:
        config["roster"] = {"attributes": attributes}
    with (folder / "study.yaml").open("w", encoding="utf-8") as fh:
        fh.write(f"# Imported from a REFI-QDA project written by {project.origin or 'an unnamed tool'}.\n")
        yaml.dump(config, fh)
    keys: dict[str, str] = {}
    tree = _code_tree(project.codes, keys, set())
    with (folder / "codebook.yaml").open("w", encoding="utf-8") as fh:
        yaml.dump({"codes": tree}, fh)
    _write_cases(project, folder)
    study = open_study(folder)
    from ..qual.codebook import sync_codebook

    store = QualStore.for_study(study)
    sync_codebook(study, store, who="import")
    counts = _fill(store, project, keys)
    store.close()
    duplicates = _duplicate_names(project.codes)
    adjustments = list(project.adjustments)
    if private:
        adjustments.append(f"case variable(s) {', '.join(private)} look like contact details and are kept private "
                           "(private/participants.csv; not roster attributes)")
    if duplicates:
        adjustments.append(f"{len(duplicates)} code name(s) repeat under different parents (kept apart by key): "
                           + ", ".join(sorted(duplicates)[:10]))
    return ProjectImportReport(folder, project.origin, counts[0], len(keys), counts[1], counts[2], len(project.cases), adjustments)


def _code_tree(nodes: list[CodeNode], keys: dict[str, str], used: set[str]) -> list[dict[str, object]]:
    out = []
    for node in nodes:
        key = base = slug(node.name)[:60] or "code"
        n = 2
        while key in used or not key[0].isalpha():
            key = f"{base if base[0].isalpha() else 'c_' + base}_{n}"
            n += 1
        used.add(key)
        keys[node.guid] = key
        item: dict[str, object] = {"key": key, "name": node.name}
        if node.description:
            item["description"] = node.description
        if node.colour and len(node.colour) == 7:
            item["colour"] = node.colour
        children = _code_tree(node.children, keys, used)
        if children:
            item["children"] = children
        out.append(item)
    return out


def _duplicate_names(nodes: list[CodeNode]) -> set[str]:
    seen: dict[str, int] = {}

    def walk(ns: list[CodeNode]) -> None:
        for n in ns:
            seen[n.name] = seen.get(n.name, 0) + 1
            walk(n.children)

    walk(nodes)
    return {k for k, v in seen.items() if v > 1}


def _case_variables(project: ImportedProject) -> tuple[list[str], list[str]]:
    """The cases' variables: analysis attributes, and those that hold contact details (kept private)."""
    names = sorted({k for c in project.cases for k in c["variables"]})
    private = [n for n in names if CONTACT_COLUMN.search(n)
               or any(CONTACT_VALUE.search(str(c["variables"].get(n, "")).strip()) for c in project.cases)]
    return [n for n in names if n not in private and n not in FIXED], private


def _write_cases(project: ImportedProject, folder: Path) -> None:
    if not project.cases:
        return
    attributes = sorted({k for c in project.cases for k in c["variables"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["pseudonym", "names", "role", "respondent_id", *attributes])
    for i, case in enumerate(project.cases, start=1):
        name = case["name"] or f"Case {i}"
        pseudonym = name if PSEUDONYM.match(name) else f"P{i:02d}"
        writer.writerow([pseudonym, name, "participant", "", *[case["variables"].get(a, "") for a in attributes]])
    (folder / "private").mkdir()
    (folder / "private" / "participants.csv").write_text(buffer.getvalue(), encoding="utf-8")


def _fill(store: QualStore, project: ImportedProject, keys: dict[str, str]) -> tuple[int, int, int]:
    n_codings = n_memos = 0
    notes = {n["guid"]: n for n in project.notes}
    coding_guids: set[str] = set()
    memo_guids: set[str] = set()  # a GUID missing, malformed or repeated in the project is replaced by a random one
    with store.change("import", "import_qdpx", {"origin": project.origin, "sources": len(project.sources)}) as conn:
        code_ids = codes_db.ids(conn)
        for guid_, key in keys.items():
            codes_db.set_guid(conn, key, guid_)
        for src in project.sources:
            doc_id = documents_db.add(conn, name=src["name"], source="project.qde", sha256="", format="qdpx",
                                      text=src["text"], guid=src["guid"])
            _paragraph_turns(conn, doc_id, src["text"])
            length = len(src["text"])
            for sel in src["selections"]:
                if sel["code"] not in keys:
                    raise ExchangeError(f"source {src['name']!r}: a coding refers to unknown code {sel['code']}")
                if not 0 <= sel["start"] < sel["end"] <= length:
                    raise ExchangeError(f"source {src['name']!r}: selection {sel['start']}–{sel['end']} is outside the text (0–{length})")
                coding_id = codings_db.add(
                    conn, document_id=doc_id, start=sel["start"], end=sel["end"], code_id=code_ids[keys[sel["code"]]],
                    coder=sel["user"], created_at=now(), guid=kept_guid(sel["guid"], coding_guids))
                n_codings += 1
                for ref in sel["notes"]:
                    n_memos += _memo(conn, notes.pop(ref, None), "coding", coding_id, memo_guids)
            for ref in src["notes"]:
                n_memos += _memo(conn, notes.pop(ref, None), "document", doc_id, memo_guids)
    return len(project.sources), n_codings, n_memos


def _memo(conn: Connection, note: dict[str, str] | None, kind: str, target: int, seen: set[str]) -> int:
    if note is None or not note["text"]:
        return 0
    memos_db.add(conn, target_kind=kind, target_id=target, author=note["user"], text=note["text"],
                 guid=kept_guid(note["guid"], seen))
    return 1


def _paragraph_turns(conn: Connection, doc_id: int, text: str) -> None:
    """Sources from other tools have no speaker turns: each paragraph is a unit of its own."""
    rows = []
    offset = 0
    for idx, line in enumerate(text.split("\n")):
        rows.append({"idx": idx, "speaker": "(no speaker)", "participant": None, "role": "unknown",
                     "start": offset, "end": offset + len(line), "start_time": None, "end_time": None, "flagged": False})
        offset += len(line) + 1
    documents_db.add_turns(conn, doc_id, rows)


def import_qdc(study: Study, file: Path | str) -> tuple[int, list[str]]:
    """Add the codes of a .qdc codebook to the study's codebook.yaml (existing codes stay). Returns codes added."""
    from ruamel.yaml import YAML

    from ..qual.codebook import CODEBOOK_FILE, all_codes, load_codebook, sync_codebook
    from .refi import read_qdc

    nodes, notes = read_qdc(Path(file))
    if not nodes:
        raise ExchangeError(f"{Path(file).name}: the codebook holds no codes")
    existing = load_codebook(study)
    used = {c.key for c in all_codes(existing.codes)}
    keys: dict[str, str] = {}
    added = _code_tree(nodes, keys, used)
    current = [c.model_dump(exclude_defaults=True) for c in existing.codes]
    path = study.folder / CODEBOOK_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        YAML().dump({"codes": current + added}, fh)
    backup = path.read_bytes() if path.exists() else None
    os.replace(tmp, path)
    try:
        store = QualStore.for_study(study)
        sync_codebook(study, store, who="import-qdc")
        store.close()
    except BaseException:  # the codebook must not change if the store refused it
        if backup is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(backup)
        raise
    duplicates = _duplicate_names(nodes)
    if duplicates:
        notes.append(f"{len(duplicates)} code name(s) repeat under different parents (kept apart by key)")
    return len(keys), notes

