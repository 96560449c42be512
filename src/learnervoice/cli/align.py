"""Offer alignment: rank a catalogue against a study (align); check, make and export catalogues (catalogue …)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import StudyArg, current_study, err, frame_text, gated

if TYPE_CHECKING:
    from ..align.fit import Alignment
    from ..study import Study

app = typer.Typer()
catalogue_app = typer.Typer(help="Catalogues of micro-credential offers.", no_args_is_help=True)

CatalogueArg = Annotated[Path, typer.Argument(help="The catalogue: CSV, YAML, or an ELM JSON-LD credential.")]


@app.command()
def align(
    study: StudyArg,
    catalogue: CatalogueArg,
    by: Annotated[list[str] | None, typer.Option("--by", help="Subgroup variables (default: the derived ones).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table (terminal), csv, json or html.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Rank a catalogue's offers by how well they fit what the study's learners asked for."""
    from ..align.catalogue import read_catalogue
    from ..align.fit import align as run

    s = current_study(study)
    result = run(s, read_catalogue(catalogue), by)
    if format == "table":
        _print_ranking(result, s.config.decimal_comma)
        return
    text = _alignment_text(result, s, catalogue.name, format)
    with gated(s) as gate:
        text = gate.release(text)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err(f"wrote {output}")


def _alignment_text(result: Alignment, s: Study, catalogue: str, format: str) -> str:
    """The ranking and the subgroups as an HTML page, or the ranking as CSV or JSON."""
    from ..report.alignment import groups_block, ranking_block, ranking_frame
    from ..errors import CatalogueError

    if format == "html":
        from ..report.model import Report, Section
        from ..report.writers.html import render_report as to_html

        section = Section("Alignment", [f"Catalogue: {catalogue}; {result.respondents} respondents."],
                          [ranking_block(result, s.config.decimal_comma), groups_block(result, s.config.decimal_comma)],
                          [None, None])
        return to_html(Report(f"{s.config.title}: offer alignment", [section], []))
    if format in ("csv", "json"):
        return frame_text(ranking_frame(result), format)
    raise CatalogueError(f"unknown format {format!r}; use table, csv, json or html")


def _print_ranking(result: Alignment, comma: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..report.alignment import ranking_block

    block = ranking_block(result, comma)
    table = Table(title=block.title, show_lines=True)
    for column in block.header:
        table.add_column(column, overflow="fold")
    for row in block.rows:
        table.add_row(*row)
    console = Console(width=200)
    console.print(table)
    for note in block.notes:
        console.print(note, highlight=False)


@catalogue_app.command("check")
def catalogue_check(catalogue: CatalogueArg) -> None:
    """Validate a catalogue and say what it holds."""
    from ..align.catalogue import read_catalogue

    found = read_catalogue(catalogue)
    typer.echo(f"{catalogue.name}: {len(found.offers)} offers — valid")


@catalogue_app.command("import-elm")
def catalogue_import_elm(
    credentials: Annotated[list[Path], typer.Argument(help="European Learning Model (v3) JSON-LD files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The catalogue to write (YAML).")],
) -> None:
    """Make a catalogue from European Digital Credentials (the fields ELM carries)."""
    from ..align.catalogue import Catalogue, write_catalogue_yaml
    from ..align.catalogue import elm_offer

    offers = tuple(elm_offer(path) for path in credentials)
    write_catalogue_yaml(Catalogue(offers=offers), output)
    typer.echo(f"wrote {len(offers)} offer(s) to {output}; add what ELM does not carry (weekly hours, schedule…)")


@catalogue_app.command("badges")
def catalogue_badges(
    catalogue: CatalogueArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Achievement JSON files.")],
    base_url: Annotated[str, typer.Option(help="Where the achievements will be published.")] = "https://example.org",
) -> None:
    """Export each offer as an Open Badges 3.0 Achievement (achievementType MicroCredential)."""
    from ..align.catalogue import read_catalogue
    from ..exchange.badges import write_badges

    written = write_badges(read_catalogue(catalogue), output, base_url)
    typer.echo(f"wrote {len(written)} Achievement(s) to {output}")
