"""Qualtrics: response exports (CSV or XLSX, 3 header rows with ImportIds or 2 rows) with or without the .qsf.

With the survey definition, each question's type, choices and recode values come from it and its
columns are found by ImportId (or, in 2-row exports, by export tag); without it, columns are
grouped by question and typed from their values, the question text coming from row 2. Tool
metadata and personal columns go to ``ignore_columns``, ``ResponseId`` is the respondent id,
and a commented-out ``filter:`` on ``Finished`` shows how to leave out unfinished responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..readers import FileInfo
from .columns import not_a_question
from .draft import Draft, DraftOption, DraftQuestion, Ids, LeftOut, identifier, option_codes
from .infer import infer_question, reads_as_scale
from .profile import FileProfile
from .qsf import Choice, Qsf, QsfQuestion

ID_COLUMNS = ("ResponseId", "ResponseID", "_recordId")
SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS", "SA"}
MULTIPLE = {"MAVR", "MAHR", "MACOL", "MSB", "MA"}
LIKERT_MATRIX = {"SingleAnswer", "DL", ""}
NOT_ANSWERS = {"DB": None, "Timing": "timing of the page (seconds, clicks)", "Meta": "browser and device (Meta Info)"}


@dataclass
class Layout:
    """The header rows of a Qualtrics export, aligned with the reader's columns."""

    header_rows: int
    labels: dict[str, str] = field(default_factory=dict)  # column -> row 2 (question text)
    import_ids: dict[str, str] = field(default_factory=dict)  # column -> ImportId, '-' read as '_'


def sniff(path: Path, info: FileInfo) -> Layout | None:
    """The Qualtrics layout of a CSV/XLSX export as the reader found it, or None when the file is not one."""
    if info.format != "qualtrics":
        return None
    layout = Layout(info.header_rows)
    layout.labels = {column: label.strip() for column, label in info.column_labels.items() if label.strip()}
    for column, meta in info.column_meta.items():
        found = next((v for k, v in meta.items() if k.lower() == "importid"), "")
        if found:
            layout.import_ids[column] = str(found).replace("-", "_")
    return layout


def draft_qualtrics(
    path: Path, profile: FileProfile, layout: Layout, ids: Ids, respondent_id: str | None, qsf: Qsf | None
) -> Draft:
    info = profile.info
    draft = Draft(title=qsf.title if qsf else path.stem,
                  sources=[f"{path.name} (Qualtrics export, {layout.header_rows} header rows)"],
                  language=qsf.language if qsf else "en", data_file=path, respondent_id=respondent_id,
                  header_rows=layout.header_rows, described=qsf is not None)
    if "Finished" in info.columns:
        draft.filter_column = "Finished"
    columns = _QuestionColumns(info.columns, layout)
    _ignore_metadata(draft, info, layout, columns)
    if qsf is not None:
        draft.notes.append(f"Types and options from the survey definition ({qsf.title!r}"
                           + (f"; {qsf.trashed} question(s) in its trash left out)" if qsf.trashed else ")"))
        for question in qsf.questions:
            _from_definition(draft, question, columns, ids)
        _conditions(draft, qsf)
    else:
        _from_values(draft, profile, layout, columns, ids)
    return draft


class _QuestionColumns:
    """Finds a question's columns by ImportId (QID3_2) or, without ImportIds, by export tag (Q3_2)."""

    def __init__(self, names: list[str], layout: Layout) -> None:
        self.names = names
        self.by_import = {v.upper(): k for k, v in layout.import_ids.items()}
        self.has_ids = bool(layout.import_ids)

    def find(self, q: QsfQuestion, *suffixes: str, names: tuple[str, ...] = ()) -> str | None:
        for suffix in suffixes:
            key = (q.qid + (f"_{suffix}" if suffix else "")).upper()
            if key in self.by_import:
                return self.by_import[key]
        if self.has_ids:
            return None
        for name in names or tuple(q.tag + (f"_{s}" if s else "") for s in suffixes):
            if name in self.names:
                return name
        return None

    def of(self, q: QsfQuestion) -> list[str]:
        """Every column of a question (for a question left as a comment)."""
        if self.has_ids:
            return [c for k, c in self.by_import.items() if re.match(rf"^{q.qid.upper()}($|[_#])", k)]
        return [c for c in self.names if c == q.tag or re.match(rf"^{re.escape(q.tag)}[_#]", c)]


def _ignore_metadata(draft: Draft, info: FileInfo, layout: Layout, columns: _QuestionColumns) -> None:
    for column in info.columns:
        if column == draft.respondent_id:
            continue
        import_id = layout.import_ids.get(column, "")
        if import_id.upper().startswith("QID"):
            why = not_a_question(column, layout.labels.get(column, ""))
            if why and why.startswith("personal"):
                draft.ignore(column, why)
            elif re.search(r"_TEXT_.+Topics$|_DO(_|$)|_Topics$", import_id):
                draft.ignore(column, "added by Qualtrics (text topics or display order), not an answer")
            continue
        why = not_a_question(column, layout.labels.get(column, ""), "qualtrics")
        if why is not None:
            draft.ignore(column, why)


def _from_definition(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids) -> None:
    if q.type in NOT_ANSWERS:
        why = NOT_ANSWERS[q.type]
        for column in columns.of(q) if why else []:
            draft.ignore(column, f"{why}, not an answer")
        return
    if q.type == "MC" and q.selector in SINGLE:
        _single(draft, q, columns, ids)
    elif q.type == "MC" and q.selector in MULTIPLE:
        _multiple(draft, q, columns, ids)
    elif q.type == "Matrix" and q.selector in ("Likert", "Bipolar") and q.subselector in LIKERT_MATRIX:
        _matrix(draft, q, columns, ids)
    elif q.type == "RO":
        _rank_order(draft, q, columns, ids)
    elif q.type == "TE" and q.selector in ("SL", "ML", "ESTB", "PW"):
        column = columns.find(q, "TEXT", "", names=(q.tag, f"{q.tag}_TEXT")) or q.tag
        kind = "numeric" if q.numeric_entry else "text"
        draft.questions.append(DraftQuestion(ids.make(q.tag), q.text, kind, column=column, notes=[_origin(q)]))
    elif q.type in ("Slider", "CS") or (q.type == "TE" and q.selector == "FORM"):
        _per_choice(draft, q, columns, ids, "numeric" if q.type != "TE" else "text")
    else:
        parts = len(q.choices)
        shape = f"{q.type} {q.selector} {q.subselector}".strip() + (f" with {parts} sub-questions" if parts > 1 else "")
        reason = ("grid questions are not supported yet" if q.type in ("Matrix", "SBS")
                  else f"{q.type} questions are not supported yet")
        draft.left.append(LeftOut(f"{q.qid} ({shape})", q.text, reason, columns.of(q)))


def _origin(q: QsfQuestion) -> str:
    return f"{q.qid} ({q.type} {q.selector}), exported as {q.tag}."


def _options(choices: list[Choice]) -> list[DraftOption]:
    codes = option_codes([c.recode for c in choices])
    return [DraftOption(code, c.label, (c.recode,)) for code, c in zip(codes, choices)]


def _single(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids) -> None:
    column = columns.find(q, "", names=(q.tag,)) or q.tag
    options = _options(q.choices)
    kind = "likert" if reads_as_scale([c.recode for c in q.choices], [c.label for c in q.choices]) else "single"
    qid = ids.make(q.tag)
    draft.questions.append(DraftQuestion(qid, q.text, kind, options, column=column, notes=[_origin(q)]))
    _text_entries(draft, q, qid, columns, ids, shared=True)


def _text_entries(draft: Draft, q: QsfQuestion, qid: str, columns: _QuestionColumns, ids: Ids, *, shared: bool) -> None:
    """A text question per text-entry choice, each from its own column (``Q7_3_TEXT``).

    A single answer may be exported with one ``Q7_TEXT`` column for all its text entries (only one
    choice can be picked): then that column is one text question, never copied into several.
    """
    entries = [c for c in q.choices if c.text_entry]
    own = {c.id: columns.find(q, f"{c.id}_TEXT", names=(f"{q.tag}_{c.id}_TEXT",)) for c in entries}
    for c in entries:
        other = own[c.id]
        if other:
            draft.questions.append(DraftQuestion(ids.unique(identifier(f"{qid}_{c.id}_text")),
                                                 f"{q.text} – {c.label} (text)", "text", column=other))
    common = columns.find(q, "TEXT", names=(f"{q.tag}_TEXT",)) if shared and entries and not any(own.values()) else None
    if common:
        labels = ", ".join(c.label for c in entries)
        name = f"{qid}_{entries[0].id}_text" if len(entries) == 1 else f"{qid}_text"
        note = f"{common} holds the text entered with whichever of these choices was picked: {labels}."
        draft.questions.append(DraftQuestion(ids.unique(identifier(name)), f"{q.text} – {labels} (text)", "text",
                                             column=common, notes=[] if len(entries) == 1 else [note]))


def _multiple(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids) -> None:
    options = _options(q.choices)
    qid = ids.make(q.tag)
    found: dict[str, str] = {}
    for option, c in zip(options, q.choices):
        column = columns.find(q, c.id, names=(f"{q.tag}_{c.id}", f"{q.tag}_{c.recode}"))
        found[option.code] = column or f"{q.tag}_{c.id}"
    draft.questions.append(DraftQuestion(qid, q.text, "multiple", options, option_columns=found, notes=[_origin(q)]))
    _text_entries(draft, q, qid, columns, ids, shared=False)


SCALE_ORDER = "Its scale is listed as the survey lists it; study.yaml reads it lowest point first: reverse it if needed."


def _matrix(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids) -> None:
    """A single-answer matrix: its statements share one scale, so one grid with a column per statement (Q5_1,
    Q5_2); a matrix of one statement is one Likert (or single-choice) question."""
    if len(q.choices) > 1:
        items = Ids()
        made = [(items.make(c.label, f"item_{c.id}"), c) for c in q.choices]
        found = {item: columns.find(q, c.id, names=(f"{q.tag}_{c.id}",)) or f"{q.tag}_{c.id}" for item, c in made}
        draft.questions.append(DraftQuestion(ids.make(q.tag), q.text, "grid", _options(q.answers), option_columns=found,
                                             items=[(item, c.label) for item, c in made],
                                             notes=[f"{_origin(q)} A grid: one column per statement. {SCALE_ORDER}"]))
        return
    kind = "likert" if reads_as_scale([a.recode for a in q.answers], [a.label for a in q.answers]) else "single"
    for c in q.choices:
        column = columns.find(q, c.id, names=(f"{q.tag}_{c.id}",)) or f"{q.tag}_{c.id}"
        note = f"{q.qid} ({q.type} {q.selector}): statement {c.id} of the grid, exported as {column}."
        draft.questions.append(DraftQuestion(ids.make(f"{q.tag}_{c.id}"), f"{q.text} – {c.label}", kind,
                                             _options(q.answers), column=column, notes=[note]))


def _rank_order(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids) -> None:
    """Rank order: a ranking, each choice's column (Q6_1) holding the rank given to it."""
    options = _options(q.choices)
    found = {o.code: columns.find(q, c.id, names=(f"{q.tag}_{c.id}",)) or f"{q.tag}_{c.id}" for o, c in zip(options, q.choices)}
    draft.questions.append(DraftQuestion(ids.make(q.tag), q.text, "ranking", options, option_columns=found,
                                         notes=[f"{_origin(q)} Each choice's column holds its rank (1 = first)."]))


def _per_choice(draft: Draft, q: QsfQuestion, columns: _QuestionColumns, ids: Ids, kind: str) -> None:
    for c in q.choices or []:
        column = columns.find(q, c.id, names=(f"{q.tag}_{c.id}",)) or f"{q.tag}_{c.id}"
        draft.questions.append(DraftQuestion(ids.make(f"{q.tag}_{c.id}"), f"{q.text} – {c.label}", kind,
                                             column=column, notes=[f"{_origin(q)} One question per item."]))


def _conditions(draft: Draft, qsf: Qsf) -> None:
    """Display logic on one question's choices becomes ask_if (codes are the choices' recode values)."""
    by_origin = {x.notes[0].split(" ", 1)[0]: x for x in draft.questions if x.notes and x.notes[0].startswith("QID")}
    for q in qsf.questions:
        target = by_origin.get(q.qid)
        if target is None or (q.logic is None and not q.logic_note):
            continue
        source_q = next((s for s in qsf.questions if q.logic and s.qid == q.logic[0]), None)
        source = by_origin.get(q.logic[0]) if q.logic else None
        if q.logic is None or source is None or source_q is None or source.type not in ("single", "multiple", "likert"):
            target.ask_if_note = q.logic_note or "Qualtrics display logic on a question that is not a choice question"
            continue
        recodes = {c.id: code for c, code in zip(source_q.choices, option_codes([c.recode for c in source_q.choices]))}
        codes = tuple(recodes[c] for c in q.logic[1] if c in recodes)
        if codes:
            target.ask_if, target.ask_if_note = (source.id, codes), q.logic_note


def _from_values(draft: Draft, profile: FileProfile, layout: Layout, columns: _QuestionColumns, ids: Ids) -> None:
    """No survey definition: a question's columns are grouped (QID3_1, QID3_2…) and typed from their values."""
    info = profile.info
    taken = set(draft.ignored) | {draft.respondent_id}
    groups: dict[str, list[str]] = {}
    for column in info.columns:
        if column in taken:
            continue
        key = layout.import_ids.get(column) or column
        match = re.match(r"^(.+?)_(\d+)$", key)
        groups.setdefault(match.group(1) if match else key, []).append(column)
    for base, group in groups.items():
        ticks = _tick_columns(group, profile) if len(group) > 1 else None
        if ticks is not None:
            draft.questions.append(_ticked(base, group, ticks, layout, ids))
            continue
        for column in group:
            if layout.import_ids.get(column, "").upper().endswith("_TEXT"):
                text = layout.labels.get(column, column)
                draft.questions.append(DraftQuestion(ids.make(column), text, "text", column=column))
                continue
            found = infer_question(ids, column, layout.labels.get(column, column), profile.columns[column], name=column)
            (draft.left if isinstance(found, LeftOut) else draft.questions).append(found)  # type: ignore[arg-type]


def _tick_columns(group: list[str], profile: FileProfile) -> list[str] | None:
    """The one value each column holds when ticked (all '1', or each its choice's text); None if not ticks."""
    values = []
    for column in group:
        seen = list(profile.columns[column].values)
        if len(seen) > 1:
            return None
        values.append(seen[0] if seen else "")
    if not any(values):
        return None
    if set(values) <= {"1", ""} or len(set(v for v in values if v)) == len([v for v in values if v]):
        return values
    return None


def _ticked(base: str, group: list[str], ticks: list[str], layout: Layout, ids: Ids) -> DraftQuestion:
    labels = [layout.labels.get(c, c) for c in group]
    stem = _common_stem(labels)
    names = [(t if t not in ("", "1") else lab[len(stem):].strip(" -–:") or c) for c, t, lab in zip(group, ticks, labels)]
    codes = option_codes([re.sub(r"^.*_", "", c) for c in group])
    options = [DraftOption(code, name) for code, name in zip(codes, names)]
    text = stem.strip(" -–:") or base
    note = f"Inferred: columns {group[0]}…{group[-1]} each hold one tick (a multiple-answer question)."
    return DraftQuestion(ids.make(re.sub(r"^QID", "Q", base)), text, "multiple", options,
                         option_columns=dict(zip(codes, group)), notes=[note])


def _common_stem(labels: list[str]) -> str:
    """The question text shared by the labels 'Question - Choice 1', 'Question - Choice 2'."""
    if len(labels) < 2:
        return ""
    first, last = min(labels), max(labels)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    stem = first[:n]
    cut = max(stem.rfind(" - "), stem.rfind("-"))
    return stem[: cut + 1] if cut > 0 else stem


def draft_definition(qsf: Qsf, path: Path, ids: Ids) -> Draft:
    """Only the .qsf: questions with the column names Qualtrics gives them (export tags), no response file yet."""
    draft = Draft(title=qsf.title, sources=[f"{path.name} (Qualtrics survey definition)"], language=qsf.language,
                  described=True)
    draft.notes.append("No response file was given: columns are named by export tag (Q1, Q2_1…); give the export "
                       "with --from too, to check them and declare it.")
    columns = _QuestionColumns([], Layout(3))
    for question in qsf.questions:
        _from_definition(draft, question, columns, ids)
    _conditions(draft, qsf)
    return draft
