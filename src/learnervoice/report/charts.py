"""Bar charts of frequency tables, drawn offline with matplotlib: SVG for HTML, PNG for DOCX.

Colours are the Okabe–Ito palette (safe for colour-blind readers); every chart
carries alt text that states its figures; SVG output is made reproducible
(fixed hash salt, no date), so a report rebuilt from the same data is identical.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from ..stats.frequencies import FrequencyTable
from ..stats.tables import CrossTab
from ..stats.rounding import Rounding
from .numbers import fmt_percent

BLUE = "#0072B2"
_PYPLOT = threading.Lock()  # pyplot's figures are global state: a server draws for several requests at once
P = ParamSpec("P")
R = TypeVar("R")


def one_at_a_time(draw: Callable[P, R]) -> Callable[P, R]:
    """A chart function that never runs beside another (pyplot is not thread-safe)."""

    @functools.wraps(draw)
    def drawing(*args: P.args, **kwargs: P.kwargs) -> R:
        with _PYPLOT:
            return draw(*args, **kwargs)

    return drawing


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    svg: str
    png: bytes


def alt_text(table: FrequencyTable, decimal_comma: bool, rounding: Rounding = "half_up") -> str:
    parts = [f"{r.label} {fmt_percent(r.percent, decimal_comma=decimal_comma, rounding=rounding)} ({r.count})" for r in table.rows]
    return f"Bar chart of {table.label}: " + "; ".join(parts) + f". {table.base_label}."


@one_at_a_time
def bar_chart(table: FrequencyTable, decimal_comma: bool, rounding: Rounding = "half_up") -> Chart:
    """A horizontal bar per option, in instrument order, labelled with its percentage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({"svg.hashsalt": "learnervoice", "svg.fonttype": "none", "font.size": 9})
    labels = [_wrap(r.label) for r in table.rows][::-1]
    values = [0.0 if r.percent != r.percent else r.percent for r in table.rows][::-1]
    height = 0.45 + 0.32 * len(labels)
    fig, ax = plt.subplots(figsize=(6.4, height))
    ax.barh(labels, values, color=BLUE)
    for y, v in enumerate(values):
        ax.text(v + 0.8, y, fmt_percent(v, decimal_comma=decimal_comma, rounding=rounding), va="center", fontsize=8)
    ax.set_xlim(0, max(values + [1.0]) * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("% " + {"responses": "of responses", "cases": "of respondents"}.get(table.base_kind, ""))
    fig.tight_layout()
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    alt = alt_text(table, decimal_comma, rounding)
    return Chart(table.label, alt, _accessible(svg.getvalue(), alt), png.getvalue())


PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


@one_at_a_time
def grouped_chart(ct: CrossTab, decimal_comma: bool, rounding: Rounding = "half_up") -> Chart:
    """Column percentages of one item, a bar per subgroup for each option."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({"svg.hashsalt": "learnervoice", "svg.fonttype": "none", "font.size": 9})
    options = [_wrap(o.label) for o in ct.variable.options][::-1]
    n_groups = len(ct.groups)
    bar = 0.8 / max(n_groups, 1)
    fig, ax = plt.subplots(figsize=(6.4, 0.6 + 0.3 * len(options) * max(n_groups, 1)))
    for g, ((_, label), column) in enumerate(zip(ct.groups, ct.columns)):
        values = [0.0 if r.percent != r.percent else r.percent for r in column.rows][::-1]
        ax.barh([y + (g - (n_groups - 1) / 2) * bar for y in range(len(options))], values, height=bar,
                color=PALETTE[g % len(PALETTE)], label=label)
    ax.set_yticks(range(len(options)), options)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("% within each group")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    parts = []
    for (_, label), column in zip(ct.groups, ct.columns):
        shares = ", ".join(f"{r.label} {fmt_percent(r.percent, decimal_comma=decimal_comma, rounding=rounding)}" for r in column.rows)
        parts.append(f"{label} (n={column.base}): {shares}")
    alt = f"Grouped bar chart of {ct.variable.label} by {ct.by.label}. " + "; ".join(parts) + "."
    return Chart(f"{ct.variable.label} by {ct.by.label}", alt, _accessible(svg.getvalue(), alt), png.getvalue())


def _wrap(label: str, width: int = 38) -> str:
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])


def _accessible(svg: str, alt: str) -> str:
    """Inline SVG with a role, a label and a <title>, without the XML prologue and DOCTYPE."""
    import html

    body = svg[svg.index("<svg"):]
    body = re.sub(r"<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', body, count=1)
    return body.replace(">", f"><title>{html.escape(alt)}</title>", 1)
