"""The codebook's commands: load codebook.yaml, import a REFI-QDA codebook, rename, move, make a folder, merge,
delete, and the codebook's history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FormatOpt, StudyArg, WhoOpt, gated
from .qual import _history, open_qual

codebook_app = typer.Typer(help="The codebook (codebook.yaml and the store).", no_args_is_help=True)


@codebook_app.command("sync")
def codebook_sync(study: StudyArg, who: WhoOpt = "codebook") -> None:
    """Load codebook.yaml into the store (codes added or updated; none removed)."""
    from ..qual.codebook import sync_codebook

    s, store = open_qual(study)
    with gated(s) as gate:
        typer.echo(f"{sync_codebook(s, store, who, gate=gate)} codes in the codebook")


@codebook_app.command("import")
def codebook_import(study: StudyArg, file: Annotated[Path, typer.Argument(help="A REFI-QDA .qdc codebook.")]) -> None:
    """Add the codes of a REFI-QDA codebook (ATLAS.ti, NVivo, MAXQDA) to codebook.yaml."""
    from ..exchange.projects import import_qdc
    from ..study import open_study

    added, notes = import_qdc(open_study(study), file)
    typer.echo(f"{added} code(s) added to codebook.yaml")
    for note in notes:
        typer.echo(f"  adjusted: {note}")


@codebook_app.command("rename")
def codebook_rename(study: StudyArg, key: str, name: str, who: WhoOpt = "codebook") -> None:
    """Rename a code; its codings stay."""
    from ..qual.codebook import rename_code

    s, store = open_qual(study)
    with gated(s) as gate:
        rename_code(s, store, key, name, who, gate=gate)


@codebook_app.command("move")
def codebook_move(
    study: StudyArg, key: str,
    parent: Annotated[str | None, typer.Argument(help="New parent code key; omit for top level.")] = None,
    who: WhoOpt = "codebook",
) -> None:
    """Move a code under another (or to the top level)."""
    from ..qual.codebook import move_code

    s, store = open_qual(study)
    move_code(s, store, key, parent, who)


@codebook_app.command("codable")
def codebook_codable(
    study: StudyArg, key: str,
    value: Annotated[str, typer.Argument(metavar="true|false", help="true: text may be coded with it; false: a folder "
                                         "of codes, coded through its sub-codes (codebook.yaml: codable: false).")],
    who: WhoOpt = "codebook",
) -> None:
    """Make a code a folder of codes (false) or codable again (true); its codings are kept either way."""
    from ..errors import InvalidInputError
    from ..qual.codebook import set_codable

    wanted = {"true": True, "yes": True, "false": False, "no": False}.get(value.strip().lower())
    if wanted is None:
        raise InvalidInputError(f"codable is true or false, not {value!r}")
    s, store = open_qual(study)
    has = set_codable(s, store, key, wanted, who)
    typer.echo(f"{key}: " + ("codable" if wanted else "a folder of codes (codable: false in codebook.yaml)"))
    if has and not wanted:
        typer.echo(f"  warning: its {has} coding(s) are kept; code new text with its sub-codes")


@codebook_app.command("merge")
def codebook_merge(study: StudyArg, source: str, target: str, who: WhoOpt = "codebook") -> None:
    """Merge a code into another: its codings move, the code goes."""
    from ..qual.codebook import merge_codes

    s, store = open_qual(study)
    typer.echo(f"{merge_codes(s, store, source, target, who)} coding(s) moved to {target}")


@codebook_app.command("delete")
def codebook_delete(
    study: StudyArg, key: str,
    codings_to: Annotated[str | None, typer.Option(help="Move its codings to this code.")] = None,
    drop_codings: Annotated[bool, typer.Option("--drop-codings", help="Delete its codings too.")] = False,
    who: WhoOpt = "codebook",
) -> None:
    """Delete a code; a code in use needs --codings-to or --drop-codings."""
    from ..qual.codebook import delete_code

    s, store = open_qual(study)
    delete_code(s, store, key, who, codings_to=codings_to, drop_codings=drop_codings)


@codebook_app.command("history")
def codebook_history(
    study: StudyArg,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="How many of the newest changes.")] = 50,
    format: FormatOpt = "table",
) -> None:
    """Changes to the codebook (add, rename, move, merge, split, delete), newest first."""
    _history(study, ("codebook",), None, limit, format)
