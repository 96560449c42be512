"""CLI commands of the web workbench and the questionnaire: serve, users, invite, sample.

Thin like the others: each opens the study, calls the library, prints.
"""

from __future__ import annotations

import csv
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

users_app = typer.Typer(help="Who may sign in to a study's workbench, with which role.", no_args_is_help=True)

StudyArg = Annotated[Path, typer.Argument(help="The study folder (holding study.yaml).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (TOML).")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Team server database URL (postgresql+psycopg://…).")]


def _store(study: Path, db: str | None) -> tuple[Any, Any]:
    from .qual.store import QualStore
    from .study import open_study

    s = open_study(study)
    return s, QualStore.for_study(s, db)


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def write_private_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """A CSV of personal data: written whole or not at all, readable by the owner only, formulas neutralised."""
    from .report.numbers import neutralise

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


def register(app: typer.Typer, reports_errors: Any) -> None:
    app.add_typer(users_app, name="users")

    @app.command()
    @reports_errors
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

        from .study import open_study
        from .web.settings import load_settings

        settings = load_settings(config, host=host, port=port, database_url=db)
        if print_config:
            typer.echo(json.dumps(settings.printable(), indent=2))
            return
        import uvicorn

        from .qual.accounts import add_user, list_users
        from .web.app import create_app

        opened = [open_study(s) for s in studies]
        web = create_app(opened, settings)
        for site in web.state.sites.values():
            if not list_users(site.store):
                password = secrets.token_urlsafe(12)
                add_user(site.store, "owner", password, "owner", who="serve")
                typer.echo(f"{site.slug}: no users yet, so one was made: name 'owner', password {password} "
                           "(shown once; add others with `learnervoice users add`)")
            typer.echo(f"{site.study.config.title}: {settings.url}/s/{site.slug}/")
        if settings.host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(f"note: listening on {settings.host}, not only this machine; put HTTPS in front and set "
                       "secure_cookies = true", err=True)
        # uvicorn would believe X-Forwarded-For from loopback; the app believes only settings.trusted_proxies
        uvicorn.run(web, host=settings.host, port=settings.port, log_level="warning", proxy_headers=False)

    @users_app.command("add")
    @reports_errors
    def users_add(
        study: StudyArg,
        name: Annotated[str, typer.Argument(help="The user's sign-in name.")],
        role: Annotated[str, typer.Option(help="owner, coder or viewer.")] = "coder",
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
        db: DbOpt = None,
    ) -> None:
        """Add a user (the password is asked for, or read from standard input)."""
        from .qual.accounts import add_user

        _, store = _store(study, db)
        user = add_user(store, name, _password(password_stdin), role)
        typer.echo(f"added {user.name} ({user.role})")

    @users_app.command("list")
    @reports_errors
    def users_list(study: StudyArg, db: DbOpt = None) -> None:
        """The study's users and their roles."""
        from .qual.accounts import list_users

        _, store = _store(study, db)
        for user in list_users(store):
            typer.echo(f"{user.name}\t{user.role}")

    @users_app.command("role")
    @reports_errors
    def users_role(study: StudyArg, name: str, role: str, db: DbOpt = None) -> None:
        """Change a user's role."""
        from .qual.accounts import set_role

        _, store = _store(study, db)
        set_role(store, name, role)
        typer.echo(f"{name} is now {role}")

    @users_app.command("remove")
    @reports_errors
    def users_remove(study: StudyArg, name: str, db: DbOpt = None) -> None:
        """Remove a user (their codings stay)."""
        from .qual.accounts import remove_user

        _, store = _store(study, db)
        remove_user(store, name)
        typer.echo(f"removed {name}")

    @app.command()
    @reports_errors
    def invite(
        study: StudyArg,
        people: Annotated[Path | None, typer.Option("--from", help="CSV of the people to invite (one link each).")] = None,
        count: Annotated[int | None, typer.Option(help="Anonymous links, without a list of people.")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Where the invite list goes "
                                                    "(default: private/invites.csv in the study).")] = None,
        base_url: Annotated[str | None, typer.Option(help="The server's public address, for the links.")] = None,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Make one-use questionnaire links and write the invite list (people, link) to a private file."""
        from .errors import QuestionnaireError
        from .survey.sampling import read_population
        from .survey.webform import create_invites, new_invites_rows
        from .web.settings import load_settings
        from .web.sites import slug_of

        s, store = _store(study, db)
        rows: list[dict[str, str]] | None = None
        if people is not None:
            frame = read_population(people)
            rows = [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]
            if not rows:
                raise QuestionnaireError(f"{people}: no one to invite")
        elif count is None:
            raise QuestionnaireError("give --from PEOPLE.csv or --count N")
        made = create_invites(store, len(rows) if rows is not None else int(count or 0))
        settings = load_settings(config, base_url=base_url)
        target = output or s.folder / "private" / "invites.csv"
        write_private_csv(target, new_invites_rows(made, f"{settings.url}/s/{slug_of(s)}", rows))
        typer.echo(f"{len(made)} invite link(s) ({made[0].label}–{made[-1].label}) written to {target}; "
                   "only their hashes are kept in the study")

    @app.command()
    @reports_errors
    def sample(
        population: Annotated[Path, typer.Argument(help="CSV of the population (one row per person).")],
        id_column: Annotated[str, typer.Option("--id", help="Column with each person's id.")],
        where: Annotated[list[str] | None, typer.Option(help="Criterion COLUMN=V1,V2 (repeatable): keep rows whose "
                                                          "value is one of these.")] = None,
        strata: Annotated[str | None, typer.Option(help="Columns that make the strata, e.g. gender,age_band.")] = None,
        per_stratum: Annotated[int | None, typer.Option(help="How many to draw in every stratum.")] = None,
        quota: Annotated[list[str] | None, typer.Option(help="STRATUM=N for one stratum (values joined by ' / ').")] = None,
        seed: Annotated[int, typer.Option(help="Random seed (recorded).")] = 20230618,
        study: Annotated[Path | None, typer.Option(help="Write the sample to STUDY/private/sample.csv and the "
                                                   "record to STUDY/sampling.yaml.")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Where the drawn people go.")] = None,
    ) -> None:
        """Draw participants by criteria and quotas per stratum, with a seed and a record of how."""
        from ruamel.yaml import YAML

        from .errors import SamplingError
        from .study import open_study
        from .survey.sampling import RECORD_FILE, SamplingPlan, draw_sample

        criteria: dict[str, tuple[str, ...]] = {}
        for item in where or []:
            column, sep, values = item.partition("=")
            if not sep or not column.strip():
                raise SamplingError(f"--where {item!r}: write COLUMN=VALUE1,VALUE2")
            criteria[column.strip()] = tuple(v.strip() for v in values.split(","))
        quotas: dict[str, int] = {}
        for item in quota or []:
            stratum, sep, n = item.rpartition("=")
            if not sep or not n.strip().isdigit():
                raise SamplingError(f"--quota {item!r}: write STRATUM=N")
            quotas[stratum.strip()] = int(n)
        plan = SamplingPlan(id_column=id_column, where=criteria, strata=tuple(c.strip() for c in (strata or "").split(",") if c.strip()),
                            per_stratum=per_stratum, quotas=quotas, seed=seed)
        drawn = draw_sample(population, plan)
        s = open_study(study) if study is not None else None
        target = output or (s.folder / "private" / "sample.csv" if s is not None else None)
        if target is None:
            raise SamplingError("say where the drawn people go: --output FILE or --study STUDY")
        write_private_csv(target, drawn.people.to_dict("records"))
        for row in drawn.record["by_stratum"]:
            typer.echo(f"{row['stratum']}: {row['drawn']} of {row['eligible']} eligible (quota {row['quota']})")
        typer.echo(f"{drawn.record['drawn']} drawn from {drawn.record['eligible']} eligible; people in {target}")
        if s is not None:
            yaml = YAML()
            yaml.default_flow_style = False
            record_path = s.folder / RECORD_FILE
            tmp = record_path.with_name(f".{record_path.name}.tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                fh.write("# How the participants were drawn (`learnervoice sample`); no person is named here.\n")
                yaml.dump(drawn.record, fh)
            os.replace(tmp, record_path)
            typer.echo(f"record in {record_path}; invite them with `learnervoice invite {study} --from {target}`")
