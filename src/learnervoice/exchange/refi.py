"""REFI-QDA exchange: export .qdpx projects and .qdc codebooks; import them from ATLAS.ti, NVivo, MAXQDA.

Exports follow the QDA-XML 1.0 schemas strictly (positions in Unicode code points from 0, end
exclusive, over the text as stored). Imports accept the dialects real tools write (the older
`urn:QDA-XML:codebook:0:4` namespace, NVivo's UTF-16 positions, ATLAS.ti's CRLF as one, a lower-case
`sources/` folder), keep the texts' line ends as they were, and say what they adjusted or could not keep.

The parts: `refi_model` (what a project holds once read, the report of adjustments), `refi_limits`
(what reading may cost), `refi_positions` (dialects), `refi_read` (the streaming reader), `refi_write`
and `refi_write_project` (the writers). This module opens and writes the files.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from ..errors import ExchangeError
from ..privacy.gate import Gate
from ..store import QualStore
from .refi_limits import charge_references, decode_text, read_bounded, safe_entries
from .refi_model import CodeNode, ImportedCodebook, ImportedProject
from .refi_read import ProjectReader, read_codebook
from .refi_write import CODEBOOK_NS, PROJECT_NS, codebook_xml, guid
from .refi_write_project import project_xml

CODEBOOK_NAMESPACES = (CODEBOOK_NS, "urn:QDA-XML:codebook:0:4")

__all__ = ["CODEBOOK_NS", "PROJECT_NS", "CodeNode", "ImportedCodebook", "ImportedProject", "export_qdc",
           "export_qdpx", "guid", "open_qdc", "open_qdpx", "project_xml", "read_qdc"]


def export_qdc(store: QualStore, out: Path, *, gate: Gate) -> Path:
    """Write the codebook (with its sets) as a REFI-QDA .qdc file, names and definitions through the gate."""
    _atomic_write(out, codebook_xml(store, gate))
    return out


def export_qdpx(store: QualStore, out: Path, *, project: str, gate: Gate,
                participants: list[dict[str, str]] | None = None) -> Path:
    """Write the project (codebook, pseudonymised sources, codings, coders, memos, cases, sets) as .qdpx.

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


def _atomic_write(out: Path, data: bytes) -> None:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)


def open_qdc(path: Path) -> ImportedCodebook:
    """A .qdc codebook: its codes, sets and origin, with what was adjusted."""
    return read_codebook(path, read_bounded(path), CODEBOOK_NAMESPACES)


def read_qdc(path: Path) -> tuple[list[CodeNode], list[str]]:
    """Codes of a .qdc file, with notes on what was adjusted."""
    book = open_qdc(path)
    return book.codes, book.report.notes


def open_qdpx(path: Path) -> ImportedProject:
    """Read a .qdpx archive safely: the XML as a stream, every source reference charged against one budget
    before anything is unpacked, positions converted to code points over the texts as they were."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError):
        raise ExchangeError(f"{path.name}: not a .qdpx archive (not a zip file)") from None
    with zf:
        entries = safe_entries(path, zf)
        qde = entries.get("project.qde")
        if qde is None:
            raise ExchangeError(f"{path.name}: no project.qde inside; is this a REFI-QDA project?")
        reader = ProjectReader(path)
        with zf.open(qde) as stream:
            project = reader.read(stream)
        found = {ref: _entry(entries, ref) for _, ref in reader.pending}
        charge_references(path, [info.file_size for info in (found[ref] for _, ref in reader.pending) if info is not None])
        texts: dict[str, str] = {}
        read: dict[str, str] = {}  # one entry unpacked once, however many sources refer to it
        for ref, info in found.items():
            if info is not None:
                if info.filename not in read:
                    read[info.filename] = decode_text(path, ref, zf.read(info))
                texts[ref] = read[info.filename]
        reader.finish_pending(texts)
    if any(name.startswith("sources/") and entries[name].filename.startswith("sources/") for name in entries):
        project.report.notes.append("sources read from a lower-case 'sources/' folder")
    return project


def _entry(entries: dict[str, zipfile.ZipInfo], ref: str) -> zipfile.ZipInfo | None:
    name = ref.removeprefix("internal://").lower()
    return entries.get(f"sources/{name}") or entries.get(name)
