"""Fieldwork: draw participants (sample) and invite them to the built-in questionnaire (invite)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ConfigOpt, DbOpt, StudyArg, write_private_csv

if TYPE_CHECKING:
    from ..study import Study

app = typer.Typer()


@app.command()
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
    from ..store import QualStore
    from ..study import open_study
    from ..survey.webform import create_invites, new_invites_rows
    from ..web.settings import load_settings
    from ..web.sites import slug_of

    s = open_study(study)
    store = QualStore.for_study(s, db)
    rows = _invitees(people, count)
    made = create_invites(store, len(rows) if rows is not None else int(count or 0))
    settings = load_settings(config, base_url=base_url)
    target = output or s.folder / "private" / "invites.csv"
    write_private_csv(target, new_invites_rows(made, f"{settings.url}/s/{slug_of(s)}", rows))
    typer.echo(f"{len(made)} invite link(s) ({made[0].label}–{made[-1].label}) written to {target}; "
               "only their hashes are kept in the study")


def _invitees(people: Path | None, count: int | None) -> list[dict[str, str]] | None:
    """The people to invite (--from), or None for --count anonymous links."""
    from ..errors import QuestionnaireError
    from ..survey.sampling import read_population

    if people is not None:
        frame = read_population(people)
        rows = [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]
        if not rows:
            raise QuestionnaireError(f"{people}: no one to invite")
        return rows
    if count is None:
        raise QuestionnaireError("give --from PEOPLE.csv or --count N")
    return None


@app.command()
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
    from ..errors import SamplingError
    from ..study import open_study
    from ..survey.sampling import SamplingPlan, draw_sample

    plan = SamplingPlan(id_column=id_column, where=_criteria(where or []), per_stratum=per_stratum,
                        strata=tuple(c.strip() for c in (strata or "").split(",") if c.strip()),
                        quotas=_quotas(quota or []), seed=seed)
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
        record_path = _write_record(s, drawn.record)
        typer.echo(f"record in {record_path}; invite them with `learnervoice invite {study} --from {target}`")


def _criteria(items: list[str]) -> dict[str, tuple[str, ...]]:
    """--where COLUMN=V1,V2 options as column -> accepted values."""
    from ..errors import SamplingError

    criteria: dict[str, tuple[str, ...]] = {}
    for item in items:
        column, sep, values = item.partition("=")
        if not sep or not column.strip():
            raise SamplingError(f"--where {item!r}: write COLUMN=VALUE1,VALUE2")
        criteria[column.strip()] = tuple(v.strip() for v in values.split(","))
    return criteria


def _quotas(items: list[str]) -> dict[str, int]:
    """--quota STRATUM=N options as stratum -> how many."""
    from ..errors import SamplingError

    quotas: dict[str, int] = {}
    for item in items:
        stratum, sep, n = item.rpartition("=")
        if not sep or not n.strip().isdigit():
            raise SamplingError(f"--quota {item!r}: write STRATUM=N")
        quotas[stratum.strip()] = int(n)
    return quotas


def _write_record(s: Study, record: dict[str, Any]) -> Path:
    """The record of how the sample was drawn, as the study's sampling.yaml (written whole or not at all)."""
    from ruamel.yaml import YAML

    from ..survey.sampling import RECORD_FILE

    yaml = YAML()
    yaml.default_flow_style = False
    record_path = s.folder / RECORD_FILE
    tmp = record_path.with_name(f".{record_path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("# How the participants were drawn (`learnervoice sample`); no person is named here.\n")
        yaml.dump(record, fh)
    os.replace(tmp, record_path)
    return record_path
