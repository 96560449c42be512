"""HTML: a TableSet's blocks through great_tables, and the study report as one self-contained page.

The report's page carries its CSS inline and asks no other host for anything; the same report gives the
same bytes. (`import html` below is the standard library's: imports are absolute.)
"""

from __future__ import annotations

import html
from typing import Any

from ...stats.tables import TableSet
from ..blocks import Block, table_blocks
from ..model import Report, Section

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


# --- tables ---------------------------------------------------------------------------------


def great_table(block: Block):  # type: ignore[no-untyped-def]
    """A block as a great_tables GT (also what the LaTeX writer renders)."""
    import pandas as pd
    from great_tables import GT

    frame = pd.DataFrame(list(block.rows), columns=[f"c{i}" for i in range(len(block.header))])
    table = GT(frame).tab_header(title=block.title)
    labels: dict[str, Any] = {f"c{i}": h for i, h in enumerate(block.header)}
    table = table.cols_label(labels)
    table = table.cols_align(align="right", columns=[f"c{i}" for i in range(1, len(block.header))])
    for note in block.notes:
        table = table.tab_source_note(note)
    return table


def render_tables(tables: TableSet, intervals: bool = False) -> str:
    """The tables as an HTML page, one great_tables table per block."""
    bodies = [great_table(block).as_raw_html() for block in table_blocks(tables, intervals=intervals)]
    title = html.escape(tables.title)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n" + "\n".join(bodies) + "\n</body></html>\n"
    )


# --- the report -----------------------------------------------------------------------------


def render_report(report: Report) -> str:
    """The report as one page: inline CSS, charts as inline SVG."""
    e = html.escape
    disclosure = ""
    if report.disclosure:
        disclosure = "<section><h2>Disclosure control</h2><ul>" + "".join(f"<li>{e(d)}</li>" for d in report.disclosure) + "</ul></section>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{e(report.title)}</title><style>{CSS}</style></head>\n<body><main>\n<h1>{e(report.title)}</h1>\n"
        + "\n".join(_section(s) for s in report.sections) + disclosure + "\n</main></body></html>\n"
    )


def _report_table(block: Block) -> str:
    e = html.escape
    head = "".join(f"<th scope=\"col\">{e(h)}</th>" for h in block.header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows)
    notes = "".join(f"<p class=\"note\">{e(n)}</p>" for n in block.notes)
    return (f"<div class=\"table-wrap\"><table><caption>{e(block.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>{notes}")


def _section(section: Section) -> str:
    e = html.escape
    parts = [f"<section><h2>{e(section.title)}</h2>"]
    parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
    charts = section.charts + [None] * (len(section.tables) - len(section.charts))
    for block, chart in zip(section.tables, charts):
        parts.append(_report_table(block))
        if chart is not None:
            parts.append(f"<figure>{chart.svg}<figcaption>{e(chart.title)}</figcaption></figure>")
    for theme in section.themes:
        level = min(3 + theme.level, 6)
        parts.append(f"<h{level}>{e(theme.name)}</h{level}>")
        if theme.description:
            parts.append(f"<p>{e(theme.description)}</p>")
        groups = f" ({e(theme.by_group)})" if theme.by_group else ""
        parts.append(f"<p class=\"count\">{e(theme.voiced)}{groups}.</p>")
        parts += [f"<blockquote><p>“{e(q.text)}”</p><p class=\"who\">— {e(q.attribution)}</p></blockquote>" for q in theme.quotes]
    parts.append("</section>")
    return "\n".join(parts)
