"""Broken and hostile CSV files: the error names the file, the true line and the column, never "internal error"."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnervoice.errors import UnreadableFileError
from learnervoice.survey.readers import MAX_CELL_CHARS, locate_decode_error, open_response_file, scan_csv

from .helpers import read_all

LINES = 20_000  # about 400 KB: past the 256 KB the sniffer reads


def _lines(n: int = LINES) -> list[bytes]:
    return [b"respondent,mode,hours"] + [f"r{i},Online,{i % 80}".encode() for i in range(n)]


def _refused(path: Path, *fragments: str, **kwargs: object) -> str:
    with pytest.raises(UnreadableFileError) as err:
        read_all(path, **kwargs)  # type: ignore[arg-type]
    message = str(err.value)
    assert path.name in message and "internal" not in message.lower(), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_invalid_utf8_after_the_sniffed_part_names_the_true_line(tmp_path: Path) -> None:
    lines = _lines()
    lines[18_345] = "r18344,Caf\xe9,1".encode("cp1252")
    path = tmp_path / "r.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    offset = len(b"\n".join(lines[:18_345])) + 1 + len(b"r18344,Caf")
    assert offset > 256 * 1024
    assert locate_decode_error(path, "utf-8") == (18_346, offset)
    _refused(path, "not valid utf-8 text on line 18346", f"byte {offset:,}", "cp1252")


def test_decode_error_past_a_block_boundary_and_a_character_split_by_it(tmp_path: Path) -> None:
    """A 2-byte character across the 1 MB block boundary is valid; the bad byte after it is found."""
    head = b"a\n" + b"x" * (1024 * 1024 - 3) + "é".encode() + b"\n"
    path = tmp_path / "r.csv"
    path.write_bytes(head + b"ok\nbad \xff here\n")
    assert locate_decode_error(path, "utf-8") == (4, len(head) + 7)
    path.write_bytes(head + b"ok\n")
    assert locate_decode_error(path, "utf-8") is None


def test_decode_error_offsets_count_the_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbfa\nb\xff\n")
    assert locate_decode_error(path, "utf-8-sig") == (2, 6)
    path.write_bytes("a\nb".encode("utf-16") + b"\x00\xd8\n\x00")  # an unpaired surrogate
    assert locate_decode_error(path, "utf-16") == (2, 8)


def test_encoding_given_that_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("respondent,mode\nr1,Online\nr2,Caf\xe9\n".encode("cp1252"))
    _refused(path, "not valid utf-8 text on line 3", encoding="utf-8")


def test_100_mb_cell_in_the_header_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.write(b'id,comment\n1,"')
        block = b"y" * (1 << 20)
        for _ in range(100):
            fh.write(block)
        fh.write(b'"\n2,short\n')
    started = time.monotonic()
    message = _refused(path, "line 2, column 'comment'", f"more than {MAX_CELL_CHARS:,} characters")
    assert "cannot read the header" not in message
    assert time.monotonic() - started < 30


def test_long_cell_among_the_data(tmp_path: Path) -> None:
    lines = _lines(3000)
    lines[2500] = b'r2499,"' + b"z" * (MAX_CELL_CHARS + 10) + b'",3'
    path = tmp_path / "r.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    _refused(path, "line 2501, column 'mode'", "more than 1,000,000 characters")


def test_long_cell_in_a_workbook_style_quoted_header(tmp_path: Path) -> None:
    """An unclosed quote in the header swallows the file: the cell that grows too long is named."""
    path = tmp_path / "r.csv"
    path.write_bytes(b'id,"comment\n' + b"1,abc\n" * 200_000)
    _refused(path, "line 1, column", "is a closing quote missing")


def test_ragged_record_names_its_line(tmp_path: Path) -> None:
    lines = _lines()
    lines[15_000] = b"r14999,Online,3,surplus"
    path = tmp_path / "r.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    _refused(path, "line 15001 has 4 cells but the header names 3 columns")


def test_ragged_record_after_a_multiline_answer_gives_line_and_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('id,comment\n1,"two\nlines"\n2,a,b\n', encoding="utf-8")
    _refused(path, "line 4 (response row 3) has 3 cells")


def test_unclosed_quote_in_the_data(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('id,comment\n1,fine\n2,"never closed\n3,x\n', encoding="utf-8")
    _refused(path, "a quote opened on line 3 is never closed")


def test_unclosed_quote_in_a_small_file(tmp_path: Path) -> None:
    """pandas raises this one as it opens the file, before the first chunk."""
    path = tmp_path / "r.csv"
    path.write_text('ResponseId,Q1,Q2\nR_1,1,"open\nR_2,2,x\n', encoding="utf-8")
    _refused(path, "a quote opened on line 2 is never closed")


def test_trailing_delimiter_on_every_record_is_not_ragged(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,mode\n1,a,\n2,b,\n", encoding="utf-8")
    _, frame = read_all(path)
    assert frame.values.tolist() == [["1", "a"], ["2", "b"]]
    path.write_text("id,mode\n1,a,x\n2,b,\n", encoding="utf-8")
    _refused(path, "line 2 has 3 cells but the header names 2 columns")  # pandas alone drops the 'x'


def test_binary_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 64)
    _refused(tmp_path / "bin.csv", "not a text file")
    (tmp_path / "empty.csv").write_bytes(b"")
    _refused(tmp_path / "empty.csv", "empty")
    (tmp_path / "blank.csv").write_bytes(b"\n\n  \n")
    _refused(tmp_path / "blank.csv", "empty")
    with pytest.raises(UnreadableFileError, match="no such file"):
        open_response_file(tmp_path / "missing.csv")


def test_one_endless_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"id," + b"a," * (9 * 1024 * 1024))
    _refused(path, "line 1")


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=2000))
def test_any_bytes_read_or_refused_clearly(data: bytes) -> None:
    """Whatever the bytes, the reader gives rows or an UnreadableFileError, nothing else."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            read_all(path)
        except UnreadableFileError as exc:
            assert "fuzz.csv" in str(exc)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab,;"\n é', max_size=6), min_size=1, max_size=4), min_size=2, max_size=6))
def test_scan_agrees_with_the_csv_module_on_well_formed_files(rows: list[list[str]]) -> None:
    """On any file the csv module writes, the scanner finds nothing wrong when the width is the widest record."""
    import csv
    import io
    import tempfile

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        assert scan_csv(path, "utf-8", ",", '"', width=max(len(r) for r in rows) + 1, limit=100) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab,;"\n\ré', max_size=5), max_size=5), min_size=2, max_size=8), st.integers(1, 4))
def test_scan_finds_the_record_the_csv_module_finds_too_wide(rows: list[list[str]], width: int) -> None:
    """Records counted as pandas does (blank lines skipped; no spaces here, since pandas also skips blank-looking lines)."""
    import csv
    import io
    import tempfile

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    records = [r for r in csv.reader(io.StringIO(buffer.getvalue(), newline="")) if r]
    expected = next((i for i, r in enumerate(records) if len(r) > width and not (len(r) == width + 1 and r[-1] == "")), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        found = scan_csv(path, "utf-8", ",", '"', width=width, limit=100)
    assert (found.record if found else None) == expected
