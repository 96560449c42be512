"""Quantitised codes as tables in the survey tables' shape: participants by the codes they voiced.

Tables of participants (a participant counts once for a code however often they
said it), with Wilson intervals, for every renderer that prints survey tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import TableError
from ..qual import analytics
from ..qual.quantitise import participant_codes, participant_groups
from ..stats.frequencies import FrequencyTable, TableRow
from ..stats.intervals import wilson_interval
from ..store import QualStore
from ..store import codebook as codes_db
from ..study.load import Study
from ..stats.variables import Variable
from ..study.model import Option, QuantitisedVariable
from ..study.roster import load_roster

T = TypeVar("T")


def quantitised_table(study: Study, store: QualStore, variable: QuantitisedVariable, labels: dict[str, str]) -> FrequencyTable:
    unknown = [c for c in variable.codes if c not in labels]
    if unknown:
        raise TableError(f"quantitised variable {variable.id!r}: no code(s) {unknown} in the codebook")
    if variable.rule == "count":
        return _count_table(study, store, variable)
    if variable.rule == "predominant":
        return _predominant_table(study, store, variable)
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


def _predominant_table(study: Study, store: QualStore, variable: QuantitisedVariable) -> FrequencyTable:
    assigned = participant_groups(study, store, variable)
    everyone = [p.pseudonym for p in load_roster(study).participants if not p.is_moderator]
    base = sum(1 for p in everyone if p in assigned)
    rows = []
    for option in variable.options:
        n = sum(1 for p in everyone if assigned.get(p) == option.code)
        low, high = wilson_interval(n, base) if base else (math.nan, math.nan)
        rows.append(TableRow(option.code, option.label, n, 100 * n / base if base else math.nan, 100 * low, 100 * high))
    groups = "; ".join(f"{g.label}: {', '.join(g.from_codes)}" for g in variable.groups)
    notes = (f"Coded in the focus groups{' by ' + variable.coder if variable.coder else ''}; each participant is in the "
             f"group of which they voiced most distinct codes (sub-codes included) — {groups}"
             + (f"; equal numbers: {variable.tie.label}." if variable.tie else "; equal numbers are left out."),)
    return FrequencyTable(variable.id, variable.text, "quantitised", "participants", tuple(rows), base,
                          len(everyone) - base, 0, base, notes=notes)


COUNT_BANDS = (("0", "Never", 0, 0), ("1", "Once", 1, 1), ("2", "Twice", 2, 2), ("3plus", "3 times or more", 3, None))


def _count_table(study: Study, store: QualStore, variable: QuantitisedVariable) -> FrequencyTable:
    """Participants by how many segments of the codes they said (every participant is in the base)."""
    counts = analytics.participant_segments(study, store, list(variable.codes), coder=variable.coder)
    everyone = [p.pseudonym for p in load_roster(study).participants if not p.is_moderator]
    base = len(everyone)
    rows = []
    for code, label, low, high in COUNT_BANDS:
        n = sum(1 for p in everyone if counts.get(p, 0) >= low and (high is None or counts.get(p, 0) <= high))
        lo, hi = wilson_interval(n, base) if base else (math.nan, math.nan)
        rows.append(TableRow(code, label, n, 100 * n / base if base else math.nan, 100 * lo, 100 * hi))
    notes = ("Segments coded " + ", ".join(variable.codes) + " per focus-group participant.",)
    return FrequencyTable(variable.id, variable.text, "quantitised", "participants", tuple(rows), base, 0, 0, base, notes=notes)


CODED_OPTIONS = (Option(code="yes", label="Yes"), Option(code="no", label="No"))


def respondent_variable(study: Study, store: QualStore, variable: QuantitisedVariable, labels: dict[str, str]) -> Variable:
    """A quantitised variable of an open question's respondents as SQL over the responses: each respondent's
    category picked out by respondent id, so that the survey's engine tabulates it, splits by it and weighs it."""
    from ..qual.quantitise import respondent_values
    from ..stats.variables import literal
    from ..survey.store import quote

    unknown = [c for c in variable.codes if c not in labels]
    if unknown:
        raise TableError(f"quantitised variable {variable.id!r}: no code(s) {unknown} in the codebook")
    values, answered, several = respondent_values(study, store, variable)
    options = {"coded": CODED_OPTIONS, "count": tuple(Option(code=c, label=label) for c, label, _, _ in COUNT_BANDS),
               "predominant": variable.options}.get(variable.rule) or tuple(Option(code=c, label=labels[c]) for c in variable.codes)
    whens = []
    for option in options:
        ids = sorted(answered[p] for p, value in values.items() if value == option.code)
        if ids:
            whens.append(f"WHEN {quote('respondent_id')} IN ({', '.join(literal(i) for i in ids)}) THEN {literal(option.code)}")
    sql = f"CASE {' '.join(whens)} END" if whens else "CAST(NULL AS VARCHAR)"
    return Variable(variable.id, variable.text, "quantitised", options, "true", sql, notes=_respondent_notes(variable, several))


def _respondent_notes(variable: QuantitisedVariable, several: int) -> tuple[str, ...]:
    by = f" by {variable.coder}" if variable.coder else ""
    rule = {"coded": f"Yes: the answer is coded {', '.join(variable.codes)}; No: it is not",
            "count": "segments coded " + ", ".join(variable.codes) + " in the answer",
            "predominant": "the group of codes the answer holds most of",
            "exclusive": "the one code of the set the answer holds"}[variable.rule]
    notes: tuple[str, ...] = (f"From the answers to the open question {variable.question!r}, coded{by}: {rule}. "
                              "Respondents who left it blank are missing.",)
    if several:
        notes += (f"{several} respondent(s) whose answer holds more than one code of this set are left out.",)
    return notes


def respondent_variables(study: Study, store: QualStore | None, ids: list[str] | None = None) -> list[Variable]:
    """The study's quantitised variables of open questions' respondents (those named, or all) as variables."""
    wanted = [v for v in study.config.quantitised if v.question is not None and (ids is None or v.id in ids)]
    return _each_with_labels(study, store, wanted, respondent_variable)


def quantitised_tables(study: Study, ids: list[str] | None = None, *, store: QualStore | None = None) -> list[FrequencyTable]:
    """The study's quantitised variables of focus-group participants as tables (empty when the study declares
    none; those of open questions' respondents are survey variables: `respondent_variables`); reads the coding
    store as the workspace left it."""
    wanted = [v for v in study.config.quantitised if (ids is None or v.id in ids) and v.question is None]
    return _each_with_labels(study, store, wanted, quantitised_table)


def _each_with_labels(study: Study, store: QualStore | None, wanted: list[Any], build: Callable[..., T]) -> list[T]:
    """`build(study, store, variable, code labels)` for each variable wanted, on the store given or one opened
    (and closed) for it; nothing opened when nothing is wanted."""
    if not wanted:
        return []
    opened = store is None
    store = store if store is not None else QualStore.for_study(study)
    try:
        with store.read() as conn:
            labels = codes_db.labels(conn)
        return [build(study, store, v, labels) for v in wanted]
    finally:
        if opened:
            store.close()
