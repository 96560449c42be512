"""Drawing the participants: intentional sampling by criteria, quotas per stratum, a seed, and a record.

The seed study invited alumni who had taken short courses in given years. A
plan keeps the rows of the population that meet every criterion, splits them
into strata (e.g. gender × age band) and draws a simple random sample without
replacement in each, up to its quota. The record says all of it in numbers
only (no person), so the report's methods appendix can cite it; the drawn
people, who are personal data, go to a file in ``private/``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import SamplingError

if TYPE_CHECKING:
    import pandas as pd

RECORD_FILE = "sampling.yaml"
STRATUM_JOIN = " / "


class SamplingPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id_column: str
    where: dict[str, tuple[str, ...]] = Field(default_factory=dict, description="Column -> accepted values.")
    strata: tuple[str, ...] = ()
    per_stratum: int | None = Field(default=None, ge=0, description="The same quota for every stratum.")
    quotas: dict[str, int] = Field(default_factory=dict, description="Stratum ('woman / 46-55') -> how many.")
    seed: int = 20230618


@dataclass(frozen=True)
class Sample:
    people: pd.DataFrame
    record: dict[str, Any]


def read_population(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SamplingError(f"{path}: cannot be read as a CSV file ({exc})") from None
    return frame


def draw_sample(path: Path, plan: SamplingPlan) -> Sample:
    import numpy as np

    frame = read_population(path)
    _check(path, frame, plan)
    eligible = frame
    for column, accepted in plan.where.items():
        eligible = eligible[eligible[column].str.strip().isin(accepted)]
    key = _stratum_key(eligible, plan.strata)
    rng = np.random.default_rng(plan.seed)
    drawn_parts = []
    strata_record = []
    for stratum in sorted(set(key)) if plan.strata else [""]:
        members = eligible[key == stratum] if plan.strata else eligible
        members = members.sort_values(plan.id_column, kind="stable")
        want = plan.quotas.get(stratum, plan.per_stratum if plan.per_stratum is not None else len(members))
        take = min(want, len(members))
        chosen = members.iloc[sorted(rng.choice(len(members), size=take, replace=False))] if take else members.iloc[:0]
        drawn_parts.append(chosen)
        strata_record.append({"stratum": stratum or "all", "eligible": len(members), "quota": want, "drawn": take,
                              "shortfall": want - take})
    unknown = sorted(set(plan.quotas) - set(key))
    if unknown:
        raise SamplingError(f"{path}: quota for stratum {unknown[0]!r}, which no eligible row belongs to "
                            f"(strata are {STRATUM_JOIN.join(plan.strata)} values joined by {STRATUM_JOIN.strip()!r})")
    import pandas as pd

    people = pd.concat(drawn_parts) if drawn_parts else eligible.iloc[:0]
    record = {
        "population": {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "rows": len(frame)},
        "criteria": {c: list(v) for c, v in plan.where.items()},
        "eligible": len(eligible),
        "strata": list(plan.strata),
        "method": "simple random sample without replacement within each stratum (NumPy PCG64)",
        "seed": plan.seed,
        "by_stratum": strata_record,
        "drawn": len(people),
    }
    return Sample(people, record)


def _check(path: Path, frame: pd.DataFrame, plan: SamplingPlan) -> None:
    columns = [plan.id_column, *plan.where, *plan.strata]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SamplingError(f"{path}: no column {missing[0]!r}; the file has {', '.join(map(str, frame.columns))}")
    ids = frame[plan.id_column]
    blank = ids.str.strip() == ""
    if blank.any():
        raise SamplingError(f"{path}, row {int(blank.to_numpy().argmax()) + 2}, column {plan.id_column!r}: no id")
    repeated = ids.duplicated()
    if repeated.any():
        row = int(repeated.to_numpy().argmax())
        raise SamplingError(f"{path}, row {row + 2}, column {plan.id_column!r}: id {ids.iloc[row]!r} appears twice")
    bad = [q for q in plan.quotas.values() if q < 0]
    if bad:
        raise SamplingError("quotas cannot be negative")


def _stratum_key(frame: pd.DataFrame, strata: tuple[str, ...]) -> pd.Series:
    import pandas as pd

    if not strata:
        return pd.Series([""] * len(frame), index=frame.index, dtype=str)
    key = frame[strata[0]].str.strip()
    for column in strata[1:]:
        key = key + STRATUM_JOIN + frame[column].str.strip()
    return key


def record_lines(record: dict[str, Any]) -> str:
    """The record in one paragraph, for the report's methods appendix."""
    criteria = "; ".join(f"{c} in {', '.join(v)}" for c, v in record.get("criteria", {}).items()) or "none"
    strata = " × ".join(record.get("strata", [])) or "none"
    short = [s for s in record.get("by_stratum", []) if s.get("shortfall")]
    text = (f"Sampling: from {record['population']['rows']} people in {record['population']['file']} "
            f"(SHA-256 {record['population']['sha256'][:12]}), {record['eligible']} met the criteria ({criteria}); "
            f"strata: {strata}; {record['method']}, seed {record['seed']}; {record['drawn']} drawn.")
    if short:
        text += " Strata short of their quota: " + "; ".join(f"{s['stratum']} ({s['drawn']} of {s['quota']})" for s in short) + "."
    return text
