"""One owner of SQL (STYLE item 14): the stores and the table engine write it; everyone else asks them.

The check reads every module of the package as Python (no import) and reports SQL written outside
the places below: SQLAlchemy statement builders (`sa.select`, `insert`, `update`, `delete`, `text`),
running SQL (`.execute(`, `.exec_driver_sql(`, `.sql(` …), string literals that are SQL statements,
and imports of the coding store's tables (the schema is not the API). It is pragmatic, not a parser
of SQL: the tests at the end show it finding each kind of violation and passing ordinary prose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import learnervoice

SRC = Path(learnervoice.__file__).parent

# Where SQL may be written, and why (paths inside src/learnervoice; a folder ends with /).
ALLOWED = {
    "store/": "the study's transactional store (SQLite or PostgreSQL): schema, migrations, transactions, "
              "and the repositories every other module asks",
    "survey/store.py": "the survey store (DuckDB): its tables, its write transaction, replacing a source's rows",
    "survey/importer.py": "an import stages and checks rows inside the survey store's write transaction",
    "survey/staging.py": "a response file made readable by SQL (DuckDB's read_csv, or a temporary table of chunks)",
    "survey/convert.py": "conversion of a staged file: one scan for distinct cells and checks, problem rows, lookups",
    "survey/policies.py": "the import's policies run on the rows just inserted, inside its write transaction",
    "stats/engine.py": "the table engine: the generated GROUPING SETS and aggregate queries over one relation",
    "stats/backends.py": "the engines' set-up: DuckDB on the survey store or on its Parquet copy, Spark through Ibis",
    "qual/analytics.py": "DuckDB over the Parquet snapshot of codings and turns: every analytic query of the "
                         "coding store (queries.py and quantitise.py ask it), not SQL on the store itself",
}

# SQL not yet moved, each with where it is going (none now; an entry is removed when its module holds no SQL).
PENDING: dict[str, str] = {}

SQL_BUILDERS = {"select", "insert", "update", "delete", "text", "union", "union_all", "exists"}
RUNS_SQL = {"execute", "executemany", "executescript", "exec_driver_sql", "sql", "read_sql", "read_sql_query",
            "read_sql_table"}
SQL_STATEMENT = re.compile(
    r"\b(?:SELECT\b.*\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET|CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?"
    r"(?:TABLE|VIEW|INDEX)|ALTER\s+TABLE|DROP\s+(?:TABLE|VIEW|INDEX)|PRAGMA\s+\w|BEGIN\s+IMMEDIATE)\b",
    re.DOTALL,
)
STORE_SCHEMA = {"learnervoice.store.schema"}
STORE_TABLES_AT = {"learnervoice.store", "learnervoice.qual.store"}  # where importing a table name is a violation
TABLES = {"metadata", "migrations_table", "documents", "turns", "codes", "codings", "memos", "audit", "synced_files",
          "users", "study_settings", "invites", "web_responses"}
STORE_REPOSITORIES = {"documents", "codings", "memos", "audit"}  # submodules of learnervoice.store that share a table's name


def sql_written(source: str, module: str = "learnervoice.example", *, package: bool = False) -> list[str]:
    """Where `source` (the text of the module named `module`) writes SQL: 'line N: what', in order."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    sqlalchemy_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                        for alias in node.names if alias.name == "sqlalchemy"}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, name = node.func.value, node.func.attr
            if name in SQL_BUILDERS and isinstance(owner, ast.Name) and owner.id in sqlalchemy_names:
                found.append((line, f"builds SQL with {owner.id}.{name}()"))
            elif name in RUNS_SQL:
                found.append((line, f"runs SQL with .{name}()"))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, package, node.level, node.module)
            names = {alias.name for alias in node.names}
            if target.startswith("sqlalchemy") and names & SQL_BUILDERS:
                found.append((line, f"imports SQL builders {sorted(names & SQL_BUILDERS)} from {target}"))
            if target in STORE_SCHEMA or (target == "learnervoice.store" and "schema" in names):
                found.append((line, "imports the store's schema (ask a repository of learnervoice.store instead)"))
            elif target in STORE_TABLES_AT:
                tables = names & TABLES if target == "learnervoice.qual.store" else names & (TABLES - STORE_REPOSITORIES)
                if tables:
                    found.append((line, f"imports store tables {sorted(tables)} (ask a repository of learnervoice.store)"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in STORE_SCHEMA:
                    found.append((line, "imports the store's schema (ask a repository of learnervoice.store instead)"))
        elif isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in docstrings:
            text = _literal(node)
            if text is not None and SQL_STATEMENT.search(text):
                found.append((line, f"holds an SQL statement: {text[:60]!r}"))
    return [f"line {line}: {what}" for line, what in sorted(set(found))]


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def _literal(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with {} for each value put in (parts inside it are not checked twice)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}" for v in node.values)
    return None


def _resolve(module: str, package: bool, level: int, name: str | None) -> str:
    """The absolute name of a `from … import` (relative ones from the module's package)."""
    if level == 0:
        return name or ""
    parts = module.split(".") if package else module.split(".")[:-1]
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _where(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _allowed(where: str) -> bool:
    return any(where == place or (place.endswith("/") and where.startswith(place)) for place in (*ALLOWED, *PENDING))


def _module(path: Path) -> tuple[str, bool]:
    parts = ["learnervoice", *path.relative_to(SRC).with_suffix("").parts]
    return (".".join(parts[:-1]), True) if parts[-1] == "__init__" else (".".join(parts), False)


def test_sql_is_written_only_in_the_stores_and_the_engine() -> None:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        if _allowed(_where(path)):
            continue
        module, package = _module(path)
        problems += [f"{_where(path)}, {found}" for found in sql_written(path.read_text(encoding="utf-8"), module, package=package)]
    assert not problems, (
        "SQL outside the stores and the table engine; ask a repository of learnervoice.store (or add one there):\n  "
        + "\n  ".join(problems)
    )


def test_the_allowed_places_exist_and_hold_sql() -> None:
    """A place listed as allowed is still there and still writes SQL (otherwise the entry goes)."""
    for place in ALLOWED:
        paths = sorted((SRC / place).rglob("*.py")) if place.endswith("/") else [SRC / place]
        assert paths and all(p.is_file() for p in paths), f"{place} is allowed to write SQL but is not there"
        assert any(sql_written(p.read_text(encoding="utf-8"), _module(p)[0], package=_module(p)[1]) for p in paths), (
            f"{place} writes no SQL any more: take it off ALLOWED")
    for place in PENDING:
        path = SRC / place
        if path.is_file():
            module, package = _module(path)
            assert sql_written(path.read_text(encoding="utf-8"), module, package=package), (
                f"{place} writes no SQL any more: take it off PENDING")


@pytest.mark.parametrize("source, module, expected", [
    ("import sqlalchemy as sa\ndef f(conn, t):\n    return conn.execute(sa.select(t.c.id))\n", "learnervoice.qual.x",
     ["line 3: builds SQL with sa.select()", "line 3: runs SQL with .execute()"]),
    ("import sqlalchemy\nq = sqlalchemy.text('x')\n", "learnervoice.qual.x", ["line 2: builds SQL with sqlalchemy.text()"]),
    ("from sqlalchemy import delete, select\n", "learnervoice.qual.x",
     ["line 1: imports SQL builders ['delete', 'select'] from sqlalchemy"]),
    ("def f(con):\n    con.exec_driver_sql('VACUUM')\n", "learnervoice.web.x", ["line 2: runs SQL with .exec_driver_sql()"]),
    ('QUERY = "SELECT name FROM documents WHERE id = ?"\n', "learnervoice.web.x",
     ["line 1: holds an SQL statement: 'SELECT name FROM documents WHERE id = ?'"]),
    ('def f(t):\n    return f"UPDATE {t} SET seen = 1"\n', "learnervoice.web.x",
     ["line 2: holds an SQL statement: 'UPDATE {} SET seen = 1'"]),
    ("from ..store.schema import codings\n", "learnervoice.qual.x",
     ["line 1: imports the store's schema (ask a repository of learnervoice.store instead)"]),
    ("from ..store import schema\n", "learnervoice.qual.x",
     ["line 1: imports the store's schema (ask a repository of learnervoice.store instead)"]),
    ("from .qual.store import documents, turns\n", "learnervoice.cli_qual",
     ["line 1: imports store tables ['documents', 'turns'] (ask a repository of learnervoice.store)"]),
    ("from learnervoice.store import users\n", "learnervoice.web.x",
     ["line 1: imports store tables ['users'] (ask a repository of learnervoice.store)"]),
])
def test_the_check_finds_sql(source: str, module: str, expected: list[str]) -> None:
    assert sql_written(source, module) == expected


def test_the_check_passes_what_is_not_sql() -> None:
    source = '''"""Select the codings of a code, then count them: SELECT is a word here (a docstring)."""
import re
from sqlalchemy.engine import Connection
from ..store import QualStore
from ..store import codings as codings_db
from ..store import documents as documents_db

HELP = "Select the documents to code, then update the codebook."

def moved(conn: Connection, guid: str) -> bool:
    """UPDATE codings SET … would be SQL, but a docstring may say so."""
    row = codings_db.by_guid(conn, guid)
    return row is not None and re.compile("x").search(row.coder) is None and {}.update() is None
'''
    assert sql_written(source, "learnervoice.qual.example") == []
