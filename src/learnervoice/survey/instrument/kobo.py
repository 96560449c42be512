"""KoboToolbox: the XLSForm and the response exports (CSV or XLSX, XML values or labels, group paths).

A ``select_one`` is a single choice, a ``select_multiple`` a multiple response read from its
split ``q/option`` columns (or from the joined column, names separated by spaces, when the export
has no split columns), ``integer``/``decimal``/``range`` numeric, ``text`` open text; notes,
calculations, media and metadata are not answers, locations and phone numbers are personal.
Simple ``relevant`` expressions become ``ask_if``; ``_uuid`` is the respondent id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from ...text import normalize
from ..readers import FileInfo
from .columns import not_a_question
from .draft import Draft, DraftOption, DraftQuestion, Ids, LeftOut, option_codes
from .infer import reads_as_scale
from .profile import FileProfile
from .xlsform import Form, FormQuestion, is_xlsform, read_xlsform

__all__ = ["is_xlsform", "is_kobo_export", "draft_from_files", "draft_definition"]

ID_COLUMNS = ("_uuid", "meta/instanceID", "_id")
KOBO_COLUMNS = {"_uuid", "_submission_time", "_submission__uuid", "_validation_status", "_index"}
NUMBERS = {"integer", "decimal", "range"}
TEXTS = {"text", "barcode"}
NOT_ANSWERS = {"note": None, "calculate": "a calculation of the form, not an answer",
               "start": "added by the form, not an answer", "end": "added by the form, not an answer",
               "today": "added by the form, not an answer", "username": "personal data (a user name): never a question",
               "deviceid": "personal data (a device id): never a question", "audit": "added by the form, not an answer",
               "simserial": "personal data (a device id): never a question",
               "subscriberid": "personal data (a device id): never a question",
               "phonenumber": "personal data (a phone number): never a question",
               "email": "personal data (an e-mail address): never a question",
               "geopoint": "personal data (a location): never a question",
               "geotrace": "personal data (a location): never a question",
               "geoshape": "personal data (a location): never a question",
               "image": "a photo, not an answer to tabulate", "audio": "a recording, not an answer to tabulate",
               "video": "a video, not an answer to tabulate", "file": "an uploaded file, not an answer to tabulate",
               "hidden": "a hidden value of the form, not an answer", "xml-external": None, "begin_kobomatrix": None}
LEFT = {"date": "dates and times are not a question type yet", "datetime": "dates and times are not a question type yet",
        "time": "dates and times are not a question type yet",
        "select_one_from_file": "choices from an external file are not read yet",
        "select_multiple_from_file": "choices from an external file are not read yet"}


def is_kobo_export(info: FileInfo) -> bool:
    return info.format == "kobo" or bool(KOBO_COLUMNS & set(info.columns))


def draft_from_files(form_path: Path | None, data: Path, info: FileInfo, ids: Ids, checked: Callable[..., Draft]) -> Draft:
    form = read_xlsform(form_path) if form_path is not None else None

    def make(path: Path, profile: FileProfile, ids: Ids, respondent_id: str | None) -> Draft:
        draft = Draft(title=form.title if form else path.stem, language=form.language if form else "en",
                      sources=[f"{path.name} (KoboToolbox export)"]
                      + ([f"{form_path.name} (XLSForm)"] if form_path else []),
                      data_file=path, respondent_id=respondent_id, described=form is not None)
        columns = _Columns(profile.info.columns)
        for column in profile.info.columns:
            why = not_a_question(column, "", "kobo") if column != respondent_id else None
            if why is not None:
                draft.ignore(column, why)
        if form is not None:
            _from_form(draft, form, columns, ids)
        else:
            _split_columns(draft, profile, ids)
        return draft

    return checked(make, data, info, ids, tuple(c for c in ID_COLUMNS if c in info.columns))


def draft_definition(form_path: Path, ids: Ids) -> Draft:
    """Only the form: questions with the column names of an export with XML values and group paths."""
    form = read_xlsform(form_path)
    draft = Draft(title=form.title, language=form.language, sources=[f"{form_path.name} (XLSForm)"], described=True)
    draft.notes.append("No response file was given: columns are named as in an export with XML values and group "
                       "names in headers (grp/q, grp/q/option); give the export too, to check them and declare it.")
    _from_form(draft, form, _Columns(None), ids)
    return draft


class _Columns:
    """Finds a form question's column: group path with '/' or '.', the bare name, or its label (label headers)."""

    def __init__(self, names: list[str] | None) -> None:
        self.names = names
        self.by_key = {normalize(n): n for n in names} if names is not None else {}

    def find(self, q: FormQuestion, option: tuple[str, str] | None = None) -> str | None:
        bases = [q.path, q.path.replace("/", "."), q.name, q.label]
        candidates = [f"{b}{sep}{o}" for b in bases for sep in ("/", ".", "_")
                      for o in (option or ("", ""))] if option else bases
        if self.names is None:
            return candidates[0]
        return next((self.by_key[normalize(c)] for c in candidates if normalize(c) in self.by_key), None)


def _from_form(draft: Draft, form: Form, columns: _Columns, ids: Ids) -> None:
    made: dict[str, DraftQuestion] = {}
    for q in form.questions:
        if q.in_repeat:
            draft.left.append(LeftOut(q.path, q.label, "questions in a repeat group are exported to another sheet; "
                                      "not read yet", _present(columns, q)))
        elif q.type in NOT_ANSWERS:
            why = NOT_ANSWERS[q.type]
            for column in _present(columns, q):
                if why is not None:
                    draft.ignore(column, why)
        elif q.type in LEFT:
            draft.left.append(LeftOut(q.path, q.label, LEFT[q.type], _present(columns, q)))
        elif q.type in ("select_one", "select_multiple", "acknowledge", "rank") or q.type in NUMBERS | TEXTS:
            x = _question(draft, q, form, columns, ids)
            if x is not None:
                made[q.name] = x
                draft.questions.append(x)
        else:
            draft.left.append(LeftOut(q.path, q.label, f"XLSForm questions of type {q.type!r} are not supported yet",
                                      _present(columns, q)))
    for q in form.questions:
        if q.name in made and q.relevant:
            _relevant(made[q.name], q.relevant, made)


def _present(columns: _Columns, q: FormQuestion) -> list[str]:
    found = columns.find(q)
    return [found] if found and columns.names is not None else []


def _question(draft: Draft, q: FormQuestion, form: Form, columns: _Columns, ids: Ids) -> DraftQuestion | None:
    qid = ids.make(q.name)
    note = f"XLSForm {q.type} {q.list_name}".rstrip() + f" ({q.path})."
    column = columns.find(q)
    if q.type in NUMBERS:
        return DraftQuestion(qid, q.label, "numeric", column=column or q.path, integer=q.type == "integer", notes=[note])
    if q.type in TEXTS:
        return DraftQuestion(qid, q.label, "text", column=column or q.path, notes=[note])
    choices = form.choices.get(q.list_name, []) if q.type != "acknowledge" else [("OK", "OK")]
    codes = option_codes([name for name, _ in choices])
    options = [DraftOption(c, label, (name,)) for c, (name, label) in zip(codes, choices)]
    if q.type == "rank":  # KoboToolbox writes the chosen names in rank order, separated by spaces, in one cell
        return DraftQuestion(qid, q.label, "ranking", options, column=column or q.path, separator=" ",
                             notes=[note + " Its cell holds the options in rank order."])
    if q.type != "select_multiple":
        likert = reads_as_scale([n for n, _ in choices], [lab for _, lab in choices])
        return DraftQuestion(qid, q.label, "likert" if likert else "single", options, column=column or q.path,
                             notes=[note])
    split = {c: columns.find(q, (name, label)) for c, (name, label) in zip(codes, choices)}
    if all(split.values()) or (column is None and any(split.values())):
        if column is not None:
            draft.ignore(column, f"the ticks of {qid} joined in one cell (read from its split columns)")
        found = {c: col for c, col in split.items() if col}
        kept = [o for o in options if o.code in found]
        for name, col in _unlisted_splits(columns, column, split, choices):
            code = option_codes([name])[0]
            while code in found:
                code += "_"
            kept.append(DraftOption(code, name, (name,), "found in the file, not in the form"))
            found[code] = col
        return DraftQuestion(qid, q.label, "multiple", kept, option_columns=found, notes=[note])
    for col in (c for c in split.values() if c):
        draft.ignore(col, f"one tick of {qid} (read from the joined column {column})")
    return DraftQuestion(qid, q.label, "multiple", options, column=column or q.path, separator=" ", notes=[note])


def _unlisted_splits(columns: _Columns, joined: str | None, split: dict[str, str | None],
                     choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Split columns ``q/option`` of the export whose option the form's choices do not list (added to the list
    after the form was deployed, or another version of the form): (option name, column), so no tick is lost."""
    if columns.names is None:
        return []
    taken = {col for col in split.values() if col}
    prefixes = set()
    for (name, label), col in zip(choices, split.values()):
        for text in (name, label):
            if col and text and col.endswith(text) and col[:-len(text)][-1:] in ("/", ".", "_"):
                prefixes.add(col[:-len(text)])
    extra = []
    for col in columns.names:
        for prefix in prefixes:
            rest = col[len(prefix):]
            if col.startswith(prefix) and col not in taken and col != joined and rest and "/" not in rest:
                extra.append((rest, col))
                break
    return extra


RELEVANT = re.compile(r"""^\(*\s*(?:\$\{(\w+)\}\s*=\s*['"]([^'"]*)['"]|selected\(\s*\$\{(\w+)\}\s*,\s*['"]([^'"]*)['"]\s*\))\s*\)*$""")


def _relevant(target: DraftQuestion, expression: str, made: dict[str, DraftQuestion]) -> None:
    """`${q} = 'a' or selected(${q}, 'b')` on one choice question -> ask_if; anything else is noted."""
    parts = re.split(r"\s+or\s+", expression.strip())
    found = [RELEVANT.match(p.strip()) for p in parts]
    pairs = [(m.group(1) or m.group(3), m.group(2) if m.group(1) else m.group(4)) for m in found if m]
    sources = {name for name, _ in pairs}
    source = made.get(next(iter(sources))) if len(sources) == 1 and len(pairs) == len(parts) else None
    codes = [next((o.code for o in source.options if value in o.raw), None) for _, value in pairs] if source else []
    if source is None or source.type not in ("single", "likert", "multiple") or None in codes:
        target.ask_if_note = f"XLSForm relevant not carried over (only ${{q}} = 'x' or selected(${{q}}, 'x') is): {expression}"
        return
    target.ask_if = (source.id, tuple(c for c in codes if c is not None))
    target.ask_if_note = f"XLSForm relevant: {expression}"


def _split_columns(draft: Draft, profile: FileProfile, ids: Ids) -> None:
    """No form: 'q/option' columns of 0/1 beside a column 'q' are one multiple-response question."""
    columns = profile.info.columns
    for base in columns:
        parts = [c for c in columns if c.startswith(base + "/") and "/" not in c[len(base) + 1:]]
        values = {v for c in parts for v in profile.columns[c].values}
        if len(parts) < 2 or not values <= {"0", "1", "True", "False", "true", "false"}:
            continue
        names = [c[len(base) + 1:] for c in parts]
        codes = option_codes(names)
        text = profile.info.column_labels.get(base, base)
        draft.questions.append(DraftQuestion(
            ids.make(base.rsplit("/", 1)[-1]), text, "multiple", [DraftOption(c, n) for c, n in zip(codes, names)],
            option_columns=dict(zip(codes, parts)), notes=[f"Inferred: split columns {base}/… of ticks."]))
        draft.ignore(base, "the same ticks joined in one cell (read from the split columns)")
