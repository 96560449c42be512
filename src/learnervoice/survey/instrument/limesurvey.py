"""LimeSurvey: response exports (question codes or full texts as headings, answer codes or full answers)
with the survey structure (.lss or tab-separated) or the R syntax file that comes with the export.

Each column of the export becomes a field (question, sub-question, answer options), then fields
become questions: list and yes/no types single choice, 5-point scales Likert, arrays on a scale
(F, A, B, …) one grid with a column per row (arrays of unordered answers one single choice per
row), rankings (R) a ranking with a column per rank, multiple choice (M, P) one multiple-response
question with a column per option, numbers numeric, free texts open text; dates and grids of
numbers or texts are left as comments, equations and uploads ignored. Simple relevance equations
become ``ask_if``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ...text import normalize
from ..readers import FileInfo
from .columns import not_a_question
from .draft import Draft, DraftOption, DraftQuestion, Ids, LeftOut, identifier, option_codes, short_id
from .infer import reads_as_scale
from .lss import LsQuestion, LsSurvey, RField, is_structure_tsv, read_lss, read_r_syntax, read_structure_tsv
from .profile import FileProfile

__all__ = ["is_structure_tsv", "draft_from_files", "draft_definition"]

ID_COLUMNS = ("Response ID", "id")
FIXED = {
    "5": [(str(i), str(i)) for i in range(1, 6)], "A": [(str(i), str(i)) for i in range(1, 6)],
    "B": [(str(i), str(i)) for i in range(1, 11)], "Y": [("Y", "Yes"), ("N", "No")],
    "G": [("F", "Female"), ("M", "Male")], "C": [("Y", "Yes"), ("U", "Uncertain"), ("N", "No")],
    "E": [("I", "Increase"), ("S", "Same"), ("D", "Decrease")],
}
SCALES = {"5", "A", "B"}
CHOICE = {"L", "!", "O", "5", "Y", "G"}
ARRAYS = {"F", "H", "A", "B", "C", "E", "1"}
TICKS = {"M", "P"}
NUMBERS = {"N", "K"}
TEXTS = {"S", "T", "U", "Q"}
LEFT = {"D": "dates and times are not a question type yet",
        ":": "grids of numbers are not supported yet", ";": "grids of texts are not supported yet"}
IGNORED = {"*": "an equation LimeSurvey computes, not an answer", "|": "uploaded files, not an answer",
           "X": "a text display, not a question", "I": "the language switch, not a question"}


@dataclass
class Field:
    """One export column, as the survey structure describes it."""

    column: str
    question: str  # the LimeSurvey question code
    type: str
    text: str
    sub: str = ""
    subtext: str = ""
    levels: list[tuple[str, str]] = field(default_factory=list)
    relevance: str = "1"
    role: str = "answer"  # answer, other (free text of 'Other'), comment


def draft_from_files(
    lss: Path | None, tsv: Path | None, r_syntax: Path | None, data: Path, info: FileInfo, ids: Ids, checked: Callable[..., Draft]
) -> Draft:
    """The response export with whatever describes it (R syntax file, .lss or structure TSV)."""
    survey = read_lss(lss) if lss else read_structure_tsv(tsv) if tsv else None
    r_fields = read_r_syntax(r_syntax) if r_syntax else None
    given = [p for p in (lss, tsv, r_syntax) if p]

    def make(path: Path, profile: FileProfile, ids: Ids, respondent_id: str | None) -> Draft:
        if r_fields is not None:
            fields = _fields_from_r(r_fields, profile.info.columns)
        elif survey is not None:
            fields = _fields_from_structure(survey, profile.info.columns)
        else:
            fields = _tick_fields(profile)
        draft = Draft(title=survey.title if survey else path.stem, language=survey.language if survey else "en",
                      sources=[f"{path.name} (LimeSurvey response export)"]
                      + [f"{p.name} (LimeSurvey {_what(p)})" for p in given],
                      data_file=path, respondent_id=respondent_id, described=bool(fields))
        _metadata(draft, profile.info.columns, {f.column for f in fields})
        _draft_fields(draft, fields, ids)
        return draft

    return checked(make, data, info, ids, tuple(c for c in ID_COLUMNS if c in info.columns))


def _what(path: Path) -> str:
    return {".lss": "survey structure", ".r": "R syntax file"}.get(path.suffix.lower(), "survey structure (TSV)")


def draft_definition(lss: Path | None, tsv: Path | None, r_syntax: Path | None, ids: Ids) -> Draft:
    """Only the structure: questions with the column names of a code-headed export (q, q[SQ001])."""
    if lss is None and tsv is None:
        from ...errors import StudyError

        raise StudyError("an R syntax file describes a response export: give the export too (--from)", file=r_syntax)
    survey = read_lss(lss) if lss else read_structure_tsv(tsv)  # type: ignore[arg-type]
    given = lss or tsv
    assert given is not None
    draft = Draft(title=survey.title, language=survey.language, described=True,
                  sources=[f"{given.name} (LimeSurvey {_what(given)})"])
    draft.notes.append("No response file was given: columns are named as in an export with question codes "
                       "(gender, education[SQ001]); give the export too, to check them and declare it.")
    _draft_fields(draft, _fields_from_structure(survey, None), ids)
    return draft


def _metadata(draft: Draft, columns: list[str], described: set[str]) -> None:
    for column in columns:
        if column in described or column == draft.respondent_id:
            continue
        why = not_a_question(column, "", "limesurvey")
        if why is not None:
            draft.ignore(column, why)


# --- fields from the R syntax file ------------------------------------------------------------------

SUB = re.compile(r"^\[(.+?)\]\s*(?:\[(Scale \d+)\]\s*)?(.*)$", re.S)
METADATA_NAMES = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "token",
                  "ipaddr", "refurl"}


def _fields_from_r(r_fields: dict[int, RField], columns: list[str]) -> list[Field]:
    fields: list[Field] = []
    for i, column in enumerate(columns, start=1):
        rf = r_fields.get(i)
        if rf is None or rf.name in METADATA_NAMES or rf.label.startswith("filecount - "):
            continue
        base = re.split(r"[_#]", rf.name)[0]
        m = SUB.match(rf.label)
        sub_text, scale, text = (m.group(1), m.group(2) or "", m.group(3)) if m else ("", "", rf.label)
        sub = rf.name[len(base) + 1:] if rf.name != base else ""
        f = Field(column, base, _r_type(rf, sub_text), text or rf.name, sub, sub_text + (f" ({scale})" if scale else ""),
                  rf.levels)
        if sub_text == "Other":
            f.role = "other"
            chosen = next((g for g in reversed(fields) if g.question == base and g.role == "answer" and g.levels), None)
            if chosen is not None and "-oth-" not in {v for v, _ in chosen.levels}:
                chosen.levels.append(("-oth-", "Other"))  # the code LimeSurvey stores for 'Other'
        fields.append(f)
    return fields


def _r_type(rf: RField, sub_text: str) -> str:
    """The LimeSurvey question type a field's R description implies."""
    values = {v for v, _ in rf.levels}
    if rf.type.startswith("DATETIME"):
        return "D"
    if rf.label.startswith("filecount - "):
        return "|"
    if re.fullmatch(r"Rank \d+", sub_text):
        return "R"
    if rf.levels and values <= {"1", "0", "Y", ""} and len(values) <= 2 and sub_text:
        return "M"
    if rf.levels:
        return "F" if sub_text else "L"
    return "N" if rf.type == "F" else "S"


# --- fields from a survey structure ------------------------------------------------------------------


def _fields_from_structure(survey: LsSurvey, columns: list[str] | None) -> list[Field]:
    """Each question's expected export columns, found among the file's (by code or by text heading)."""
    by_name = {normalize(c): c for c in columns} if columns is not None else None
    fields: list[Field] = []
    for q in survey.questions:
        for f in _expected(q):
            names = _headings(q, f)
            if by_name is None:
                f.column = names[0]
                fields.append(f)
            elif (found := next((by_name[normalize(n)] for n in names if normalize(n) in by_name), None)) is not None:
                f.column = found
                fields.append(f)
    return fields


def _expected(q: LsQuestion) -> list[Field]:
    levels = FIXED.get(q.type) or q.answers.get(0, [])
    subs = [s for s in q.subquestions if s[2] == 0]
    fields: list[Field] = []
    if q.type in CHOICE or q.type in NUMBERS - {"K"} or q.type in {"S", "T", "U", "D", "*", "|", "X", "I"}:
        fields.append(Field("", q.code, q.type, q.text, levels=levels + ([("-oth-", "Other")] if q.other else []),
                            relevance=q.relevance))
    elif q.type == "R":  # a column per rank, each holding the option put there
        for rank in range(1, len(levels) + 1):
            fields.append(Field("", q.code, q.type, q.text, str(rank), f"Rank {rank}", levels, q.relevance))
    elif q.type == "1":
        for code, text, _ in subs:
            for scale in (0, 1):
                fields.append(Field("", q.code, q.type, q.text, f"{code}#{scale}", f"{text} (scale {scale + 1})",
                                    q.answers.get(scale, []), q.relevance))
    else:
        for code, text, _ in subs:
            fields.append(Field("", q.code, q.type, q.text, code, text, levels, q.relevance))
    if q.other and q.type in CHOICE | TICKS:
        fields.append(Field("", q.code, q.type, q.text, "other", "Other", [], q.relevance, role="other"))
    if q.type in ("O", "P"):
        targets = [""] if q.type == "O" else [s[0] for s in subs]
        fields += [Field("", q.code, q.type, q.text, f"{t}comment" if t else "comment", "comment", [], q.relevance,
                         role="comment") for t in targets]
    return fields


def _headings(q: LsQuestion, f: Field) -> list[str]:
    """The column names LimeSurvey gives a field, with question codes or with full texts."""
    if not f.sub:
        return [q.code, q.text]
    sub = f.sub.split("#")[0]
    names = [f"{q.code}[{f.sub}]", f"{q.code}[{sub}][{f.sub[-1]}]" if "#" in f.sub else f"{q.code}[{sub}]",
             f"{q.code}_{f.sub}", f"{q.code}{sub}"]
    if f.role == "other":
        names += [f"{q.text} [Other]", f"{q.code}[other]"]
    return names + [f"{q.text} [{f.subtext}]"]


# --- fields from the headings alone -------------------------------------------------------------------

HEADING = re.compile(r"^(.*\S)\s*\[([^\]]+)\]$", re.S)
TICK_VALUES = {"Y", "1", "0", "Yes", "Not selected", "N"}


def _tick_fields(profile: FileProfile) -> list[Field]:
    """No structure: 'Question [Option]' columns holding only Y/1/0 are one multiple-choice question."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for column in profile.info.columns:
        m = HEADING.match(column)
        if m and set(profile.columns[column].values) <= TICK_VALUES and m.group(2) != "Other":
            groups.setdefault(m.group(1), []).append((column, m.group(2)))
    fields: list[Field] = []
    for stem, members in groups.items():
        if len(members) > 1:
            code = short_id(stem)
            fields += [Field(column, code, "M", stem, identifier(sub) or sub, sub) for column, sub in members]
    return fields


# --- fields to questions -----------------------------------------------------------------------------


def _draft_fields(draft: Draft, fields: list[Field], ids: Ids) -> None:
    groups: dict[str, list[Field]] = {}
    for f in fields:
        groups.setdefault(f.question, []).append(f)
    made: dict[str, DraftQuestion] = {}  # LimeSurvey code (or code_sub) -> question
    for code, group in groups.items():
        _draft_group(draft, code, group, ids, made)
    for code, group in groups.items():
        _condition(group[0].relevance, made.get(code), [made[k] for k in made if k.startswith(f"{code}_")], made)


def _draft_group(draft: Draft, code: str, group: list[Field], ids: Ids, made: dict[str, DraftQuestion]) -> None:
    kind, text = group[0].type, group[0].text
    answers = [f for f in group if f.role == "answer"]
    if kind in IGNORED:
        for f in group:
            draft.ignore(f.column, IGNORED[kind])
        return
    if kind in LEFT or not (kind in TICKS | CHOICE | ARRAYS | NUMBERS | TEXTS | {"R"}):
        parts = f" with {len(answers)} sub-questions" if len(answers) > 1 else ""
        draft.left.append(LeftOut(f"{code} (LimeSurvey type {kind}{parts})", text,
                                  LEFT.get(kind, f"LimeSurvey questions of type {kind} are not supported yet"),
                                  [f.column for f in group]))
        return
    note = f"LimeSurvey {code} (type {kind})."
    if kind in TICKS:
        codes = option_codes([f.sub for f in answers])
        options = [DraftOption(c, f.subtext or f.sub) for c, f in zip(codes, answers)]
        made[code] = DraftQuestion(ids.make(code), text, "multiple", options,
                                   option_columns={c: f.column for c, f in zip(codes, answers)}, notes=[note])
        draft.questions.append(made[code])
    elif kind in CHOICE and len(answers) == 1 and not answers[0].sub:
        made[code] = _choice(ids.make(code), text, answers[0], kind, note)
        draft.questions.append(made[code])
    elif kind == "R" or (kind in ARRAYS - {"1"} and _one_scale(answers, kind)):
        made[code] = _battery(ids.make(code), text, answers, kind, note)
        draft.questions.append(made[code])
    else:
        for f in answers:
            qid = ids.make(f"{code}_{f.sub}" if f.sub else code)
            shown = f"{text} – {f.subtext}" if f.subtext else text
            if kind in NUMBERS:
                x = DraftQuestion(qid, shown, "numeric", column=f.column, notes=[note])
            elif kind in TEXTS or not f.levels:
                x = DraftQuestion(qid, shown, "text", column=f.column, notes=[note])
            else:
                x = _choice(qid, shown, f, kind, note)
            made[f"{code}_{f.sub}" if f.sub else code] = x
            draft.questions.append(x)
    for f in group:
        if f.role != "answer":
            draft.questions.append(DraftQuestion(ids.make(f"{code}_{f.sub}"), f"{text} – {f.subtext or f.sub}", "text",
                                                 column=f.column, notes=[f"LimeSurvey {code}: its {f.role} text."]))


SCALE_ORDER = "Its scale is listed as the survey lists it; study.yaml reads it lowest point first: reverse it if needed."


def _one_scale(answers: list[Field], kind: str) -> bool:
    """Two or more rows sharing one ordered set of answers: a grid."""
    levels = answers[0].levels
    values, labels = [v for v, _ in levels], [lab or v for v, lab in levels]
    return (len(answers) > 1 and bool(levels) and all(f.levels == levels for f in answers)
            and (kind in SCALES or reads_as_scale(values, labels)))


def _battery(qid: str, text: str, answers: list[Field], kind: str, note: str) -> DraftQuestion:
    """An array on a scale as a grid (a column per row), or a ranking (a column per rank holding the option's code)."""
    levels = answers[0].levels
    values = [v for v, _ in levels]
    options = [DraftOption(c, lab or v, (v,)) for c, (v, lab) in zip(option_codes(values), levels)]
    if kind == "R":
        return DraftQuestion(qid, text, "ranking", options, category_columns=[f.column for f in answers],
                             notes=[note + " Each column holds the option put at its rank."])
    items = Ids()
    made = [(items.make(f.sub, "item"), f) for f in answers]
    return DraftQuestion(qid, text, "grid", options, option_columns={item: f.column for item, f in made},
                         items=[(item, f.subtext or f.sub) for item, f in made],
                         notes=[f"{note} A grid: a column per row. {SCALE_ORDER}"])


def _choice(qid: str, text: str, f: Field, kind: str, note: str) -> DraftQuestion:
    values = [v for v, _ in f.levels]
    labels = [lab or v for v, lab in f.levels]
    options = [DraftOption(c, lab, (v,)) for c, v, lab in zip(option_codes(values), values, labels)]
    likert = kind in SCALES or reads_as_scale(values, labels)
    return DraftQuestion(qid, text, "likert" if likert else "single", options, column=f.column, notes=[note])


CONDITION = re.compile(r"""^\(*\s*([A-Za-z][A-Za-z0-9_]*?)(?:\.NAOK|\.code|\.value)?\s*==\s*["']([^"']*)["']\s*\)*$""")


def _condition(relevance: str, target: DraftQuestion | None, parts: list[DraftQuestion],
               made: dict[str, DraftQuestion]) -> None:
    """`q.NAOK == "A1" or q.NAOK == "A2"` (one question's answers, or ticks of a multiple choice) -> ask_if."""
    expr = (relevance or "1").strip()
    if expr in ("", "1"):
        return
    targets = [target] if target is not None else parts
    if not targets:
        return
    found: list[tuple[str, str]] = []
    for part in re.split(r"\s+(?:or|\|\|)\s+", expr.strip("() "), flags=re.I):
        m = CONDITION.match(part.strip())
        if m is None:
            found = []
            break
        found.append((m.group(1), m.group(2)))
    asked = _as_ask_if(found, made)
    for x in targets:
        if asked is None:
            x.ask_if_note = f"LimeSurvey relevance not carried over (only 'q == value' joined by or is): {expr[:160]}"
        else:
            x.ask_if, x.ask_if_note = asked, f"LimeSurvey relevance: {expr[:160]}"


def _as_ask_if(found: list[tuple[str, str]], made: dict[str, DraftQuestion]) -> tuple[str, tuple[str, ...]] | None:
    codes: list[str] = []
    source: DraftQuestion | None = None
    for name, value in found:
        question = made.get(name)
        if question is not None and question.type in ("single", "likert"):
            code = next((o.code for o in question.options if value in o.raw), None)
        elif "_" in name and (question := made.get(name.split("_", 1)[0])) is not None and question.type == "multiple":
            code = next((c for c, col in question.option_columns.items() if c == identifier(name.split("_", 1)[1]) or
                         col.endswith(f"[{name.split('_', 1)[1]}]")), None) if value == "Y" else None
        else:
            return None
        if code is None or (source is not None and source is not question):
            return None
        source = question
        codes.append(code)
    return (source.id, tuple(codes)) if source is not None and codes else None

