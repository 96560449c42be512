"""Imported code trees as codebook.yaml entries: keys made once per code in linear time, definitions read
back from learnervoice's own files, no recursion however deep the tree."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..store import GUID
from ..study.model import slug
from .refi_model import CodeNode
from .refi_write import DEFINITION_LABELS

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
LABELLED = re.compile(rf"^({'|'.join(DEFINITION_LABELS)}): (.*)$")


def split_definition(description: str) -> dict[str, str]:
    """learnervoice's labelled lines (Inclusion:, Exclusion:, Example:, Key:) back into their fields."""
    fields: dict[str, str] = {"description": ""}
    current = "description"
    for line in description.split("\n"):
        found = LABELLED.match(line)
        if found and found.group(1).lower() not in fields:
            current = found.group(1).lower()
            fields[current] = found.group(2)
        else:
            fields[current] = f"{fields[current]}\n{line}" if fields[current] else line
    return {k: v for k, v in fields.items() if v}


class Keys:
    """Unique code keys: a name's slug, then slug_2, slug_3… (a counter per slug, so 20,000 codes with one
    name cost 20,000 steps, not 200 million)."""

    def __init__(self, used: set[str]) -> None:
        self.used = set(used)
        self.next: dict[str, int] = {}

    def make(self, wanted: str | None, name: str) -> str:
        if wanted and KEY.match(wanted) and len(wanted) <= 100 and wanted not in self.used:
            self.used.add(wanted)
            return wanted
        base = slug(name)[:60] or "code"
        if not base[0].isalpha():
            base = f"c_{base}"
        key = base
        if key in self.used:
            n = self.next.get(base, 2)
            while f"{base}_{n}" in self.used:
                n += 1
            key = f"{base}_{n}"
            self.next[base] = n + 1
        self.used.add(key)
        return key


def walk(nodes: list[CodeNode]) -> Iterator[tuple[CodeNode, CodeNode | None]]:
    """Every code with its parent, parents first, without recursion."""
    stack: list[tuple[CodeNode, CodeNode | None]] = [(n, None) for n in reversed(nodes)]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack += [(c, node) for c in reversed(node.children)]


def yaml_tree(nodes: list[CodeNode], keys: Keys, *, ours: bool) -> tuple[list[dict[str, object]], dict[str, str]]:
    """codebook.yaml entries for these codes, and each code's key by its GUID (in tree order)."""
    roots: list[dict[str, object]] = []
    items: dict[int, dict[str, object]] = {}
    by_guid: dict[str, str] = {}
    for node, parent in walk(nodes):
        fields = split_definition(node.description) if ours else {"description": node.description}
        key = keys.make(fields.pop("key", None), node.name)
        if node.guid:
            by_guid.setdefault(node.guid, key)
        item: dict[str, object] = {"key": key, "name": node.name or key}
        item.update({k: v for k, v in fields.items() if v})
        if node.colour:
            item["colour"] = node.colour
        if not node.codable:
            item["codable"] = False  # a folder of codes (isCodable="false"): codebook.yaml says so
        items[id(node)] = item
        if parent is None:
            roots.append(item)
        else:
            siblings = items[id(parent)].setdefault("children", [])
            assert isinstance(siblings, list)
            siblings.append(item)
    return roots, by_guid


def kept_code_guids(by_guid: dict[str, str]) -> dict[str, str]:
    """Key -> GUID of the codes whose GUID is well formed (others get ours on export)."""
    return {key: guid for guid, key in by_guid.items() if GUID.fullmatch(guid)}


def repeated_names(nodes: list[CodeNode]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for node, _ in walk(nodes):
        (repeated if node.name in seen else seen).add(node.name)
    return repeated
