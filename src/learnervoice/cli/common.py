"""What the commands share: argument and option types, and the ways output leaves the study.

Everything a command prints or writes about a study's data goes through the study's disclosure gate
(:func:`gated`, :func:`print_frame`); what the gate replaced is said on standard error.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pandas as pd

    from ..privacy.gate import Gate
    from ..study import Study

StudyArg = Annotated[Path, typer.Argument(help="The study folder (holding study.yaml).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")]
WhoOpt = Annotated[str, typer.Option("--as", help="Who makes the change (for the audit log).")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Team server database URL (postgresql+psycopg://…).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (TOML).")]


def current_study(folder: Path) -> Study:
    """The study, its stores brought up to date with what the folder declares (the one place that happens)."""
    from ..workspace import open_workspace

    with open_workspace(folder) as workspace:
        return workspace.study


def err(message: str) -> None:
    """A line on standard error: what was written, notes, notices (standard output stays the data)."""
    typer.echo(message, err=True)


def tell_replaced(gate: Gate) -> None:
    """Say on standard error what the disclosure gate replaced in an output (never the words themselves)."""
    notice = gate.notice()
    if notice:
        err(f"privacy: {notice} (see docs/privacy.md)")


@contextmanager
def gated(study: Study) -> Iterator[Gate]:
    """The study's disclosure gate for what the block writes; afterwards, say what it replaced."""
    from ..privacy.gate import gate_for

    gate = gate_for(study)
    yield gate
    tell_replaced(gate)


def print_frame(frame: pd.DataFrame, fmt: str, study: Study) -> None:
    """A DataFrame as a terminal table, CSV (formulas neutralised) or JSON, on standard output,
    after the study's disclosure gate (what it replaced is said on standard error)."""
    with gated(study) as gate:
        frame = gate.release_frame(frame)
    if fmt == "table":
        _print_table(frame)
    else:
        sys.stdout.write(frame_text(frame, fmt))


def frame_text(frame: pd.DataFrame, fmt: str) -> str:
    """A DataFrame as CSV (formulas neutralised) or JSON text."""
    from ..report.numbers import neutralise

    if fmt == "csv":
        return str(frame.map(neutralise).to_csv(index=False))
    if fmt == "json":
        return str(frame.to_json(orient="records", force_ascii=False, indent=2)) + "\n"
    from ..errors import LearnervoiceError

    raise LearnervoiceError(f"unknown format {fmt!r}; use table, csv or json")


def _print_table(frame: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    from rich.text import Text

    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(Text(str(column)), overflow="fold")
    for row in frame.itertuples(index=False):  # as Text: '[email]' in a quote is words, not console markup
        table.add_row(*[Text(_cell(v)) for v in row])
    Console(width=max(160, len(frame.columns) * 12)).print(table)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.3f}"
    return "" if value is None else str(value)


def write_private_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """A CSV of personal data: written whole or not at all, readable by the owner only, formulas neutralised."""
    from ..report.numbers import neutralise

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    columns = list(dict.fromkeys(k for row in rows for k in row))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(v) for k, v in row.items()})
    os.replace(tmp, path)
