"""REFI-QDA: exports validate against the official schemas; real projects import; round trip; hostile archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from typer.testing import CliRunner

from learnervoice.privacy.gate import gate_for
from learnervoice.cli import app
from learnervoice.errors import ExchangeError
from learnervoice.exchange.projects import export_study_qdc, export_study_qdpx, import_qdpx
from learnervoice.exchange.refi import open_qdpx, read_qdc
from learnervoice.qual.codings import NewCoding, add_codings, add_memo
from learnervoice.qual.documents import import_transcript
from learnervoice.store import QualStore
from learnervoice.study import open_study
from learnervoice.study.load import Study

from ..qual.conftest import write

TRANSCRIPT = """Melissa Ko: What made you sign up?
Ryan Sloan: Mostly promotion. My employer counts accredited courses 🎓.
Srijani Ghosh: I just love learning new things.
"""


def _schema(samples: Path, name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(samples / name)))


@pytest.fixture
def project(qual_study: Study, store: QualStore, tmp_path: Path) -> Study:
    import_transcript(qual_study, write(tmp_path / "fg1.txt", TRANSCRIPT), store=store)
    with store.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()
    at = text.index("Mostly promotion")
    add_codings(store, [
        NewCoding("fg1", at, at + 16, "career", "anna"),
        NewCoding("fg1", text.index("accredited"), text.index("🎓") + 1, "career", "ben"),
        NewCoding("fg1", text.index("I just"), len(text), "pleasure", "ben"),
    ], who="t")
    add_memo(store, "document", "fg1", "First group, small.", author="anna", gate=gate_for(qual_study))
    add_memo(store, "coding", 1, "Promotion as the main reason.", author="anna", gate=gate_for(qual_study))
    return qual_study


def test_exports_validate_against_the_schemas(project: Study, tmp_path: Path, samples: Path) -> None:
    qdpx = export_study_qdpx(project, tmp_path / "p.qdpx")
    qdc = export_study_qdc(project, tmp_path / "c.qdc")
    with zipfile.ZipFile(qdpx) as zf:
        qde = etree.fromstring(zf.read("project.qde"))
        names = zf.namelist()
        text = next(zf.read(n).decode() for n in names if n.startswith("Sources/"))
    _schema(samples, "Project-mrt2019.xsd").assertValid(qde)
    _schema(samples, "Codebook-mrt2019.xsd").assertValid(etree.parse(str(qdc)))
    # no roster name anywhere in what leaves the study
    blob = zipfile.ZipFile(qdpx).read("project.qde").decode() + text + qdc.read_text(encoding="utf-8")
    for name in ("Melissa", "Ryan", "Sloan", "Srijani", "Ghosh", "Núria", "Conor"):
        assert name not in blob


def test_round_trip_is_lossless(project: Study, tmp_path: Path) -> None:
    first = export_study_qdpx(project, tmp_path / "first.qdpx")
    imported = import_qdpx(first, tmp_path / "copy")
    assert (imported.documents, imported.codings, imported.memos, imported.cases) == (1, 3, 2, 4)
    second = export_study_qdpx(open_study(tmp_path / "copy"), tmp_path / "second.qdpx")
    a, b = open_qdpx(first), open_qdpx(second)

    def flat(nodes: list) -> list:  # type: ignore[type-arg]
        return [(n.guid, n.name, n.description, n.colour, flat(n.children)) for n in nodes]

    assert flat(a.codes) == flat(b.codes)
    assert [(s.guid, s.name, s.text) for s in a.sources] == [(s.guid, s.name, s.text) for s in b.sources]
    selections = lambda p: sorted((s.start, s.end, s.code, s.guid, s.user) for src in p.sources for s in src.selections)  # noqa: E731
    assert selections(a) == selections(b)
    assert sorted((n.guid, n.text, n.user) for n in a.notes) == sorted((n.guid, n.text, n.user) for n in b.notes)
    assert a.cases == b.cases and a.users == b.users and a.variables == b.variables


def test_real_nvivo_project(samples: Path, tmp_path: Path) -> None:
    """NVivo for Mac 15: 262 codes, names repeated under different parents, empty sources, lower-case sources/."""
    result = CliRunner().invoke(app, ["import-qdpx", str(samples / "nvivo_mac15_codebook_only.qdpx"), str(tmp_path / "nv")])
    assert result.exit_code == 0, result.output
    assert "262 codes" in result.output and "is empty; skipped" in result.output
    assert "lower-case 'sources/'" in result.output and "repeat under different parents" in result.output


def test_real_codebooks(samples: Path) -> None:
    """ATLAS.ti 9 writes the older 0:4 namespace and a non-codable parent; the REFI 1.5 example mixes GUID styles."""
    atlas, notes = read_qdc(samples / "atlasti9_codebook_portableQDA.qdc")
    assert [c.name for c in atlas] == ["code2", "code1", "code3"] and not atlas[2].codable
    assert atlas[2].children[0].name == "code:3.1" and "0:4" in notes[0]
    refi, notes = read_qdc(samples / "refi15_spec_example_codebook_portableQDA.qdc")
    assert [c.name for c in refi][:2] == ["Topics", "Economy"] and notes == []


def _qdpx(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


QDE = b"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="%s">
<Users><User guid="11111111-1111-1111-1111-111111111111" name="cy"/></Users>
<CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Joy" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="33333333-3333-3333-3333-333333333333" name="doc" plainTextPath="internal://33333333-3333-3333-3333-333333333333.txt">
<PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="%d" endPosition="%d" creatingUser="11111111-1111-1111-1111-111111111111">
<Coding guid="55555555-5555-5555-5555-555555555555"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
TEXT = "Line one 😀\r\nJoy here\r\n"  # the emoji is two UTF-16 units; CRLF is two characters


@pytest.mark.parametrize(
    ("origin", "start", "end"),
    [("NVivo 14", 13, 16), ("ATLAS.ti 23", 11, 14), ("MAXQDA 2022", 12, 15)],
)
def test_position_dialects(tmp_path: Path, origin: str, start: int, end: int) -> None:
    """'Joy' starts at code point 12 of the text as it is (CRLF kept): NVivo counts UTF-16 units (the emoji is two)
    and CRLF as two (13), ATLAS.ti counts code points with CRLF as one (11), the specification code points with
    CRLF as two (12)."""
    path = _qdpx(tmp_path / "d.qdpx", {
        "project.qde": QDE % (origin.encode(), start, end),
        "Sources/33333333-3333-3333-3333-333333333333.txt": TEXT.encode(),
    })
    project = open_qdpx(path)
    source = project.sources[0]
    sel = source.selections[0]
    assert source.text == TEXT and source.text[sel.start : sel.end] == "Joy"


HOSTILE = {
    "traversal": ({"project.qde": QDE % (b"x", 0, 1), "../evil.txt": b"x"}, "points outside the archive"),
    "absolute": ({"project.qde": QDE % (b"x", 0, 1), "/etc/evil": b"x"}, "points outside the archive"),
    "entities": ({"project.qde": b'<?xml version="1.0"?><!DOCTYPE P [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Project name="&b;"/>'},
                 "declares a DTD or entities"),
    "not xml": ({"project.qde": b"<Project"}, "not well-formed XML"),
    "no project": ({"other.xml": b"<a/>"}, "no project.qde inside"),
    "bomb": ({"project.qde": QDE % (b"x", 0, 1), "Sources/big.txt": b"a" * (300 * 1024 * 1024)}, "zip bomb"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archives_are_refused(tmp_path: Path, case: str) -> None:
    entries, message = HOSTILE[case]
    path = _qdpx(tmp_path / "h.qdpx", entries)
    with pytest.raises(ExchangeError, match=message):
        import_qdpx(path, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert not any(p.name.endswith(".importing") for p in tmp_path.iterdir())


def test_not_a_zip_and_unknown_code(tmp_path: Path) -> None:
    (tmp_path / "x.qdpx").write_bytes(b"plain text")
    with pytest.raises(ExchangeError, match="not a zip file"):
        import_qdpx(tmp_path / "x.qdpx", tmp_path / "new")
    bad = (QDE % (b"x", 0, 3)).replace(b'<CodeRef targetGUID="22222222', b'<CodeRef targetGUID="99999999')
    path = _qdpx(tmp_path / "u.qdpx", {"project.qde": bad, "Sources/33333333-3333-3333-3333-333333333333.txt": b"Joy"})
    with pytest.raises(ExchangeError, match="unknown code"):
        import_qdpx(path, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_imported_codings_get_a_guid_of_their_own(tmp_path: Path) -> None:
    """The web API names codings by GUID: one missing, repeated or malformed in the project is replaced."""
    from learnervoice.store import GUID
    from learnervoice.store.schema import codings

    kept = "55555555-5555-5555-5555-555555555555"
    selection = ('<PlainTextSelection guid="4444444{n}-4444-4444-4444-444444444444" startPosition="{n}" endPosition="{end}">'
                 '<Coding{guid}><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding></PlainTextSelection>')
    given = [f' guid="{kept}"', f' guid="{kept.upper()}"', "", ' guid="not a guid"']
    selections = "".join(selection.format(n=n, end=n + 3, guid=g) for n, g in enumerate(given)).encode()
    qde = (QDE % (b"x", 0, 3)).split(b"<PlainTextSelection", 1)[0] + selections + b"</TextSource></Sources></Project>"
    path = _qdpx(tmp_path / "g.qdpx", {"project.qde": qde, "Sources/33333333-3333-3333-3333-333333333333.txt": b"Joy here, joy."})
    import_qdpx(path, tmp_path / "new")
    store = QualStore.for_study(open_study(tmp_path / "new"))
    with store.read() as conn:
        guids = [g for (g,) in conn.execute(sa.select(codings.c.guid).order_by(codings.c.start))]
    store.close()
    assert guids[0] == kept and len({g.lower() for g in guids}) == 4 and all(GUID.fullmatch(g) for g in guids)


def test_real_codebooks_import_into_a_study(qual_study: Study, samples: Path) -> None:
    """ATLAS.ti's .qdc joins the study's codebook: existing codes stay, clashing keys are kept apart."""
    from learnervoice.qual.codebook import load_codebook

    runner = CliRunner()
    result = runner.invoke(app, ["codebook", "import", str(qual_study.folder), str(samples / "atlasti9_codebook_portableQDA.qdc")])
    assert result.exit_code == 0, result.output
    assert "5 code(s) added" in result.output and "older codebook namespace" in result.output
    keys = [c.key for c in load_codebook(qual_study).codes]
    assert keys[:2] == ["motivation", "format"] and "code1" in keys and "code3" in keys
    result = runner.invoke(app, ["codebook", "import", str(qual_study.folder), str(samples / "refi15_spec_example_codebook_portableQDA.qdc")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["codebook", "import", str(qual_study.folder), str(samples / "Project-mrt2019.xsd")])
    assert result.exit_code == 2 and "not a REFI-QDA codebook" in result.output


@pytest.mark.parametrize("position", [b"abc", b"-4", b"1.5"])
def test_a_selection_position_that_is_not_a_number_is_a_clear_error(tmp_path: Path, position: bytes) -> None:
    qde = (QDE % (b"NVivo 14", 13, 16)).replace(b'startPosition="13"', b'startPosition="' + position + b'"')
    path = _qdpx(tmp_path / "d.qdpx", {
        "project.qde": qde,
        "Sources/33333333-3333-3333-3333-333333333333.txt": TEXT.encode(),
    })
    with pytest.raises(ExchangeError, match=r"d.qdpx: source 'doc', selection 4444.*startPosition='.*' is not a position"):
        open_qdpx(path)
