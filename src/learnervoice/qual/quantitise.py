"""Codes turned into participant variables and tabulated like survey questions.

The unit is the participant (as researchers report themes): a participant
counts once for a code however many segments they said it in. Moderators are
not participants. The tables share the survey tables' shape, so every
renderer prints them.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import TableError
from ..stats.frequencies import FrequencyTable, TableRow
from ..stats.intervals import wilson_interval
from ..study.load import Study
from ..study.model import QuantitisedVariable
from .analytics import analytic
from .roster import load_roster
from .store import QualStore

def _participant_rows(study: Study, store: QualStore, variable: QuantitisedVariable, select: str) -> list[tuple[Any, ...]]:
    """Rows of `select` over participants' codings of the variable's codes (by its coder, if one is named)."""
    with analytic(study, store, coder=variable.coder) as con:
        return con.execute(
            f"SELECT {select} FROM coded WHERE participant IS NOT NULL AND role = 'participant' "
            "AND list_contains(?, code) GROUP BY ALL", [list(variable.codes)],
        ).fetchall()


def participant_codes(study: Study, store: QualStore, variable: QuantitisedVariable) -> dict[str, set[str]]:
    """Participant pseudonym -> the codes of the variable they voiced."""
    rows = _participant_rows(study, store, variable, "participant, code")
    voiced: dict[str, set[str]] = {}
    for participant, code in rows:
        voiced.setdefault(participant, set()).add(code)
    return voiced


def quantitised_table(study: Study, store: QualStore, variable: QuantitisedVariable, labels: dict[str, str]) -> FrequencyTable:
    unknown = [c for c in variable.codes if c not in labels]
    if unknown:
        raise TableError(f"quantitised variable {variable.id!r}: no code(s) {unknown} in the codebook")
    if variable.rule == "count":
        return _count_table(study, store, variable)
    voiced = participant_codes(study, store, variable)
    everyone = [p.pseudonym for p in load_roster(study).participants if not p.is_moderator]
    answered = [p for p in everyone if voiced.get(p)]
    several = [p for p in answered if len(voiced[p]) > 1] if variable.rule == "exclusive" else []
    base = len(answered) - len(several)
    rows = []
    for code in variable.codes:
        n = sum(1 for p in answered if code in voiced[p] and p not in several)
        share = n / base if base else math.nan
        low, high = wilson_interval(n, base) if base else (math.nan, math.nan)
        rows.append(TableRow(code, labels[code], n, 100 * share, 100 * low, 100 * high))
    notes: tuple[str, ...] = (f"Coded in the focus groups{' by ' + variable.coder if variable.coder else ''}; "
                              "each participant counts once.",)
    if several:
        notes += (f"{len(several)} participant(s) voiced more than one code of this set and are left out: "
                  + ", ".join(sorted(several)) + ".",)
    kind = "participants" if variable.rule == "exclusive" else "participant_cases"
    return FrequencyTable(variable.id, variable.text, "quantitised", kind, tuple(rows), base,
                          len(everyone) - len(answered) + len(several), 0, base, notes=notes)


COUNT_BANDS = (("0", "Never", 0, 0), ("1", "Once", 1, 1), ("2", "Twice", 2, 2), ("3plus", "3 times or more", 3, None))


def _count_table(study: Study, store: QualStore, variable: QuantitisedVariable) -> FrequencyTable:
    """Participants by how many segments of the codes they said (every participant is in the base)."""
    counts = dict(_participant_rows(study, store, variable, "participant, count(*)"))
    everyone = [p.pseudonym for p in load_roster(study).participants if not p.is_moderator]
    base = len(everyone)
    rows = []
    for code, label, low, high in COUNT_BANDS:
        n = sum(1 for p in everyone if counts.get(p, 0) >= low and (high is None or counts.get(p, 0) <= high))
        lo, hi = wilson_interval(n, base) if base else (math.nan, math.nan)
        rows.append(TableRow(code, label, n, 100 * n / base if base else math.nan, 100 * lo, 100 * hi))
    notes = ("Segments coded " + ", ".join(variable.codes) + " per focus-group participant.",)
    return FrequencyTable(variable.id, variable.text, "quantitised", "participants", tuple(rows), base, 0, 0, base, notes=notes)


def quantitised_tables(study: Study, ids: list[str] | None = None) -> list[FrequencyTable]:
    """The study's quantitised variables as tables (empty when the study declares none)."""
    import sqlalchemy as sa

    from .store import codes as codes_table
    from .sync import sync_declared

    wanted = [v for v in study.config.quantitised if ids is None or v.id in ids]
    if not wanted:
        return []
    store = QualStore.for_study(study)
    try:
        sync_declared(study, store)
        with store.read() as conn:
            labels = dict(conn.execute(sa.select(codes_table.c.key, codes_table.c.name)).all())
        return [quantitised_table(study, store, v, labels) for v in wanted]
    finally:
        store.close()
