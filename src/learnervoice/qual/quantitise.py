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
    with store.read() as conn:
        members = {g.code: set(k for key in g.from_codes for k in _subtree(conn, variable, key)) for g in variable.groups}
    voiced = participant_codes(study, store, variable, sorted(set().union(*members.values())))
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


def _subtree(conn: Any, variable: QuantitisedVariable, key: str) -> list[str]:
    try:
        return subtree_keys(conn, key)
    except CodingError:
        raise TableError(f"quantitised variable {variable.id!r}: no code {key!r} in the codebook") from None
