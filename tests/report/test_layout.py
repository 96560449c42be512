"""The report package's place among the others: it presents the alignment, and it runs no SQL of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import learnervoice

PACKAGE = Path(learnervoice.__file__).parent


def _imports(package: str) -> dict[str, set[str]]:
    """Module path -> every module it imports (absolute, learnervoice.* or other), inside functions too."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        parts = ["learnervoice", *path.relative_to(PACKAGE).with_suffix("").parts]
        here = parts[:-1]  # the package a relative import starts from
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join(base + (node.module.split(".") if node.module else []))
                names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_align_does_not_import_report() -> None:
    """Alignment's presentation lives in report/alignment.py, so report -> align is one-way."""
    offending = {path: sorted(n for n in names if n.startswith("learnervoice.report"))
                 for path, names in _imports("align").items()}
    assert not {path: names for path, names in offending.items() if names}


def test_report_runs_no_sql() -> None:
    """What the report needs of the coding store it asks of qual/queries.py, which returns plain data."""
    offending = {path: sorted(n for n in names if n.split(".")[0] == "sqlalchemy" or n.startswith("learnervoice.qual.store."))
                 for path, names in _imports("report").items()}
    allowed = {"learnervoice.qual.store.QualStore"}  # the store handle, passed on to the queries
    assert not {path: set(names) - allowed for path, names in offending.items() if set(names) - allowed}
