"""Checks of an instrument beyond what its schema says: things that are valid but probably not meant."""

from __future__ import annotations

from ..text import normalize
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
    return found + near_duplicate_labels(q)


def near_duplicate_labels(q: ChoiceQuestion) -> list[str]:
    """Labels that differ only in case, accents or end punctuation ("Yes!" and "Yes"): a cell written exactly
    as one of them is read as that one, but any other spelling is ambiguous."""
    seen: dict[str, str] = {}
    found = []
    for o in q.options:
        key = normalize(o.label)
        if key in seen and seen[key] != o.label:
            found.append(f"question {q.id!r}: the labels {seen[key]!r} and {o.label!r} differ only in case, accents or "
                         "punctuation; cells written exactly as one are read as it, other spellings as the first")
        seen.setdefault(key, o.label)
    return found
