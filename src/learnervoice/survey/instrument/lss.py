"""LimeSurvey survey structures: the .lss export (XML, read with defusedxml), the tab-separated structure
export, and the R syntax file that comes with a response export (variable labels and factor levels).

Each is read into the same shape: questions in survey order, with their type, sub-questions,
answer options per scale, "other" option and relevance equation.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import StudyError
from .draft import clean_text

MAX_STRUCTURE_BYTES = 50 * 1024**2


@dataclass
class LsQuestion:
    code: str
    type: str
    text: str
    relevance: str = "1"
    other: bool = False
    subquestions: list[tuple[str, str, int]] = field(default_factory=list)  # (code, text, scale)
    answers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # scale -> [(code, text)]


@dataclass
class LsSurvey:
    title: str
    language: str
    questions: list[LsQuestion]


class _BadField(ValueError):
    """A field that must hold a whole number does not (a damaged or hand-edited structure)."""


def _int(row: dict[str, str], key: str) -> int:
    value = (row.get(key) or "0").strip() or "0"
    try:
        return int(value)
    except ValueError:
        where = next((f"{k} {row[k]}" for k in ("qid", "aid", "gid", "id", "name") if row.get(k)), "a row")
        raise _BadField(f"{key} of {where} is {value[:40]!r}, not a whole number") from None


def _check_size(path: Path) -> None:
    if path.stat().st_size > MAX_STRUCTURE_BYTES:
        raise StudyError("the survey structure is larger than 50 MB; is this the right file?", file=path)


# --- .lss (XML) -------------------------------------------------------------------------------


def read_lss(path: Path) -> LsSurvey:
    """Parse a LimeSurvey .lss structure (old and new layouts: texts in rows or in *_l10ns tables)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    _check_size(path)
    try:
        root = ElementTree.parse(str(path)).getroot()
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise StudyError(f"not a readable LimeSurvey .lss file: {exc}", file=path) from None
    if root.findtext("LimeSurveyDocType") not in ("Survey", None):
        raise StudyError(f"a LimeSurvey {root.findtext('LimeSurveyDocType')} export, not a survey (.lss)", file=path)
    language = (root.findtext("languages/language") or _first(_rows(root, "surveys"), "language") or "en").strip()
    titles = [r for r in _rows(root, "surveys_languagesettings") if r.get("surveyls_language") in (language, None)]
    title = clean_text(titles[0].get("surveyls_title", "")) if titles else ""
    try:
        questions = _lss_questions(root, language)
    except _BadField as exc:
        raise StudyError(f"not a readable LimeSurvey .lss file: {exc}", file=path) from None
    return LsSurvey(title or path.stem, language[:2].lower() if language[:2].isalpha() else "en", questions)


def _rows(root: Any, section: str) -> list[dict[str, str]]:
    return [{child.tag: (child.text or "") for child in row} for row in root.findall(f"{section}/rows/row")]


def _first(rows: list[dict[str, str]], key: str) -> str:
    return rows[0].get(key, "") if rows else ""


def _in_language(rows: list[dict[str, str]], language: str) -> list[dict[str, str]]:
    return [r for r in rows if r.get("language") in (None, "", language)]


def _lss_questions(root: Any, language: str) -> list[LsQuestion]:
    rows = _in_language(_rows(root, "questions"), language) + _in_language(_rows(root, "subquestions"), language)
    texts = {r.get("qid", ""): r.get("question", "") for r in _in_language(_rows(root, "question_l10ns"), language)}
    groups = {r.get("gid", ""): _int(r, "group_order") for r in _rows(root, "groups")}
    parents = sorted((r for r in rows if r.get("parent_qid", "0") in ("0", "")),
                     key=lambda r: (groups.get(r.get("gid", ""), 0), _int(r, "question_order")))
    by_qid: dict[str, LsQuestion] = {}
    for r in parents:
        text = clean_text(texts.get(r.get("qid", ""), r.get("question", ""))) or r.get("title", "")
        by_qid[r.get("qid", "")] = LsQuestion(r.get("title", ""), r.get("type", ""), text, r.get("relevance") or "1",
                                      r.get("other") == "Y")
    for r in sorted((r for r in rows if r.get("parent_qid", "0") not in ("0", "")),
                    key=lambda r: _int(r, "question_order")):
        parent = by_qid.get(r.get("parent_qid", ""))
        if parent is not None:
            text = clean_text(texts.get(r.get("qid", ""), r.get("question", "")))
            parent.subquestions.append((r.get("title", ""), text, _int(r, "scale_id")))
    _lss_answers(root, language, by_qid)
    return list(by_qid.values())


def _lss_answers(root: Any, language: str, by_qid: dict[str, LsQuestion]) -> None:
    l10n = {r.get("aid", ""): r.get("answer", "") for r in _in_language(_rows(root, "answer_l10ns"), language)}
    answers = sorted(_in_language(_rows(root, "answers"), language), key=lambda r: _int(r, "sortorder"))
    for r in answers:
        question = by_qid.get(r.get("qid", ""))
        if question is not None:
            text = clean_text(l10n.get(r.get("aid", ""), r.get("answer", ""))) or r.get("code", "")
            question.answers.setdefault(_int(r, "scale_id"), []).append((r.get("code", ""), text))


# --- tab-separated structure -------------------------------------------------------------------


def is_structure_tsv(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(200).decode("utf-8-sig", errors="replace")
    return head.startswith("id\trelated_id\tclass\ttype/scale")


def read_structure_tsv(path: Path) -> LsSurvey:
    """Parse LimeSurvey's tab-separated survey structure (rows of class S, SL, G, Q, SQ, A)."""
    _check_size(path)
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    language = next((r.get("text", "") for r in rows if r.get("class") == "S" and r.get("name") == "language"), "en")
    title = next((r.get("text", "") for r in rows if r.get("class") == "SL" and r.get("name") == "surveyls_title"), "")
    try:
        questions = _tsv_questions(rows, language)
    except _BadField as exc:
        raise StudyError(f"not a readable LimeSurvey structure: {exc}", file=path) from None
    return LsSurvey(clean_text(title) or path.stem, language[:2].lower() if language[:2].isalpha() else "en", questions)


def _tsv_questions(rows: list[dict[str, str]], language: str) -> list[LsQuestion]:
    questions: list[LsQuestion] = []
    for r in rows:
        if r.get("language") not in (None, "", language):
            continue
        kind, text = r.get("class"), clean_text(r.get("text", ""))
        if kind == "Q":
            questions.append(LsQuestion(r.get("name", ""), r.get("type/scale", ""), text or r.get("name", ""),
                                        r.get("relevance") or "1", r.get("other") == "Y"))
        elif kind == "SQ" and questions:
            questions[-1].subquestions.append((r.get("name", ""), text, _int(r, "type/scale")))
        elif kind == "A" and questions:
            questions[-1].answers.setdefault(_int(r, "type/scale"), []).append((r.get("name", ""), text))
    return questions


# --- R syntax file -----------------------------------------------------------------------------


@dataclass
class RField:
    """One column of the response export as the R syntax file describes it (1-based position)."""

    position: int
    name: str = ""
    type: str = ""
    label: str = ""
    levels: list[tuple[str, str]] = field(default_factory=list)  # (value in the file, label)


R_TYPE = re.compile(r"^# LimeSurvey Field type: (\S+)")
R_LABEL = re.compile(r'^attributes\(data\)\$variable\.labels\[(\d+)\] <- "(.*)"\s*$')
R_NAME = re.compile(r'^names\(data\)\[(\d+)\] <- "(.*)"\s*$')
R_FACTOR = re.compile(r"^data\[, (\d+)\] <- factor\(data\[, \d+\], levels=c\((.*)\),\s*labels=c\((.*)\)\)\s*$")
R_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"|([^,\s]+)')


def read_r_syntax(path: Path) -> dict[int, RField]:
    """Fields by position from LimeSurvey's ``…_R_syntax_file.R`` (read as text, never run)."""
    _check_size(path)
    fields: dict[int, RField] = {}
    pending_type = ""
    for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        if m := R_TYPE.match(line):
            pending_type = m.group(1)
        elif m := R_LABEL.match(line):
            f = fields.setdefault(int(m.group(1)), RField(int(m.group(1)), type=pending_type))
            f.label = clean_text(_r_unescape(m.group(2)))
        elif m := R_FACTOR.match(line):
            f = fields.setdefault(int(m.group(1)), RField(int(m.group(1)), type=pending_type))
            f.levels = list(zip(_r_vector(m.group(2)), _r_vector(m.group(3))))
        elif m := R_NAME.match(line):
            fields.setdefault(int(m.group(1)), RField(int(m.group(1)), type=pending_type)).name = _r_unescape(m.group(2))
    if not fields:
        raise StudyError("not a LimeSurvey R syntax file (no variable labels or names)", file=path)
    return fields


def _r_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _r_vector(text: str) -> list[str]:
    return [_r_unescape(quoted) if quoted or not bare else bare for quoted, bare in R_ITEM.findall(text)]
