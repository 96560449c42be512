"""Files with the layouts of real exports, made for the tests (no licensed real file could be committed).

Each builder says what it imitates. The layouts were read off real exports and the tools' own
export tests (see tests/data/SOURCES.md); the answers are invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import zipfile
from pathlib import Path

from openpyxl import Workbook

RLM = "\u200f"  # right-to-left mark, as Arabic labels often carry


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", quote_all: bool = False, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = name
        for row in rows:
            ws.append(row)
        first = False
    wb.save(path)
    return path


# --- Qualtrics ------------------------------------------------------------------------------

QUALTRICS_META = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId"]
QUALTRICS_LABELS = ["Start Date", "End Date", "Response Type", "Progress", "Duration (in seconds)", "Finished", "Recorded Date", "Response ID"]


def qualtrics_rows(*, import_ids: bool = True, newline_in_label: bool = False, responses: int = 3) -> list[list[str]]:
    """A Qualtrics "Insights"-style export: metadata columns, a matrix item (QID5_1, QID5_2 with choiceId),
    a multiple-answer item and a text item; ImportIds with a timeZone on the dates."""
    names = QUALTRICS_META + ["Q1", "Q5_1", "Q5_2", "Q7", "Q8_TEXT"]
    q1 = "How did you take the course?\nTick one." if newline_in_label else "How did you take the course?"
    labels = QUALTRICS_LABELS + [q1, "How useful was it? - Videos", "How useful was it? - Quizzes",
                                 "Which did you use? (select all)", "Anything else? - Text"]
    ids = ['{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"endDate","timeZone":"America/Denver"}',
           '{"ImportId":"status"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}', '{"ImportId":"finished"}',
           '{"ImportId":"recordedDate","timeZone":"America/Denver"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}',
           '{"ImportId":"QID5_1","choiceId":"1"}', '{"ImportId":"QID5_2","choiceId":"2"}', '{"ImportId":"QID7"}',
           '{"ImportId":"QID8_TEXT"}']
    rows = [names, labels] + ([ids] if import_ids else [])
    for i in range(responses):
        rows.append([f"2024-03-0{i + 1} 10:00:00", f"2024-03-0{i + 1} 10:12:00", "IP Address", "100", "720", "True",
                     f"2024-03-0{i + 1} 10:12:01", f"R_{i}aBcDeFgHiJkLmN", ["Online", "On site", "Mixed"][i % 3],
                     str(1 + i % 5), str(5 - i % 5), "Videos,Forum" if i % 2 else "Videos", "" if i % 2 else "Great, thanks"])
    return rows


def qualtrics_xlsx(sample_csv: Path, path: Path) -> Path:
    """A Qualtrics XLSX export: the same three header rows as the CSV in row 1-3 of one sheet, numbers as numbers."""
    with sample_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    typed: list[list[object]] = [list(r) for r in rows[:3]]
    for row in rows[3:]:
        typed.append([int(c) if re.fullmatch(r"-?\d+", c) else c for c in row])
    return write_xlsx(path, {"Sheet0": typed})


# --- KoboToolbox ----------------------------------------------------------------------------

KOBO_TAIL = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]


def kobo_rows(*, arabic: bool = False, hxl: bool = False, responses: int = 4) -> list[list[str]]:
    """A KoboToolbox CSV export ("XML values and headers" or labels): groups as paths, the select_multiple
    question ``modes`` joined with spaces and split into 0/1 option columns, Kobo's underscore columns."""
    if arabic:  # labels headers of a form in Arabic (right-to-left), as an Arabic-language deployment exports them
        q = ["البيانات/العمر", "البيانات/الجنس", "طريقة التعلم", "طريقة التعلم/عبر الإنترنت", "طريقة التعلم/حضوري",
             "طريقة التعلم/مدمج", RLM + "تعليقات"]
        options = {"online": "عبر الإنترنت", "onsite": "حضوري", "mixed": "مدمج"}
        genders = ["ذكر", "أنثى"]
    else:
        q = ["group_profile/age", "group_profile/gender", "modes", "modes/online", "modes/onsite", "modes/mixed", "comment"]
        options = {"online": "online", "onsite": "onsite", "mixed": "mixed"}
        genders = ["man", "woman"]
    rows = [["start", "end"] + q + KOBO_TAIL]
    if hxl:
        rows.append(["", "", "#age", "#gender", "#modes", "", "", "", ""] + [""] * len(KOBO_TAIL))
    for i in range(responses):
        ticked = [k for j, k in enumerate(options) if (i >> j) & 1] or ["online"]
        rows.append([f"2024-02-19T12:1{i}:13.710+03:00", f"2024-02-19T12:2{i}:45.056+03:00", str(20 + i), genders[i % 2],
                     " ".join(options[k] for k in ticked)] + ["1" if k in ticked else "0" for k in options]
                    + ["" if i % 2 else f"comment {i}", str(313790959 + i), f"93d9d56e-c2ad-4b17-bb52-96{i:010d}",
                       f"2024-02-19T09:2{i}:17", "", "", "submitted_via_web", "", "v7FiJfxcH9mg84eFengncJ", "", str(i + 1)])
    return rows


def kobo_csv(path: Path, **kwargs: bool) -> Path:
    """Kobo's CSV: ``;`` between cells, every cell quoted, CRLF."""
    return write_csv(path, kobo_rows(**kwargs), delimiter=";", quote_all=True)  # type: ignore[arg-type]


def kobo_xlsx(path: Path, *, arabic: bool = False) -> Path:
    """Kobo's XLSX: the main sheet named after the form, numbers as numbers, submission times as dates,
    and one sheet per repeat group pointing back to its submission."""
    rows: list[list[object]] = [list(r) for r in kobo_rows(arabic=arabic)]
    n = len(rows[0])
    for row in rows[1:]:
        row[n - 10] = int(str(row[n - 10]))  # _id
        row[n - 8] = dt.datetime.fromisoformat(str(row[n - 8]))  # _submission_time
        row[n - 1] = int(str(row[n - 1]))  # _index
    family = [["family/member_age", "family/member_name", "_index", "_parent_table_name", "_parent_index", "_submission__id",
               "_submission__uuid"], [12, "A", 1, "Learner form", 1, rows[1][n - 10], rows[1][n - 9]]]
    return write_xlsx(path, {"Learner form": rows, "family": family})


# --- Google Forms and LimeSurvey ------------------------------------------------------------


def google_forms_rows() -> list[list[str]]:
    """A Google Forms "Download responses (.csv)": Timestamp first, question texts as names, checkboxes joined with ", "."""
    return [
        ["Timestamp", "Email address", "How did you take the course?", "Which parts did you use?", "Any comments?"],
        ["2023/11/13 4:20:37 pm CET", "a@example.org", "Online", "Videos, Quizzes", "Good, mostly"],
        ["2023/11/13 4:20:44 pm CET", "b@example.org", "Mixed", "Videos", ""],
        ["2023/11/13 4:21:09 pm CET", "c@example.org", "On site", "Quizzes, Forum, Videos", "More \"live\" sessions"],
    ]


def limesurvey_codes_rows() -> list[list[str]]:
    """A LimeSurvey response export with question codes and answer codes (Responses > Export, "question code")."""
    return [
        ["id", "submitdate", "lastpage", "startlanguage", "seed", "G01Q01", "G01Q02[SQ001]", "G01Q02[SQ002]", "G01Q02[other]", "G01Q03"],
        ["1", "2024-05-02 10:11:12", "3", "en", "1234", "A1", "Y", "", "", "33"],
        ["2", "", "1", "en", "5678", "A2", "", "Y", "radio", ""],
        ["3", "2024-05-03 09:00:00", "3", "nl", "91011", "A1", "Y", "Y", "", "51"],
    ]


# --- damaged and hostile workbooks ----------------------------------------------------------


def stale_dimension_xlsx(path: Path, rows: int = 41) -> Path:
    """A workbook whose sheet says ``<dimension ref="A1:N10"/>`` over ``rows`` responses (as some exporters leave it)."""
    data: list[list[object]] = [["id", "mode", "hours"]] + [[i + 1, ["Online", "On site"][i % 2], i % 40] for i in range(rows)]
    tmp = write_xlsx(path.with_suffix(".tmp.xlsx"), {"Sheet1": data})
    rewrite_member(tmp, path, "xl/worksheets/sheet1.xml", lambda b: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:N10"/>', b))
    tmp.unlink()
    return path


def rewrite_member(source: Path, target: Path, member: str, change: object) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, change(data) if item.filename == member else data)  # type: ignore[operator]
    return target


def zip_bomb_xlsx(path: Path, megabytes: int = 600) -> Path:
    """A workbook whose sheet unpacks to ``megabytes`` of blanks from a few MB: a decompression bomb."""
    small = write_xlsx(path.with_suffix(".tmp.xlsx"), {"Sheet1": [["id"], [1]]})
    with zipfile.ZipFile(small) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with zout.open(item.filename, "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                blank = b" " * (1 << 20)
                for _ in range(megabytes):
                    fh.write(blank)
                fh.write(tail)
    small.unlink()
    return path


def lying_bomb_xlsx(path: Path, megabytes: int = 64) -> Path:
    """A workbook whose sheet declares 5,000 bytes but unpacks to ``megabytes``: the headers lie."""
    small = write_xlsx(path.with_suffix(".tmp.xlsx"), {"Sheet1": [["id"], [1]]})
    rewrite_member(small, path, "xl/worksheets/sheet1.xml",
                   lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * (megabytes << 20)))
    small.unlink()
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        struct.pack_into("<I", data, zf.getinfo(name.decode()).header_offset + 22, 5000)  # local header
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entry
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + length] == name:
            struct.pack_into("<I", data, at + 24, 5000)
        at += 4
    path.write_bytes(bytes(data))
    return path
