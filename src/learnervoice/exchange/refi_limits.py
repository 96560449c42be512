"""What reading an untrusted project may cost, and the refusals when it would cost more.

- The archive: at most `MAX_ENTRIES` entries, no entry outside it, no entry that unpacks more than
  `MAX_RATIO` times its packed size, at most `MAX_UNCOMPRESSED` bytes declared in all.
- The texts: every reference to an entry is charged its unpacked size against one budget
  (`MAX_TEXT_BYTES`), before anything is unpacked: 800 sources pointing at one 10 MB entry cost 8 GB and
  are refused at once, however small the archive.
- The XML: at most `MAX_XML_BYTES`, read as a stream (never whole in memory), no DTD, no entities; elements
  nested at most `MAX_DEPTH` deep (a code tree at most `MAX_CODE_DEPTH`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET

from ..errors import ExchangeError

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 1024**3
MAX_TEXT_BYTES = 1024**3
MAX_RATIO = 200
MAX_XML_BYTES = 256 * 1024**2
MAX_CODE_DEPTH = 40
MAX_DEPTH = MAX_CODE_DEPTH + 8


def safe_entries(path: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by lower-case name, once every entry passed the checks above."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExchangeError(f"{path.name}: {len(infos)} entries in the archive, more than {MAX_ENTRIES}; refused")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in Path(name.replace("\\", "/")).parts:
            raise ExchangeError(f"{path.name}: the entry {name!r} points outside the archive; refused")
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 1024**2:
            raise ExchangeError(f"{path.name}: {name!r} unpacks {info.file_size / info.compress_size:.0f}× "
                                "(a zip bomb?); refused")
    if total > MAX_UNCOMPRESSED:
        raise ExchangeError(f"{path.name}: unpacks to more than {MAX_UNCOMPRESSED // 1024**2} MB; refused")
    return {i.filename.lower(): i for i in infos}


def charge_references(path: Path, sizes: list[int]) -> None:
    """Refuse a project whose sources, every reference counted, would unpack past the budget."""
    total = sum(sizes)
    if total > MAX_TEXT_BYTES:
        raise ExchangeError(
            f"{path.name}: its {len(sizes)} source reference(s) unpack to {total / 1024**2:,.0f} MB in all "
            f"(each reference to an entry counted), more than {MAX_TEXT_BYTES // 1024**2} MB; refused")


class CountedStream:
    """A binary stream that refuses to give more than `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, what: str) -> None:
        self.raw, self.limit, self.what, self.count = raw, limit, what, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size is not None and size >= 0 else self.limit + 1)
        self.count += len(data)
        if self.count > self.limit:
            raise ExchangeError(f"{self.what}: the XML is larger than {self.limit // 1024**2} MB; refused")
        return data


def xml_events(stream: IO[bytes], what: str) -> Any:
    """(event, element) pairs of untrusted XML read as a stream: no DTD, no entities, bounded size and depth."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    depth = 0
    try:
        for event, element in iterparse(CountedStream(stream, MAX_XML_BYTES, what), events=("start", "end"),
                                        forbid_dtd=True, forbid_entities=True, forbid_external=True):
            depth += 1 if event == "start" else -1
            if depth > MAX_DEPTH:
                raise ExchangeError(f"{what}: elements nested more than {MAX_DEPTH} deep (a code tree deeper than "
                                    f"{MAX_CODE_DEPTH} levels?); refused")
            yield event, element
    except DefusedXmlException as exc:
        raise ExchangeError(f"{what}: refused, the XML declares a DTD or entities ({type(exc).__name__})") from None
    except ET.ParseError as exc:
        raise ExchangeError(f"{what}: not well-formed XML ({exc})") from None


def parse_xml(data: bytes, what: str) -> Any:
    """Parse untrusted XML whole (small files: codebooks): no DTDs, no entities, bounded size and depth."""
    import io

    root = None
    for event, element in xml_events(io.BytesIO(data), what):
        if root is None:
            root = element
    return root


def read_bounded(path: Path) -> bytes:
    if not path.is_file():
        raise ExchangeError(f"{path}: no such file")
    if path.stat().st_size > MAX_XML_BYTES:
        raise ExchangeError(f"{path.name}: larger than {MAX_XML_BYTES // 1024**2} MB; refused")
    return path.read_bytes()


def decode_text(path: Path, name: str, data: bytes) -> str:
    """A source's bytes as text (UTF-8, a byte-order mark dropped), or a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"{path.name}: source {name!r} is not UTF-8 text (byte {exc.start})") from None
