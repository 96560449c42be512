"""CLI commands of offer alignment: align a catalogue with a study; check, import and export catalogues."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

catalogue_app = typer.Typer(help="Catalogues of micro-credential offers.", no_args_is_help=True)

StudyArg = Annotated[Path, typer.Argument(help="The study folder (holding study.yaml).")]
CatalogueArg = Annotated[Path, typer.Argument(help="The catalogue: CSV, YAML, or an ELM JSON-LD credential.")]


def register(app: typer.Typer, reports_errors: Any) -> None:
    app.add_typer(catalogue_app, name="catalogue")

    @app.command()
    @reports_errors
    def align(
        study: StudyArg,
        catalogue: CatalogueArg,
        by: Annotated[list[str] | None, typer.Option("--by", help="Subgroup variables (default: the derived ones).")] = None,
        format: Annotated[str, typer.Option("--format", "-f", help="table (terminal), csv, json or html.")] = "table",
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    ) -> None:
        """Rank a catalogue's offers by how well they fit what the study's learners asked for."""
        from .align.catalogue import read_catalogue
        from .align.fit import align as run
        from .report.alignment import groups_block, ranking_block, ranking_frame
        from .errors import CatalogueError
        from .study import open_study

        s = open_study(study)
        result = run(s, read_catalogue(catalogue), by)
        if format == "html":
            from .report.model import Report, Section
            from .report.writers.html import render_report as to_html

            section = Section("Alignment", [f"Catalogue: {catalogue.name}; {result.respondents} respondents."],
                              [ranking_block(result, s.config.decimal_comma), groups_block(result, s.config.decimal_comma)],
                              [None, None])
            text = to_html(Report(f"{s.config.title}: offer alignment", [section], []))
        elif format == "table":
            _print_ranking(result, s.config.decimal_comma)
            return
        elif format in ("csv", "json"):
            from .cli_qual import frame_text

            text = frame_text(ranking_frame(result), format)
        else:
            raise CatalogueError(f"unknown format {format!r}; use table, csv, json or html")
        from .cli import tell_replaced
        from .privacy.gate import gate_for

        gate = gate_for(s)
        text = gate.release(text)
        tell_replaced(gate)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {output}", err=True)

    @catalogue_app.command("check")
    @reports_errors
    def check(catalogue: CatalogueArg) -> None:
        """Validate a catalogue and say what it holds."""
        from .align.catalogue import read_catalogue

        found = read_catalogue(catalogue)
        typer.echo(f"{catalogue.name}: {len(found.offers)} offers — valid")

    @catalogue_app.command("import-elm")
    @reports_errors
    def import_elm(
        credentials: Annotated[list[Path], typer.Argument(help="European Learning Model (v3) JSON-LD files.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="The catalogue to write (YAML).")],
    ) -> None:
        """Make a catalogue from European Digital Credentials (the fields ELM carries)."""
        from .align.catalogue import Catalogue, write_catalogue_yaml
        from .exchange.elm import read_elm

        offers = tuple(read_elm(path) for path in credentials)
        write_catalogue_yaml(Catalogue(offers=offers), output)
        typer.echo(f"wrote {len(offers)} offer(s) to {output}; add what ELM does not carry (weekly hours, schedule…)")

    @catalogue_app.command("badges")
    @reports_errors
    def badges(
        catalogue: CatalogueArg,
        output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Achievement JSON files.")],
        base_url: Annotated[str, typer.Option(help="Where the achievements will be published.")] = "https://example.org",
    ) -> None:
        """Export each offer as an Open Badges 3.0 Achievement (achievementType MicroCredential)."""
        from .align.catalogue import read_catalogue
        from .exchange.badges import write_badges

        written = write_badges(read_catalogue(catalogue), output, base_url)
        typer.echo(f"wrote {len(written)} Achievement(s) to {output}")


def _print_ranking(result: Any, comma: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from .report.alignment import ranking_block

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
