"""Check a draft against the values really in the response file, so that importing it needs no edit.

The import matches a cell to an option by code, label, alias or the file's value label, exactly
as :meth:`learnervoice.survey.convert.ChunkConverter.lookup` does; this module builds the same
table for each question and: adds an option (with a note) for a value the definition did not
list, writes ``values:`` where a cell would otherwise match the wrong option, turns a number
question whose cells are not all numbers into open text (saying so), and leaves a question as a
comment when its cells cannot be read at all. Columns that end up answering nothing and are not
ignored on purpose are typed from their values (:mod:`.infer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..convert import TICKED, UNTICKED, value_key
from ..readers import FileInfo
from .columns import personal
from .draft import Draft, DraftOption, DraftQuestion, Ids, LeftOut, option_codes, short_id
from .infer import infer_question
from .joins import JOINER, segments
from .profile import ColumnProfile, FileProfile


def reconcile(draft: Draft, profile: FileProfile, ids: Ids) -> None:
    """Make every question importable from the file as it is; type the columns nobody claimed."""
    _no_personal_questions(draft)
    kept: list[DraftQuestion] = []
    for x in draft.questions:
        missing = [c for c in x.columns() if c not in profile.columns]
        why = f"not in {profile.info.name} (column(s) {', '.join(missing)})" if missing else _fit(x, profile)
        if why is None:
            kept.append(x)
        else:
            draft.left.append(LeftOut(x.id, x.text, why, [c for c in x.columns() if c in profile.columns]))
    draft.questions = kept
    _drop_dangling_conditions(draft)
    _claim_the_rest(draft, profile, ids)
    order = {c: i for i, c in enumerate(profile.info.columns)}
    draft.questions.sort(key=lambda x: min((order[c] for c in x.columns() if c in order), default=len(order)))
    for left in draft.left:
        for column in left.columns:
            draft.ignore(column, f"left as a comment above ({left.name}): finish it, then remove it from here")


def _no_personal_questions(draft: Draft) -> None:
    """Names, e-mails, addresses, phones, IP addresses and locations are never questions, whatever a tool says.

    Free-entry questions are judged by their column and text; choice questions by their column only
    (a question may ask how often one reads e-mail).
    """
    kept = []
    for x in draft.questions:
        free = x.type in ("text", "numeric")
        why = next((w for c in x.columns() if (w := personal(c, x.text if free else ""))), None)
        if why is None:
            kept.append(x)
            continue
        for column in x.columns():
            draft.ignore(column, f"personal data ({why}): never a question")
    draft.questions = kept


def _fit(x: DraftQuestion, profile: FileProfile) -> str | None:
    info = profile.info
    if not x.columns():
        return "the definition gives it no column (a multiple answer without choices?)"
    if x.type in ("single", "likert"):
        assert x.column is not None
        _fit_codes(x, x.column, _cells(profile.columns[x.column], info), info)
    elif x.type == "multiple" and x.option_columns:
        return _check_ticks(x, profile)
    elif x.type == "grid" or (x.type == "ranking" and x.category_columns):  # each column holds a point or an option
        for column in x.columns():
            _fit_codes(x, column, _cells(profile.columns[column], info), info)
    elif x.type == "multiple" and x.category_columns:
        for column in x.category_columns:
            _fit_codes(x, column, _cells(profile.columns[column], info), info)
    elif x.type == "multiple":
        assert x.column is not None
        _fit_pieces(x, profile.columns[x.column], info)
    elif x.type == "numeric":
        _fit_number(x, profile.columns[x.columns()[0]], info)
    return None


def _cells(col: ColumnProfile, info: FileInfo) -> list[str]:
    return [v for v in col.values if not _user_missing(info, col.name, v)]


def _user_missing(info: FileInfo, column: str, value: str) -> bool:
    if value.strip() in info.user_missing_text.get(column, ()):
        return True
    ranges = info.user_missing.get(column)
    if not ranges:
        return False
    try:
        number = float(value)
    except ValueError:
        return False
    return any(lo <= number <= hi for lo, hi in ranges)


def lookup(x: DraftQuestion, column: str, info: FileInfo) -> dict[str, str]:
    """The import's table of spellings -> code for this question in this column."""
    table: dict[str, str] = {}
    for o in x.options:
        for name in (o.code, o.label, *[r for r in o.raw if r not in (o.code, o.label)]):
            table[value_key(name)] = o.code
    for raw_value, label in info.value_labels.get(column, {}).items():
        code = table.get(value_key(label))
        if code is not None:
            table.setdefault(value_key(raw_value), code)
    for raw_value, code in x.values.items():
        table[value_key(raw_value)] = code
    return table


def _fit_codes(x: DraftQuestion, column: str, cells: Iterable[str], info: FileInfo) -> None:
    cells = list(cells)
    intended = _intended(x)
    labels = info.value_labels.get(column, {})
    for cell in cells:
        if value_key(cell) not in intended:
            intended[value_key(cell)] = _add_option(x, cell, labels.get(cell, cell))
    table = lookup(x, column, info)
    for cell in cells:
        want = intended[value_key(cell)]
        if table.get(value_key(cell)) != want:
            x.values[cell] = want


def _intended(x: DraftQuestion) -> dict[str, str]:
    """What each spelling should mean: raw values first, then codes, then labels (a file holds one of them)."""
    intended: dict[str, str] = {}
    for spellings in ([(r, o.code) for o in x.options for r in o.raw], [(o.code, o.code) for o in x.options],
                      [(o.label, o.code) for o in x.options]):
        for spelling, code in spellings:
            intended.setdefault(value_key(spelling), code)
    return intended


def _add_option(x: DraftQuestion, raw: str, label: str) -> str:
    taken = {o.code for o in x.options}
    code = option_codes([raw])[0]
    base, n = code, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    x.options.append(DraftOption(code, label, (raw,), "found in the file, but not among the labelled options"))
    return code


def _fit_pieces(x: DraftQuestion, col: ColumnProfile, info: FileInfo) -> None:
    """Every option a cell of joined ticks holds is an option (recombined as the import does; typed ones added)."""
    spellings = {s for o in x.options for s in (o.code, o.label, *o.raw)}
    known = {value_key(s) for s in spellings}
    for cell in _cells(col, info) if col.many_cells else col.cells:
        if _user_missing(info, col.name, cell):
            continue
        for piece, _ in segments(cell.strip(), spellings, x.separator or JOINER):
            if value_key(piece) not in known:
                _add_option(x, piece, piece)
                known.add(value_key(piece))
                spellings.add(piece)


def _check_ticks(x: DraftQuestion, profile: FileProfile) -> str | None:
    """Dichotomy columns: every cell must read as ticked or not (as the import reads them)."""
    by_code = {o.code: o for o in x.options}
    for code, column in x.option_columns.items():
        option = by_code[code]
        ticked = {value_key(x.counted_value)} if x.counted_value is not None else (
            set(TICKED) | {value_key(option.code), value_key(option.label)} | {value_key(r) for r in option.raw})
        for cell in _cells(profile.columns[column], profile.info):
            key = value_key(cell)
            if key in ticked or key in UNTICKED or (x.counted_value is not None and _is_number(cell)):
                continue
            return f"column {column!r} holds {cell!r}, which reads neither as ticked nor as not ticked"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fit_number(x: DraftQuestion, col: ColumnProfile, info: FileInfo) -> None:
    cells = _cells(col, info)
    if col.overflow and col.numbers + _missing_count(col, info) >= col.filled:
        x.integer = x.integer and col.whole == col.numbers
        return
    texts = [c for c in cells if not _is_number(c.replace(",", ".") if info.decimal_comma else c)]
    if texts:
        x.type, x.integer = "text", False
        x.notes.append(f"Open text: declared a number, but the file also holds {texts[0]!r}.")
    elif x.integer and col.whole < col.numbers:
        x.integer = False


def _missing_count(col: ColumnProfile, info: FileInfo) -> int:
    return sum(n for v, n in col.values.items() if _user_missing(info, col.name, v))


def _drop_dangling_conditions(draft: Draft) -> None:
    ids = {x.id for x in draft.questions}
    for x in draft.questions:
        if x.ask_if is not None and x.ask_if[0] not in ids:
            source, codes = x.ask_if
            x.ask_if = None
            x.ask_if_note = (f"asked only if {source} is one of {list(codes)}, but {source} is left as a comment: "
                             "add ask_if when it is written")


def _claim_the_rest(draft: Draft, profile: FileProfile, ids: Ids) -> None:
    """Columns no question answers, not ignored and not the respondent id: typed from their values."""
    claimed = draft.question_columns() | set(draft.ignored) | {draft.respondent_id}
    claimed |= {c for left in draft.left for c in left.columns}
    for column in profile.info.columns:
        if column in claimed:
            continue
        label = profile.info.column_labels.get(column, "")
        if re.fullmatch(r"column_\d+", column) and profile.columns[column].filled == 0:
            draft.ignore(column, "a column without a name or any value")
            continue
        name = column.rsplit("/", 1)[-1] if " " not in column else column  # Kobo group paths
        found = infer_question(ids, column, label or column, profile.columns[column],
                               name=short_id(name) if len(name) > 30 else name)
        if isinstance(found, LeftOut):
            draft.left.append(found)
        else:
            if draft.described:
                found.notes.insert(0, f"Column {column!r} is not described by the survey definition; typed from its values.")
            draft.questions.append(found)
