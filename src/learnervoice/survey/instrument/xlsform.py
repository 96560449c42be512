"""XLSForm (KoboToolbox, ODK): the ``survey``, ``choices`` and ``settings`` sheets of a form.

Each row of ``survey`` is read with its group path (``begin group``/``end group``), its label in
the form's default language (``label::English (en)``, ``label:English`` or plain ``label``), and
its ``relevant`` expression; ``choices`` gives each list's option names and labels.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import StudyError
from .draft import clean_text

MAX_ROWS = 100_000
MAX_UNCOMPRESSED = 64 * 1024**2


@dataclass
class FormQuestion:
    name: str
    path: str  # group path with '/' (grp/sub/q)
    type: str  # the XLSForm type word: select_one, select_multiple, integer, text, …
    list_name: str
    label: str
    relevant: str
    groups: tuple[str, ...] = ()
    in_repeat: bool = False


@dataclass
class Form:
    title: str
    language: str
    questions: list[FormQuestion]
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def is_xlsform(path: Path) -> bool:
    """A workbook with a ``survey`` sheet (an .xlsx checked from the zip's workbook part, without loading it;
    an old .xls by its sheet names)."""
    if not zipfile.is_zipfile(path):
        return _xls_has_survey(path)
    try:
        with zipfile.ZipFile(path) as zf:
            workbook = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return bool(re.search(r'<(?:\w+:)?sheet [^>]*name="survey"', workbook, re.I))


def _xls_has_survey(path: Path) -> bool:
    from python_calamine import CalamineWorkbook

    try:
        return any(name.strip().lower() == "survey" for name in CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # calamine raises its own kinds for what is not a workbook
        return False


def read_xlsform(path: Path) -> Form:
    sheets = _sheets(path)
    if "survey" not in sheets:
        raise StudyError("not an XLSForm: no 'survey' sheet", file=path)
    settings = dict(zip(*(sheets.get("settings") or [[], []])[:2])) if len(sheets.get("settings") or []) >= 2 else {}
    survey = sheets["survey"]
    header = [str(h or "").strip() for h in survey[0]] if survey else []
    language = str(settings.get("default_language") or "").strip()
    label_col = _label_column(header, language)
    questions = _questions(survey[1:], header, label_col)
    choices = _choices(sheets.get("choices") or [], language)
    title = str(settings.get("form_title") or settings.get("title") or path.stem)
    return Form(title, _language_code(language or (label_col or "")), questions, choices)


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    """The survey, choices and settings sheets, read with calamine from the cells themselves (as the readers do):
    a workbook saved by LibreOffice declares ``A1:AMJ1048576``, which openpyxl's read-only mode trusts."""
    from python_calamine import CalamineWorkbook

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED:
                raise StudyError("the form unpacks to more than 64 MB; is this an XLSForm?", file=path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        found: dict[str, list[list[Any]]] = {}
        for title in workbook.sheet_names:
            name = title.strip().lower()
            if name in ("survey", "choices", "settings") and name not in found:
                found[name] = _rows(workbook.get_sheet_by_name(title).iter_rows(), name, path)
        return found
    except StudyError:
        raise
    except Exception as exc:  # calamine raises several kinds (XmlError, ZipError, CalamineError…) for broken files
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise StudyError(f"not a readable workbook ({reason})", file=path) from None


def _rows(rows: Any, name: str, path: Path) -> list[list[Any]]:
    """A sheet's rows up to its last non-empty one; whole numbers as int; at most MAX_ROWS of them."""
    kept: list[list[Any]] = []
    last = 0
    for row in rows:
        cells = ["" if c is None else int(c) if isinstance(c, float) and c.is_integer() else c for c in row]
        if any(str(c).strip() for c in cells):
            if last >= MAX_ROWS:
                raise StudyError(f"the {name!r} sheet has more than {MAX_ROWS} rows", file=path)
            kept += [[]] * (last - len(kept))  # empty rows inside the sheet keep their place
            kept.append(cells)
            last = len(kept)
        else:
            last += 1
    return kept


def _label_column(header: list[str], language: str) -> str | None:
    """The label column of the default language, else English, else the first one."""
    labels = [h for h in header if re.match(r"^label(\s*:|$)", h, re.I)]
    if not labels:
        return None
    wanted = [language.lower()] if language else []
    for want in wanted + ["english", "(en)", ""]:
        for h in labels:
            if (want and want in h.lower()) or (not want and h.lower() == "label"):
                return h
    return labels[0]


def _language_code(text: str) -> str:
    m = re.search(r"\((\w\w)\)", text)
    if m:
        return m.group(1).lower()
    names = {"english": "en", "french": "fr", "français": "fr", "spanish": "es", "español": "es", "arabic": "ar",
             "german": "de", "deutsch": "de", "catalan": "ca", "català": "ca", "portuguese": "pt", "italian": "it"}
    word = text.split("::")[-1].split(":")[-1].strip().lower()
    return names.get(word, "en")


def _cell(row: list[Any], header: list[str], name: str | None) -> str:
    if name is None:
        return ""
    for i, h in enumerate(header):
        if h.lower() == name.lower() and i < len(row):
            return str(row[i]).strip()
    return ""


def _questions(rows: list[list[Any]], header: list[str], label_col: str | None) -> list[FormQuestion]:
    questions: list[FormQuestion] = []
    stack: list[tuple[str, bool]] = []  # (group name, is a repeat)
    for row in rows:
        kind = re.sub(r"\s+", " ", _cell(row, header, "type")).strip()
        name = _cell(row, header, "name")
        word = kind.lower().replace("_", " ")
        if word.startswith("begin group") or word.startswith("begin repeat"):
            stack.append((name, word.startswith("begin repeat")))
            continue
        if word.startswith("end group") or word.startswith("end repeat"):
            if stack:
                stack.pop()
            continue
        if not kind or not name:
            continue
        base, list_name = _type_and_list(kind)
        groups = tuple(g for g, _ in stack if g)
        label = clean_text(_cell(row, header, label_col)) or name
        questions.append(FormQuestion(name, "/".join(groups + (name,)), base, list_name, label,
                                      _cell(row, header, "relevant"), groups, any(r for _, r in stack)))
    return questions


def _type_and_list(kind: str) -> tuple[str, str]:
    """'select_one yes_no' / 'select one from yes_no or specify other' / 'rank courses' -> ('select_one', 'yes_no')."""
    m = re.match(r"^(select[ _]one|select[ _]multiple|rank)(?:[ _]from)?\s+(\S+)", kind, re.I)
    if m:
        return m.group(1).lower().replace(" ", "_"), m.group(2)
    return kind.split()[0].lower(), ""


def _choices(rows: list[list[Any]], language: str) -> dict[str, list[tuple[str, str]]]:
    if not rows:
        return {}
    header = [str(h or "").strip() for h in rows[0]]
    list_col = next((h for h in header if h.lower().replace(" ", "_") == "list_name"), "list_name")
    label_col = _label_column(header, language)
    found: dict[str, list[tuple[str, str]]] = {}
    for row in rows[1:]:
        list_name, name = _cell(row, header, list_col), _cell(row, header, "name")
        if list_name and name:
            found.setdefault(list_name, []).append((name, clean_text(_cell(row, header, label_col)) or name))
    return found
