"""The Qualtrics survey definition (.qsf, JSON): questions, choices, recode values, simple display logic.

Only what an instrument needs is read: each ``SQ`` element's export tag, type and selector,
choices in their order with their recode values and text entries, a matrix's statements and
scale points, and display logic when it is one question's choices being selected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import StudyError
from .draft import clean_text

MAX_QSF_BYTES = 50 * 1024**2


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    recode: str  # the value a numeric export holds (the choice id when not recoded)
    text_entry: bool = False


@dataclass
class QsfQuestion:
    qid: str
    tag: str
    type: str
    selector: str
    subselector: str
    text: str
    choices: list[Choice] = field(default_factory=list)
    answers: list[Choice] = field(default_factory=list)  # a matrix's scale points
    numeric_entry: bool = False
    logic: tuple[str, tuple[str, ...]] | None = None  # (source QID, choice ids any of which is selected)
    logic_note: str = ""


@dataclass
class Qsf:
    title: str
    language: str
    questions: list[QsfQuestion]
    trashed: int = 0


def read_qsf(path: Path) -> Qsf:
    """Parse a .qsf file; a clear error when it is not one."""
    if path.stat().st_size > MAX_QSF_BYTES:
        raise StudyError("the survey definition is larger than 50 MB; is this a .qsf file?", file=path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StudyError(f"not a Qualtrics survey definition (.qsf is JSON): {exc}", file=path) from None
    except RecursionError:
        raise StudyError("not a Qualtrics survey definition: its JSON is nested deeper than Python can read "
                         "(a damaged or hostile file)", file=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("SurveyElements"), list):
        raise StudyError("not a Qualtrics survey definition: no SurveyElements", file=path)
    entry = _dict(data.get("SurveyEntry"))
    elements = [e for e in data["SurveyElements"] if isinstance(e, dict)]
    payloads = {str(e.get("PrimaryAttribute")): e.get("Payload") for e in elements if e.get("Element") == "SQ"}
    order, trashed = _block_order(elements)
    try:
        questions = [_question(p) for qid in order if isinstance(p := payloads.get(qid), dict)]
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        raise StudyError(f"not a readable Qualtrics survey definition: a question's fields are not what Qualtrics "
                         f"writes ({type(exc).__name__}: {str(exc)[:120]})", file=path) from None
    language = str(entry.get("SurveyLanguage") or "en")[:2].lower()
    return Qsf(str(entry.get("SurveyName") or path.stem), language if language.isalpha() else "en", questions, trashed)


def _dict(value: Any) -> dict[Any, Any]:
    """A JSON object where one is expected, or an empty one (a damaged file holds anything anywhere)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _block_order(elements: list[dict[str, Any]]) -> tuple[list[str], int]:
    """Question ids in the order of the survey's blocks, leaving out the trash block."""
    order: list[str] = []
    trashed = 0
    for element in elements:
        if element.get("Element") != "BL":
            continue
        blocks = element.get("Payload") or []
        blocks = list(blocks.values()) if isinstance(blocks, dict) else _list(blocks)
        for block in blocks:
            if not isinstance(block, dict):
                continue
            ids = [str(b.get("QuestionID")) for b in _list(block.get("BlockElements"))
                   if isinstance(b, dict) and b.get("Type") == "Question"]
            if block.get("Type") == "Trash":
                trashed += len(ids)
            else:
                order += [i for i in ids if i not in order]
    if not order:  # no blocks: every question, in file order
        order = [str(e.get("PrimaryAttribute")) for e in elements if e.get("Element") == "SQ"]
    return order, trashed


def _question(p: dict[str, Any]) -> QsfQuestion:
    recode = {str(k): str(v) for k, v in _dict(p.get("RecodeValues")).items()}
    matrix = p.get("QuestionType") == "Matrix"
    choices = _choices(p.get("Choices"), p.get("ChoiceOrder"), {} if matrix else recode)
    answers = _choices(p.get("Answers"), p.get("AnswerOrder"), recode) if matrix else []
    validation = _dict(_dict(p.get("Validation")).get("Settings"))
    question = QsfQuestion(
        qid=str(p.get("QuestionID")), tag=str(p.get("DataExportTag") or p.get("QuestionID")),
        type=str(p.get("QuestionType") or ""), selector=str(p.get("Selector") or ""),
        subselector=str(p.get("SubSelector") or ""), text=clean_text(str(p.get("QuestionText") or "")),
        choices=choices, answers=answers,
        numeric_entry=validation.get("ContentType") in ("ValidNumber", "ValidZip") or validation.get("Type") == "ValidNumber",
    )
    question.text = question.text or clean_text(str(p.get("QuestionDescription") or "")) or question.tag
    question.logic, question.logic_note = _display_logic(p.get("DisplayLogic"))
    return question


def _choices(raw: Any, order: Any, recode: dict[str, str]) -> list[Choice]:
    if isinstance(raw, list):  # some exports write choices as a list
        raw = {str(i + 1): c for i, c in enumerate(raw) if c}
    if not isinstance(raw, dict):
        return []
    ids = [str(i) for i in order] if isinstance(order, list) and order else list(raw)
    ids += [i for i in map(str, raw) if i not in ids]
    found = []
    for cid in ids:
        c = raw.get(cid) if cid in raw else raw.get(int(cid)) if cid.isdigit() else None
        if not isinstance(c, dict):
            continue
        label = clean_text(str(c.get("Display") or "")) or f"Choice {cid}"
        found.append(Choice(cid, label, recode.get(cid, cid), bool(c.get("TextEntry") in (True, "true", "on"))))
    return found


def _display_logic(logic: Any) -> tuple[tuple[str, tuple[str, ...]] | None, str]:
    """One question's choices being selected (joined by Or) is a condition; anything else is only noted."""
    if not isinstance(logic, dict) or not logic:
        return None, ""
    groups = [v for k, v in logic.items() if k.isdigit() and isinstance(v, dict)]
    expressions = [v for g in groups for k, v in g.items() if k.isdigit() and isinstance(v, dict)]
    description = " ".join(clean_text(str(e.get("Description") or "")) for e in expressions)[:200]
    note = f"Qualtrics display logic not carried over (only 'choice is selected' is): {description}"
    if len(groups) != 1 or not expressions:
        return None, note
    sources: set[str] = set()
    choices: list[str] = []
    for i, e in enumerate(expressions):
        locator = str(e.get("ChoiceLocator") or "")
        parts = locator.split("/")
        if (e.get("LogicType") != "Question" or e.get("Operator") != "Selected" or len(parts) < 5
                or parts[3] != "SelectableChoice" or (i and str(e.get("Conjuction")) != "Or")):
            return None, note
        sources.add(parts[2])
        choices.append(parts[4])
    if len(sources) != 1:
        return None, note
    return (sources.pop(), tuple(choices)), f"Qualtrics display logic: {description}"
