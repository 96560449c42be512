"""Turn a staged response file into typed answers with SQL, collecting every problem on the way.

The file's cells sit in a DuckDB table of text (see :mod:`learnervoice.survey.staging`). Each
question's type says, as SQL expressions over that table, what its store columns hold
(:meth:`QuestionType.convert`), asking this module's :class:`SqlConverter` for the pieces:
option codes looked up once per *distinct* cell in Python (so spelling rules stay in one place
and a million rows cost a handful of lookups), numbers cast in SQL, checks run as one scan.
Problems are kept per column: the first few with their rows, and a count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..study.model import BinnedNumeric, ChoiceQuestion, Numeric, StudyConfig
from ..study.types import question_type
from ..text import normalize, number_text
from .mapping import Mapping, QuestionSource
from .readers import FileInfo

if TYPE_CHECKING:
    import duckdb

    from .staging import Staged

TICKED = frozenset({"1", "y", "yes", "true", "x", "checked", "selected", "si", "sí", "oui", "ja"})
UNTICKED = frozenset({"0", "n", "no", "false", "", "not selected", "unchecked"})
PROBLEMS_PER_COLUMN = 20
UNSEEN = "learnervoice: a cell the sample did not show"  # the error a guarded insert stops with
CASE_LIMIT = 256  # distinct cells written as a CASE expression; more go through a lookup table
WHITESPACE = " \t\r\n\u00a0\u2007\u202f\u3000\ufeff"


def store_columns(config: StudyConfig) -> dict[str, str]:
    """Column name -> SQL type of the wide responses table, in instrument order."""
    columns: dict[str, str] = {}
    for q in config.questions:
        columns |= question_type(q).store_columns(q)
    return columns


def mr_column(question_id: str, code: str) -> str:
    return f"{question_id}__{code}"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal of any text (a NUL, which would end DuckDB's literal, is written as chr(0))."""
    quoted = "'" + text.replace("'", "''") + "'"
    return quoted.replace("\x00", "' || chr(0) || '") if "\x00" in text else quoted


class Unreadable:
    """A cell that is not an answer, with what was expected instead (a recode function's refusal)."""

    __slots__ = ("expected",)

    def __init__(self, expected: str) -> None:
        self.expected = expected


@dataclass
class ColumnProblems:
    """Problems of one column: the first few, and how many there are."""

    shown: list[Problem] = field(default_factory=list)
    count: int = 0


@dataclass
class _Check:
    column: str
    condition: str  # SQL true for rows with the problem
    expected: str


@dataclass
class OptionLookup:
    """How a cell's text finds its option: as written (case and outer spaces aside), then with accents and
    end punctuation aside, then loosely for labels.

    A code wins over a label, a label over an alias, so two options whose codes and labels cross
    (code ``a`` labelled "b", code ``b`` labelled "a") still read each cell as the code it is. The
    file's value labels (SPSS, Stata) lead from a stored value to the option of that label. Loose
    matching (punctuation and spacing ignored: "Strongly agree." = "strongly-agree") is for labels
    only, never codes, so code ``1.5`` is not code ``15``. A spelling as written wins over a looser
    match, so options labelled "Yes!" and "Yes" keep their answers apart.
    """

    exact: dict[str, str]
    loose: dict[str, str]
    verbatim: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, q: ChoiceQuestion | BinnedNumeric, value_labels: dict[str, str], given: dict[str, str]) -> OptionLookup:
        lookup = cls({}, {})
        for o in q.options:
            lookup.verbatim.setdefault(verbatim_key(o.code), o.code)
            lookup.exact.setdefault(value_key(o.code), o.code)
        for spellings in ((o.label,) for o in q.options), (o.aliases for o in q.options):
            for o, names in zip(q.options, spellings):
                for spelling in names:
                    lookup.verbatim.setdefault(verbatim_key(spelling), o.code)
                    lookup.exact.setdefault(value_key(spelling), o.code)
                    lookup.loose.setdefault(label_key(spelling), o.code)
        for raw_value, label in value_labels.items():
            code = lookup.code(label)
            if code is not None:
                lookup.verbatim.setdefault(verbatim_key(raw_value), code)
                lookup.exact.setdefault(value_key(raw_value), code)
        for raw_value, code in given.items():
            lookup.verbatim[verbatim_key(raw_value)] = code
            lookup.exact[value_key(raw_value)] = code
        return lookup

    def code(self, text: str) -> str | None:
        """The option code this text stands for, or None."""
        found = self.verbatim.get(verbatim_key(text))
        if found is None:
            found = self.exact.get(value_key(text))
        if found is None:
            loose = label_key(text)
            found = self.loose.get(loose) if loose else None
        return found


class SqlConverter:
    """The SQL that turns a staged file's cells into store columns, and the problems found.

    Question types call :meth:`cell`, :meth:`codes`, :meth:`recode`, :meth:`numbers` and
    :meth:`flag` from the function given to :meth:`prepare`, which runs it twice: once to learn
    which columns' distinct cells and which checks it needs, then — after one scan of the file
    that gathers them all — for real. :meth:`find_problems` then reports, and the importer inserts
    ``SELECT <expressions> FROM <the kept rows>``.

    With `sample` (each column's distinct cells in the file's first rows), no scan is made: a cell the
    sample did not show, or a failed check, stops the insert (:meth:`guard_sql`, DuckDB's `error()`)
    and the exact two passes are made instead. One pass over a large file instead of two, for the
    common case of a file whose first rows show every spelling.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, config: StudyConfig, info: FileInfo, mapping: Mapping,
        staged: Staged, where: str = "true", *, row_offset: int = 1, sample: dict[str, list[str]] | None = None,
    ) -> None:
        self.con = con
        self.config = config
        self.info = info
        self.mapping = mapping
        self.staged = staged
        self.where = where
        self.row_offset = row_offset  # a record's `_rid` + this = its row in the file, as a spreadsheet shows it
        self.missing = {normalize(v) for v in config.missing_values}
        self.rows_read = 0  # data records in the file
        self.rows_kept = 0  # ... that the filter keeps
        self.sample = sample
        self._collecting = False
        self._distinct_cells: dict[str, list[str]] = {}
        self._check_counts: dict[str, int] = {}
        self._reset()

    def _reset(self) -> None:
        self._checks: list[_Check] = []
        self._bad_values: dict[str, dict[str, str]] = {}  # column -> bad raw cell -> what was expected
        self._lookup_tables = 0
        self.helpers: dict[str, str] = {}  # helper column -> SQL, computed once per row before the store columns
        self.guards: list[str] = []  # with a sample: SQL true for a row holding an unseen cell or failing a check
        self._lookups: dict[str, OptionLookup] = {}

    def prepare(self, build: Callable[[], dict[str, str]]) -> dict[str, str]:
        """The store columns' SQL that `build` writes, with everything it looks up gathered in one scan."""
        self._collecting = True
        build()
        self._collecting = False
        self._scan()
        self._reset()
        return build()

    def _scan(self) -> None:
        """One pass over the file: its rows, the rows kept, each needed column's distinct cells, each check's count.

        Plain aggregates (a `histogram` of each needed column), so memory stays that of the distinct
        cells however long the file is.
        """
        columns = sorted(self._distinct_cells)
        if self.sample is not None:
            self._distinct_cells = {name: self.sample.get(name, []) for name in columns}
            return
        checks = list(dict.fromkeys(check.condition for check in self._checks))
        scan = self.staged.scan
        parts = ["count(*)", f"count(*) FILTER (WHERE {self.where})"]
        parts += [f"histogram({self.column(c)}) FILTER (WHERE {self.where})" for c in columns]
        parts += [f"count(*) FILTER (WHERE {self.where} AND coalesce({c}, false))" for c in checks]
        row = self.con.execute(f"SELECT {', '.join(parts)} FROM {scan}").fetchone()
        assert row is not None
        self.rows_read, self.rows_kept = int(row[0]), int(row[1])
        for name, histogram in zip(columns, row[2: 2 + len(columns)]):
            self._distinct_cells[name] = [cell for cell in (histogram or {}) if cell is not None]
        self._check_counts = {c: int(n) for c, n in zip(checks, row[2 + len(columns):])}

    # --- what the questions ask for -------------------------------------------------------------

    def column(self, name: str) -> str:
        """The staged relation's column holding the file's column `name` (raw text, NULL when empty)."""
        return quote(self.staged.columns[name])

    def text(self, name: str) -> str:
        """SQL of a cell as written, trimmed; NULL when empty."""
        return f"NULLIF(trim({self.column(name)}, {literal(WHITESPACE)}), '')"

    def cell(self, name: str) -> str:
        """SQL of a cell as text: trimmed; NULL when empty, a declared missing value or user-missing."""
        text = self.text(name)
        tests = [f"lower({text}) IN ({', '.join(literal(v) for v in sorted(self.missing))})"] if self.missing else []
        declared = self.info.user_missing_text.get(name)
        if declared:
            tests.append(f"{text} IN ({', '.join(literal(v.strip()) for v in declared)})")
        for lo, hi in self.info.user_missing.get(name, []):
            tests.append(f"coalesce(TRY_CAST({text} AS DOUBLE) BETWEEN {_num(lo)} AND {_num(hi)}, false)")
        if not tests:
            return text
        return f"CASE WHEN {' OR '.join(tests)} THEN NULL ELSE {text} END"

    def recode(
        self, name: str, outputs: Sequence[tuple[str, str]], fn: Callable[[str], tuple[Any, ...] | Unreadable],
    ) -> list[str]:
        """SQL of several values computed from each distinct raw cell of a column by `fn`.

        `outputs` names each value and its SQL type; `fn` gets the cell as written (never None) and
        returns the values, or :class:`Unreadable` (a problem, reported with the rows holding that cell).
        An empty or missing cell gives NULL in every output unless `fn` is asked about it too.
        """
        mapping: dict[str, tuple[Any, ...]] = {}
        seen = self._distinct(name)
        for raw in seen:
            result = fn(raw)
            if isinstance(result, Unreadable):
                self._bad_values.setdefault(name, {})[raw] = result.expected
            else:
                mapping[raw] = result
        sql = self._lookup_sql(name, outputs, mapping)
        if self.sample is not None and not self._collecting and len(seen) > CASE_LIMIT:
            self._bad_values.setdefault(name, {})  # too varied for a sample to stand for: the exact passes decide
        elif self.sample is not None and not self._collecting:
            col = self.column(name)
            self.guards.append(f"{col} IS NOT NULL" + (f" AND {col} NOT IN ({', '.join(literal(v) for v in seen)})"
                                                        if seen else ""))
        return sql

    def codes(self, q: ChoiceQuestion | BinnedNumeric, src: QuestionSource, name: str) -> str:
        """SQL of the option code of a column's cells (by code, label, alias or the file's value label)."""
        lookup = self.lookup(q, src, name)
        expected = "one of " + ", ".join(f"{o.code} ({o.label})" for o in q.options)

        def code(raw: str) -> tuple[Any, ...] | Unreadable:
            key = value_key(raw)
            if key == "" or self.is_missing(name, key):
                return (None,)
            found = lookup.code(raw)
            return (found,) if found is not None else Unreadable(expected)

        return self.recode(name, [("code", "VARCHAR")], code)[0]

    def lookup(self, q: ChoiceQuestion | BinnedNumeric, src: QuestionSource, name: str) -> OptionLookup:
        """Every spelling of an option in this column (code, label, alias, the file's value label) -> its code."""
        key = f"{q.id}:{name}"
        if key not in self._lookups:
            self._lookups[key] = OptionLookup.of(q, self.info.value_labels.get(name, {}), src.values)
        return self._lookups[key]

    def is_missing(self, name: str, key: str) -> bool:
        """Whether a cell's key (:func:`value_key`) is a declared or user-missing value."""
        if key in self.missing or key in {value_key(v) for v in self.info.user_missing_text.get(name, ())}:
            return True
        ranges = self.info.user_missing.get(name)
        if not ranges:
            return False
        try:
            number = float(key)
        except ValueError:
            return False
        return any(lo <= number <= hi for lo, hi in ranges)

    def numbers(self, q: Numeric | BinnedNumeric, name: str) -> str:
        """SQL of a column's cells as numbers (in the file's decimal mark); problems for text and fractions."""
        cell = self.cell(name)
        text = cell
        if self.info.decimal_comma:
            text = f"replace(replace({cell}, '.', ''), ',', '.')"
        number = f"TRY_CAST({text} AS DOUBLE)"
        self.flag(name, f"{cell} IS NOT NULL AND ({number} IS NULL OR isnan({number}))", "a number")
        if q.integer:
            self.flag(name, f"{number} <> floor({number})", "a whole number")
        return f"CASE WHEN isnan({number}) THEN NULL ELSE {number} END"

    def helper(self, sql: str) -> str:
        """A name for a value computed once per row, for store columns that use it several times."""
        name = f"_h{len(self.helpers)}"
        self.helpers[name] = sql
        return name

    def flag(self, name: str, condition: str, expected: str) -> None:
        """A problem for every row where `condition` (SQL) is true, reported against column `name`."""
        self._checks.append(_Check(name, condition, expected))
        if self.sample is not None and not self._collecting:
            self.guards.append(f"coalesce({condition}, false)")

    def sample_is_clean(self) -> bool:
        """Whether the sampled rows showed no cell that is not an answer (and no column too varied to sample)."""
        return not self._bad_values

    def guard_sql(self) -> str:
        """SQL that is 0 for a row the sample stands for, and stops the statement otherwise (see :data:`UNSEEN`)."""
        if not self.guards:
            return "0"
        return f"CASE WHEN {' OR '.join(f'({g})' for g in self.guards)} THEN error({literal(UNSEEN)}) ELSE 0 END"

    # --- the problems -----------------------------------------------------------------------------

    def find_problems(self) -> dict[str, ColumnProblems]:
        """Every problem of the kept rows, by column: the first few with their rows, and a count."""
        found: dict[str, ColumnProblems] = {}
        for name, bad in self._bad_values.items():
            self._rows_with(found, name, f"{self.column(name)} IN ({', '.join(literal(v) for v in bad)})",
                            lambda raw, bad=bad: bad.get(raw, ""))  # type: ignore[misc]
        for check in self._checks:
            count = self._check_counts.get(check.condition)
            if count is None:  # written from looked-up cells (two ranks holding one option): unknown to the scan
                count = self._count_rows(check.condition)
            if count:
                self._rows_with(found, check.column, f"coalesce({check.condition}, false)",
                                lambda raw, e=check.expected: e)  # type: ignore[misc]
        return found

    def _count_rows(self, condition: str) -> int:
        found = self.con.execute(f"SELECT count(*) FROM {self.staged.numbered} AS staged "
                                 f"WHERE {self.where} AND coalesce({condition}, false)").fetchone()
        return int(found[0]) if found else 0

    def _rows_with(
        self, found: dict[str, ColumnProblems], name: str, condition: str, expected: Callable[[str], str]
    ) -> None:
        col = self.column(name)
        rows = f"{self.staged.numbered} AS staged WHERE {self.where} AND {condition}"
        total = self.con.execute(f"SELECT count(*) FROM {rows}").fetchone()
        shown = self.con.execute(f"SELECT _rid, {col} FROM {rows} ORDER BY _rid LIMIT {PROBLEMS_PER_COLUMN}").fetchall()
        entry = found.setdefault(name, ColumnProblems())
        entry.count += int(total[0]) if total else 0
        labels = self.info.value_labels.get(name, {})
        for index, raw in shown:
            if len(entry.shown) < PROBLEMS_PER_COLUMN:
                value = "" if raw is None else str(raw)
                label = labels.get(number_text(value.strip()))
                entry.shown.append(Problem(self.info.name, self.row_number(int(index)), name, value,
                                           expected(value), label=label))

    def row_number(self, rid: int) -> int:
        """The file's row (as a spreadsheet shows it) of a record's index."""
        return rid + self.row_offset

    # --- SQL of looked-up values ------------------------------------------------------------------

    def _distinct(self, name: str) -> list[str]:
        if self._collecting:
            self._distinct_cells.setdefault(name, [])
        return self._distinct_cells.get(name, [])

    def _lookup_sql(self, name: str, outputs: Sequence[tuple[str, str]], mapping: dict[str, tuple[Any, ...]]) -> list[str]:
        col = self.column(name)
        if len(mapping) <= CASE_LIMIT and len(outputs) == 1:
            return [_case(col, {raw: values[0] for raw, values in mapping.items()}, outputs[0][1])]
        if len(mapping) <= CASE_LIMIT:  # several values of each cell: find its place once, then pick from lists
            place = self.helper(_case(col, {raw: i for i, raw in enumerate(mapping, 1)}, "INTEGER"))
            return [f"{_list(sql_type, [values[i] for values in mapping.values()])}[{place}]"
                    for i, (_, sql_type) in enumerate(outputs)]
        import pandas as pd

        self._lookup_tables += 1
        table = f"lookup_{self._lookup_tables}"
        frame = pd.DataFrame([(raw, *values) for raw, values in mapping.items()],
                             columns=["raw", *(f"v{i}" for i in range(len(outputs)))])
        self.con.register(f"{table}_frame", frame)
        casts = ", ".join(f"CAST(v{i} AS {t}) AS v{i}" for i, (_, t) in enumerate(outputs))
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT raw, {casts} FROM {table}_frame")
        self.con.unregister(f"{table}_frame")
        return [f"(SELECT v{i} FROM {table} WHERE {table}.raw = staged.{col})" for i in range(len(outputs))]


def _case(col: str, values: dict[str, Any], sql_type: str) -> str:
    whens = " ".join(f"WHEN {literal(raw)} THEN {_sql_value(v, sql_type)}" for raw, v in values.items())
    if not whens:
        return f"CAST(NULL AS {sql_type})"
    return f"CASE {col} {whens} ELSE CAST(NULL AS {sql_type}) END"


def _list(sql_type: str, values: list[Any]) -> str:
    if not values:
        return f"CAST([] AS {sql_type}[])"
    return f"CAST([{', '.join(_sql_value(v, sql_type) for v in values)}] AS {sql_type}[])"


def _sql_value(value: Any, sql_type: str) -> str:
    if value is None:
        return f"CAST(NULL AS {sql_type})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _num(float(value))
    return literal(str(value))


def _num(value: float) -> str:
    if math.isinf(value):
        return "'inf'::DOUBLE" if value > 0 else "'-inf'::DOUBLE"
    return repr(float(value))


def split_ticks(cell: str, lookup: OptionLookup, separator: str | None) -> frozenset[str] | None:
    """Split a cell of joined ticks into option codes; None when some part matches no option.

    Labels may hold the separator themselves (Google Forms joins labels with ", "),
    so adjacent pieces are joined back greedily until they make a known label.

    >>> lookup = OptionLookup({"online": "on", "mixed": "mx"}, {})
    >>> split_ticks("Online, mixed", lookup, None) == frozenset({"on", "mx"})
    True
    """
    candidates: tuple[str, ...] = (separator,) if separator else (";", ",", " ")
    for sep in candidates:
        codes = _greedy_split(cell.split(sep), sep, lookup)
        if codes is not None:
            return codes
    return None


def _greedy_split(pieces: list[str], sep: str, lookup: OptionLookup) -> frozenset[str] | None:
    codes: set[str] = set()
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            candidate = sep.join(pieces[i:j]).strip()
            code: str | None = "" if not candidate else lookup.code(candidate)
            if code is not None:
                if code:
                    codes.add(code)
                i = j
                break
        else:
            return None
    return frozenset(codes)


def value_key(value: str) -> str:
    """The form in which a raw value is matched against codes, labels and aliases."""
    return normalize(number_text(value.strip()))


def verbatim_key(value: str) -> str:
    """A cell as written, case and outer spaces aside ('1.0' read as '1', as spreadsheets write numbers)."""
    return number_text(value.strip()).casefold()


def label_key(value: str) -> str:
    """A looser form for labels: punctuation and spacing differences do not matter ("Strongly agree." = "strongly-agree")."""
    return "".join(ch for ch in normalize(value) if ch.isalnum())
