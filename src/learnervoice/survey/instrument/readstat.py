"""SPSS (.sav, .zsav) and Stata (.dta): the instrument from the file's own metadata (pyreadstat).

Variable labels become question texts, value labels options (code: the value as text), declared
missing values (SPSS user-missing values and ranges, Stata's .a–.z) no answer, SPSS
multiple-response sets multiple-response questions, numbers without labels numeric questions,
strings open text, and the id variable the respondent id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...errors import UnreadableFileError
from ..readers import FileInfo, MultipleResponseSet
from .columns import not_a_question
from .draft import Draft, DraftOption, DraftQuestion, Ids, LeftOut, identifier, option_codes
from .infer import reads_as_not_asked, reads_as_scale
from .profile import FileProfile

DATE_FORMAT = re.compile(r"^(%-?t|%d|DATE|ADATE|EDATE|JDATE|SDATE|QYR|MOYR|WKYR|DATETIME|YMDHMS|TIME|DTIME|MTIME"
                         r"|WKDAY|MONTH)", re.I)
ID_NAMES = ("id", "respid", "resp_id", "respondent", "respondent_id", "respondentid", "caseid", "case_id", "case",
            "serial", "record", "record_id", "responseid", "response_id", "participant", "participant_id", "pid",
            "uuid", "idno", "id_number")
MANY = 12


def id_candidates(info: FileInfo) -> tuple[str, ...]:
    return tuple(c for c in info.columns if c.lower() in ID_NAMES)


def draft_readstat(path: Path, profile: FileProfile, ids: Ids, respondent_id: str | None) -> Draft:
    """The draft of a .sav/.dta file whose every column has been profiled."""
    info = profile.info
    meta = _meta(path, info.format)
    kind = "SPSS" if info.format == "sav" else "Stata"
    draft = Draft(title=(getattr(meta, "file_label", None) or path.stem).strip() or path.stem,
                  sources=[f"{path.name} ({kind} file: variable and value labels, missing values"
                           + (", multiple-response sets)" if info.mr_sets else ")")],
                  data_file=path, respondent_id=respondent_id, described=True)
    draft.missing_text = {c: list(v) for c, v in info.user_missing_text.items() if c != respondent_id}
    in_sets = {c: mr for mr in info.mr_sets for c in mr.columns}
    done: set[str] = set()
    for column in info.columns:
        if column == respondent_id or column in done:
            continue
        mr = in_sets.get(column)
        if mr is not None:
            done |= set(mr.columns)
            draft.questions.append(_mr_question(mr, info, ids))
            continue
        _variable(draft, column, profile, meta, ids)
    draft.notes += grid_suggestions(draft.questions)
    return draft


def grid_suggestions(questions: list[DraftQuestion]) -> list[str]:
    """Runs of neighbouring questions on one value-label set (Likert items, or three or more single choices):
    a note that they could be one grid (the file does not say they are one question, so they stay apart).

    >>> from .draft import DraftOption
    >>> scale = [DraftOption(str(i), label) for i, label in enumerate(["Never", "Sometimes", "Often", "Always"], 1)]
    >>> grid_suggestions([DraftQuestion(f"q{i}", f"Q{i}", "likert", scale) for i in (1, 2)])[0][:40]
    'q1, q2 share one scale (Never … Always):'
    """
    notes: list[str] = []
    run: list[DraftQuestion] = []
    for x in [*questions, None]:
        same = x is not None and run and x.type == run[0].type and _scale(x) == _scale(run[0])
        if same:
            run.append(x)  # type: ignore[arg-type]
            continue
        if run and len(run) >= (2 if run[0].type == "likert" else 3):
            notes.append(f"{', '.join(r.id for r in run)} share one scale ({run[0].options[0].label} … "
                         f"{run[0].options[-1].label}): they could be one grid (type: grid, an item per variable "
                         "with its column as source; see docs/questions.md).")
        run = [x] if x is not None and x.type in ("likert", "single") and x.options else []
    return notes


def _scale(x: DraftQuestion) -> list[tuple[str, str]]:
    return [(o.code, o.label) for o in x.options]


def _meta(path: Path, fmt: str) -> Any:
    import pyreadstat

    from ..readers.readstat import survives_reading

    survives_reading(path, fmt, None)
    try:
        if fmt == "sav":
            return pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)[1]
        return pyreadstat.read_dta(str(path), metadataonly=True)[1]
    except Exception as exc:  # pyreadstat.ReadstatError and friends: the reader already opened it once
        raise UnreadableFileError(path.name, f"not a readable {fmt.upper()} file: {exc}") from None


def _variable(draft: Draft, column: str, profile: FileProfile, meta: Any, ids: Ids) -> None:
    info = profile.info
    label = info.column_labels.get(column, "")
    text = label or column
    why = not_a_question(column, label)
    if why is not None and why.startswith("personal"):
        draft.ignore(column, why)
        return
    fmt = str((meta.original_variable_types or {}).get(column, ""))
    if DATE_FORMAT.match(fmt):
        draft.left.append(LeftOut(column, text, f"a date or time ({fmt}): dates are not a question type yet", [column]))
        return
    string = (meta.readstat_variable_types or {}).get(column) == "string"
    observed = profile.columns[column]
    question = _labelled(column, text, info, ids, string, observed.distinct if not observed.overflow else None)
    if question is None:
        qid = ids.make(column, fallback=label)
        if string:
            question = DraftQuestion(qid, text, "text", column=column)
        else:
            question = DraftQuestion(qid, text, "numeric", column=column, integer=observed.integer)
        question.notes += _missing_notes(column, info, string)
        labelled = [v for v in info.value_labels.get(column) or {} if not _missing_label(info, column, v, string)]
        if labelled:
            question.notes.append(f"Only {len(labelled)} of its values carry a label: read as a number.")
    draft.questions.append(question)


def _labelled(column: str, text: str, info: FileInfo, ids: Ids, string: bool, distinct: int | None) -> DraftQuestion | None:
    """A choice question from value labels; None without labels, or for a number with only a few values labelled."""
    labels = info.value_labels.get(column) or {}
    answers = [(v, lab) for v, lab in labels.items() if not _missing_label(info, column, v, string)]
    if not answers:
        return None
    if not string and (distinct is None or distinct > MANY) and (distinct is None or len(answers) * 2 < distinct):
        return None
    if not string:
        answers.sort(key=lambda vl: float(vl[0]))
    values = [v for v, _ in answers]
    qid = ids.make(column, fallback=text)
    notes = _missing_notes(column, info, string)
    kind = "likert" if not string and reads_as_scale(values, [lab for _, lab in answers]) else "single"
    options = [DraftOption(code, lab or v, (v,)) for code, (v, lab) in zip(option_codes(values), answers)]
    return DraftQuestion(qid, text, kind, options, column=column, notes=notes)


def _missing_label(info: FileInfo, column: str, value: str, string: bool) -> bool:
    """A labelled value that is declared missing (SPSS user-missing, Stata .a–.z)."""
    if string:
        return value.strip() in info.user_missing_text.get(column, ())
    if not _number(value):
        return True  # Stata extended missing values .a … .z carry letters as keys
    for lo, hi in info.user_missing.get(column, []):
        if _number(value) and lo <= float(value) <= hi:
            return True
    return False


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _missing_notes(column: str, info: FileInfo, string: bool = False) -> list[str]:
    """Declared missing values in the tool's words: SPSS user-missing values, Stata extended missing values."""
    labels = info.value_labels.get(column) or {}
    ranges = info.user_missing.get(column, [])
    shown = [f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}" for lo, hi in ranges]
    shown += [repr(v) for v in info.user_missing_text.get(column, [])]
    letters = [f".{v}" for v in labels if not string and not _number(v)]
    notes: list[str] = []
    if shown:
        notes.append(f"{column}: declared missing in the file (SPSS user-missing values {', '.join(shown)}): "
                     "read as no answer.")
    if letters:
        notes.append(f"{column}: declared missing in the file (Stata extended missing values {', '.join(letters)}): "
                     "read as no answer.")
    not_asked = [f"{v} {lab!r}" for v, lab in labels.items()
                 if _missing_label(info, column, v, string) and reads_as_not_asked(lab)]
    if not_asked:
        notes.append(f"{', '.join(not_asked)} means the question was not asked: to keep 'not asked' apart from "
                     "'no answer', give it an ask_if on the question that filters it.")
    return notes


def _mr_question(mr: MultipleResponseSet, info: FileInfo, ids: Ids) -> DraftQuestion:
    name = mr.name.lstrip("$")
    qid = ids.make(name, fallback=mr.label)
    text = mr.label or name
    if mr.counted_value is not None:
        codes = option_codes([identifier(c) or c for c in mr.columns])
        options = [DraftOption(code, info.column_labels.get(c) or c) for code, c in zip(codes, mr.columns)]
        note = f"SPSS multiple-response set {mr.name} (dichotomies counted as {mr.counted_value})."
        return DraftQuestion(qid, text, "multiple", options, option_columns=dict(zip(codes, mr.columns)),
                             counted_value=mr.counted_value, notes=[note])
    labels: dict[str, str] = {}
    for c in mr.columns:
        for v, lab in (info.value_labels.get(c) or {}).items():
            if not _missing_label(info, c, v, not _number(v)):
                labels.setdefault(v, lab)
    values = sorted(labels, key=lambda v: (not _number(v), float(v) if _number(v) else 0.0, v))
    options = [DraftOption(code, labels[v] or v, (v,)) for code, v in zip(option_codes(values), values)]
    note = f"SPSS multiple-response set {mr.name} (categories: each variable holds one answer)."
    return DraftQuestion(qid, text, "multiple", options, category_columns=list(mr.columns), notes=[note])
