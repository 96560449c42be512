"""Find where a text file goes wrong, streaming and in linear time: the line a researcher opens.

These run after a fast reader failed, so their cost is paid only by broken files. The import
engine may call them too (for example after DuckDB's ``read_csv`` refused a file).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def locate_decode_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """The 1-based line and the 0-based byte offset of the first byte that is not valid ``encoding``.

    None when the whole file decodes. Reads the file once in 1 MB blocks.

    >>> import tempfile, os
    >>> fd, name = tempfile.mkstemp(); _ = os.write(fd, b"a,b\\n1,2\\n3,caf\\xe9\\n"); os.close(fd)
    >>> locate_decode_error(Path(name), "utf-8")
    (3, 13)
    >>> os.remove(name)
    """
    encoding, fed = _without_bom(path, encoding)  # fed: bytes handed to the decoder before this block
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 1
    with path.open("rb") as fh:
        fh.seek(fed)
        while True:
            block = fh.read(BLOCK)
            final = not block
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                buffer = bytes(exc.object)
                good = codecs.decode(buffer[: exc.start], encoding, errors="replace") if exc.start else ""
                return lines + good.count("\n"), fed - pending + exc.start
            lines += text.count("\n")
            fed += len(block)
            if final:
                return None


def _without_bom(path: Path, encoding: str) -> tuple[str, int]:
    """The codec without its byte-order mark, and the mark's length, so offsets count from the file's start."""
    name = codecs.lookup(encoding).name
    with path.open("rb") as fh:
        head = fh.read(4)
    marks = {"utf-8-sig": [(codecs.BOM_UTF8, "utf-8")],
             "utf-16": [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
             "utf-32": [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")]}
    for mark, codec in marks.get(name, []):
        if head.startswith(mark):
            return codec, len(mark)
    return ("utf-8" if name == "utf-8-sig" else encoding), 0


@dataclass(frozen=True)
class Finding:
    """The first thing wrong in a CSV's records: a cell over the limit, a record wider than the header, or a
    quote never closed. ``line`` is 1-based; ``record`` counts data records from 0 (blank lines skipped, as
    readers do); ``column`` is the 0-based position of the cell in its record; ``size`` is the cell's length
    (``long``) or the record's number of cells (``wide``)."""

    kind: str  # "long", "wide" or "unclosed"
    line: int
    record: int
    column: int
    size: int


@dataclass
class _State:
    line: int
    record_line: int
    cell_line: int = 0
    quoted: bool = False
    after_quote: bool = False  # just left a quoted part: a quote now is an escaped quote
    column: int = 0
    length: int = 0
    record: int = 0
    empty: bool = True  # nothing yet in this record (blank lines are not records)


class _Scanner:
    """A quote-aware walk over CSV text: quoted parts found with ``str.find``, the rest split by lines and
    delimiters with ``str.split``, so a file of millions of small cells is scanned at C speed."""

    def __init__(self, delimiter: str, quote: str, line: int, width: int, limit: int) -> None:
        self.delimiter, self.quote, self.width, self.limit = delimiter, quote, width, limit
        self.s = _State(line, line, line)
        self.held_cr = False

    def feed(self, text: str) -> Finding | None:
        s, pos, n = self.s, 0, len(text)
        while pos < n:
            end = text.find(self.quote, pos)
            end = n if end < 0 else end
            if s.quoted:
                s.length += end - pos
                s.line += text.count("\n", pos, end)
                if s.length > self.limit:
                    return self._found("long", s.length)
                if end < n:
                    s.quoted, s.after_quote = False, True
            else:
                found = self._plain(text[pos:end], end == n)
                if found is not None:
                    return found
                if end < n:
                    s.length += 1 if s.after_quote else 0  # "" inside a quoted cell
                    s.quoted, s.after_quote, s.empty = True, False, False
            pos = end + 1
        return None

    def _plain(self, text: str, at_end: bool) -> Finding | None:
        """Text outside quotes: records end at line breaks (CRLF, LF or a lone CR), cells at delimiters."""
        s = self.s
        if self.held_cr:
            text, self.held_cr = "\r" + text, False
        if at_end and text.endswith("\r"):  # its LF may start the next block
            text, self.held_cr = text[:-1], True
        pieces = _LINE_BREAK.split(text)
        for i, piece in enumerate(pieces):
            if i:
                found = self.end_record()
                if found is not None:
                    return found
            if not piece:
                continue
            cells = piece.split(self.delimiter)
            s.empty = s.empty and len(cells) == 1 and not piece.strip()
            s.length += len(cells[0])
            s.after_quote = s.after_quote and not cells[0]
            if s.length > self.limit:
                return self._found("long", s.length)
            if len(cells) > 1:
                found = self._cells(cells)
                if found is not None:
                    return found
        return None

    def _cells(self, cells: list[str]) -> Finding | None:
        s = self.s
        s.cell_line, s.after_quote = s.line, False
        if max(map(len, cells[1:])) > self.limit:
            at = next(i for i in range(1, len(cells)) if len(cells[i]) > self.limit)
            s.column += at
            return self._found("long", len(cells[at]))
        s.column += len(cells) - 1
        s.length = len(cells[-1])
        return None

    def end_record(self) -> Finding | None:
        s = self.s
        if not s.empty:
            cells = s.column + 1
            if cells > self.width and not (cells == self.width + 1 and s.length == 0):
                return Finding("wide", s.record_line, s.record, self.width, cells)
            s.record += 1
        s.line += 1
        s.record_line, s.cell_line, s.column, s.length, s.after_quote, s.empty = s.line, s.line, 0, 0, False, True
        return None

    def finish(self) -> Finding | None:
        if self.held_cr:
            self.held_cr = False
            return self._plain("\r", False)
        if self.s.quoted:
            return Finding("unclosed", self.s.record_line, self.s.record, self.s.column, self.s.length)
        return self.end_record()

    def _found(self, kind: str, size: int) -> Finding:
        return Finding(kind, self.s.cell_line, self.s.record, self.s.column, size)


def scan_csv(
    path: Path, encoding: str, delimiter: str, quote: str, *, width: int, limit: int, start: int = 0, start_line: int = 1
) -> Finding | None:
    """The first over-long cell, over-wide record or unclosed quote, reading from byte ``start`` (line ``start_line``).

    >>> import tempfile, os
    >>> fd, name = tempfile.mkstemp(); _ = os.write(fd, b'a,b\\n1,"' + b"x" * 50 + b'"\\n2,3,4\\n'); os.close(fd)
    >>> scan_csv(Path(name), "utf-8", ",", '"', width=2, limit=20)
    Finding(kind='long', line=2, record=1, column=1, size=50)
    >>> scan_csv(Path(name), "utf-8", ",", '"', width=2, limit=100)
    Finding(kind='wide', line=3, record=2, column=2, size=3)
    >>> os.remove(name)
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    scanner = _Scanner(delimiter, quote, start_line, width, limit)
    with path.open("rb") as fh:
        fh.seek(start)
        while block := fh.read(BLOCK):
            found = scanner.feed(decoder.decode(block))
            if found is not None:
                return found
        found = scanner.feed(decoder.decode(b"", final=True))
    return found or scanner.finish()
