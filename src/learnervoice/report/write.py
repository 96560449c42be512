"""Write the study report as one self-contained HTML file, Markdown or DOCX — after a disclosure check.

The HTML carries its CSS inline and asks no other host for anything; the same
report gives the same bytes. Before anything is written, the rendered text is
scanned by the disclosure gate (learnervoice.privacy.gate) for every roster name
however spelt, handle, e-mail address and phone number; nothing is written if any is found.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from ..errors import ReportError
from ..privacy.gate import gate_for
from ..study.load import Study
from .blocks import Block
from .assemble import build_report, qual_store
from .charts import Chart
from .model import Report, Section

FORMATS = ("html", "md", "docx")

CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.8rem}h2{font-size:1.4rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin-bottom:.3rem}table{border-collapse:collapse;margin:.5rem 0 .3rem;font-size:.92rem;width:100%}
th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding:.3rem 0}
.note{font-size:.85rem;color:#444;margin:.1rem 0}blockquote{margin:.4rem 0 .4rem 1rem;padding-left:.8rem;border-left:3px solid #0072B2}
.who{font-size:.85rem;color:#555}.count{color:#555;font-size:.9rem}
.table-wrap{overflow-x:auto}figure{margin:.3rem 0 1.2rem}figure svg{max-width:100%;height:auto}figcaption{font-size:.8rem;color:#555}@media print{h2{page-break-after:avoid}table,blockquote{page-break-inside:avoid}}
"""


def write_report(study: Study, out: Path | str, *, format: str | None = None, allow_unreviewed: bool = False) -> Path:
    """Build the report and write it (format from the suffix unless given); refuses to write a name.

    Words of the transcripts and memos that look like names of people not in the roster must be
    reviewed first (`learnervoice transcripts review`), unless `allow_unreviewed` says go ahead.
    """
    out = Path(out)
    fmt = format or {".htm": "html", ".markdown": "md"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r}; use .html, .md or .docx")
    if not allow_unreviewed:
        check_reviewed(study)
    report = build_report(study)
    text = to_markdown(report)
    check_disclosure(study, text)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if fmt == "html":
            tmp.write_text(to_html(report), encoding="utf-8")
        elif fmt == "md":
            tmp.write_text(text, encoding="utf-8")
        else:
            to_docx(report, tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def check_reviewed(study: Study) -> None:
    """Refuse while words that look like names of people outside the roster are unreviewed."""
    from ..privacy.review import name_candidates
    from ..qual.queries import written_texts

    store = qual_store(study)
    if store is None:
        return
    try:
        waiting = name_candidates(study, written_texts(store))
    finally:
        store.close()
    if waiting:
        raise ReportError(f"{len(waiting)} word(s) in the transcripts or memos look like names of people who are not in "
                          f"the roster; review them with `learnervoice transcripts review {study.folder}` (add real "
                          "people to private/participants.csv, mark the rest with --safe), or write the report anyway "
                          "with --allow-unreviewed; nothing was written")


def check_disclosure(study: Study, text: str) -> None:
    """No roster name (however spelt), handle, e-mail address or phone number may appear in the report."""
    gate_for(study).refuse(text, "the report")


# --- Markdown -------------------------------------------------------------------------------


def _md_table(block: Block) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("*", "\\*")

    lines = [f"**{cell(block.title)}**", "", "| " + " | ".join(cell(h) for h in block.header) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(block.header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows]
    lines += [""] + [f"*{cell(n)}*  " for n in block.notes] + [""]
    return lines


def to_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        lines += [p + "\n" for p in section.paragraphs]
        for block in section.tables:
            lines += _md_table(block)
        for theme in section.themes:
            lines += [f"{'#' * min(3 + theme.level, 6)} {theme.name}", ""]
            if theme.description:
                lines += [theme.description, ""]
            lines += [f"Voiced by {theme.participants} participant(s)" + (f" ({theme.by_group})" if theme.by_group else "") + ".", ""]
            for q in theme.quotes:
                lines += [f"> “{q.text}” — {q.attribution}", ""]
    if report.disclosure:
        lines += ["## Disclosure control", ""] + [f"- {d}" for d in report.disclosure] + [""]
    return "\n".join(lines)


# --- HTML -----------------------------------------------------------------------------------


def _html_table(block: Block) -> str:
    e = html.escape
    head = "".join(f"<th scope=\"col\">{e(h)}</th>" for h in block.header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows)
    notes = "".join(f"<p class=\"note\">{e(n)}</p>" for n in block.notes)
    return (f"<div class=\"table-wrap\"><table><caption>{e(block.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>{notes}")


def _html_section(section: Section) -> str:
    e = html.escape
    parts = [f"<section><h2>{e(section.title)}</h2>"]
    parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
    charts = section.charts + [None] * (len(section.tables) - len(section.charts))
    for block, chart in zip(section.tables, charts):
        parts.append(_html_table(block))
        if chart is not None:
            parts.append(f"<figure>{chart.svg}<figcaption>{e(chart.title)}</figcaption></figure>")
    for theme in section.themes:
        level = min(3 + theme.level, 6)
        parts.append(f"<h{level}>{e(theme.name)}</h{level}>")
        if theme.description:
            parts.append(f"<p>{e(theme.description)}</p>")
        groups = f" ({e(theme.by_group)})" if theme.by_group else ""
        parts.append(f"<p class=\"count\">Voiced by {theme.participants} participant(s){groups}.</p>")
        parts += [f"<blockquote><p>“{e(q.text)}”</p><p class=\"who\">— {e(q.attribution)}</p></blockquote>" for q in theme.quotes]
    parts.append("</section>")
    return "\n".join(parts)


def to_html(report: Report) -> str:
    e = html.escape
    disclosure = ""
    if report.disclosure:
        disclosure = "<section><h2>Disclosure control</h2><ul>" + "".join(f"<li>{e(d)}</li>" for d in report.disclosure) + "</ul></section>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{e(report.title)}</title><style>{CSS}</style></head>\n<body><main>\n<h1>{e(report.title)}</h1>\n"
        + "\n".join(_html_section(s) for s in report.sections) + disclosure + "\n</main></body></html>\n"
    )


# --- DOCX -----------------------------------------------------------------------------------


def _docx_picture(doc: object, chart: Chart) -> None:
    """The chart as PNG, with its alt text in the picture's description (what screen readers read)."""
    import io

    from docx.shared import Inches

    doc.add_picture(io.BytesIO(chart.png), width=Inches(5.8))  # type: ignore[attr-defined]
    inline = doc.inline_shapes[-1]._inline  # type: ignore[attr-defined]
    inline.docPr.set("descr", chart.alt)
    inline.docPr.set("title", chart.title)


def to_docx(report: Report, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.core_properties.author = "learnervoice"
    doc.add_heading(report.title, level=0)
    for section in report.sections:
        doc.add_heading(section.title, level=1)
        for p in section.paragraphs:
            doc.add_paragraph(p)
        charts = section.charts + [None] * (len(section.tables) - len(section.charts))
        for block, chart in zip(section.tables, charts):
            doc.add_paragraph(block.title).runs[0].bold = True
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
            for note in block.notes:
                doc.add_paragraph(note).runs[0].italic = True
            if chart is not None:
                _docx_picture(doc, chart)
        for theme in section.themes:
            doc.add_heading(theme.name, level=min(2 + theme.level, 9))
            if theme.description:
                doc.add_paragraph(theme.description)
            groups = f" ({theme.by_group})" if theme.by_group else ""
            doc.add_paragraph(f"Voiced by {theme.participants} participant(s){groups}.")
            for q in theme.quotes:
                doc.add_paragraph(f"“{q.text}” — {q.attribution}", style="Quote")
    if report.disclosure:
        doc.add_heading("Disclosure control", level=1)
        for d in report.disclosure:
            doc.add_paragraph(d, style="List Bullet")
    doc.save(str(path))
