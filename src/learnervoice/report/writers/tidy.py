"""The tidy formats of a TableSet: one row per question × option (× group), for other software.

CSV and JSON are text (the formatted XLSX workbook is `xlsx.py`'s). Beside the exact `percent`, each row has
`percent_printed`: the figure the tables print, rounded by the study's rule (with a decimal point, as software
reads it) — what `learnervoice audit` checks. A study with `weight:` adds `weighted_percent`,
`weighted_percent_printed` and `weighted_base`. Text that a spreadsheet would run as a formula is neutralised
(`report.numbers.neutralise`).
"""

from __future__ import annotations

import io
import json
import math
from typing import TYPE_CHECKING

from ...stats.rounding import Rounding, rounded_text
from ...stats.tables import TIDY_COLUMNS, TableSet
from ..numbers import neutralise

if TYPE_CHECKING:
    import pandas as pd


PRINTED = ["percent_printed"]
WEIGHTED = ["weighted_percent", "weighted_percent_printed", "weighted_base"]


def printed_frame(tables: TableSet) -> pd.DataFrame:
    """The tidy frame with the printed (rounded) percentages beside the exact ones."""
    frame = tables.to_frame()
    rule = tables.settings.rounding
    frame["percent_printed"] = [_printed(v, rule) for v in frame["percent"]]
    frame["weighted_percent_printed"] = [_printed(v, rule) for v in frame["weighted_percent"]]
    return frame


def _printed(value: object, rule: Rounding) -> str:
    if not isinstance(value, (int, float)) or math.isnan(value):
        return ""
    return rounded_text(value, 1, rule)


def render_csv(tables: TableSet) -> str:
    """Tidy CSV: question_id,question,option,count,percent,base,base_kind,percent_printed (group columns lead for
    --by; weighted columns follow when the study declares a weight)."""
    frame = printed_frame(tables)
    wanted = ["group_variable", "group", *TIDY_COLUMNS, *PRINTED, *(WEIGHTED if tables.weighted else [])]
    frame = frame[[c for c in wanted if c in frame.columns]].copy()
    frame["base"] = frame["base"].astype("Int64")
    for col in ("question", "option", "group"):
        if col in frame:
            frame[col] = frame[col].map(neutralise)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.15g")
    return buffer.getvalue()


def render_json(tables: TableSet) -> str:
    """The tidy rows, the tests of association and the tests between groups of numbers, as one JSON document."""
    frame = printed_frame(tables)
    for column in ("percent_printed", "weighted_percent_printed"):
        frame[column] = [float(v) if v else None for v in frame[column]]
    records = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    doc = {
        "title": tables.title,
        "weighted": tables.weighted,
        "rounding": tables.settings.rounding,
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
