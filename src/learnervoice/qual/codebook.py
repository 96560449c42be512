"""The codebook: hierarchical codes kept as readable YAML (codebook.yaml) and in the store.

Each code has a stable `key`; its name, place and definition may change
without touching its codings. Renames, moves, merges, splits and deletions go
through the store (with the audit log) and are written back to the YAML file.

A code with `codable: false` is a folder of codes (ATLAS.ti's, NVivo's and MAXQDA's isCodable="false"): text
is coded with its sub-codes, never with it. `coding_targets` is where every way of making a coding (the CLI,
a codings file, auto-coding, the workbench, an accepted suggestion, a merge or a move of codings) learns
which codes it may use; codings a code had before it became a folder are kept.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from ..errors import CodingError, FolderCodeError, StudyError
from ..privacy.gate import Gate, gate_for
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..study.load import Study, _read_yaml, _validated

CODEBOOK_FILE = "codebook.yaml"


class CodeSpec(BaseModel):
    """One code of codebook.yaml, with its children."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
    name: str = Field(min_length=1)
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    codable: bool = True  # false: a folder of codes; text is coded with its sub-codes (written only when false)
    children: list[CodeSpec] = Field(default_factory=list)


class CodebookSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[CodeSpec] = Field(default_factory=list)


def load_codebook(study: Study) -> CodebookSpec:
    path = study.folder / CODEBOOK_FILE
    if not path.is_file():
        return CodebookSpec()
    data = _read_yaml(path)
    if data is None:
        return CodebookSpec()
    spec = _validated(CodebookSpec, data, path)
    counts = Counter(c.key for c in all_codes(spec.codes))  # one pass: a codebook may hold thousands of codes
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    if duplicates:
        raise StudyError(f"code keys must be unique; repeated: {', '.join(duplicates)}", file=path)
    return spec


def all_codes(specs: list[CodeSpec]) -> list[CodeSpec]:
    """Every code of a codebook tree, parents before their children."""
    out: list[CodeSpec] = []
    for s in specs:
        out.append(s)
        out += all_codes(s.children)
    return out


def sync_codebook(study: Study, store: QualStore, who: str = "codebook", *, gate: Gate | None = None,
                  spec: CodebookSpec | None = None) -> int:
    """Make the store's codes what codebook.yaml says (added and updated; none removed silently).

    Names and definitions pass through the disclosure gate: the store holds them pseudonymised
    (`gate.notice()` says what was replaced). `spec`: the codebook just written to codebook.yaml by the
    caller (an import of thousands of codes), which spares reading the YAML back.
    """
    spec = spec or load_codebook(study)
    gate = gate or gate_for(study)
    with store.change(who, "sync_codebook", {"codes": len(all_codes(spec.codes))}) as conn:
        _upsert(conn, spec.codes, None, codes_db.ids(conn), gate)
    return len(all_codes(spec.codes))


def _upsert(conn: sa.Connection, specs: list[CodeSpec], parent: int | None, existing: dict[str, int], gate: Gate) -> None:
    for position, s in enumerate(specs):
        values: dict[str, Any] = {
            "name": gate.release(s.name), "parent_id": parent, "description": gate.release(s.description),
            "inclusion": gate.release(s.inclusion), "exclusion": gate.release(s.exclusion),
            "example": gate.release(s.example), "colour": s.colour, "position": position, "codable": s.codable,
        }
        if s.key in existing:
            codes_db.update(conn, existing[s.key], **values)
            code_id = existing[s.key]
        else:
            code_id = codes_db.add(conn, s.key, **values)
            existing[s.key] = code_id
        _upsert(conn, s.children, code_id, existing, gate)


def code_id(conn: sa.Connection, key: str) -> int:
    found = codes_db.code_id(conn, key)
    if found is None:
        raise CodingError(f"no code {key!r} in the codebook")
    return found


@dataclass(frozen=True)
class CodingTargets:
    """The codes text may be coded with: every code's id by key, and why each folder of codes may not be."""

    ids: dict[str, int]
    folders: dict[str, str]  # key -> the refusal, naming the sub-codes to use instead

    def id_of(self, key: str) -> int:
        """The id of a code to code text with: CodingError for no such code, FolderCodeError for a folder."""
        if key in self.folders:
            raise FolderCodeError(self.folders[key])
        if key not in self.ids:
            raise CodingError(f"no code {key!r} in the codebook")
        return self.ids[key]


def coding_targets(conn: sa.Connection) -> CodingTargets:
    """Which codes text may be coded with (one read of the codebook)."""
    rows = codes_db.all_codes(conn)
    children: dict[int | None, list[codes_db.Code]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    folders = {r.key: folder_refusal(r.key, _codable_below(r, children)) for r in rows if not r.codable}
    return CodingTargets({r.key: r.id for r in rows}, folders)


def _codable_below(folder: codes_db.Code, children: dict[int | None, list[codes_db.Code]]) -> list[str]:
    """The nearest codable codes under a folder: its codable sub-codes, and those of its sub-folders."""
    found: list[str] = []
    stack = list(reversed(children.get(folder.id, [])))
    while stack:
        code = stack.pop()
        if code.codable:
            found.append(code.key)
        else:
            stack += reversed(children.get(code.id, []))
    return found


def folder_refusal(key: str, below: list[str], shown: int = 8) -> str:
    """Why text cannot be coded with a folder of codes, and what to do instead.

    >>> folder_refusal("feelings", ["joy", "fear"])
    "code 'feelings' is a folder of codes (codable: false in codebook.yaml): code with one of its sub-codes (joy, fear) or make it codable"
    """
    what = f"code {key!r} is a folder of codes (codable: false in codebook.yaml)"
    if not below:
        return f"{what} with no sub-code to code with: add one or make it codable"
    listed = ", ".join(below[:shown]) + (f", … ({len(below)} in all)" if len(below) > shown else "")
    return f"{what}: code with one of its sub-codes ({listed}) or make it codable"


def codable_id(conn: sa.Connection, key: str) -> int:
    """The id of a code text may be coded with (see `CodingTargets.id_of`)."""
    return coding_targets(conn).id_of(key)


def subtree_keys(conn: sa.Connection, key: str) -> list[str]:
    """A code's key followed by the keys of all its sub-codes, depth first."""
    rows = codes_db.all_codes(conn)
    children: dict[int | None, list[Any]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    out: list[str] = []

    def walk(row: Any) -> None:
        out.append(row.key)
        for child in children.get(row.id, []):
            walk(child)

    for row in rows:
        if row.key == key:
            walk(row)
    if not out:
        raise CodingError(f"no code {key!r} in the codebook")
    return out


def rename_code(study: Study, store: QualStore, key: str, name: str, who: str, *, gate: Gate | None = None) -> None:
    """A code's new name (pseudonymised by the gate if it holds a name)."""
    name = (gate or gate_for(study)).release(name)
    detail: dict[str, Any] = {"key": key, "name": name}
    with store.change(who, "rename_code", detail) as conn:
        cid = code_id(conn, key)
        detail["undo"] = {"name": codes_db.row(conn, cid)["name"]}
        codes_db.rename(conn, cid, name)
    write_codebook(study, store)


def move_code(study: Study, store: QualStore, key: str, parent_key: str | None, who: str) -> None:
    detail: dict[str, Any] = {"key": key, "parent": parent_key}
    with store.change(who, "move_code", detail) as conn:
        cid = code_id(conn, key)
        parent = None if parent_key is None else code_id(conn, parent_key)
        before = codes_db.parent_of(conn, cid)
        detail["undo"] = {"parent": None if before is None else codes_db.key_of(conn, before)}
        ancestor = parent
        while ancestor is not None:
            if ancestor == cid:
                raise CodingError(f"cannot move {key!r} under its own descendant {parent_key!r}")
            ancestor = codes_db.parent_of(conn, ancestor)
        codes_db.set_parent(conn, cid, parent)
    write_codebook(study, store)


def merge_codes(study: Study, store: QualStore, source: str, target: str, who: str) -> int:
    """Every coding of `source` becomes a coding of `target`; `source` goes. Returns codings moved."""
    detail: dict[str, Any] = {"from": source, "into": target}
    with store.change(who, "merge_codes", detail) as conn:
        src = code_id(conn, source)
        dst = codable_id(conn, target) if codings_db.count_of_code(conn, src) else code_id(conn, target)
        if src == dst:
            raise CodingError("a code cannot be merged into itself")
        gone = codes_db.row(conn, src)
        children = codes_db.children(conn, src)
        moved = codings_db.reassign(conn, src, dst)
        codes_db.move_children(conn, src, dst)
        codes_db.delete(conn, src)
        detail["undo"] = {"code": kept(gone), "children": children, "moved": moved.moved,
                          "dropped": [kept(r) for r in moved.dropped]}
    write_codebook(study, store)
    return len(moved.moved) + len(moved.dropped)


def split_code(study: Study, store: QualStore, key: str, new_key: str, new_name: str, coding_ids: list[int], who: str) -> None:
    """A new sibling code takes the listed codings of `key` with it."""
    detail: dict[str, Any] = {"key": key, "new": new_key, "codings": coding_ids}
    with store.change(who, "split_code", detail) as conn:
        cid = code_id(conn, key)
        new_id = codes_db.add(conn, new_key, new_name, parent_id=codes_db.parent_of(conn, cid), position=999)
        detail["undo"] = {"code": cid, "new_code": new_id}
        ids = set(coding_ids)
        found = codings_db.ids_of_code(conn, cid, ids)
        if found != ids:
            raise CodingError(f"codings {sorted(ids - found)} are not codings of {key!r}")
        codings_db.set_code(conn, ids, new_id)
    write_codebook(study, store)


def delete_code(study: Study, store: QualStore, key: str, who: str, *, codings_to: str | None = None, drop_codings: bool = False) -> int:
    """Delete a code. If it has codings, say where they go (`codings_to`) or that they go (`drop_codings`)."""
    detail: dict[str, Any] = {"key": key, "codings_to": codings_to, "drop": drop_codings}
    with store.change(who, "delete_code", detail) as conn:
        cid = code_id(conn, key)
        used = codings_db.count_of_code(conn, cid)
        gone = codes_db.row(conn, cid)
        if codes_db.child_count(conn, cid):
            raise CodingError(f"{key!r} has sub-codes; move or delete them first")
        if used and codings_to is None and not drop_codings:
            raise CodingError(
                f"{key!r} has {used} coding(s); say where they go (--codings-to CODE) or that they are deleted (--drop-codings)"
            )
        moved = codings_db.Reassigned([], [])
        if used and codings_to is not None:
            moved = codings_db.reassign(conn, cid, codable_id(conn, codings_to))
        dropped = moved.dropped + codings_db.rows_of_code(conn, cid)
        codings_db.delete_of_code(conn, cid)
        codes_db.delete(conn, cid)
        detail["undo"] = {"code": kept(gone), "children": [], "moved": moved.moved, "dropped": [kept(r) for r in dropped]}
    write_codebook(study, store)
    return used


def set_codable(study: Study, store: QualStore, key: str, codable: bool, who: str) -> int:
    """Whether text may be coded with a code (False: it becomes a folder of codes, coded through its sub-codes).
    The codings it has are kept either way; returns how many it has."""
    detail: dict[str, Any] = {"key": key, "codable": codable}
    with store.change(who, "set_codable", detail) as conn:
        cid = code_id(conn, key)
        detail["undo"] = {"codable": bool(codes_db.row(conn, cid)["codable"])}
        codes_db.set_codable(conn, [key], codable)
        has = codings_db.count_of_code(conn, cid)
    write_codebook(study, store)
    return has


def write_pending_folders(study: Study, store: QualStore) -> bool:
    """Folders a store knew of before codebook.yaml could say `codable` (kept for export only; see migration 0009)
    marked in the store again, after the file's own changes were read, and written into codebook.yaml once.
    Whether anything was written."""
    with store.read() as conn:
        pending = codes_db.pending_folders(conn)
    if not pending:
        return False
    with store.change("learnervoice", "codable_from_export", {"keys": pending}) as conn:
        codes_db.set_codable(conn, pending, False)
        codes_db.forget_pending_folders(conn)
    write_codebook(study, store)
    return True


def kept(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the audit log keeps it for an undo (times as ISO text)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def write_codebook(study: Study, store: QualStore) -> Path:
    """Write the store's codebook back to codebook.yaml (atomically)."""
    from ruamel.yaml import YAML

    with store.read() as conn:
        rows = codes_db.all_codes(conn)
    children: dict[int | None, list[Any]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)

    def tree(parent: int | None) -> list[dict[str, Any]]:
        out = []
        for r in children.get(parent, []):
            item: dict[str, Any] = {"key": r.key, "name": r.name}
            for fieldname in ("description", "inclusion", "exclusion", "example", "colour"):
                if getattr(r, fieldname):
                    item[fieldname] = getattr(r, fieldname)
            if not r.codable:
                item["codable"] = False
            if children.get(r.id):
                item["children"] = tree(r.id)
            out.append(item)
        return out

    path = study.folder / CODEBOOK_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    yaml = YAML()
    yaml.default_flow_style = False
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("# The codebook of this study: themes, codes and sub-codes. Keys are stable; names may change.\n")
        yaml.dump({"codes": tree(None)}, fh)
    os.replace(tmp, path)
    return path
