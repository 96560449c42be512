"""Charts of grids and rankings, drawn offline with matplotlib like the other charts (`charts.py`).

A grid is a diverging stacked bar per item: the scale's lower half left of zero, its upper half right of
it, the middle point of an odd scale split across zero, so items compare by how far they lean either way
(Robbins & Heiberger's recommendation for Likert batteries). Colours run from orange (low) through grey
(the middle) to purple (high), a scheme readable by colour-blind readers and in greyscale; every segment
of 5% or more carries its percentage, and the alt text states every figure.

A ranking is a bar per option of the % who ranked it first, labelled with its mean rank.
"""

from __future__ import annotations

import io

from ..stats.batteries import GridTable, RankingTable
from .charts import BLUE, Chart, _accessible, _wrap
from .numbers import fmt_number, fmt_percent

LOW, MIDDLE, HIGH = ("#B35806", "#E08214", "#FDB863"), "#D9D9D9", ("#B2ABD2", "#8073AC", "#542788")
LABELLED = 5.0  # segments narrower than this (in %) carry no label


def scale_colours(points: int) -> list[str]:
    """One colour per point: oranges below the middle (darkest at the end), grey at it, purples above.

    >>> scale_colours(5)
    ['#B35806', '#FDB863', '#D9D9D9', '#B2ABD2', '#542788']
    """
    half = points // 2
    low = [LOW[round(i * (len(LOW) - 1) / max(half - 1, 1))] for i in range(half)] if half > 1 else [LOW[0]] * half
    high = [HIGH[round(i * (len(HIGH) - 1) / max(half - 1, 1))] for i in range(half)] if half > 1 else [HIGH[-1]] * half
    return low + ([MIDDLE] if points % 2 else []) + high


def diverging_offsets(percents: tuple[float, ...]) -> list[float]:
    """Where each point's segment starts: the lower half (and half the middle) left of zero.

    >>> diverging_offsets((10.0, 20.0, 40.0, 20.0, 10.0))
    [-50.0, -40.0, -20.0, 20.0, 40.0]
    """
    values = [0.0 if p != p else p for p in percents]
    half = len(values) // 2
    left = -(sum(values[:half]) + (values[half] / 2 if len(values) % 2 else 0.0))
    starts = []
    for v in values:
        starts.append(left)
        left += v
    return starts


def grid_chart(table: GridTable, decimal_comma: bool) -> Chart:
    """A diverging stacked bar per item, in the table's order, top to bottom."""
    plt = _pyplot()
    rows = list(table.rows)[::-1]
    colours = scale_colours(len(table.scale))
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.42 * len(rows)))
    spans = [(diverging_offsets(r.percents)[0], sum(_clean(r.percents))) for r in rows]
    reach = max([max(-start, start + total) for start, total in spans] + [10.0])
    for point, (option, colour) in enumerate(zip(table.scale, colours)):
        widths = [0.0 if r.percents[point] != r.percents[point] else r.percents[point] for r in rows]
        starts = [diverging_offsets(r.percents)[point] for r in rows]
        ax.barh(range(len(rows)), widths, left=starts, color=colour, label=option.label, edgecolor="white", linewidth=0.5)
        for y, (start, width) in enumerate(zip(starts, widths)):
            if width >= LABELLED and width >= reach * 0.08:  # room for the figure
                dark = colour in (LOW[0], HIGH[-1], HIGH[1])
                ax.text(start + width / 2, y, fmt_percent(width, decimal_comma=decimal_comma, sign=False),
                        ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_yticks(range(len(rows)), [_wrap(r.label, 32) for r in rows])
    ax.axvline(0, color="#333333", linewidth=0.8, zorder=0)  # behind the bars: the middle segment spans it
    ax.set_xlim(-reach * 1.05, reach * 1.05)
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):.0f}%")
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel(f"% of those who answered each item (← {table.scale[0].label} · {table.scale[-1].label} →)",
                  fontsize=8)
    wide = sum(len(o.label) for o in table.scale) > 60  # long labels: the legend in two rows
    ax.legend(frameon=False, fontsize=7, ncol=(len(table.scale) + 1) // 2 if wide else len(table.scale),
              loc="lower center", bbox_to_anchor=(0.5, 1.0), handlelength=1.2, columnspacing=1.0)
    alt = grid_alt_text(table, decimal_comma)
    return _finish(fig, plt, table.label, alt)


def grid_alt_text(table: GridTable, decimal_comma: bool) -> str:
    items = []
    for r in table.rows:
        shares = ", ".join(f"{o.label} {fmt_percent(p, decimal_comma=decimal_comma)}" for o, p in zip(table.scale, r.percents))
        items.append(f"{r.label} (n={r.n}, mean {fmt_number(r.mean, decimal_comma=decimal_comma)}): {shares}")
    return (f"Diverging stacked bar chart of {table.label}, lower points left of zero, higher right. "
            + "; ".join(items) + ".")


def ranking_chart(table: RankingTable, decimal_comma: bool) -> Chart:
    """A bar per option of the % who ranked it first, labelled with its mean rank."""
    plt = _pyplot()
    rows = list(table.rows)[::-1]
    values = _clean(tuple(r.first for r in rows))
    fig, ax = plt.subplots(figsize=(6.4, 0.45 + 0.32 * len(rows)))
    ax.barh([_wrap(r.label) for r in rows], values, color=BLUE)
    for y, (v, r) in enumerate(zip(values, rows)):
        text = f"{fmt_percent(v, decimal_comma=decimal_comma)} (mean rank {fmt_number(r.mean_rank, decimal_comma=decimal_comma)})"
        ax.text(v + 0.8, y, text, va="center", fontsize=8)
    ax.set_xlim(0, max(values + [1.0]) * 1.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel(f"% ranked first, of the {table.base} respondents who ranked")
    parts = [f"{r.label} {fmt_percent(r.first, decimal_comma=decimal_comma)} ranked first, mean rank "
             f"{fmt_number(r.mean_rank, decimal_comma=decimal_comma)} (n={r.n_ranked})" for r in table.rows]
    alt = f"Bar chart of {table.label}: " + "; ".join(parts) + "."
    return _finish(fig, plt, table.label, alt)


def _clean(values: tuple[float, ...]) -> list[float]:
    return [0.0 if v != v else v for v in values]


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({"svg.hashsalt": "learnervoice", "svg.fonttype": "none", "font.size": 9})
    return plt


def _finish(fig, plt, title: str, alt: str) -> Chart:  # type: ignore[no-untyped-def]
    fig.tight_layout()
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return Chart(title, alt, _accessible(svg.getvalue(), alt), png.getvalue())
