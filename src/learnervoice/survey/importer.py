"""Import a response file into the study's store, all or nothing.

Validation runs over the whole file, chunk by chunk, and reports every problem
at once (up to a cap); rows reach the store only when there is none.
Re-importing the same file with the same mapping changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidResponsesError, Problem
from ..study.load import Study
from ..study.model import ImportMapping
from .convert import ChunkConverter
from .mapping import Mapping, resolve_mapping
from .readers import FileInfo, open_response_file
from .store import import_records, write_transaction

if TYPE_CHECKING:
    import duckdb

MAX_PROBLEMS_SHOWN = 200


@dataclass
class ImportReport:
    """What an import did, for the CLI to print."""

    source: str
    format: str
    rows: int
    status: str  # "imported", "unchanged" or "checked" (dry run)
    mapping: Mapping
    notes: list[str] = field(default_factory=list)


class _DryRun(Exception):
    pass


def import_responses(
    study: Study,
    file: Path | str,
    *,
    format: str = "auto",
    encoding: str | None = None,
    mapping: ImportMapping | dict[str, Any] | None = None,
    respondent_id: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate a response file against the instrument and store it in one transaction.

    >>> study = open_study("examples/microcredentials-2023")  # doctest: +SKIP
    >>> import_responses(study, "examples/microcredentials-2023/data/responses.csv").rows  # doctest: +SKIP
    41
    """
    path = Path(file)
    if isinstance(mapping, dict):
        mapping = ImportMapping.model_validate(mapping)
    response_file = open_response_file(path, format=format, encoding=encoding)
    info = response_file.info
    resolved, problems = resolve_mapping(study.config, info, mapping, respondent_id=respondent_id)
    if problems:
        raise InvalidResponsesError(problems, summary="The file does not match the instrument; nothing was imported")
    source = source_name(study, path)
    digest = _fingerprint(path, info.format, resolved)
    previous = import_records(study).get(source)
    if previous is not None and previous.sha256 == digest and not dry_run:
        return ImportReport(source, info.format, previous.rows, "unchanged", resolved, info.notes)

    converter = ChunkConverter(study.config, info, resolved, source)
    try:
        with write_transaction(study) as con:
            con.execute("DELETE FROM responses WHERE _source = ?", [source])
            rows = _insert_chunks(con, response_file.chunks(), converter, info, source)
            _check_identities(con, info, source, resolved)
            if dry_run:
                raise _DryRun
            _record_import(con, source, digest, rows, info.format)
    except _DryRun:
        return ImportReport(source, info.format, rows, "checked", resolved, info.notes)
    return ImportReport(source, info.format, rows, "imported", resolved, info.notes)


def sync_declared_sources(study: Study) -> list[ImportReport]:
    """Bring the store up to date with the response files study.yaml declares."""
    reports = []
    for declared in study.config.responses:
        reports.append(
            import_responses(
                study,
                study.resolve(declared.file),
                format=declared.format,
                encoding=declared.encoding,
                respondent_id=declared.respondent_id,
                mapping=declared.mapping,
            )
        )
    _publish_web_answers(study)
    return reports


def _publish_web_answers(study: Study) -> None:
    """Answers given in the built-in questionnaire (in the study's coding store) join the survey store too."""
    from ..store import QUAL_FILE, QualStore
    from .webform import publish

    if not (study.folder / QUAL_FILE).is_file():
        return
    store = QualStore.for_study(study)
    try:
        publish(study, store)
    finally:
        store.close()


def source_name(study: Study, path: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(study.folder).as_posix()
    except ValueError:
        return resolved.name


def _fingerprint(path: Path, fmt: str, mapping: Mapping) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps([fmt, mapping.as_dict()], sort_keys=True).encode())
    return digest.hexdigest()


def _insert_chunks(
    con: duckdb.DuckDBPyConnection, chunks: Any, converter: ChunkConverter, info: FileInfo, source: str
) -> int:
    """Convert and insert chunk by chunk inside the open transaction; keep validating after a problem."""
    problems: list[Problem] = []
    total_problems = 0
    rows = 0
    for chunk in chunks:
        result = converter.convert(chunk)
        rows += len(chunk)
        total_problems += len(result.problems)
        room = MAX_PROBLEMS_SHOWN - len(problems)
        problems.extend(result.problems[: max(room, 0)])
        if total_problems == 0:
            frame = result.frame
            frame["_source"] = source
            con.register("chunk_frame", frame)
            con.execute("INSERT INTO responses BY NAME SELECT * FROM chunk_frame")
            con.unregister("chunk_frame")
    if rows == 0:
        problems.append(Problem(info.name, None, None, None, "the file has a header but no responses"))
        total_problems += 1
    if problems:
        raise InvalidResponsesError(problems, total=total_problems)
    return rows


def _check_identities(con: duckdb.DuckDBPyConnection, info: FileInfo, source: str, mapping: Mapping) -> None:
    column = mapping.respondent_id or "(row number)"
    dupes = con.execute(
        "SELECT respondent_id, list(_row ORDER BY _row) FROM responses WHERE _source = ? GROUP BY 1 "
        f"HAVING count(*) > 1 ORDER BY min(_row) LIMIT {MAX_PROBLEMS_SHOWN}",
        [source],
    ).fetchall()
    problems = [
        Problem(info.name, rows[1], column, rid, f"a unique respondent id (also on row(s) {rows[0]}"
                + (f", {', '.join(map(str, rows[2:]))}" if len(rows) > 2 else "") + ")")
        for rid, rows in dupes
    ]
    clashes = con.execute(
        "SELECT s.respondent_id, s._row, r._source FROM responses s JOIN responses r USING (respondent_id) "
        f"WHERE s._source = ? AND r._source <> ? ORDER BY s._row LIMIT {MAX_PROBLEMS_SHOWN}",
        [source, source],
    ).fetchall()
    problems += [
        Problem(info.name, row, column, rid, f"a respondent id not already imported from {other}")
        for rid, row, other in clashes
    ]
    if problems:
        raise InvalidResponsesError(problems, summary="Respondent ids are not unique; nothing was imported")


def _record_import(con: duckdb.DuckDBPyConnection, source: str, digest: str, rows: int, fmt: str) -> None:
    con.execute("DELETE FROM imports WHERE source = ?", [source])
    con.execute("INSERT INTO imports (source, sha256, rows, format) VALUES (?, ?, ?, ?)", [source, digest, rows, fmt])
