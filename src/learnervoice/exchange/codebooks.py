"""A REFI-QDA .qdc codebook added to a study's codebook: GUIDs kept, learnervoice's own keys and definitions
read back, sets kept, codes the study already has (same GUID) left as they are, so importing a codebook
twice adds nothing the second time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ExchangeError
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import exchange as exchange_db
from ..store.exchange import ExchangeObject
from ..study.load import Study
from .codetree import Keys, kept_code_guids, repeated_names, split_definition, walk
from .refi import open_qdc
from .refi_model import CodeNode, ImportedCodebook
from .refi_write import code_guid


def import_qdc(study: Study, file: Path | str) -> tuple[int, list[str]]:
    """Add the codes of a .qdc codebook to the study's codebook.yaml (existing codes stay). Returns the codes
    added and what was adjusted, kept or not kept, in words."""
    from ..qual.codebook import CODEBOOK_FILE, load_codebook

    book = open_qdc(Path(file))
    if not book.codes:
        raise ExchangeError(f"{Path(file).name}: the codebook holds no codes")
    existing = load_codebook(study)
    current = [c.model_dump(exclude_defaults=True) for c in existing.codes]
    store = QualStore.for_study(study)
    try:
        with store.read() as conn:
            present = {code_guid(r).lower(): r.key for r in codes_db.all_codes(conn)}
        keys, added = _merge(book, current, present)
        path = study.folder / CODEBOOK_FILE
        backup = path.read_bytes() if path.exists() else None
        _write_yaml(path, current)
        try:
            _store(study, store, book, keys)
        except BaseException:  # the codebook must not change if the store refused it
            if backup is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(backup)
            raise
    finally:
        store.close()
    return added, book.report.lines()


def _merge(book: ImportedCodebook, current: list[dict[str, Any]], present: dict[str, str]) -> tuple[dict[str, str], int]:
    """The new codes into the dumped codebook tree (under their parent, new or already there); key by GUID."""
    items: dict[str, dict[str, Any]] = {}
    stack = list(current)
    while stack:
        item = stack.pop()
        items[item["key"]] = item
        stack += item.get("children", [])
    ours = book.origin.lower().startswith("learnervoice")
    keys = Keys(set(items))
    by_guid: dict[str, str] = {}
    placed: dict[int, dict[str, Any]] = {}
    already = 0
    for node, parent in walk(book.codes):
        if node.guid.lower() in present:
            by_guid[node.guid] = present[node.guid.lower()]
            placed[id(node)] = items[present[node.guid.lower()]]
            already += 1
            continue
        item = _item(node, keys, ours)
        by_guid.setdefault(node.guid, item["key"])
        placed[id(node)] = item
        (current if parent is None else placed[id(parent)].setdefault("children", [])).append(item)
    if already:
        book.report.notes.append(f"{already} code(s) already in the codebook (same GUID) left as they are")
    repeated = repeated_names(book.codes)
    if repeated:
        book.report.notes.append(f"{len(repeated)} code name(s) repeat under different parents (kept apart by key)")
    return by_guid, sum(1 for _ in walk(book.codes)) - already


def _item(node: CodeNode, keys: Keys, ours: bool) -> dict[str, Any]:
    fields = split_definition(node.description) if ours else {"description": node.description}
    item: dict[str, Any] = {"key": keys.make(fields.pop("key", None), node.name), "name": node.name}
    item["name"] = item["name"] or item["key"]
    item.update({k: v for k, v in fields.items() if v})
    if node.colour:
        item["colour"] = node.colour
    if not node.codable:
        item["codable"] = False
    return item


def _write_yaml(path: Path, codes: list[dict[str, Any]]) -> None:
    from ruamel.yaml import YAML

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        YAML().dump({"codes": codes}, fh)
    os.replace(tmp, path)


def _store(study: Study, store: QualStore, book: ImportedCodebook, keys: dict[str, str]) -> None:
    from ..qual.codebook import sync_codebook
    from ..store import GUID

    sync_codebook(study, store, who="import-qdc")
    kept: list[ExchangeObject] = []  # isCodable is in codebook.yaml (`codable: false`), synced above
    for s in book.sets:
        if GUID.fullmatch(s.guid):
            kept.append(ExchangeObject("set", s.guid, s.name, {"description": s.description, "codes": s.codes}))
            book.report.sets_kept += 1
        else:
            book.report.not_kept["sets without a well-formed GUID"] += 1
    record: dict[str, Any] = {"origin": book.origin}
    with store.change("import-qdc", "import_qdc", record) as conn:
        exchange_db.set_code_guids(conn, kept_code_guids(keys))
        exchange_db.keep_objects(conn, kept)
        record["report"] = book.report.record()
