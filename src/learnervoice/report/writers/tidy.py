"""The tidy formats of a TableSet: one row per question × option (× group), for other software.

CSV and JSON are text; XLSX is written to a path. Text that a spreadsheet would run as a formula is
neutralised (`report.numbers.neutralise`).
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

from ...stats.tables import TIDY_COLUMNS, TableSet
from ..numbers import neutralise


def render_csv(tables: TableSet) -> str:
    """Tidy CSV: question_id,question,option,count,percent,base,base_kind (group columns lead for --by)."""
    frame = tables.to_frame()
    columns = [c for c in frame.columns if c in TIDY_COLUMNS or c in ("group_variable", "group")]
    frame = frame[columns].copy()
    frame["base"] = frame["base"].astype("Int64")
    for col in ("question", "option", "group"):
        if col in frame:
            frame[col] = frame[col].map(neutralise)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.15g")
    return buffer.getvalue()


def render_json(tables: TableSet) -> str:
    """The tidy rows, the tests of association and the tests between groups of numbers, as one JSON document."""
    frame = tables.to_frame()
    records = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    doc = {
        "title": tables.title,
        "weighted": tables.weighted,
        "rows": records,
        "tests": [
            {
                "question_id": ct.variable.id, "by": ct.by.id,
                "chi2": ct.test.chi2, "dof": ct.test.dof, "p_chi2": ct.test.p_chi2, "p": ct.test.p,
                "method": ct.test.method, "cramers_v": ct.test.cramers_v, "warning": ct.test.warning,
            }
            for ct in tables.crosstabs
            if ct.test is not None
        ],
        "comparisons": [
            {
                "question_id": nt.variable.id, "by": nt.by.id, "method": nt.test.method,
                "statistic": nt.test.statistic_name, "value": nt.test.statistic, "df": list(nt.test.df), "p": nt.test.p,
                "effect": nt.test.effect_name, "effect_size": nt.test.effect, "groups": list(nt.test.groups),
                "weighted": nt.test.weighted, "why": nt.test.reason,
            }
            for nt in tables.numbers
            if nt.test is not None
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _json_value(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is not None and type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def save_xlsx(tables: TableSet, path: Path) -> None:
    """The tidy frame as one sheet named `tables`."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "tables"
    frame = tables.to_frame()
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([neutralise(None if _json_value(v) is None else _json_value(v)) for v in row])
    wb.save(path)
