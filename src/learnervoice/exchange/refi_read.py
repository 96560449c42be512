"""Reading a REFI-QDA project.qde as a stream: each top-level part, and each source, is turned into plain
data when its element ends and then dropped, so memory holds the texts and selections, not the XML tree.

Nothing is dropped in silence: what learnervoice cannot hold is counted by name in the report.
Code trees are walked with an explicit stack (their depth is the file's to choose).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..errors import ExchangeError
from .refi_limits import MAX_CODE_DEPTH, xml_events
from .refi_model import (Adjustments, Case, CodeNode, CodeSet, ImportedCodebook, ImportedProject, Note, Selection, Source,
                         Variable)
from .refi_positions import DIALECT_WORDS, dialect_of, position_map

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
OTHER_SOURCES = {"PictureSource": "picture sources", "PDFSource": "PDF sources", "AudioSource": "audio sources",
                 "VideoSource": "video sources"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(el: Any, name: str) -> Iterator[Any]:
    return (c for c in el if local(c.tag) == name)


def child(el: Any, name: str) -> Any | None:
    return next(children(el, name), None)


def text_of(el: Any, name: str) -> str:
    found = child(el, name)
    return (found.text or "") if found is not None else ""


def stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def code_tree(codes_el: Any, report: Adjustments, what: str) -> list[CodeNode]:
    """The codes under a <Codes> element, in order, walked without recursion."""
    roots: list[CodeNode] = []
    stack: list[tuple[Any, list[CodeNode], int]] = [(codes_el, roots, 0)]
    while stack:
        el, into, depth = stack.pop()
        for c in children(el, "Code"):
            if depth >= MAX_CODE_DEPTH:
                raise ExchangeError(f"{what}: the code tree is deeper than {MAX_CODE_DEPTH} levels "
                                    f"(at {c.get('name', '?')!r}); refused")
            node = CodeNode(guid=c.get("guid", ""), name=c.get("name", ""), codable=_codable(c, what),
                            colour=_colour(c.get("color"), report), description=text_of(c, "Description"),
                            notes=[r.get("targetGUID", "") for r in children(c, "NoteRef")])
            into.append(node)
            stack.append((c, node.children, depth + 1))
    return roots


def _codable(el: Any, what: str) -> bool:
    value = el.get("isCodable", "true").strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise ExchangeError(f"{what}: code {el.get('name', '?')!r} has isCodable={value!r}; expected true or false")
    return value in ("true", "1")


def _colour(value: str | None, report: Adjustments) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 4 and value.startswith("#"):  # #abc is #aabbcc
        report.converted["colours #rgb written as #rrggbb"] += 1
        value = "#" + "".join(ch * 2 for ch in value[1:])
    if len(value) == 7 and value.startswith("#") and all(ch in "0123456789abcdefABCDEF" for ch in value[1:]):
        return value
    report.not_kept["code colours that are not #RRGGBB"] += 1
    return None


def code_sets(sets_el: Any) -> list[CodeSet]:
    return [CodeSet(s.get("guid", ""), s.get("name", ""), text_of(s, "Description"),
                    [m.get("guid") or m.get("targetGUID", "") for m in children(s, "MemberCode")],
                    [m.get("targetGUID", "") for m in children(s, "MemberSource")],
                    [m.get("targetGUID", "") for m in children(s, "MemberNote")]) for s in children(sets_el, "Set")]


class ProjectReader:
    """Builds an `ImportedProject` from the stream of project.qde; texts in the archive are read afterwards."""

    def __init__(self, path: Path) -> None:
        self.path, self.what = path, f"{path.name}:project.qde"
        self.project = ImportedProject(path.stem, "")
        self.pending: list[tuple[Source, str]] = []  # sources whose text is an entry of the archive
        self.multi_coded = 0

    def read(self, stream: IO[bytes]) -> ImportedProject:
        stack: list[Any] = []
        for event, el in xml_events(stream, self.what):
            if event == "start":
                if not stack:
                    self._root(el)
                stack.append(el)
                continue
            stack.pop()
            if len(stack) == 1 and local(el.tag) != "Sources":
                self._part(el)
                stack[0].remove(el)
            elif len(stack) == 2 and local(stack[1].tag) == "Sources":
                self._source(el)
                stack[1].remove(el)
        if self.multi_coded:
            self.project.report.notes.append(f"{self.multi_coded} selection(s) with several codes kept as one coding "
                                             "per code (exported again as one selection per coding)")
        return self.project

    def _root(self, el: Any) -> None:
        if local(el.tag) != "Project":
            raise ExchangeError(f"{self.what}: not a REFI-QDA project (root element {local(el.tag)!r})")
        self.project.name, self.project.origin = el.get("name") or self.path.stem, el.get("origin", "")
        self.dialect = dialect_of(self.project.origin)
        self.project.report.dialect = DIALECT_WORDS[self.dialect]

    def _part(self, el: Any) -> None:
        p, name = self.project, local(el.tag)
        if name == "Users":
            self._users(el)
        elif name == "CodeBook":
            codes = child(el, "Codes")
            p.codes = code_tree(codes, p.report, self.what) if codes is not None else []
        elif name == "Variables":
            p.variables = [Variable(v.get("guid", ""), v.get("name", ""), self._variable_type(v),
                                    text_of(v, "Description")) for v in children(el, "Variable")]
        elif name == "Cases":
            p.cases = [self._case(c) for c in children(el, "Case")]
        elif name == "Notes":
            p.notes = [self._note(n) for n in children(el, "Note")]
        elif name == "Sets":
            p.sets = code_sets(el)
        elif name == "Description":
            p.description = el.text or ""
        elif name == "NoteRef":
            p.project_notes.append(el.get("targetGUID", ""))
        else:
            p.report.not_kept[name.lower()] += max(1, len(el))  # Links, Graphs: how many of them

    def _variable_type(self, v: Any) -> str:
        given = v.get("typeOfVariable", "Text")
        if given in VARIABLE_TYPES:
            return str(given)
        self.project.report.notes.append(f"variable {v.get('name', '?')!r} has type {given!r}; kept as Text")
        return "Text"

    def _users(self, el: Any) -> None:
        taken: set[str] = set()
        for u in children(el, "User"):
            base = name = u.get("name") or u.get("id") or u.get("guid", "")
            n = 2
            while name.lower() in taken:
                name, n = f"{base} ({n})", n + 1
            if name != base:
                self.project.report.notes.append(f"two users named {base!r}: the second is kept as {name!r}")
            taken.add(name.lower())
            self.project.users[u.get("guid", "")] = name

    def _user(self, guid: str | None) -> str:
        return self.project.users.get(guid or "", guid or "import")

    def _case(self, c: Any) -> Case:
        names = {v.guid: v.name for v in self.project.variables}
        values = {}
        for vv in children(c, "VariableValue"):
            ref = child(vv, "VariableRef")
            value = next((x.text for x in vv if local(x.tag).endswith("Value") and local(x.tag) != "VariableValue"), None)
            if ref is not None and value is not None:
                target = ref.get("targetGUID", "")
                values[names.get(target, target)] = value
        for kind, words in (("CodeRef", "codes linked to cases"), ("SelectionRef", "selections linked to cases")):
            self.project.report.not_kept[words] += sum(1 for _ in children(c, kind))
        return Case(c.get("guid", ""), c.get("name", ""), values,
                    [r.get("targetGUID", "") for r in children(c, "SourceRef")], text_of(c, "Description"))

    def _note(self, n: Any) -> Note:
        if n.get("plainTextPath") and child(n, "PlainTextContent") is None:
            self.project.report.not_kept["notes whose text is a separate file"] += 1
        return Note(n.get("guid"), n.get("name", ""), text_of(n, "PlainTextContent"), self._user(n.get("creatingUser")),
                    stamp(n.get("creationDateTime")))

    def _source(self, el: Any) -> None:
        kind = local(el.tag)
        report = self.project.report
        if kind != "TextSource":
            report.not_kept[OTHER_SOURCES.get(kind, kind)] += 1
            return
        name = el.get("name") or el.get("guid") or "?"
        source = Source(name, el.get("guid"), "", description=text_of(el, "Description"),
                        notes=[r.get("targetGUID", "") for r in children(el, "NoteRef")])
        for sel in children(el, "PlainTextSelection"):
            self._selection(source, sel)
        for what, count in (("codings of whole sources", sum(1 for _ in children(el, "Coding"))),
                            ("variable values on sources", sum(1 for _ in children(el, "VariableValue"))),
                            ("rich-text versions of sources (their plain text is kept)", int(bool(el.get("richTextPath"))))):
            report.not_kept[what] += count
        content = child(el, "PlainTextContent")
        self.project.sources.append(source)  # in the project's order; those left without text go at the end
        if content is not None and content.text is not None:
            self._finish(source, content.text)
        elif el.get("plainTextPath"):
            self.pending.append((source, el.get("plainTextPath")))
        else:
            report.notes.append(f"source {name!r} has no plain text; skipped")

    def _selection(self, source: Source, sel: Any) -> None:
        start, end = (self._position(source.name, sel, a) for a in ("startPosition", "endPosition"))
        notes: list[str] = []
        codings = []
        for part in sel:  # one pass over the selection's children: files hold tens of thousands of selections
            name = local(part.tag)
            if name == "Coding":
                codings.append(part)
            elif name == "NoteRef":
                notes.append(part.get("targetGUID", ""))
            elif name == "Description":
                self.project.report.not_kept["selection descriptions"] += 1
        if not codings:
            self.project.report.not_kept["selections without a code"] += 1
        self.multi_coded += len(codings) > 1
        for coding in codings:
            ref = None
            for part in coding:
                if local(part.tag) == "CodeRef":
                    ref = part
                elif local(part.tag) == "NoteRef":
                    notes.append(part.get("targetGUID", ""))
            if ref is None:
                raise ExchangeError(f"{self.what}: source {source.name!r}, selection {sel.get('guid', '?')}: "
                                    "a coding without a CodeRef")
            user = coding.get("creatingUser") or sel.get("creatingUser")
            source.selections.append(Selection(
                start, end, ref.get("targetGUID", ""), coding.get("guid"), self._user(user),
                stamp(coding.get("creationDateTime") or sel.get("creationDateTime")), tuple(notes)))

    def _position(self, source: str, selection: Any, attribute: str) -> int:
        """A selection's start or end: a whole number of characters, or a clear error naming where it is."""
        raw = selection.get(attribute, "0")
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if value < 0:
            raise ExchangeError(f"{self.path.name}: source {source!r}, selection {selection.get('guid', '?')}: "
                                f"{attribute}={raw!r} is not a position (a whole number of characters from 0)")
        return value

    def finish_pending(self, texts: dict[str, str]) -> None:
        """The sources whose text was in the archive (`texts` by reference; a missing one is reported)."""
        for source, ref in self.pending:
            if ref in texts:
                self._finish(source, texts[ref])
            else:
                self.project.report.notes.append(f"source {source.name!r} has no plain text in the archive; skipped")
        self.pending.clear()
        self.project.sources = [s for s in self.project.sources if s.text]

    def _finish(self, source: Source, text: str) -> None:
        """Positions converted from the tool's dialect and checked against the text (line ends kept)."""
        if not text.strip():
            self.project.report.notes.append(f"source {source.name!r} is empty; skipped")
            self.project.report.not_kept["codings on empty sources"] += len(source.selections)
            return
        convert = position_map(self.dialect, text, self.project.report)
        length = len(text)
        for sel in source.selections:
            sel.start, sel.end = convert(sel.start, end=False), convert(sel.end, end=True)
            if not 0 <= sel.start < sel.end <= length:
                raise ExchangeError(f"{self.path.name}: source {source.name!r}: selection {sel.start}–{sel.end} is "
                                    f"outside the text (0–{length})")
        source.text = text


def read_codebook(path: Path, data: bytes, namespaces: tuple[str, ...]) -> ImportedCodebook:
    """The codes and sets of a .qdc file, with what was adjusted."""
    from .refi_limits import parse_xml

    root = parse_xml(data, path.name)
    if local(root.tag) != "CodeBook":
        raise ExchangeError(f"{path.name}: not a REFI-QDA codebook (root element {local(root.tag)!r})")
    report = Adjustments(dialect="")
    ns = namespace(root.tag)
    if ns != namespaces[0]:
        if ns not in namespaces:
            raise ExchangeError(f"{path.name}: unknown codebook namespace {ns!r}")
        report.notes.append(f"older codebook namespace {ns} read as {namespaces[0]}")
    codes_el, sets_el = child(root, "Codes"), child(root, "Sets")
    codes = [] if codes_el is None else code_tree(codes_el, report, path.name)
    sets = [] if sets_el is None else code_sets(sets_el)
    return ImportedCodebook(root.get("origin", ""), codes, sets, report)
