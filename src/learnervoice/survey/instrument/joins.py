"""Which cells of a column are several ticks joined with ", " (Google Forms checkboxes), and which options they hold.

Option texts may hold ", " themselves ("Yes, definitely", "Debian or its derivatives (Ubuntu, Mint,
etc.)"), so a cell is not split at every ", ": a cell is a join only when it is made of other cells
of the column, recombining its pieces greedily (longest first) as
:func:`learnervoice.survey.convert.split_ticks` does on import. A cell whose pieces never occur on
their own is one option. In a column of joins, a run of pieces that is no other cell (an "Other"
answer typed by a respondent) is one option too.
"""

from __future__ import annotations

from collections import Counter

JOINER = ", "


def split_joined(cells: Counter[str]) -> Counter[str] | None:
    """The options of a column of joined ticks, with how often each is ticked; None when no cell is a join.

    >>> sorted(split_joined(Counter({"Online": 2, "Blended (online, with some campus days)": 1,
    ...                               "Online, Blended (online, with some campus days)": 3})).items())
    [('Blended (online, with some campus days)', 4), ('Online', 5)]
    >>> split_joined(Counter({"Yes, definitely": 3, "Yes, probably": 2, "No, not really": 4})) is None
    True
    """
    whole = {c.strip() for c in cells}
    joins: set[str] = set()
    complete = 0
    for cell, n in cells.items():
        cell = cell.strip()
        if JOINER not in cell:
            continue
        parts = segments(cell, whole - {cell})
        if len(parts) >= 2 and any(known for _, known in parts):
            joins.add(cell)
            complete += n if all(known for _, known in parts) else 0
    if not complete:
        return None
    options = whole - joins
    found: Counter[str] = Counter()
    for cell, n in cells.items():
        cell = cell.strip()
        for piece, _ in (segments(cell, options) if cell in joins else [(cell, True)]):
            found[piece] += n
    return found


def segments(cell: str, known: set[str], joiner: str = JOINER) -> list[tuple[str, bool]]:
    """The cell cut into known options (longest first) and runs of pieces that are none (each kept as one).

    >>> segments("A, B (x, y), typed, text", {"A", "B (x, y)"})
    [('A', True), ('B (x, y)', True), ('typed, text', False)]
    """
    pieces = cell.split(joiner)
    segments: list[tuple[str, bool]] = []
    run: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            candidate = joiner.join(pieces[i:j]).strip()
            if candidate in known:
                if run:
                    segments.append((joiner.join(run).strip(), False))
                    run = []
                segments.append((candidate, True))
                i = j
                break
        else:
            run.append(pieces[i])
            i += 1
    if run:
        segments.append((joiner.join(run).strip(), False))
    return [(text, known_) for text, known_ in segments if text]
