"""Import a response file into the study's store, all or nothing.

The file is staged in DuckDB (:mod:`.staging`), converted by SQL the question types write
(:mod:`.convert`), checked as a whole — every problem at once, the first few per column with a
count — and inserted only when there is none; the study's policies for inconsistent answers and
duplicate ids (:mod:`.policies`) then apply, each counted in the import record. Re-importing the
same file with the same settings changes nothing. A source is the file's path relative to the
study folder, so `wave2/export.csv` never replaces `wave1/export.csv`; the same content under a
second name is refused unless it replaces the first.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidResponsesError, Problem
from ..study.load import Study
from ..study.model import ImportMapping, ResponseSource
from ..study.types import question_type
from .convert import UNSEEN, SqlConverter, literal, quote
from .mapping import Mapping, resolve_mapping
from .policies import apply_conditions, apply_duplicates, check_clashes, filter_sql
from .readers import open_response_file
from .staging import BEYOND, SerialOnly, Staged, first_cells, memory_mb, reading, stage
from .store import import_records, write_transaction

if TYPE_CHECKING:
    import duckdb

Progress = Callable[[str], None]
MAX_GUARDS = 64  # checks one guarded insert may carry (DuckDB's memory for one expression grows with them)


@dataclass
class ImportReport:
    """What an import did, for the CLI to print and the import record to keep."""

    source: str
    format: str
    rows: int
    status: str  # "imported", "unchanged" or "checked" (dry run)
    mapping: Mapping
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class _DryRun(Exception):
    pass


def import_responses(
    study: Study,
    file: Path | str,
    *,
    format: str | None = None,
    encoding: str | None = None,
    mapping: ImportMapping | dict[str, Any] | None = None,
    respondent_id: str | None = None,
    dry_run: bool = False,
    replace: str | None = None,
    settings: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate a response file against the instrument and store it in one transaction.

    Settings a file declared in study.yaml (``responses:``) gives are used unless overridden here:
    format, encoding, respondent_id, mapping, and in `settings` skip_rows, header_rows, filter,
    ignore_columns, on_inconsistent, on_duplicate.

    >>> study = open_study("examples/microcredentials-2023")  # doctest: +SKIP
    >>> import_responses(study, "examples/microcredentials-2023/data/responses.csv").rows  # doctest: +SKIP
    41
    """
    path = Path(file)
    given = {"format": format, "encoding": encoding, "respondent_id": respondent_id,
             "mapping": mapping, **(settings or {})}
    declared = effective_settings(study, path, given)
    say = progress or (lambda message: None)
    say(f"reading {path.name}")
    response_file = open_response_file(path, **_reader_options(declared))
    info = response_file.info
    resolved, problems = resolve_mapping(study.config, info, declared.mapping, respondent_id=declared.respondent_id,
                                         ignore=declared.ignore_columns)
    if problems:
        raise InvalidResponsesError(problems, summary="The file does not match the instrument; nothing was imported")
    source = source_name(study, path)
    content = _content_digest(path)
    digest = _fingerprint(content, info.format, resolved, declared)
    records = import_records(study)
    previous = records.get(source)
    if previous is not None and previous.sha256 == digest and not dry_run and replace in (None, source):
        return ImportReport(source, info.format, previous.rows, "unchanged", resolved, info.notes)
    _refuse_second_copy(study, path, source, content, replace)
    try:
        with write_transaction(study) as con:
            report = _import(con, study, response_file, resolved, declared, source, say)
            if replace not in (None, source):
                _drop_source(con, study, str(replace))
            check_clashes(con, info, source, resolved)
            if dry_run:
                raise _DryRun(report)
            _record_import(con, source, digest, content, report)
    except _DryRun as done:
        checked: ImportReport = done.args[0]
        checked.status = "checked"
        return checked
    return report


def effective_settings(study: Study, path: Path, given: dict[str, Any]) -> ResponseSource:
    """The file's settings: study.yaml's declaration of it (matched by path), or what is given for a file it
    does not declare.

    A declared file is imported again with study.yaml's settings whenever the study is opened, so a setting
    given here that differs from the declaration would hold only until then: it is refused, naming the
    setting to write in study.yaml instead.
    """
    wanted = path.resolve()
    declared = next((d for d in study.config.responses if study.resolve(d.file) == wanted), None)
    mapping = given.pop("mapping", None)
    if isinstance(mapping, ImportMapping):
        mapping = mapping.model_dump(exclude_defaults=True)
    if mapping is not None:
        given["mapping"] = mapping
    given = {k: v for k, v in given.items() if v is not None and v != () and v != []}
    if declared is None:
        return _settings(path, {"file": str(path), **given})
    base = declared.model_dump(by_alias=True, exclude_defaults=True)
    merged = _settings(path, {**base, **given})
    differing = [k for k in given if getattr(merged, k) != getattr(declared, k)]
    if differing:
        raise InvalidResponsesError(
            [Problem(path.name, None, name, None, f"the value study.yaml declares for this file (write {name}: under its "
                     "entry in study.yaml: opening the study imports it again with study.yaml's settings)")
             for name in differing],
            summary="study.yaml declares this file; its settings are changed there; nothing was imported",
        )
    return declared


def _settings(path: Path, values: dict[str, Any]) -> ResponseSource:
    from pydantic import ValidationError

    try:
        return ResponseSource.model_validate(values)
    except ValidationError as exc:
        problems = [Problem(path.name, None, ".".join(str(p) for p in e["loc"]), None, e["msg"]) for e in exc.errors()]
        raise InvalidResponsesError(problems, summary="The import settings are not valid; nothing was imported") from None


def sync_declared_sources(study: Study) -> list[ImportReport]:
    """Bring the store up to date with the response files study.yaml declares."""
    return [import_responses(study, study.resolve(declared.file)) for declared in study.config.responses]


def source_name(study: Study, path: Path) -> str:
    """A file study.yaml declares is named as declared; any other by its path relative to the study folder
    (`../wave1/export.csv` for a file beside it), links not followed."""
    wanted = path.resolve()
    for declared in study.config.responses:
        if study.resolve(declared.file) == wanted:
            return Path(os.path.normpath(declared.file)).as_posix()
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(study.folder))).as_posix()


def _reader_options(declared: ResponseSource) -> dict[str, Any]:
    options: dict[str, Any] = {"format": declared.format, "encoding": declared.encoding}
    if declared.skip_rows:
        options["skip_rows"] = declared.skip_rows
    if declared.header_rows is not None:
        options["header_rows"] = declared.header_rows
    return options


def _import(
    con: duckdb.DuckDBPyConnection, study: Study, response_file: Any, mapping: Mapping, declared: ResponseSource,
    source: str, say: Progress,
) -> ImportReport:
    info = response_file.info
    staged = stage(con, response_file)
    con.execute(f"SET memory_limit = '{memory_mb(len(staged.columns) + len(mapping.questions))}MB'")
    where, filter_problems = filter_sql(info, staged, declared.filter)
    if filter_problems:
        raise InvalidResponsesError(filter_problems, summary="The filter names columns the file does not have")
    sample = first_cells(info) if not declared.filter else None
    try:
        with reading(info):
            converter = _insert(con, study, info, staged, mapping, source, where, sample, say)
    except SerialOnly:  # quoted line breaks with short rows, or very long lines: DuckDB reads them in one thread
        staged = stage(con, response_file, parallel=False)
        with reading(info):
            converter = _insert(con, study, info, staged, mapping, source, where, None, say)
    details: dict[str, Any] = {"ignored_columns": mapping.ignored_columns, "declared_ignored": mapping.declared_ignored}
    notes = list(info.notes)
    left_out = converter.rows_read - converter.rows_kept
    if left_out:
        notes.append(f"the filter left out {left_out:,} of {converter.rows_read:,} row(s)")
        details["left_out_by_filter"] = left_out
    notes += apply_duplicates(con, info, source, mapping, declared.on_duplicate, details)
    notes += apply_conditions(con, study.config, info, source, mapping, declared.on_inconsistent, details)
    rows = _count(con, "SELECT count(*) FROM responses WHERE _source = ?", [source])
    if rows == 0:
        why = "the filter left no responses" if left_out else "the file has a header but no responses"
        raise InvalidResponsesError([Problem(info.name, None, None, None, why)])
    if mapping.ignored_columns:
        notes.append(f"columns not imported: {', '.join(mapping.ignored_columns)} "
                     "(list them under ignore_columns in study.yaml to say it is on purpose)")
    return ImportReport(source, info.format, rows, "imported", mapping, notes, details)


def _insert(
    con: duckdb.DuckDBPyConnection, study: Study, info: Any, staged: Staged, mapping: Mapping, source: str,
    where: str, sample: dict[str, list[str]] | None, say: Progress,
) -> SqlConverter:
    """Convert and insert the file's rows: in one pass when its first rows show every spelling, else in two.

    The one pass (no filter) learns the cells from the file's first rows and inserts, stopping at a row
    with a cell they did not show or a failed check; then nothing was inserted, and the exact two passes
    run, which report every problem with its row.
    """
    con.execute("DELETE FROM responses WHERE _source = ?", [source])
    offset = info.row_number(0)
    fast = None if sample is None else _one_pass(con, study, info, staged, mapping, source, sample, say)
    if fast is not None:
        return fast
    say("checking every cell")
    exact = SqlConverter(con, study.config, info, mapping, staged, where, row_offset=offset)
    expressions = exact.prepare(lambda: _expressions(exact, mapping, source))
    _raise_problems(exact)
    say("storing")
    _insert_rows(con, exact, staged, expressions, where)
    return exact


def _one_pass(
    con: duckdb.DuckDBPyConnection, study: Study, info: Any, staged: Staged, mapping: Mapping, source: str,
    sample: dict[str, list[str]], say: Progress,
) -> SqlConverter | None:
    """The rows inserted in one pass, with the cells the sample showed; None (nothing inserted) when a row
    holds a cell it did not show or fails a check."""
    import duckdb

    say("reading and storing")
    fast = SqlConverter(con, study.config, info, mapping, staged, row_offset=info.row_number(0), sample=sample)
    expressions = fast.prepare(lambda: _expressions(fast, mapping, source))
    if not fast.sample_is_clean() or len(fast.guards) > MAX_GUARDS:  # a problem in the first rows already, or a file
        return None  # so wide that one guard per column costs more than a second pass: the exact passes
    expressions["_row"] += f" + {fast.guard_sql()}"
    try:
        _insert_rows(con, fast, staged, expressions, "true")
    except duckdb.InvalidInputException as exc:
        if UNSEEN not in str(exc):
            raise
        return None
    fast.rows_read = fast.rows_kept = _count(con, "SELECT count(*) FROM responses WHERE _source = ?", [source])
    return fast


def _insert_rows(
    con: duckdb.DuckDBPyConnection, converter: SqlConverter, staged: Staged, expressions: dict[str, str], where: str
) -> None:
    """Insert the rows; a whole CSV with respondent ids is read in parallel and its rows numbered after.

    Numbering records while reading (a window over the scan) makes DuckDB read the file in one thread,
    about twice as slow; inserted in file order (DuckDB keeps insertion order), the new rows' row ids
    run in that order, so their file rows follow from them.
    """
    source = expressions["_source"]
    later = where == "true" and staged.unnumbered is not None and converter.mapping.respondent_id is not None
    select = ", ".join(f"{sql} AS {quote(name)}" for name, sql in expressions.items())
    rows = staged.with_helpers(converter.helpers, where, numbered=not later)
    con.execute(f"INSERT INTO responses BY NAME SELECT {select} FROM {rows}")
    if later:
        con.execute(
            f"UPDATE responses SET _row = rowid - (SELECT min(rowid) FROM responses WHERE _source = {source}) "
            f"+ {converter.row_offset} WHERE _source = {source}"
        )


def _expressions(converter: SqlConverter, mapping: Mapping, source: str) -> dict[str, str]:
    if BEYOND in converter.staged.columns:  # a trailing empty cell is harmless, as in spreadsheets' CSV
        converter.flag(BEYOND, f"{converter.text(BEYOND)} IS NOT NULL", "no cell beyond the header's last column")
    expressions = {"respondent_id": _id_sql(converter, mapping, source), "_row": f"_rid + {converter.row_offset}",
                   "_source": literal(source)}
    for q in converter.config.questions:
        src = mapping.questions.get(q.id)
        if src is not None:
            expressions |= question_type(q).convert(q, src, converter)
    return expressions


def _id_sql(converter: SqlConverter, mapping: Mapping, source: str) -> str:
    column = mapping.respondent_id
    if column is None:  # the file's path in the id, so two files named alike in two folders stay apart
        stem = "/".join(p for p in source.rsplit(".", 1)[0].split("/") if p not in ("..", "."))
        return f"{literal(stem + '-')} || CAST(_rid + {converter.row_offset} AS VARCHAR)"
    cell = converter.text(column)
    converter.flag(column, f"{cell} IS NULL", "a respondent id")
    return f"regexp_replace({cell}, '^(-?[0-9]+)[.]0+$', '\\1')"


def _raise_problems(converter: SqlConverter) -> None:
    found = converter.find_problems()
    if not found:
        return
    shown = sorted((p for entry in found.values() for p in entry.shown), key=lambda p: (p.row or 0, p.field or ""))
    per_column = {column: entry.count for column, entry in found.items()}
    raise InvalidResponsesError(shown, total=sum(per_column.values()), per_column=per_column)


def _refuse_second_copy(study: Study, path: Path, source: str, content: str, replace: str | None) -> None:
    """The same data under a second name would count every respondent twice."""
    for other, record in import_records(study).items():
        if other not in (source, replace) and record.content_sha256 == content:
            raise InvalidResponsesError(
                [Problem(path.name, None, None, None,
                         f"the same data is already imported from {other}; import it in that file's place "
                         f"with --replace {other}, or leave it out")],
                summary="Nothing was imported",
            )


def _drop_source(con: duckdb.DuckDBPyConnection, study: Study, name: str) -> None:
    imported = import_records(study)
    if name not in imported:
        raise InvalidResponsesError([Problem(name, None, None, None, "a source to replace that was imported before; "
                                             f"imported sources: {', '.join(imported) or 'none'}")],
                                    summary="Nothing was imported")
    con.execute("DELETE FROM responses WHERE _source = ?", [name])
    con.execute("DELETE FROM imports WHERE source = ?", [name])


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return 0 if row is None else int(row[0])


def _content_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(content: str, fmt: str, mapping: Mapping, declared: ResponseSource) -> str:
    settings = declared.model_dump(mode="json", exclude={"file", "mapping"})
    payload = json.dumps([content, fmt, mapping.as_dict(), settings], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _record_import(con: duckdb.DuckDBPyConnection, source: str, digest: str, content: str, report: ImportReport) -> None:
    con.execute("DELETE FROM imports WHERE source = ?", [source])
    con.execute(
        "INSERT INTO imports (source, sha256, rows, format, content_sha256, details) VALUES (?, ?, ?, ?, ?, ?)",
        [source, digest, report.rows, report.format, content, json.dumps(report.details | {"notes": report.notes})],
    )

