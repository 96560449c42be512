"""REFI-QDA exchange: export .qdpx projects and .qdc codebooks; import them from ATLAS.ti, NVivo, MAXQDA.

Exports follow the QDA-XML 1.0 schemas strictly (positions in Unicode code
points from 0, end exclusive). Imports accept the dialects real tools write
(the older `urn:QDA-XML:codebook:0:4` namespace, NVivo's UTF-16 positions with
CRLF as two, ATLAS.ti's CRLF as one, a lower-case `sources/` folder) and say
what they adjusted. XML is parsed with defusedxml; zip archives are bounded.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import ExchangeError
from ..privacy.gate import Gate
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import exchange as exchange_db

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
CODEBOOK_NAMESPACES = (CODEBOOK_NS, "urn:QDA-XML:codebook:0:4")
GUID_NAMESPACE = uuid.UUID("6f1f7a53-6e1b-4d7e-9b0e-2f0b8d6f3c11")
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 1024**3
MAX_RATIO = 200
MAX_XML_BYTES = 256 * 1024**2


def guid(kind: str, key: object) -> str:
    """A stable GUID for one of our objects, so repeated exports agree."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


# --- export ---------------------------------------------------------------------------------


def _code_rows(store: QualStore) -> list[codes_db.Code]:
    with store.read() as conn:
        return codes_db.all_codes(conn)


def code_guid(row: Any) -> str:
    return str(row.guid or guid("code", row.key))


def _description(row: Any) -> str:
    parts = [row.description]
    for label, text in (("Inclusion", row.inclusion), ("Exclusion", row.exclusion), ("Example", row.example)):
        if text:
            parts.append(f"{label}: {text}")
    return "\n".join(p for p in parts if p)


def _code_elements(parent: ET.Element, rows: list[Any], ns: str, gate: Gate) -> None:
    children: dict[int | None, list[Any]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)

    def add(into: ET.Element, parent_id: int | None) -> None:
        for r in children.get(parent_id, []):
            attrs = {"guid": code_guid(r), "name": gate.release(r.name), "isCodable": "true"}
            if r.colour:
                attrs["color"] = r.colour
            el = ET.SubElement(into, f"{{{ns}}}Code", attrs)
            text = _description(r)
            if text:
                ET.SubElement(el, f"{{{ns}}}Description").text = gate.release(text)
            add(el, r.id)

    add(parent, None)


def _write_xml(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue()


def codebook_xml(store: QualStore, gate: Gate) -> bytes:
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "learnervoice"})
    codes_el = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    rows = _code_rows(store)
    if not rows:
        raise ExchangeError("the codebook is empty; nothing to export")
    _code_elements(codes_el, rows, CODEBOOK_NS, gate)
    return _write_xml(root, CODEBOOK_NS)


def export_qdc(store: QualStore, out: Path, *, gate: Gate) -> Path:
    """Write the codebook as a REFI-QDA .qdc file (names and definitions through the disclosure gate)."""
    _atomic_write(out, codebook_xml(store, gate))
    return out


def export_qdpx(store: QualStore, out: Path, *, project: str, gate: Gate,
                participants: list[dict[str, str]] | None = None) -> Path:
    """Write the project (codebook, pseudonymised sources, codings, coders, memos, cases) as .qdpx.

    Every text written passes through the disclosure gate; when it replaces words of a source,
    the selections on that source move with the text.
    """
    qde, sources = project_xml(store, project=project, participants=participants or [], gate=gate)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for name, text in sources.items():
            zf.writestr(f"Sources/{name}", text.encode("utf-8"))
    _atomic_write(out, buffer.getvalue())
    return out


def project_xml(store: QualStore, *, project: str, participants: list[dict[str, str]],
                gate: Gate) -> tuple[bytes, dict[str, str]]:
    n = f"{{{PROJECT_NS}}}"
    with store.read() as conn:
        stored = exchange_db.project(conn)
    docs, coding_rows, memo_rows, turn_rows = stored.sources, stored.selections, stored.memos, stored.speakers
    root = ET.Element(f"{n}Project", {"name": gate.release(project), "origin": "learnervoice"})
    coders = sorted({r.coder for r in coding_rows} | {r.author for r in memo_rows})
    if coders:
        users = ET.SubElement(root, f"{n}Users")
        for coder in coders:
            ET.SubElement(users, f"{n}User", {"guid": guid("user", coder), "name": gate.release(coder)})
    rows = _code_rows(store)
    if rows:
        codebook = ET.SubElement(ET.SubElement(root, f"{n}CodeBook"), f"{n}Codes")
        _code_elements(codebook, rows, PROJECT_NS, gate)
    _cases(root, n, gate.release(participants), turn_rows, docs)
    note_refs = _note_refs(memo_rows)
    sources: dict[str, str] = {}
    if docs:
        sources_el = ET.SubElement(root, f"{n}Sources")
        for d in docs:
            doc_guid = d.guid or guid("document", d.name)
            src = ET.SubElement(sources_el, f"{n}TextSource", {
                "guid": doc_guid, "name": gate.release(d.name), "plainTextPath": f"internal://{doc_guid}.txt",
                "creationDateTime": _stamp(d.imported_at),
            })
            text, moved = gate.release_text(d.text)
            sources[f"{doc_guid}.txt"] = text
            for c in (c for c in coding_rows if c.document_id == d.id):
                sel = ET.SubElement(src, f"{n}PlainTextSelection", {
                    "guid": guid("selection", c.id), "startPosition": str(moved(c.start, False)),
                    "endPosition": str(moved(c.end, True)),
                    "creatingUser": guid("user", c.coder), "creationDateTime": _stamp(c.created_at),
                })
                coding = ET.SubElement(sel, f"{n}Coding", {"guid": c.guid or guid("coding", c.id),
                                                             "creatingUser": guid("user", c.coder),
                                                             "creationDateTime": _stamp(c.created_at)})
                ET.SubElement(coding, f"{n}CodeRef", {"targetGUID": c.code_guid or guid("code", c.key)})
                for ref in note_refs.get(("coding", c.id), []):
                    ET.SubElement(sel, f"{n}NoteRef", {"targetGUID": ref})
            for ref in note_refs.get(("document", d.id), []):
                ET.SubElement(src, f"{n}NoteRef", {"targetGUID": ref})
    if memo_rows:
        notes = ET.SubElement(root, f"{n}Notes")
        for m in memo_rows:
            note = ET.SubElement(notes, f"{n}Note", {"guid": m.guid or guid("memo", m.id), "name": f"{m.target_kind} memo",
                                                      "creatingUser": guid("user", m.author), "creationDateTime": _stamp(m.created_at)})
            ET.SubElement(note, f"{n}PlainTextContent").text = gate.release(m.text)
    return _write_xml(root, PROJECT_NS), sources


def _cases(root: ET.Element, n: str, participants: list[dict[str, str]], turn_rows: Sequence[tuple[int, str]],
           docs: Sequence[Any]) -> None:
    if not participants:
        return
    names = sorted({k for p in participants for k in p if k != "pseudonym"})
    variables = ET.SubElement(root, f"{n}Variables")
    for name in names:
        ET.SubElement(variables, f"{n}Variable", {"guid": guid("variable", name), "name": name, "typeOfVariable": "Text"})
    cases = ET.SubElement(root, f"{n}Cases")
    doc_names = {d.id: d.name for d in docs}
    for p in participants:
        case = ET.SubElement(cases, f"{n}Case", {"guid": guid("case", p["pseudonym"]), "name": p["pseudonym"]})
        for name in names:
            if p.get(name):
                value = ET.SubElement(case, f"{n}VariableValue")
                ET.SubElement(value, f"{n}VariableRef", {"targetGUID": guid("variable", name)})
                ET.SubElement(value, f"{n}TextValue").text = p[name]
        for doc_id in sorted({document_id for document_id, participant in turn_rows if participant == p["pseudonym"]}):
            ET.SubElement(case, f"{n}SourceRef", {"targetGUID": guid("document", doc_names[doc_id])})


def _note_refs(memo_rows: Sequence[Any]) -> dict[tuple[str, int], list[str]]:
    refs: dict[tuple[str, int], list[str]] = {}
    for m in memo_rows:
        refs.setdefault((m.target_kind, m.target_id), []).append(m.guid or guid("memo", m.id))
    return refs


def _stamp(value: Any) -> str:
    if value is None:
        return "2000-01-01T00:00:00Z"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atomic_write(out: Path, data: bytes) -> None:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)


# --- import ---------------------------------------------------------------------------------


@dataclass
class CodeNode:
    guid: str
    name: str
    codable: bool
    colour: str | None
    description: str
    children: list[CodeNode] = field(default_factory=list)


@dataclass
class ImportedProject:
    name: str
    origin: str
    codes: list[CodeNode]
    users: dict[str, str]  # guid -> name
    sources: list[dict[str, Any]]  # name, guid, text, notes, selections: [{start, end, code, guid, user, notes}]
    notes: list[dict[str, Any]]  # guid, text, user, targets
    cases: list[dict[str, Any]]  # name, variables {name: value}
    adjustments: list[str] = field(default_factory=list)


def parse_xml(data: bytes, what: str) -> Any:
    """Parse untrusted XML: no DTDs, no entities, bounded size."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if len(data) > MAX_XML_BYTES:
        raise ExchangeError(f"{what}: the XML is larger than 256 MB; refused")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ExchangeError(f"{what}: refused, the XML declares a DTD or entities ({type(exc).__name__})") from None
    except ET.ParseError as exc:
        raise ExchangeError(f"{what}: not well-formed XML ({exc})") from None


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag)[1] == name]


def _child(el: Any, name: str) -> Any | None:
    found = _children(el, name)
    return found[0] if found else None


def _codes(el: Any) -> list[CodeNode]:
    out = []
    for c in _children(el, "Code"):
        desc = _child(c, "Description")
        out.append(CodeNode(
            guid=c.get("guid", ""), name=c.get("name", ""), codable=c.get("isCodable", "true").lower() == "true",
            colour=c.get("color"), description=(desc.text or "") if desc is not None else "", children=_codes(c),
        ))
    return out


def read_qdc(path: Path) -> tuple[list[CodeNode], list[str]]:
    """Codes of a .qdc file, with notes on the dialect adjusted."""
    root = parse_xml(_read_bounded(path), path.name)
    ns, local = _local(root.tag)
    if local != "CodeBook":
        raise ExchangeError(f"{path.name}: not a REFI-QDA codebook (root element {local!r})")
    notes = []
    if ns != CODEBOOK_NS:
        if ns not in CODEBOOK_NAMESPACES:
            raise ExchangeError(f"{path.name}: unknown codebook namespace {ns!r}")
        notes.append(f"older codebook namespace {ns} read as {CODEBOOK_NS}")
    codes_el = _child(root, "Codes")
    return ([] if codes_el is None else _codes(codes_el)), notes


def _read_bounded(path: Path) -> bytes:
    if not path.is_file():
        raise ExchangeError(f"{path}: no such file")
    if path.stat().st_size > MAX_XML_BYTES:
        raise ExchangeError(f"{path.name}: larger than 256 MB; refused")
    return path.read_bytes()


def open_qdpx(path: Path) -> ImportedProject:
    """Read a .qdpx archive safely and convert its positions to code points over LF text."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError):
        raise ExchangeError(f"{path.name}: not a .qdpx archive (not a zip file)") from None
    with zf:
        entries = _safe_entries(path, zf)
        qde_name = next((n for n in entries if n.lower() == "project.qde"), None)
        if qde_name is None:
            raise ExchangeError(f"{path.name}: no project.qde inside; is this a REFI-QDA project?")
        root = parse_xml(zf.read(qde_name), f"{path.name}:project.qde")
        files = {n.lower(): n for n in entries}
        project = _project(path, root, lambda ref: _source_text(path, zf, files, ref))
    if any(n.startswith("sources/") for n in entries):
        project.adjustments.append("sources read from a lower-case 'sources/' folder")
    return project


def _safe_entries(path: Path, zf: zipfile.ZipFile) -> list[str]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExchangeError(f"{path.name}: {len(infos)} entries in the archive, more than {MAX_ENTRIES}; refused")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in Path(name.replace("\\", "/")).parts:
            raise ExchangeError(f"{path.name}: the entry {name!r} points outside the archive; refused")
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 1024**2:
            raise ExchangeError(f"{path.name}: {name!r} unpacks {info.file_size / info.compress_size:.0f}× (a zip bomb?); refused")
    if total > MAX_UNCOMPRESSED:
        raise ExchangeError(f"{path.name}: unpacks to more than 1 GB; refused")
    return [i.filename for i in infos]


def _source_text(path: Path, zf: zipfile.ZipFile, files: dict[str, str], ref: str) -> str | None:
    name = ref.removeprefix("internal://")
    for candidate in (f"sources/{name}".lower(), name.lower()):
        if candidate in files:
            data = zf.read(files[candidate])
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise ExchangeError(f"{path.name}: source {name!r} is not UTF-8 text") from None
    return None


def _project(path: Path, root: Any, source_text: Any) -> ImportedProject:
    ns, local = _local(root.tag)
    if local != "Project":
        raise ExchangeError(f"{path.name}: project.qde is not a REFI-QDA project (root element {local!r})")
    origin = root.get("origin", "")
    project = ImportedProject(root.get("name", path.stem), origin, [], {}, [], [], [])
    users = _child(root, "Users")
    for u in _children(users, "User") if users is not None else []:
        project.users[u.get("guid", "")] = u.get("name") or u.get("id") or u.get("guid", "")
    codebook = _child(root, "CodeBook")
    codes_el = _child(codebook, "Codes") if codebook is not None else None
    project.codes = _codes(codes_el) if codes_el is not None else []
    sources = _child(root, "Sources")
    for src in _children(sources, "TextSource") if sources is not None else []:
        _read_source(path, project, src, source_text)
    notes = _child(root, "Notes")
    for note in _children(notes, "Note") if notes is not None else []:
        content = _child(note, "PlainTextContent")
        project.notes.append({"guid": note.get("guid"), "text": (content.text or "") if content is not None else "",
                              "user": project.users.get(note.get("creatingUser", ""), "import")})
    set_count = sum(len(_children(el, "Set")) for el in (_child(root, "Sets"),) if el is not None)
    if set_count:
        project.adjustments.append(f"{set_count} set(s) of codes or sources are not kept (learnervoice has no sets yet)")
    cases = _child(root, "Cases")
    variables_el = _child(root, "Variables")
    variables = {v.get("guid"): v.get("name") for v in (_children(variables_el, "Variable") if variables_el is not None else [])}
    for case in _children(cases, "Case") if cases is not None else []:
        values = {}
        for vv in _children(case, "VariableValue"):
            ref = _child(vv, "VariableRef")
            value = next((c.text for c in vv if _local(c.tag)[1].endswith("Value")), None)
            if ref is not None and value is not None:
                values[variables.get(ref.get("targetGUID"), ref.get("targetGUID"))] = value
        project.cases.append({"name": case.get("name", ""), "variables": values})
    return project


def _read_source(path: Path, project: ImportedProject, src: Any, source_text: Any) -> None:
    content = _child(src, "PlainTextContent")
    text = content.text if content is not None and content.text is not None else None
    if text is None and src.get("plainTextPath"):
        text = source_text(src.get("plainTextPath"))
    name = src.get("name") or src.get("guid")
    if text is None:
        project.adjustments.append(f"source {name!r} has no plain text in the archive; skipped")
        return
    if not text.strip():
        project.adjustments.append(f"source {name!r} is empty; skipped")
        return
    convert = _position_converter(project.origin, text)
    selections = []
    notes = [r.get("targetGUID") for r in _children(src, "NoteRef")]
    for sel in _children(src, "PlainTextSelection"):
        start, end = (convert(_position(path, name, sel, attribute)) for attribute in ("startPosition", "endPosition"))
        for coding in _children(sel, "Coding"):
            ref = _child(coding, "CodeRef")
            user = coding.get("creatingUser") or sel.get("creatingUser") or ""
            if ref is not None:
                selections.append({
                    "start": start, "end": end, "code": ref.get("targetGUID"), "guid": coding.get("guid"),
                    "user": project.users.get(user, user or "import"),
                    "notes": [r.get("targetGUID") for r in _children(sel, "NoteRef")],
                })
    project.sources.append({"name": name, "guid": src.get("guid"), "text": text.replace("\r\n", "\n"),
                            "selections": selections, "notes": notes})


def _position(path: Path, source: str, selection: Any, attribute: str) -> int:
    """A selection's start or end: a whole number of characters, or a clear error naming where it is."""
    raw = selection.get(attribute, "0")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise ExchangeError(f"{path.name}: source {source!r}, selection {selection.get('guid', '?')}: "
                            f"{attribute}={raw!r} is not a position (a whole number of characters from 0)")
    return value


def _position_converter(origin: str, text: str) -> Any:
    """Map a tool's positions to code points over the text with CRLF turned into LF."""
    crlf = "\r\n" in text
    if origin.lower().startswith("nvivo"):
        units = []  # UTF-16 code unit offset of each code point
        count = 0
        for ch in text:
            units.append(count)
            count += 2 if ord(ch) > 0xFFFF else 1
        units.append(count)
        to_point = {u: i for i, u in enumerate(units)}

        def from_nvivo(position: int) -> int:
            point = to_point.get(position, position)
            return point - text.count("\r\n", 0, point)

        return from_nvivo
    if origin.lower().startswith("atlas") or not crlf:
        return lambda position: position  # ATLAS.ti counts CRLF as one character already
    return lambda position: position - text.count("\r\n", 0, position)
