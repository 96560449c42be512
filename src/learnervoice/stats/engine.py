"""Aggregates on the engine: one GROUPING SETS query for categorical items, one for the rest.

SQL is written once in DuckDB's dialect with portable constructs only
(GROUPING SETS, CASE, SUM, COUNT) and transpiled with sqlglot for any other
engine, so a distributed engine runs the same aggregation. Only the small
aggregated result comes back to Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TableError
from ..study.load import Study
from ..survey.store import quote
from .summaries import Distribution
from .variables import MISSING, Variable

MAX_KEYS = 60  # GROUPING_ID is a 64-bit integer: one query counts at most this many variables

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Aggregates:
    """Counts per (group, variable, category) and per (group, multiple-response option)."""

    categories: dict[tuple[str | None, str, str], tuple[int, float, float]]
    multiple: dict[tuple[str | None, str], dict[str, float]]
    numeric: dict[str, Distribution] = field(default_factory=dict)  # numbers summarised (no groups)

    def overall(self) -> Aggregates:
        """The same counts summed over every group (including respondents with no group)."""
        categories: dict[tuple[str | None, str, str], tuple[int, float, float]] = {}
        for (_, vid, key), (n, wn, wn2) in self.categories.items():
            old = categories.get((None, vid, key), (0, 0.0, 0.0))
            categories[(None, vid, key)] = (old[0] + n, old[1] + wn, old[2] + wn2)
        multiple: dict[tuple[str | None, str], dict[str, float]] = {}
        for (_, vid), sums in self.multiple.items():
            target = multiple.setdefault((None, vid), {})
            for k, x in sums.items():
                target[k] = target.get(k, 0.0) + x
        return Aggregates(categories, multiple)


Runner = Callable[[str], list[tuple[Any, ...]]]


class Engine:
    """Runs generated SQL over one relation (a table or a Parquet scan).

    On DuckDB by default (`con`); another engine gives `run`, which receives the SQL in DuckDB's
    dialect (the Spark engine hands it to Ibis, which transpiles it with sqlglot).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None, relation: str, *, dialect: str = "duckdb",
                 run: Runner | None = None, name: str = "duckdb") -> None:
        self.con = con
        self.relation = relation
        self.dialect = dialect
        self.run = run
        self.name = name

    def sql(self, query: str) -> str:
        if self.dialect == "duckdb":
            return query
        import sqlglot

        return sqlglot.transpile(query, read="duckdb", write=self.dialect)[0]

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        if self.run is not None:
            return self.run(self.sql(query))
        assert self.con is not None
        return self.con.execute(self.sql(query)).fetchall()

    def per_respondent(self, expressions: list[str]) -> list[tuple[Any, ...]]:
        """One row per respondent (in respondent order) of the given key expressions: for fits that need
        each respondent's combination of answers, not counts."""
        from ..survey.store import quote

        return self.fetch(f"SELECT {', '.join(expressions)} FROM {self.relation} ORDER BY {quote('respondent_id')}")

    def aggregate(self, variables: list[Variable], *, by: Variable | None = None, weight: str | None = None) -> Aggregates:
        categorical = [v for v in variables if v.category_sql is not None]
        multiple = [v for v in variables if v.is_multiple]
        # summaries of typed numbers (binned ones are read through their bands, as SPSS does, unless asked)
        numeric = [v for v in variables if v.summary] if by is None else []
        return Aggregates(
            categories=self._categorical(categorical, by, weight) if categorical else {},
            multiple=self._sums(multiple, by, weight) if multiple else {},
            numeric={vid: d for (_, vid), d in self.distributions(numeric, weight=weight).items()} if numeric else {},
        )

    def _categorical(
        self, variables: list[Variable], by: Variable | None, weight: str | None
    ) -> dict[tuple[str | None, str, str], tuple[int, float, float]]:
        out: dict[tuple[str | None, str, str], tuple[int, float, float]] = {}
        for group, variable, key, counts in self._grouping_sets(variables, by, weight):
            out[(group, variable.id, MISSING if key is None else key)] = counts
        return out

    def distributions(
        self, variables: list[Variable], *, by: Variable | None = None, weight: str | None = None
    ) -> dict[tuple[str | None, str], Distribution]:
        """Per (group, numeric variable): its distinct values with their respondents and weights, counted by the
        categories' GROUPING SETS query with the value as key (group None: no group, or no `by`). A continuous
        number has as many distinct values as respondents, so the result is read as columns."""
        import numpy as np

        keyed = [replace(v, category_sql=number_sql(v)) for v in variables]
        out: dict[tuple[str | None, str], Distribution] = {}
        offset = 2 if by is not None else 1
        for first in range(0, len(keyed), MAX_KEYS):
            batch = keyed[first : first + MAX_KEYS]
            columns = self.fetch_columns(categorical_query(batch, self.relation, by=by, weight=weight))
            if not columns or len(columns[0]) == 0:
                continue
            full = (1 << len(batch)) - 1
            index = len(batch) - 1 - np.log2((full ^ columns[0].astype(np.int64)).astype(np.float64)).astype(np.int64)
            groups = columns[1] if by is not None else np.full(len(index), None, dtype=object)
            counts = np.asarray(columns[offset + len(batch)], dtype=np.float64)
            sums = [np.asarray(c, dtype=np.float64) for c in columns[-2:]] if weight else [counts, counts]
            for i, v in enumerate(batch):
                value = np.asarray(columns[offset + i], dtype=np.float64)
                mine = (index == i) & ~np.isnan(value)
                for group in set(groups[mine]):
                    rows = mine & (groups == group) if group is not None else mine & _is_none(groups)
                    out[(group, v.id)] = Distribution.from_arrays(value[rows], counts[rows], sums[0][rows], sums[1][rows])
        return out

    def fetch_columns(self, query: str) -> list[Any]:
        """The result as one numpy array per column (NULL: NaN in numbers, None otherwise); [] for no rows on
        another engine. For results too long to read row by row."""
        import numpy as np

        if self.run is not None:
            rows = self.run(self.sql(query))
            return [np.array(column, dtype=object) for column in zip(*rows)]
        assert self.con is not None
        return [_unmasked(c) for c in self.con.execute(self.sql(query)).fetchnumpy().values()]

    def _grouping_sets(
        self, variables: list[Variable], by: Variable | None, weight: str | None
    ) -> Iterator[tuple[Any, Variable, Any, tuple[int, float, float]]]:
        """Each row of the GROUPING SETS queries: (group, variable, key, (n, sum w, sum w²))."""
        for first in range(0, len(variables), MAX_KEYS):
            batch = variables[first : first + MAX_KEYS]
            offset = 2 if by is not None else 1
            full = (1 << len(batch)) - 1
            for row in self.fetch(categorical_query(batch, self.relation, by=by, weight=weight)):
                gid = int(row[0])
                group = row[1] if by is not None else None
                index = len(batch) - 1 - (full ^ gid).bit_length() + 1
                n = int(row[offset + len(batch)])
                wn, wn2 = (float(row[-2]), float(row[-1])) if weight else (float(n), float(n))
                yield group, batch[index], row[offset + index], (n, wn, wn2)

    def _sums(
        self, variables: list[Variable], by: Variable | None, weight: str | None
    ) -> dict[tuple[str | None, str], dict[str, float]]:
        """One aggregate query: ticks of multiple-response items."""
        query, names = multiple_query(variables, self.relation, by=by, weight=weight)
        out: dict[tuple[str | None, str], dict[str, float]] = {}
        for row in self.fetch(query):
            group = row[0] if by is not None else None
            values = dict(zip(names, row[1:] if by is not None else row))
            total = float(values["\x1ftotal"] or 0)
            for v in variables:
                prefix = f"{v.id}\x1f"
                sums = {k[len(prefix) :]: float(x or 0) for k, x in values.items() if k.startswith(prefix)}
                if not weight:  # unweighted: every weight is 1
                    sums |= {"w_answered": sums["answered"], "w2_answered": sums["answered"]}
                    sums |= {f"w{k}": x for k, x in sums.items() if k.startswith("tick:")}
                out[(group, v.id)] = sums | {"total": total}
        return out


def _unmasked(column: Any) -> Any:
    """A numpy column with its NULLs (a masked array's mask) as NaN for numbers and None otherwise."""
    import numpy as np

    if not isinstance(column, np.ma.MaskedArray):
        return column
    if column.dtype.kind == "f":
        return column.filled(np.nan)
    plain = np.ma.getdata(column).astype(object)
    plain[np.ma.getmaskarray(column)] = None
    return plain


def _is_none(column: Any) -> Any:
    import numpy as np

    return np.array([x is None for x in column], dtype=bool)


def number_sql(v: Variable) -> str:
    """A numeric variable's value as DOUBLE for respondents asked (NULL otherwise or without an answer)."""
    value = f"CAST({v.value_sql} AS DOUBLE)"
    return value if v.asked_sql == "true" else f"CASE WHEN {v.asked_sql} THEN {value} END"


def categorical_query(variables: list[Variable], relation: str, *, by: Variable | None, weight: str | None) -> str:
    """One GROUPING SETS query counting every variable's keys (per group with `by`)."""
    keys = [f"k{i}" for i in range(len(variables))]
    inner = [f"{v.category_sql} AS {k}" for v, k in zip(variables, keys)]
    sums = ""
    if weight:
        inner.append(f"coalesce(CAST({quote(weight)} AS DOUBLE), 0) AS w")
        sums = ", sum(w) AS wn, sum(w * w) AS wn2"
    group = ""
    if by is not None:
        assert by.category_sql is not None
        inner.insert(0, f"{by.category_sql} AS g")
        group = "g, "
    sets = ", ".join(f"({group}{k})" for k in keys)
    # g is in every set, so its (leading) bit is always 0 and gid reads the same; Spark wants every column named
    return (
        f"SELECT GROUPING_ID({group}{', '.join(keys)}) AS gid, {group}{', '.join(keys)}, count(*) AS n{sums} "
        f"FROM (SELECT {', '.join(inner)} FROM {relation}) AS t GROUP BY GROUPING SETS ({sets})"
    )


def multiple_query(
    variables: list[Variable],
    relation: str,
    *,
    by: Variable | None,
    weight: str | None,
) -> tuple[str, list[str]]:
    """Per multiple-response item: asked, answered, ticks per option (and their weighted sums)."""
    w = f"coalesce(CAST({quote(weight)} AS DOUBLE), 0)" if weight else "1.0"
    columns: list[str] = []
    names: list[str] = []

    def add(name: str, expr: str, aggregate: str = "sum") -> None:
        names.append(name)
        columns.append(f"{aggregate}({expr})")

    for v in variables:
        add(f"{v.id}\x1fasked", f"CASE WHEN {v.asked_sql} THEN 1 ELSE 0 END")
        add(f"{v.id}\x1fanswered", v.answered_sql())
        if weight:
            add(f"{v.id}\x1fw_answered", f"({v.answered_sql()}) * {w}")
            add(f"{v.id}\x1fw2_answered", f"({v.answered_sql()}) * {w} * {w}")
        for o in v.options:
            add(f"{v.id}\x1ftick:{o.code}", v.option_sql(o.code))
            if weight:
                add(f"{v.id}\x1fwtick:{o.code}", f"({v.option_sql(o.code)}) * {w}")
    add("\x1ftotal", "1")
    select = ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))  # plain, unique names on every engine
    if by is not None:
        assert by.category_sql is not None
        query = f"SELECT g, {select} FROM (SELECT *, {by.category_sql} AS g FROM {relation}) AS t GROUP BY g"
    else:
        query = f"SELECT {select} FROM {relation}"
    return query, names


def ready_store(study: Study) -> None:
    """Check, without writing, that the study's store can be read: declared files imported, responses there.

    The store is brought up to date where a study is opened (`learnervoice.workspace.open_workspace`).
    """
    from ..survey.importer import source_name
    from ..survey.store import count_responses, import_records

    records = import_records(study) if study.store_path.exists() else {}
    missing = [d.file for d in study.config.responses if source_name(study, study.resolve(d.file)) not in records]
    if missing:
        raise TableError(f"{study.folder.name}: the declared response file(s) {', '.join(missing)} are not imported yet; "
                         "open the study with learnervoice.open_workspace (every command does)")
    if count_responses(study) == 0:
        raise TableError(
            f"{study.folder.name} has no responses yet; import a file with `learnervoice import` "
            "or declare it under `responses:` in study.yaml"
        )


@contextmanager
def study_engine(study: Study) -> Iterator[Engine]:
    """An engine over the study's store (which must be current: see `ready_store`)."""
    from ..survey.store import connect

    ready_store(study)
    with connect(study, read_only=True) as con:
        yield Engine(con, "responses")


@contextmanager
def parquet_engine(path: Path | str, *, memory_limit: str | None = None, threads: int | None = None) -> Iterator[Engine]:
    """An engine over responses kept as Parquet (one file, or a folder of files)."""
    import duckdb

    path = Path(path)
    pattern = str(path / "*.parquet") if path.is_dir() else str(path)
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = {memory_limit!r}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    try:
        yield Engine(con, f"read_parquet({pattern!r})")
    finally:
        con.close()
