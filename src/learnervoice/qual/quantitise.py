"""Codes turned into participant variables: who voiced which codes, and which group of codes most.

The unit is the participant (as researchers report themes): a participant
counts once for a code however many segments they said it in. Moderators are
not participants. Their tables, in the survey tables' shape, are made in
`learnervoice.mixed.quantitised`.
"""

from __future__ import annotations

from typing import Any

from ..errors import CodingError, TableError
from ..store import QualStore
from ..study.load import Study
from ..study.model import QuantitisedVariable
from . import analytics
from .codebook import subtree_keys


def participant_codes(
    study: Study, store: QualStore, variable: QuantitisedVariable, codes: list[str] | None = None,
) -> dict[str, set[str]]:
    """Participant pseudonym -> the codes of the variable (or of `codes`) they voiced."""
    rows = analytics.participant_codes(study, store, codes if codes is not None else list(variable.codes),
                                       coder=variable.coder)
    voiced: dict[str, set[str]] = {}
    for participant, code in rows:
        voiced.setdefault(participant, set()).add(code)
    return voiced


def participant_groups(study: Study, store: QualStore, variable: QuantitisedVariable) -> dict[str, str]:
    """Rule 'predominant': participant pseudonym -> the group of which they voiced most distinct codes.

    Equal numbers give the tie code; with no tie code, or no code of any group voiced, the
    participant is left out (missing).
    """
    members = group_members(store, variable)
    voiced = participant_codes(study, store, variable, sorted(set().union(*members.values())))
    return predominant_groups(voiced, members, variable)


def group_members(store: QualStore, variable: QuantitisedVariable) -> dict[str, set[str]]:
    """Group code -> the code keys it stands for (each of its codes with their sub-codes)."""
    with store.read() as conn:
        return {g.code: set(k for key in g.from_codes for k in _subtree(conn, variable, key)) for g in variable.groups}


def predominant_groups(voiced: dict[str, set[str]], members: dict[str, set[str]], variable: QuantitisedVariable) -> dict[str, str]:
    """Person -> the group of which they voiced most distinct codes (ties: the tie code, or left out)."""
    assigned: dict[str, str] = {}
    for participant, said in voiced.items():
        counts = {group: len(said & keys) for group, keys in members.items()}
        most = max(counts.values())
        leaders = [g for g, n in counts.items() if n == most]
        if len(leaders) == 1:
            assigned[participant] = leaders[0]
        elif variable.tie is not None:
            assigned[participant] = variable.tie.code
    return assigned


def respondent_values(study: Study, store: QualStore, variable: QuantitisedVariable) -> tuple[dict[str, str], dict[str, str], int]:
    """A variable of an open question's respondents: (pseudonym -> category code, pseudonym -> respondent id of
    everyone who answered, how many were left out for holding several codes of an 'exclusive' set)."""
    from .open_answers import answering_respondents, document_name

    assert variable.question is not None
    answered = answering_respondents(study, store, variable.question)
    members = group_members(store, variable) if variable.rule == "predominant" else {}
    codes = sorted(set().union(*members.values())) if members else list(variable.codes)
    rows = analytics.respondent_codes(study, store, document_name(variable.question), codes, coder=variable.coder)
    voiced: dict[str, set[str]] = {}
    segments: dict[str, int] = {}
    for who, code, n in rows:
        voiced.setdefault(who, set()).add(code)
        segments[who] = segments.get(who, 0) + n
    if variable.rule == "predominant":
        return predominant_groups(voiced, members, variable), answered, 0
    if variable.rule == "coded":
        return {p: "yes" if voiced.get(p) else "no" for p in answered}, answered, 0
    if variable.rule == "count":
        return {p: _band(segments.get(p, 0)) for p in answered}, answered, 0
    several = [p for p in answered if len(voiced.get(p, ())) > 1]
    return {p: next(iter(voiced[p])) for p in answered if len(voiced.get(p, ())) == 1}, answered, len(several)


def _band(n: int) -> str:
    return "3plus" if n >= 3 else str(n)


def _subtree(conn: Any, variable: QuantitisedVariable, key: str) -> list[str]:
    try:
        return subtree_keys(conn, key)
    except CodingError:
        raise TableError(f"quantitised variable {variable.id!r}: no code {key!r} in the codebook") from None
