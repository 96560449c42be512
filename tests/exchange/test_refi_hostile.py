"""Hostile and large projects: behaviour asserted here (refused, correct, clear), times measured in
bench/refi.py (docs/benchmarks.md)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from learnervoice.errors import ExchangeError
from learnervoice.exchange.projects import import_qdpx
from learnervoice.exchange.refi import open_qdpx
from learnervoice.exchange.refi_limits import MAX_CODE_DEPTH

from .generated import Spec, g, write_qdpx


def reference_bomb(path: Path, sources: int = 800, size: int = 9_900_000) -> Path:
    """A small archive whose sources all point at one large, well-compressed entry."""
    refs = "".join(f'<TextSource guid="{g(i)}" name="s{i}" plainTextPath="internal://big.txt"/>' for i in range(sources))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", f'<Project xmlns="urn:QDA-XML:project:1.0" name="b"><Sources>{refs}</Sources></Project>')
        zf.writestr("Sources/big.txt", ("All work and no play. " * (size // 22)).encode())
    return path


def test_many_references_to_one_entry_are_refused_before_unpacking(tmp_path: Path) -> None:
    path = reference_bomb(tmp_path / "bomb.qdpx")
    assert path.stat().st_size < 200_000
    with pytest.raises(ExchangeError, match=r"800 source reference\(s\) unpack to .* \(each reference to an entry counted\)"):
        import_qdpx(path, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_a_few_references_to_one_entry_are_read_once(tmp_path: Path) -> None:
    project = open_qdpx(reference_bomb(tmp_path / "few.qdpx", sources=3, size=2_000))
    assert len(project.sources) == 3 and project.sources[0].text is project.sources[2].text


def crlf_project(lines: int) -> Spec:
    """NVivo, CRLF line ends, an emoji on every tenth line, one selection per line."""
    text = "".join(f"Line {i} {'🎓' if i % 10 == 0 else 'x'} said something.\r\n" for i in range(lines))
    codings, at = [], 0
    for i in range(lines):
        line = text.index("\r\n", at)
        codings.append((0, at, line + 2, i % 3, i % 2))
        at = line + 2
    return Spec("NVivo 14", [text], [("A", None, True, None), ("B", None, True, None), ("C", None, True, None)], codings)


def test_crlf_and_many_selections_convert_exactly(tmp_path: Path) -> None:
    """Every line's passage covers that line with its CRLF (the conversion is a binary search per position)."""
    spec = crlf_project(6_000)
    project = open_qdpx(write_qdpx(spec, tmp_path / "crlf.qdpx"))
    text = project.sources[0].text
    covered = [text[s.start:s.end] for s in project.sources[0].selections]
    assert covered == [line + "\r\n" for line in spec.texts[0].split("\r\n")[:-1]]
    assert project.report.crlf_count == 6_000 and project.report.utf16_sources == 1


def test_many_codes_with_one_name_get_distinct_keys(tmp_path: Path) -> None:
    codes = [("Same name", None, True, None) for _ in range(2_000)]
    report = import_qdpx(write_qdpx(Spec("MAXQDA 2022", ["Some text.\n"], codes, [(0, 0, 4, 1999, 0)]), tmp_path / "c.qdpx"),
                         tmp_path / "s")
    assert report.codes == 2_000 and report.codings == 1
    text = (tmp_path / "s" / "codebook.yaml").read_text(encoding="utf-8")
    assert "key: same_name_2000\n" in text


def test_a_code_tree_too_deep_is_a_clear_error(tmp_path: Path) -> None:
    deep = [("c", None if i == 0 else i - 1, True, None) for i in range(5_000)]
    with pytest.raises(ExchangeError, match="nested more than"):
        import_qdpx(write_qdpx(Spec("MAXQDA 2022", ["x y\n"], deep, []), tmp_path / "d.qdpx"), tmp_path / "s")
    ok = [("c", None if i == 0 else i - 1, True, None) for i in range(MAX_CODE_DEPTH)]
    report = import_qdpx(write_qdpx(Spec("MAXQDA 2022", ["x y\n"], ok, [(0, 0, 1, MAX_CODE_DEPTH - 1, 0)]), tmp_path / "ok.qdpx"),
                         tmp_path / "s2")
    assert report.codes == MAX_CODE_DEPTH


def test_duplicate_source_names_are_kept_apart_without_showing_text(tmp_path: Path) -> None:
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
           f'<TextSource guid="{g(1)}" name="Interview"><PlainTextContent>Private words of Ann.</PlainTextContent></TextSource>'
           f'<TextSource guid="{g(2)}" name="Interview"><PlainTextContent>Private words of Bo.</PlainTextContent></TextSource>'
           "</Sources></Project>")
    path = tmp_path / "dup.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    report = import_qdpx(path, tmp_path / "s")
    assert report.documents == 2
    assert any("kept as 'Interview (2)'" in line for line in report.adjustments)
    assert not any("Private words" in line for line in report.adjustments)


@pytest.mark.parametrize(("attribute", "value", "message"), [
    ("isCodable", "maybe", "isCodable='maybe'; expected true or false"),
    ("endPosition", "9999", "outside the text"),
    ("startPosition", "", "is not a position"),
])
def test_malformed_values_are_clear_errors(tmp_path: Path, attribute: str, value: str, message: str) -> None:
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="{g(1)}" name="A" '
           f'isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="{g(2)}" name="t"><PlainTextContent>Hello'
           f'</PlainTextContent><PlainTextSelection guid="{g(3)}" startPosition="0" endPosition="3"><Coding guid="{g(4)}">'
           f'<CodeRef targetGUID="{g(1)}"/></Coding></PlainTextSelection></TextSource></Sources></Project>')
    qde = qde.replace(f'{attribute}="{"true" if attribute == "isCodable" else ("3" if attribute == "endPosition" else "0")}"',
                      f'{attribute}="{value}"', 1)
    path = tmp_path / "m.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    with pytest.raises(ExchangeError, match=message):
        import_qdpx(path, tmp_path / "s")
