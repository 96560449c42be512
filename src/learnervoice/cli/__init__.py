"""The `learnervoice` command: one typer app made of one module per area.

Each command opens the study, calls one library function and prints; it raises and never catches —
:class:`~learnervoice.cli.exits.ReportingGroup` turns errors into a message and an exit code (2 for a
library error) in one place. What the commands share (argument types, output through the disclosure
gate) is in :mod:`~learnervoice.cli.common`. Heavy libraries (DuckDB, pandas, matplotlib) are imported
only inside the commands that need them, so ``learnervoice --help`` stays quick.
"""

from __future__ import annotations

import typer

from . import align, codebook, exchange, fieldwork, qual, suggest, survey, web
from .exits import ReportingGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="learnervoice",
    help="Learner-voice mixed-methods studies: instrument, survey import, publication tables.",
    cls=ReportingGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# `--help` lists the commands in this order: each area's own commands, then the command groups.
app.add_typer(survey.app)
app.add_typer(qual.app)
app.add_typer(exchange.app)
app.add_typer(web.app)
app.add_typer(fieldwork.app)
app.add_typer(align.app)
app.add_typer(suggest.code_app, name="code")
app.add_typer(suggest.themes_app, name="themes")
app.add_typer(qual.transcripts_app, name="transcripts")
app.add_typer(codebook.codebook_app, name="codebook")
app.add_typer(qual.documents_app, name="documents")
app.add_typer(web.users_app, name="users")
app.add_typer(align.catalogue_app, name="catalogue")


def main() -> None:
    """Run the command line (the `learnervoice` console script)."""
    app()
