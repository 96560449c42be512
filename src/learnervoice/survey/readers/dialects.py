"""Which tool made a file, and how many header rows it wrote: decided from the first records.

Every container (CSV or workbook) hands the first few records, as text, to :func:`detect_layout`.
A tool is recognised only by what it always writes, so an ordinary file is never mistaken for one:

- **Qualtrics**: the ImportId row (row 3, JSON objects such as ``{"ImportId":"QID1"}``) makes a
  3-row header; without it, a row 2 of question text under Qualtrics' own metadata columns
  (``ResponseId`` with no ``R_…`` value, ``StartDate`` with no date) makes a 2-row header; legacy
  exports start ``V1,V2,…`` with ``ResponseID`` in row 2. Row 2 gives the columns' labels.
- **KoboToolbox**: ``_uuid``, ``_submission_time`` or ``_submission__uuid`` columns; a row of HXL
  hashtags (``#symmetry``) under the names is a second header row.
- **LimeSurvey**: ``Response ID`` + ``Date submitted`` (full texts) or ``id`` + ``submitdate`` (codes).
- **Google Forms**: a first column ``Timestamp`` whose first value is a date and time.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

from ...errors import UnreadableFileError
from .base import FileInfo, clean_name

TOOLS = ("qualtrics", "limesurvey", "kobo", "google-forms")
HEAD_RECORDS = 4  # records a container reads for detection: names, up to two header rows, one data record

QUALTRICS_META = {
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
}
KOBO_MARKERS = {"_uuid", "_submission_time", "_submission__uuid", "_submission__id"}
GOOGLE_TIMESTAMP = {"timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data/hora",
                    "informazioni cronologiche", "tijdstempel", "sygnatura czasowa"}
TOOL_NOTES = {
    "google-forms": "Google Forms export: question texts as column names; checkbox answers joined with ', '",
    "limesurvey": "LimeSurvey response export: sub-questions and 'other' answers in columns like Q1[SQ001]",
}
_DATE_TIME = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T,]+\d{1,2}:\d{2}")


@dataclass
class Layout:
    """What the first records say: the tool, the header rows, labels and per-column metadata."""

    format: str
    header_rows: int
    names: list[str]  # the raw column names (row 1, or the legacy labels for Qualtrics V1…V10)
    column_labels: dict[int, str] = field(default_factory=dict)  # by column position
    column_meta: dict[int, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def detect_layout(
    records: list[list[str]], requested: str, header_rows: int | None, file: str, container: str = "csv"
) -> Layout:
    """The layout of a file from its first records (the row of names first).

    ``requested`` is the format asked for (``auto``, a container such as ``csv``, or a tool);
    ``header_rows``, when given, overrides what detection would find. A file made by no known
    tool keeps its ``container``'s name.

    >>> detect_layout([["id", "q1"], ["1", "a"]], "auto", None, "f.csv").format
    'csv'
    >>> detect_layout([["ResponseId", "Q1"], ["Response ID", "Q?"], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}'],
    ...                ["R_1", "2"]], "auto", None, "f.csv").header_rows
    3
    """
    if not records or not any(c.strip() for c in records[0]):
        raise UnreadableFileError(file, "the file is empty (no row of column names)")
    names = [clean_name(c) for c in records[0]]
    tool = _tool(records, names, requested)
    layout = Layout(tool or container, 1, list(records[0]))
    if tool == "qualtrics":
        _qualtrics(records, names, layout)
    elif tool == "kobo":
        _kobo(records, names, layout)
    elif tool in TOOL_NOTES:
        layout.notes.append(TOOL_NOTES[tool])
    elif tool is None and header_rows is None and _grouped_header(records):
        _two_row_header(records, layout)
    if header_rows is not None:
        _given_header_rows(records, layout, header_rows)
    return layout


def _tool(records: list[list[str]], names: list[str], requested: str) -> str | None:
    if requested in TOOLS:
        return requested
    found = set(names)
    if _is_qualtrics(records, names):
        return "qualtrics"
    if found & KOBO_MARKERS:
        return "kobo"
    if {"Response ID", "Date submitted"} <= found or {"id", "submitdate"} <= found:
        return "limesurvey"
    if {"Response ID", "Last page", "Start language"} <= found or {"id", "lastpage", "startlanguage"} <= found:
        return "limesurvey"
    if _is_google_forms(records, names):
        return "google-forms"
    return None


def _is_qualtrics(records: list[list[str]], names: list[str]) -> bool:
    if len(records) > 2 and is_import_id_row(records[2]):
        return True
    if len(names) > 1 and names[0] == "V1" and len(records) > 1 and "ResponseID" in (c.strip() for c in records[1]):
        return True
    return len(records) > 1 and _qualtrics_label_row(names, records[1])


def _qualtrics_label_row(names: list[str], row: list[str]) -> bool:
    """Row 2 holds labels, not answers: no response id where ``ResponseId`` is, no date under the dates."""
    meta = [i for i, n in enumerate(names) if n in QUALTRICS_META]
    if len(meta) < 3 or not any(names[i] in ("ResponseId", "ResponseID") for i in meta):
        return False
    for i in meta:
        cell = row[i].strip() if i < len(row) else ""
        if names[i] in ("ResponseId", "ResponseID") and (re.fullmatch(r"R_\w+", cell) or not cell):
            return False
        if names[i] in ("StartDate", "EndDate", "RecordedDate") and re.search(r"\d", cell):
            return False
    return True


def is_import_id_row(row: list[str]) -> bool:
    """A Qualtrics ImportId row: most filled cells are JSON objects with an ``ImportId``.

    >>> is_import_id_row(['{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"QID5_1","choiceId":"1"}'])
    True
    >>> is_import_id_row(["{not json}", "3"])
    False
    """
    filled = [c.strip() for c in row if c.strip()]
    if not filled:
        return False
    tagged = sum(1 for c in filled if _import_id(c) is not None)
    return tagged > 0 and tagged >= 0.8 * len(filled)


def _import_id(cell: str) -> dict[str, str] | None:
    if not cell.startswith("{") or "importid" not in cell.lower():
        return None
    try:
        value = json.loads(cell)
    except ValueError:  # Qualtrics "Insights" exports write Python dicts: {'ImportId': 'QID2'}
        try:
            value = ast.literal_eval(cell) if len(cell) < 2000 else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(value, dict) or not any(str(k).lower() == "importid" for k in value):
        return None
    return {str(k): str(v) for k, v in value.items()}


def _qualtrics(records: list[list[str]], names: list[str], layout: Layout) -> None:
    if len(records) < 2 or not _labels_follow(records, names):
        layout.notes.append("Qualtrics export with its column names only (no question-text row)")
        return
    labels = records[1]
    layout.header_rows = 2
    if len(records) > 2 and is_import_id_row(records[2]):
        layout.header_rows = 3
        layout.column_meta = {i: m for i, c in enumerate(records[2]) if (m := _import_id(c.strip())) is not None}
    if names and names[0] == "V1":  # legacy export: V1…V10 are named by their labels (ResponseID, …)
        layout.names = [labels[i] if re.fullmatch(r"V\d+", n) and i < len(labels) and labels[i].strip() else n
                        for i, n in enumerate(records[0])]
    final = [clean_name(n) for n in layout.names]
    layout.column_labels = {i: clean_name(t) for i, t in enumerate(labels[: len(final)]) if clean_name(t) not in ("", final[i])}
    shape = "3 header rows (names, question text, ImportId)" if layout.header_rows == 3 else "2 header rows (names, question text)"
    layout.notes.append(f"Qualtrics export: {shape}; question text taken from row 2")


def _labels_follow(records: list[list[str]], names: list[str]) -> bool:
    return (len(records) > 2 and is_import_id_row(records[2])) or (names[:1] == ["V1"]) or _qualtrics_label_row(names, records[1])


def _kobo(records: list[list[str]], names: list[str], layout: Layout) -> None:
    if len(records) > 1 and _is_hxl_row(records[1]):
        layout.header_rows = 2
        layout.column_meta = {i: {"hxl": c.strip()} for i, c in enumerate(records[1]) if c.strip()}
        layout.notes.append("KoboToolbox export: row 2 holds HXL hashtags, skipped")
    groups = sorted({n.rsplit("/", 1)[0] for n in names if "/" in n} - set(names))
    split = sorted({n.rsplit("/", 1)[0] for n in names if "/" in n} & set(names))
    if groups:
        layout.notes.append("KoboToolbox groups in column names (group/question): " + ", ".join(groups[:10])
                            + (f" and {len(groups) - 10} more" if len(groups) > 10 else ""))
    if split:
        layout.notes.append("KoboToolbox select_multiple answers also split into option columns (question/option): "
                            + ", ".join(split[:10]) + (f" and {len(split) - 10} more" if len(split) > 10 else ""))


def _is_hxl_row(row: list[str]) -> bool:
    filled = [c.strip() for c in row if c.strip()]
    return bool(filled) and all(re.fullmatch(r"#[A-Za-z][\w+]*", c) for c in filled)


def _is_google_forms(records: list[list[str]], names: list[str]) -> bool:
    if len(names) < 2 or names[0].casefold() not in GOOGLE_TIMESTAMP or len(records) < 2:
        return False
    first = records[1][0] if records[1] else ""
    questions = [n for n in names[1:] if " " in n or n.endswith(("?", ":"))]
    return bool(_DATE_TIME.match(first)) and bool(questions)


def _grouped_header(records: list[list[str]]) -> bool:
    """SurveyMonkey's and Typeform's layout: row 1 names each question once over its columns (blank after it),
    row 2 names every column (the options or sub-questions), and responses follow.

    >>> _grouped_header([["", "OS?", "", "", "Lang?", ""], ["#", "mac", "Linux", "Other", "C", "Py"], ["1", "mac", "", "", "C", ""]])
    True
    >>> _grouped_header([["", "a", "b"], ["0", "1", "2"], ["1", "3", "4"]])  # a pandas index column
    False
    """
    if len(records) < 3 or len(records[0]) < 4:
        return False
    first, second = records[0], records[1]
    continued = sum(1 for i in range(1, len(first)) if not first[i].strip() and any(c.strip() for c in first[:i]))
    filled = sum(1 for c in second if c.strip())
    numbers = sum(1 for c in second if _number(c.strip()))
    return continued >= 2 and continued >= len(first) // 5 and filled >= 0.9 * len(second) and numbers <= len(second) // 4


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _two_row_header(records: list[list[str]], layout: Layout) -> None:
    """Each column named by its question and its own row-2 name ("What OS do you use? - macOS")."""
    group, names = "", []
    for top, below in zip(records[0], records[1] + [""] * (len(records[0]) - len(records[1]))):
        group = top.strip() or group
        below = below.strip()
        names.append(f"{group} - {below}" if group and below and below != group else (below or group))
    layout.names = names
    layout.header_rows = 2
    layout.column_labels = {i: clean_name(t) for i, t in enumerate(records[1]) if clean_name(t)}
    layout.notes.append("2 header rows: each question over its columns, then each column's own name")


def _given_header_rows(records: list[list[str]], layout: Layout, header_rows: int) -> None:
    """Header rows given by the study: they win; row 2, when there is one, gives the labels."""
    if header_rows == layout.header_rows:
        return
    layout.header_rows = header_rows
    if header_rows == 1:
        layout.column_labels, layout.column_meta = {}, {}
    elif not layout.column_labels and len(records) > 1 and not _is_hxl_row(records[1]) and not is_import_id_row(records[1]):
        layout.column_labels = {i: clean_name(t) for i, t in enumerate(records[1]) if clean_name(t)}
    layout.notes.append(f"{header_rows} header row(s), as the study says")


def apply_layout(info: FileInfo, layout: Layout) -> None:
    """Labels and per-column metadata, found by position, under the clean column names."""
    info.column_labels = {info.columns[i]: t for i, t in layout.column_labels.items() if i < len(info.columns)}
    info.column_meta = {info.columns[i]: m for i, m in layout.column_meta.items() if i < len(info.columns)}
    info.notes.extend(layout.notes)
