"""The web workbench: serve it, and say who may sign in (users)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import ConfigOpt, DbOpt, StudyArg

if TYPE_CHECKING:
    from ..store import QualStore
    from ..web.sites import Site

app = typer.Typer()
users_app = typer.Typer(help="Who may sign in to a study's workbench, with which role.", no_args_is_help=True)


def open_store(study: Path, db: str | None) -> QualStore:
    """The study's coding store: its own SQLite file, or the team server's database (--db)."""
    from ..store import QualStore
    from ..study import open_study

    return QualStore.for_study(open_study(study), db)


@app.command()
def serve(
    studies: Annotated[list[Path], typer.Argument(help="Study folders to serve (one with --db).")],
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8765).")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    print_config: Annotated[bool, typer.Option("--print-config", help="Print the settings in force and stop.")] = False,
) -> None:
    """Start the web workbench: coding in the browser and the questionnaire."""
    import json

    from ..study import open_study
    from ..web.settings import load_settings

    settings = load_settings(config, host=host, port=port, database_url=db)
    if print_config:
        typer.echo(json.dumps(settings.printable(), indent=2))
        return
    import uvicorn

    from ..web.app import create_app

    web = create_app([open_study(s) for s in studies], settings)
    for site in web.state.sites.values():
        _first_owner(site)
        typer.echo(f"{site.study.config.title}: {settings.url}/s/{site.slug}/")
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"note: listening on {settings.host}, not only this machine; put HTTPS in front and set "
                   "secure_cookies = true", err=True)
    # uvicorn would believe X-Forwarded-For from loopback; the app believes only settings.trusted_proxies
    uvicorn.run(web, host=settings.host, port=settings.port, log_level="warning", proxy_headers=False)


def _first_owner(site: Site) -> None:
    """A study nobody may sign in to gets an owner, whose password is shown once."""
    from ..qual.accounts import add_user, list_users

    if not list_users(site.store):
        password = secrets.token_urlsafe(12)
        add_user(site.store, "owner", password, "owner", who="serve")
        typer.echo(f"{site.slug}: no users yet, so one was made: name 'owner', password {password} "
                   "(shown once; add others with `learnervoice users add`)")


@users_app.command("add")
def users_add(
    study: StudyArg,
    name: Annotated[str, typer.Argument(help="The user's sign-in name.")],
    role: Annotated[str, typer.Option(help="owner, coder or viewer.")] = "coder",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    db: DbOpt = None,
) -> None:
    """Add a user (the password is asked for, or read from standard input)."""
    from ..qual.accounts import add_user

    store = open_store(study, db)
    user = add_user(store, name, _password(password_stdin), role)
    typer.echo(f"added {user.name} ({user.role})")


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("list")
def users_list(study: StudyArg, db: DbOpt = None) -> None:
    """The study's users and their roles."""
    from ..qual.accounts import list_users

    for user in list_users(open_store(study, db)):
        typer.echo(f"{user.name}\t{user.role}")


@users_app.command("role")
def users_role(study: StudyArg, name: str, role: str, db: DbOpt = None) -> None:
    """Change a user's role."""
    from ..qual.accounts import set_role

    set_role(open_store(study, db), name, role)
    typer.echo(f"{name} is now {role}")


@users_app.command("remove")
def users_remove(study: StudyArg, name: str, db: DbOpt = None) -> None:
    """Remove a user (their codings stay)."""
    from ..qual.accounts import remove_user

    remove_user(open_store(study, db), name)
    typer.echo(f"removed {name}")
