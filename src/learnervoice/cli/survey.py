"""Survey commands: the instrument (init, schema, check), responses (import), tables, the report, audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import OutputOpt, StudyArg, current_study, err, gated

if TYPE_CHECKING:
    from ..stats.tables import TableSet
    from ..study import Study

app = typer.Typer()


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new study.")],
    from_files: Annotated[list[Path] | None, typer.Option(
        "--from", help="Write study.yaml from a response file (SPSS, Stata, Qualtrics, LimeSurvey, Kobo, Google Forms, "
        "CSV/XLSX) and/or its survey definition (.qsf, .lss, LimeSurvey .txt or .R, XLSForm); repeat for each file.")] = None,
    force: Annotated[bool, typer.Option("--force", help="With --from: replace an existing study.yaml.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="With --from: the response file's text encoding when guessing is wrong (e.g. cp1252).")] = None,
) -> None:
    """Write a commented starter study.yaml, or one read from other tools' files (--from)."""
    if not from_files:
        from ..study import init_study

        path = init_study(folder)
        typer.echo(f"wrote {path}; edit it, then `learnervoice import {folder} RESPONSES.csv`")
        return
    from ..survey.instrument import init_from

    report = init_from(folder, from_files, force=force, encoding=encoding)
    typer.echo(f"wrote {report.path}: {report.summary}")
    if report.draft.left:
        typer.echo(f"finish what is left as comments in {report.path.name} ({', '.join(x.name for x in report.draft.left[:5])}"
                   + (", …" if len(report.draft.left) > 5 else "") + ")")
    if report.draft.data_file is not None:
        typer.echo(f"{report.draft.data_file} is declared: it is imported when the study is opened, "
                   f"e.g. by `learnervoice check {folder}` then `learnervoice tables {folder}`")


@app.command()
def schema(output: OutputOpt = None) -> None:
    """Print the JSON Schema of study.yaml."""
    from ..study.starter import json_schema_text

    text = json_schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def check(study: StudyArg) -> None:
    """Validate study.yaml, import the files it declares, and say what the instrument holds."""
    from ..study.checks import spelling_clashes
    from ..study.model import ChoiceQuestion
    from ..study.roster import roster_path

    s = current_study(study)
    typer.echo(f"{s.config.title}: {len(s.config.questions)} questions, {len(s.config.derived)} derived variables — valid")
    for q in s.config.questions:
        if isinstance(q, ChoiceQuestion):
            for clash in spelling_clashes(q):
                typer.echo(f"warning: {clash}")
    if roster_path(s).is_file():
        _say_roster(s)
    _say_folder_codings(study)


def _say_folder_codings(folder: Path) -> None:
    """Codings of codes that are folders now (codable: false) are kept; say so, so that someone moves them."""
    from ..qual.workbench import folder_codings
    from ..workspace import open_workspace

    with open_workspace(folder, refresh=False) as workspace:
        kept = folder_codings(workspace.qual) if workspace.has_qual else {}
    for key, n in sorted(kept.items()):
        typer.echo(f"warning: code {key!r} is a folder of codes (codable: false in codebook.yaml) but has {n} "
                   f"coding(s), kept; recode them with a sub-code (the workbench's Recode) or make it codable")


def _say_roster(s: Study) -> None:
    from ..study.roster import load_roster

    roster = load_roster(s)
    typer.echo(f"roster: {len(roster.participants)} people; attributes that may leave the study: "
               f"{', '.join(s.config.roster.attributes) or 'none'}")
    if roster.private_columns:
        contact = set(roster.contact_columns)
        shown = [f"{c} (contact details)" if c in contact else c for c in roster.private_columns]
        typer.echo(f"private columns (never exported, printed or shown): {', '.join(shown)}")


@app.command("import")
def import_(
    study: StudyArg,
    file: Annotated[Path, typer.Argument(help="Responses: CSV, XLSX, SPSS .sav, Stata .dta, Qualtrics, LimeSurvey, Kobo.")],
    format: Annotated[str | None, typer.Option(
        "--format", help="auto, csv, xlsx, sav, dta, qualtrics, limesurvey, kobo, google-forms.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding when guessing is wrong (e.g. cp1252).")] = None,
    mapping: Annotated[Path | None, typer.Option(help="YAML file tying columns and values to questions.")] = None,
    respondent_id: Annotated[str | None, typer.Option(help="Column holding the respondent id.")] = None,
    where: Annotated[list[str] | None, typer.Option(
        "--where", help="Keep only rows whose cell passes: COLUMN=V1,V2  COLUMN!=V  COLUMN>=N  COLUMN<=N (repeatable).")] = None,
    skip_rows: Annotated[int | None, typer.Option(help="Lines above the row of column names.")] = None,
    header_rows: Annotated[int | None, typer.Option(help="Header rows from the column names to the first response.")] = None,
    on_duplicate: Annotated[str | None, typer.Option(help="error, keep-first or keep-last.")] = None,
    on_inconsistent: Annotated[str | None, typer.Option(help="error, blank or keep.")] = None,
    replace: Annotated[str | None, typer.Option(help="An imported source this file takes the place of.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and show the mapping; store nothing.")] = False,
) -> None:
    """Import responses into the study's store, all or nothing.

    Settings study.yaml declares for this file (under responses:) apply; options given here win.
    """
    from ..study import open_study
    from ..study.load import read_mapping_file
    from ..survey.importer import import_responses

    s = open_study(study)
    given = read_mapping_file(mapping) if mapping else None
    settings = {"skip_rows": skip_rows, "header_rows": header_rows, "on_duplicate": on_duplicate,
                "on_inconsistent": on_inconsistent, "filter": [_row_filter(w) for w in where or []]}
    report = import_responses(
        s, file, format=format, encoding=encoding, mapping=given, respondent_id=respondent_id, dry_run=dry_run,
        replace=replace, settings=settings, progress=lambda step: err(f"… {step}"),
    )
    _print_mapping(report.mapping.as_dict())
    for note in report.notes:
        err(f"note: {note}")
    verb = {"imported": "imported", "unchanged": "already imported, unchanged:", "checked": "checked (dry run):"}
    err(f"{verb[report.status]} {report.rows:,} responses from {report.source} ({report.format})")


def _row_filter(text: str) -> dict[str, Any]:
    """`Finished=1,True`, `Status!=Survey Preview`, `Progress>=80` as a filter of study.yaml."""
    import re

    match = re.fullmatch(r"\s*(.+?)\s*(>=|<=|!=|=)\s*(.*?)\s*", text)
    if match is None or not match.group(3):
        raise typer.BadParameter(f"{text!r}: write COLUMN=VALUE, COLUMN!=VALUE, COLUMN>=NUMBER or COLUMN<=NUMBER",
                                 param_hint="--where")
    column, operator, value = match.groups()
    if operator in (">=", "<="):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise typer.BadParameter(f"{text!r}: {value!r} is not a number", param_hint="--where") from None
        return {"column": column, "at_least" if operator == ">=" else "at_most": number}
    values = [v.strip() for v in value.split(",")]
    return {"column": column, "is" if operator == "=" else "is_not": values}


def _print_mapping(mapping: dict[str, Any]) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    err("mapping used (save it with --mapping to fix it):")
    yaml.dump(mapping, sys.stderr)


@app.command()
def tables(
    study: StudyArg,
    by: Annotated[str | None, typer.Option("--by", help="Cross-tabulate by this question or derived variable.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="md, html, csv, xlsx, docx, latex or json.")] = "md",
    output: OutputOpt = None,
    base: Annotated[str, typer.Option(help="Multiple response base: declared, cases or responses.")] = "declared",
    question: Annotated[list[str] | None, typer.Option("--question", "-q", help="Only these questions.")] = None,
    intervals: Annotated[bool, typer.Option("--ci", help="Show Wilson 95% intervals (t-based CIs of means for numbers).")] = False,
    summarise: Annotated[list[str] | None, typer.Option("--summarise", help="Summarise this binned question as a "
                         "number (n, mean, SD, median, IQR; by group with --by) as numeric ones are (repeatable).")] = None,
    test: Annotated[str, typer.Option("--test", help="With --by, numbers: auto (rank tests for skewed data and "
                                      "ordered scales), parametric (Welch) or rank (Mann-Whitney, Kruskal-Wallis).")] = "auto",
    unweighted: Annotated[bool, typer.Option("--unweighted", help="Ignore the study's weight variable.")] = False,
    engine: Annotated[str | None, typer.Option(help="duckdb (embedded, the default) or spark.")] = None,
    responses: Annotated[str | None, typer.Option(help="Read responses from this Parquet file or folder instead "
                                                  "of the study's store (with Spark, also table:DB.NAME).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file (TOML, [engine] table).")] = None,
) -> None:
    """Descriptive tables of every item (or cross-tabs with --by)."""
    from ..report.formats import released_tables, render_text, write_tables
    from ..stats.backends import load_engine_settings
    from ..mixed.tables import crosstab_tables, frequency_tables
    from ..stats.comparisons import parse_test_choice

    fmt = _tables_format(format, output, base)
    choice = parse_test_choice(test)
    s = current_study(study)
    kwargs: dict[str, Any] = {"questions": question or None, "base": base, "weighted": not unweighted,
                              "engine": load_engine_settings(config, s, name=engine), "responses": responses,
                              "summarise": summarise or ()}
    with gated(s) as gate:
        made = crosstab_tables(s, by, test=choice, **kwargs) if by else frequency_tables(s, **kwargs)
        result = released_tables(made, gate)
    _say_left_out(result, question or [])
    if output is None:
        sys.stdout.write(render_text(result, fmt, intervals=intervals))
    else:
        write_tables(result, fmt, output, intervals=intervals)
        err(f"wrote {output}")


def _say_left_out(tables: TableSet, named: list[str]) -> None:
    """Items the tables do not show as asked (text split by --by): an error when named with --question, else a warning."""
    from ..errors import TableError

    refused = [lo for lo in tables.left_out if lo.variable_id in named]
    if refused:
        raise TableError("; ".join(f"--question {lo.variable_id} ({lo.label}) cannot be split by {lo.by}: {lo.reason}"
                                   for lo in refused) + "; leave it out of --question, or table it without --by")
    for lo in tables.left_out:
        err(f"warning: {lo.note}")


def _tables_format(format: str, output: Path | None, base: str) -> str:
    """The format to write (--format, else the output file's suffix), once --base and it are known to be valid."""
    from ..errors import TableError
    from ..report.formats import FORMATS, format_from_suffix

    if base not in ("declared", "cases", "responses"):
        raise TableError(f"--base must be declared, cases or responses, not {base!r}")
    fmt = format
    if output is not None and format == "md":
        fmt = format_from_suffix(output) or "md"
    if fmt not in FORMATS:
        raise TableError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


@app.command()
def report(
    study: StudyArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="report.html, report.md or report.docx")] = Path("report.html"),
    format: Annotated[str | None, typer.Option("--format", "-f", help="html, md or docx (default: from the suffix).")] = None,
    allow_unreviewed: Annotated[bool, typer.Option("--allow-unreviewed", help="Write it even though words that look "
                                                   "like names are not reviewed (`transcripts review`).")] = False,
) -> None:
    """The study report: tables, themes with attributed quotes, methods appendix (checked for names first)."""
    from rich.console import Console

    from ..report.write import write_report

    with Console(stderr=True).status("Building the report (tables, themes, agreement)…"):
        path = write_report(current_study(study), output, format=format, allow_unreviewed=allow_unreviewed)
    err(f"wrote {path}")


@app.command()
def audit(
    table: Annotated[Path, typer.Argument(help="CSV with question, option, count, percent_printed (table, group, base, "
                                          "base_kind optional): a published table, or `tables --format csv` output.")],
    study: Annotated[Path | None, typer.Option("--study", help="Read the rounding rule and decimal mark from this "
                                                "study's study.yaml.")] = None,
    rounding: Annotated[str | None, typer.Option(help="half_up (the default, as `tables` prints) or half_even.")] = None,
    decimal_comma: Annotated[bool | None, typer.Option("--decimal-comma/--decimal-point", help="The decimal mark of "
                                                       "the counts' thousands: '1.234' or '1,234' (default: point).")] = None,
) -> None:
    """Check a printed table: the base its percentages imply, counts that do not add up, each verdict's reason.
    Exits 1 when a question is inconsistent (0 when none is, 2 when the file cannot be read), so a script can stop."""
    from ..errors import AuditError
    from ..stats.audit import audit_table

    rule: str = "half_up"
    comma = False
    if study is not None:
        from ..study import open_study

        config = open_study(study).config
        rule, comma = config.tables.rounding, config.decimal_comma
    chosen = (rounding or rule).replace("-", "_")
    if chosen not in ("half_up", "half_even"):
        raise AuditError(f"--rounding must be half_up or half_even, not {rounding!r}")
    results = audit_table(table, rounding="half_even" if chosen == "half_even" else "half_up",
                          decimal_comma=comma if decimal_comma is None else decimal_comma)
    if _print_audit(results):
        raise typer.Exit(1)


def _print_audit(results: list[Any]) -> int:
    """Print each verdict; the number of inconsistent questions."""
    from ..stats.audit import spans_text

    problems = 0
    for a in results:
        if a.verdict == "nothing to check":
            typer.echo(f"{a.label} — nothing to check: {a.reason}")
            continue
        implied = spans_text(a.implied) if a.implied else "none"
        typer.echo(f"{a.label} — {a.verdict.upper() if not a.consistent else a.verdict}: counts sum to {a.count_sum:,}; "
                   f"percentages imply base {implied}")
        typer.echo(f"    {a.reason}")
        typer.echo(f"    {a.searched_text()}")
        for finding in a.findings():
            typer.echo(f"    - {finding}")
        if a.skipped:
            typer.echo(f"    ({a.skipped} row(s) without a printed percentage not checked)")
        problems += not a.consistent
    typer.echo(f"{problems} of {len(results)} questions have inconsistencies")
    return problems
