"""What an import does with rows the study's rules do not allow, as study.yaml says, each counted.

- `filter:` keeps only the rows a tool marks as wanted (Qualtrics' Finished, Progress ≥ 80);
- `on_duplicate:` two rows with one respondent id: refuse (`error`), or keep the first or last;
- `on_inconsistent:` an answer to a question the respondent was not asked (skip logic the survey
  tool did not enforce, "not applicable" coded as a value): refuse with the value and the rule
  (`error`), blank the answer (`blank`), or keep it (`keep`).
The SQL runs on the rows just inserted, inside the import's transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InvalidResponsesError, Problem
from ..study.model import Question, RowFilter, StudyConfig
from ..study.types import question_type
from .convert import PROBLEMS_PER_COLUMN, literal, quote
from .mapping import Mapping
from .readers import FileInfo
from .staging import Staged

if TYPE_CHECKING:
    import duckdb

SHOWN = 200


def filter_sql(info: FileInfo, staged: Staged, filters: tuple[RowFilter, ...]) -> tuple[str, list[Problem]]:
    """SQL true for the data records every filter keeps; a problem for each filter on an unknown column."""
    tests = ["true"]
    problems = []
    for rule in filters:
        if rule.column not in staged.columns:
            problems.append(Problem(info.name, None, rule.column, None, "a column of the file (the filter names it)"))
            continue
        column = quote(staged.columns[rule.column])
        cell = f"lower(trim({column}))"
        if rule.is_:
            tests.append(f"coalesce({cell} IN ({_listed(rule.is_)}), false)")
        if rule.is_not:
            tests.append(f"NOT coalesce({cell} IN ({_listed(rule.is_not)}), false)")
        number = f"TRY_CAST(replace(trim({column}), ',', '.') AS DOUBLE)"
        if rule.at_least is not None:
            tests.append(f"coalesce({number} >= {rule.at_least!r}, false)")
        if rule.at_most is not None:
            tests.append(f"coalesce({number} <= {rule.at_most!r}, false)")
    return " AND ".join(f"({t})" for t in tests), problems


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(literal(v.strip().lower()) for v in values)


def apply_duplicates(
    con: duckdb.DuckDBPyConnection, info: FileInfo, source: str, mapping: Mapping, policy: str, details: dict[str, Any]
) -> list[str]:
    """Refuse rows sharing a respondent id, or keep the first or last of each, as the policy says."""
    column = mapping.respondent_id or "(row number)"
    dupes = con.execute(
        "SELECT respondent_id, list(_row ORDER BY _row) FROM responses WHERE _source = ? GROUP BY 1 "
        f"HAVING count(*) > 1 ORDER BY min(_row) LIMIT {SHOWN}",
        [source],
    ).fetchall()
    if not dupes:
        return []
    if policy == "error":
        problems = [
            Problem(info.name, rows[1], column, rid, f"a unique respondent id (also on row(s) {rows[0]}"
                    + (f", {', '.join(map(str, rows[2:]))}" if len(rows) > 2 else "") + ")")
            for rid, rows in dupes
        ]
        raise InvalidResponsesError(
            problems, summary="Respondent ids are not unique; nothing was imported (set on_duplicate: keep-first or "
            "keep-last for this file in study.yaml, or --on-duplicate, to keep one row of each)"
        )
    order = "_row" if policy == "keep-first" else "_row DESC"
    dropped = con.execute(
        "DELETE FROM responses WHERE _source = ? AND _row IN (SELECT _row FROM (SELECT _row, row_number() OVER "
        f"(PARTITION BY respondent_id ORDER BY {order}) AS n FROM responses WHERE _source = ?) WHERE n > 1)",
        [source, source],
    ).fetchone()
    count = int(dropped[0]) if dropped else 0
    details["duplicates_dropped"] = {"rows": count, "policy": policy}
    kept = "first" if policy == "keep-first" else "last"
    return [f"{count:,} row(s) repeating a respondent id were left out; the {kept} row of each id was kept"]


def apply_conditions(
    con: duckdb.DuckDBPyConnection, config: StudyConfig, info: FileInfo, source: str, mapping: Mapping, policy: str,
    details: dict[str, Any],
) -> list[str]:
    """Answers to questions not asked of the respondent: refuse, blank or keep them, as the policy says."""
    notes: list[str] = []
    problems: list[Problem] = []
    total = 0
    for q in config.questions:
        if q.ask_if is None or q.id not in mapping.questions or q.ask_if.question not in mapping.questions:
            continue
        wrong = _not_asked_sql(config, q)
        found = con.execute(f"SELECT count(*) FROM responses WHERE _source = ? AND {wrong}", [source]).fetchone()
        count = int(found[0]) if found else 0
        if not count:
            continue
        total += count
        details.setdefault("inconsistent", {})[q.id] = {"rows": count, "policy": policy}
        rule = f"{q.id!r} is asked only if {q.ask_if.question!r} is one of {list(q.ask_if.any_of)}"
        if policy == "error":
            problems += _inconsistent_rows(con, config, info, source, mapping, q, wrong, rule)
        elif policy == "blank":
            blanks = ", ".join(f"{quote(c)} = NULL" for c in question_type(q).store_columns(q))
            con.execute(f"UPDATE responses SET {blanks} WHERE _source = ? AND {wrong}", [source])
            notes.append(f"{count:,} answer(s) to {q.id!r} blanked: {rule}")
        else:
            notes.append(f"{count:,} answer(s) to {q.id!r} kept although {rule}")
    if problems:
        raise InvalidResponsesError(
            problems, total=total,
            summary=f"{total:,} answer(s) to questions not asked of the respondent; nothing was imported "
            "(set on_inconsistent: blank or keep for this file in study.yaml, or --on-inconsistent, to import them)",
        )
    return notes


def _not_asked_sql(config: StudyConfig, q: Question) -> str:
    assert q.ask_if is not None
    condition = config.question(q.ask_if.question)
    asked = question_type(condition).condition_sql(condition, q.ask_if.any_of)
    return f"({question_type(q).answered_sql(q)}) AND NOT {asked}"


def _inconsistent_rows(
    con: duckdb.DuckDBPyConnection, config: StudyConfig, info: FileInfo, source: str, mapping: Mapping, q: Question,
    wrong: str, rule: str,
) -> list[Problem]:
    assert q.ask_if is not None
    condition = config.question(q.ask_if.question)
    answer = _as_text(q)
    found = _as_text(condition)
    rows = con.execute(
        f"SELECT _row, {answer}, {found} FROM responses WHERE _source = ? AND {wrong} ORDER BY _row "
        f"LIMIT {PROBLEMS_PER_COLUMN}", [source],
    ).fetchall()
    src = mapping.questions[q.id]
    column = src.columns()[0] if src.columns() else q.id
    labels = {o.code: o.label for o in getattr(condition, "options", ())}
    return [
        Problem(info.name, int(row), column, value,
                f"no answer: {rule}" + ("" if there is None else f" (here it is {_shown(there, labels)})"))
        for row, value, there in rows
    ]


def _shown(code: str, labels: dict[str, str]) -> str:
    """A stored answer as a person reads it: its code with its option's label."""
    label = labels.get(code)
    return f"{code!r}, {label!r}" if label and label != code else repr(code)


def _as_text(q: Question) -> str:
    """SQL of a question's stored answer as text, where it has one column (NULL otherwise)."""
    columns = question_type(q).store_columns(q)
    if list(columns) != [q.id]:
        return "NULL"
    text = f"CAST({quote(q.id)} AS VARCHAR)"
    return f"regexp_replace({text}, '[.]0$', '')" if columns[q.id] == "DOUBLE" else text  # 12.0 as the file wrote it: 12


def check_clashes(con: duckdb.DuckDBPyConnection, info: FileInfo, source: str, mapping: Mapping) -> None:
    """Respondent ids of this file already imported from another file."""
    column = mapping.respondent_id or "(row number)"
    clashes = con.execute(
        "SELECT s.respondent_id, s._row, r._source FROM responses s JOIN responses r USING (respondent_id) "
        f"WHERE s._source = ? AND r._source <> ? ORDER BY s._row LIMIT {SHOWN}",
        [source, source],
    ).fetchall()
    if clashes:
        problems = [Problem(info.name, row, column, rid, f"a respondent id not already imported from {other}")
                    for rid, row, other in clashes]
        raise InvalidResponsesError(problems, summary="Respondent ids are not unique; nothing was imported")
