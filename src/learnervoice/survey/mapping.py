"""Which columns of a response file answer which question, inferred or given.

The inferred mapping is printed (as YAML) for the researcher to confirm or to
copy into a mapping file and correct; a given mapping always wins.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from ..study.types import question_type
from ..study.model import ImportMapping, Question, QuestionMapping, StudyConfig
from .readers import FileInfo
from ..text import normalize

ID_COLUMNS = (
    "respondent_id",
    "respondent",
    "responseid",
    "response id",
    "id",
    "_id",
    "_uuid",
    "participant_id",
    "participant",
    "caseid",
    "case id",
)


@dataclass
class QuestionSource:
    """Where one question's answers are in a file."""

    question_id: str
    column: str | None = None  # one column (for multiple response: ticks joined in one cell)
    option_columns: dict[str, str] = field(default_factory=dict)  # multiple response: code -> 0/1 column
    category_columns: tuple[str, ...] = ()  # SPSS category sets: each column holds one code
    counted_value: str | None = None
    separator: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # raw value -> option code

    def columns(self) -> list[str]:
        if self.column:
            return [self.column]
        return list(self.option_columns.values()) + list(self.category_columns)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.column:
            out["column"] = self.column
        if self.option_columns:
            out["columns"] = dict(self.option_columns)
        if self.category_columns:
            out["category_columns"] = list(self.category_columns)
        if self.counted_value is not None:
            out["counted_value"] = self.counted_value
        if self.separator:
            out["separator"] = self.separator
        if self.values:
            out["values"] = dict(self.values)
        return out


@dataclass
class Mapping:
    respondent_id: str | None
    questions: dict[str, QuestionSource]
    ignored_columns: list[str]  # columns no question reads, not declared as ignored: listed to the user
    declared_ignored: list[str] = field(default_factory=list)  # columns study.yaml leaves out on purpose

    def as_dict(self) -> dict[str, Any]:
        return {
            "respondent_id": self.respondent_id,
            "questions": {qid: src.as_dict() for qid, src in self.questions.items()},
            "ignored_columns": self.ignored_columns + self.declared_ignored,
        }


def resolve_mapping(
    config: StudyConfig,
    info: FileInfo,
    given: ImportMapping | None = None,
    *,
    respondent_id: str | None = None,
    ignore: tuple[str, ...] = (),
) -> tuple[Mapping, list[Problem]]:
    """Tie the file's columns to the instrument; report every column that cannot be found."""
    given = given or ImportMapping()
    given_questions = given.questions
    problems: list[Problem] = []
    by_name = {normalize(c): c for c in info.columns}
    for col, label in info.column_labels.items():
        by_name.setdefault(normalize(label), col)

    id_column = respondent_id or given.respondent_id
    if id_column is not None and id_column not in info.columns:
        problems.append(Problem(info.name, None, id_column, None, "the respondent id column is not in the file"))
        id_column = None
    elif id_column is None:
        id_column = next((by_name[n] for n in ID_COLUMNS if n in by_name), None)

    unknown = [qid for qid in given_questions if not any(q.id == qid for q in config.questions)]
    for qid in unknown:
        problems.append(Problem(info.name, None, None, qid, "the mapping names a question the study does not have"))

    sources: dict[str, QuestionSource] = {}
    for q in config.questions:
        src: QuestionSource | None
        if q.id in given_questions:
            src = _given_source(q, given_questions[q.id])
        else:
            src = _infer_source(q, info, by_name)
        if src is None:
            problems.append(
                Problem(info.name, None, q.source or q.text, None, f"no column answers question {q.id!r}")
            )
            continue
        for message in question_type(q).source_problems(q, src):
            problems.append(Problem(info.name, None, q.source or q.text, None, message))
        for col in src.columns():
            if col not in info.columns:
                problems.append(Problem(info.name, None, col, None, f"column for question {q.id!r} is not in the file"))
        sources[q.id] = src
    used = {c for s in sources.values() for c in s.columns()} | {id_column}
    unused = [c for c in info.columns if c not in used]
    declared = [c for c in unused if c in ignore or any(fnmatch.fnmatchcase(c, pattern) for pattern in ignore)]
    ignored = [c for c in unused if c not in declared]
    problems += _stray_option_columns(info, sources, ignored)
    return Mapping(id_column, sources, ignored, declared), problems


def _stray_option_columns(info: FileInfo, sources: dict[str, QuestionSource], unused: list[str]) -> list[Problem]:
    """Numbered columns beside a question's numbered option columns (`q/5` next to `q/1`…`q/4`, `Q1[SQ005]`)
    that no option reads.

    Left out, a tick in them would silently become "no answer"; they are an error until the option
    is added to the question or the column is listed under ignore_columns. Other columns sharing the
    prefix (`Q5_7_TEXT`, `Q1[other]`) are not options and are only listed as not imported.
    """
    problems = []
    for src in sources.values():
        shapes = {_option_part(c) for c in src.option_columns.values()}
        shapes = {s for s in shapes if s is not None and any(ch.isdigit() for ch in s[1])}
        for column in unused:
            part = _option_part(column)
            if part is not None and part in shapes:
                problems.append(Problem(
                    info.name, None, column, None,
                    f"an option of question {src.question_id!r}: this column sits with its option columns but no "
                    "option reads it (add the option to the question, or list the column under ignore_columns)",
                ))
    return problems


def _option_part(column: str) -> tuple[str, str] | None:
    """The column's name before the option's part, and that part's shape (digits as 9):
    `grp/q/3` -> ("grp/q/", "9"), `Q5_3` -> ("Q5_", "9"), `Q1[SQ003]` -> ("Q1[", "SQ999]")."""
    for separator in ("/", "[", "_", "."):
        head, sep, tail = column.rpartition(separator)
        if sep and head and tail:
            return head + sep, re.sub(r"\d", "9", tail)
    return None
def _given_source(q: Question, spec: QuestionMapping | str) -> QuestionSource:
    if isinstance(spec, str):
        return QuestionSource(question_id=q.id, column=spec)
    return QuestionSource(
        question_id=q.id,
        column=spec.column,
        option_columns=dict(spec.columns),
        category_columns=spec.category_columns,
        counted_value=spec.counted_value,
        separator=spec.separator,
        values=dict(spec.values),
    )


def _infer_source(q: Question, info: FileInfo, by_name: dict[str, str]) -> QuestionSource | None:
    names = [q.source] if q.source else [q.id, q.text]
    return question_type(q).infer_source(q, info, names, by_name)
