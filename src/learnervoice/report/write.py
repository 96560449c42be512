"""Write the study report as one self-contained HTML file, Markdown or DOCX — after a disclosure check.

The writers are those of the tables (`report/writers/`). Before anything is written, the rendered text is
scanned by the disclosure gate (learnervoice.privacy.gate) for every roster name
however spelt, handle, e-mail address and phone number; nothing is written if any is found.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReportError
from ..privacy.gate import gate_for
from ..study.load import Study
from .assemble import build_report, qual_store
from .writers import docx, html, md

if TYPE_CHECKING:
    from ..store import QualStore

FORMATS = ("html", "md", "docx")


def write_report(study: Study, out: Path | str, *, format: str | None = None, allow_unreviewed: bool = False) -> Path:
    """Build the report and write it (format from the suffix unless given); refuses to write a name.

    Words of the transcripts and memos that look like names of people not in the roster must be
    reviewed first (`learnervoice transcripts review`), unless `allow_unreviewed` says go ahead.
    """
    out = Path(out)
    fmt = format or {".htm": "html", ".markdown": "md"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))
    content = report_document(study, fmt, allow_unreviewed=allow_unreviewed)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def report_document(study: Study, fmt: str, *, qual: QualStore | None = None, allow_unreviewed: bool = False) -> bytes:
    """The report in a format (html, md, docx) as bytes, checked as `write_report` checks it: what a server
    sends for download. The coding store given is read (a team server's); else the study's is opened and closed."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r}; use .html, .md or .docx")
    opened = qual is None
    qual = qual_store(study) if opened else qual  # opened once for the whole report
    try:
        if not allow_unreviewed:
            check_reviewed(study, qual)
        report = build_report(study, qual)
    finally:
        if opened and qual is not None:
            qual.close()
    text = md.render_report(report)
    check_disclosure(study, text)
    if fmt == "html":
        return html.render_report(report).encode("utf-8")
    if fmt == "md":
        return text.encode("utf-8")
    buffer = io.BytesIO()
    docx.save_report(report, buffer)
    return buffer.getvalue()


def check_reviewed(study: Study, store: QualStore | None) -> None:
    """Refuse while words that look like names of people outside the roster are unreviewed."""
    from ..privacy.review import name_candidates
    from ..qual.queries import written_texts

    if store is None:
        return
    waiting = name_candidates(study, written_texts(store))
    if waiting:
        raise ReportError(f"{len(waiting)} word(s) in the transcripts or memos look like names of people who are not in "
                          f"the roster; review them with `learnervoice transcripts review {study.folder}` (add real "
                          "people to private/participants.csv, mark the rest with --safe), or write the report anyway "
                          "with --allow-unreviewed; nothing was written")


def check_disclosure(study: Study, text: str) -> None:
    """No roster name (however spelt), handle, e-mail address or phone number may appear in the report."""
    gate_for(study).refuse(text, "the report")
