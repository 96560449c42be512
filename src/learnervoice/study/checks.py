"""Checks of an instrument beyond what its schema says: things that are valid but probably not meant."""

from __future__ import annotations

from .model import ChoiceQuestion


def spelling_clashes(q: ChoiceQuestion) -> list[str]:
    """Labels or aliases that are another option's code or label: a cell spelled so is read as one of them.

    Codes win over labels and labels over aliases, so imports stay exact; `check` says it anyway,
    because a file written with labels then means something other than its author thought.
    """
    found = []
    codes = {o.code.strip().casefold(): o for o in q.options}
    labels = {o.label.strip().casefold(): o for o in q.options}
    for o in q.options:
        for kind, spelling in [("label", o.label), *(("alias", a) for a in o.aliases)]:
            key = spelling.strip().casefold()
            other = codes.get(key) if codes.get(key) is not o else None
            if other is None and kind == "alias" and labels.get(key) not in (None, o):
                other = labels[key]
            if other is not None:
                what = "code" if codes.get(key) is other else "label"
                found.append(f"question {q.id!r}: option {o.code!r} has the {kind} {spelling!r}, which is also "
                             f"the {what} of option {other.code!r}; a cell {spelling!r} is read as option {other.code!r}")
    return found
