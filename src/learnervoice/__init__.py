"""learnervoice: learner-voice mixed-methods studies in one reproducible place.

The public face; everything else is an implementation detail.

>>> from learnervoice import open_workspace, frequency_tables   # doctest: +SKIP
>>> with open_workspace("examples/microcredentials-2023") as ws:  # doctest: +SKIP
...     frequency_tables(ws.study).to_frame()
"""

from __future__ import annotations

from typing import Any

from .errors import (
    AuditError,
    InvalidResponsesError,
    LearnervoiceError,
    Problem,
    StoreError,
    StudyError,
    TableError,
    UnreadableFileError,
)

__version__ = "0.1.0"

_LAZY = {
    "open_study": ".study",
    "open_workspace": ".workspace",
    "init_study": ".study",
    "json_schema": ".study",
    "import_responses": ".survey.importer",
    "frequency_tables": ".mixed.tables",
    "crosstab_tables": ".mixed.tables",
    "audit_table": ".stats.audit",
    "render_text": ".report.formats",
    "write_tables": ".report.formats",
}

__all__ = [
    "AuditError",
    "InvalidResponsesError",
    "LearnervoiceError",
    "Problem",
    "StoreError",
    "StudyError",
    "TableError",
    "UnreadableFileError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    """Heavy modules load on first use, so `learnervoice --help` stays fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
