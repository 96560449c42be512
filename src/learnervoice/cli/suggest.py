"""Coding assistance commands: `code add` (the default of `code`), `code suggest`, `themes suggest`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ..errors import CodingError, InvalidInputError
from .common import StudyArg, WhoOpt, gated, print_frame
from .qual import code, open_qual

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


class DefaultCommandGroup(TyperGroup):
    """A group whose first command runs when the first argument names none of its commands: `code STUDY --file …`
    stays `code add STUDY --file …`, beside `code suggest STUDY CODE`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [next(iter(self.commands)), *args]
        return list(super().parse_args(ctx, args))


code_app = typer.Typer(cls=DefaultCommandGroup, no_args_is_help=True,
                       help="Codings: add them (`code STUDY …` = `code add STUDY …`), or get suggestions.")
themes_app = typer.Typer(help="Candidate themes among the uncoded segments.", no_args_is_help=True)
code_app.command("add")(code)
Format = Annotated[str, typer.Option("--format", "-f", help="table, csv, json or md.")]


@code_app.command("suggest")
def code_suggest(
    study: StudyArg,
    key: Annotated[str, typer.Argument(metavar="CODE", help="The code's key.")],
    coder: Annotated[str, typer.Option(help="Whose codings the suggestions learn from (theirs only).")],
    top: Annotated[int, typer.Option(min=1, help="How many suggestions.")] = 20,
    unit: Annotated[str, typer.Option(help="What is suggested: sentence or turn.")] = "sentence",
    method: Annotated[str | None, typer.Option(help="ngram or embedding (the local model of study.yaml's "
                                               "suggestions.model); else study.yaml's suggestions.method.")] = None,
    format: Format = "table",
) -> None:
    """Segments the coder has not coded with CODE, most like those they did code first (offline; docs/suggestions.md)."""
    import pandas as pd

    from ..qual.embeddings import model_folder
    from ..qual.suggest import suggest_codings

    s, store = open_qual(study)
    model = model_folder(s, method)
    found = suggest_codings(store, key, coder, top=top, languages=[s.config.language], unit=unit, model=model)
    frame = pd.DataFrame([vars(x) for x in found], columns=["document", "start", "end", "score", "text"])
    _print(frame, format, s)


@themes_app.command("suggest")
def themes_suggest(
    study: StudyArg,
    documents: Annotated[list[str] | None, typer.Option("--documents", help="Only these documents (repeat).")] = None,
    k: Annotated[int | None, typer.Option("--k", min=2, help="How many themes (else the best silhouette, 2–10).")] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="The k-means seed (0 to 4294967295): the same seed, "
                                      "the same themes.")] = 0,
    make: Annotated[int | None, typer.Option(help="Add theme number N (as listed) to the codebook as a code.")] = None,
    name: Annotated[str | None, typer.Option(help="The new code's name (with --make).")] = None,
    key: Annotated[str | None, typer.Option(help="The new code's key (with --make; else made from the name).")] = None,
    format: Format = "table",
    who: WhoOpt = "cli",
) -> None:
    """Group uncoded sentences into candidate themes: terms, people, three quotes; --make N --name … makes one a code."""
    from ..qual.themes import make_theme_code, suggest_themes, themes_frame

    if make is None and (name is not None or key is not None):
        raise CodingError("--name and --key name the code --make N adds: give --make with them")
    if name is not None and len(name) > 200:
        raise CodingError(f"--name is {len(name):,} characters: a code's name has at most 200")
    s, store = open_qual(study)
    themes = suggest_themes(store, documents=documents, k=k, seed=seed, languages=[s.config.language])
    if make is None:
        _print(themes_frame(themes), format, s)
        return
    made = make_theme_code(s, store, themes, make, name=name, key=key, who=who)
    typer.echo(f"code {made!r} added to the codebook from theme {make}; nothing was coded: see "
               f"`learnervoice code suggest {study} {made} --coder NAME`")


def _print(frame: pd.DataFrame, fmt: str, study: Study) -> None:
    if fmt not in ("table", "csv", "json", "md"):
        raise InvalidInputError(f"unknown format {fmt!r}; use table, csv, json or md")
    if fmt != "md":
        print_frame(frame, fmt, study)
        return
    with gated(study) as gate:
        frame = gate.release_frame(frame)
    sys.stdout.write(markdown(frame))


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table (pipes and line breaks in cells escaped)."""
    def cell(value: object) -> str:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"

