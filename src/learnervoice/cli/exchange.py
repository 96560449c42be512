"""REFI-QDA exchange with other qualitative tools (ATLAS.ti, NVivo, MAXQDA): export-qdpx, export-qdc, import-qdpx."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import StudyArg, current_study, gated

app = typer.Typer()


@app.command("export-qdpx")
def export_qdpx(study: StudyArg, out: Annotated[Path, typer.Argument(help="The .qdpx file to write.")]) -> None:
    """Export the coding project as REFI-QDA .qdpx (ATLAS.ti, NVivo, MAXQDA); pseudonyms only."""
    from ..exchange.projects import export_study_qdpx

    s = current_study(study)
    with gated(s) as gate:
        typer.echo(f"wrote {export_study_qdpx(s, out, gate=gate)}")


@app.command("export-qdc")
def export_qdc(study: StudyArg, out: Annotated[Path, typer.Argument(help="The .qdc file to write.")]) -> None:
    """Export the codebook as REFI-QDA .qdc."""
    from ..exchange.projects import export_study_qdc

    s = current_study(study)
    with gated(s) as gate:
        typer.echo(f"wrote {export_study_qdc(s, out, gate=gate)}")


@app.command("import-qdpx")
def import_qdpx(
    file: Annotated[Path, typer.Argument(help="A .qdpx project from ATLAS.ti, NVivo, MAXQDA or QualCoder.")],
    folder: Annotated[Path, typer.Argument(help="A new study folder to create.")],
) -> None:
    """Make a new study from a REFI-QDA project, saying what was adjusted."""
    from ..exchange.projects import import_qdpx as import_project

    r = import_project(file, folder)
    typer.echo(f"{r.folder}: {r.documents} documents, {r.codes} codes, {r.codings} codings, {r.memos} memos, "
               f"{r.cases} cases, {r.sets} sets from {r.origin or 'an unnamed tool'}")
    typer.echo("What the import adjusted, kept or could not keep (also in the study's audit log):")
    for note in r.adjustments:
        typer.echo(f"  - {note}")
