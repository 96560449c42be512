"""Several transcripts are imported all or nothing: through the library, the command line, and study.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import TranscriptError
from learnervoice.qual.documents import Source, import_transcripts
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, documents
from learnervoice.study.load import Study

from ..conftest import snapshot
from .conftest import write

GOOD = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Melissa Ko>Hello {n}.</v>\n"
BAD = "WEBVTT\n\nNOTE exported\n\n00:00:01.000 --> 00:00:02.000\n<v Melissa Ko>Hi.</v>\n\n00:00:03.000 --> 00:00:04.000\n<v Jordi Pons>Me.</v>\n"


def _names(store: QualStore) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(sa.select(documents.c.name).order_by(documents.c.name)).scalars())


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [write(tmp_path / "a.vtt", GOOD.format(n=1)), write(tmp_path / "b.vtt", GOOD.format(n=2)),
            write(tmp_path / "c.vtt", BAD)]


def test_a_bad_file_leaves_the_study_as_it_was(qual_study: Study, store: QualStore, files: list[Path]) -> None:
    before = snapshot(qual_study.folder)
    with pytest.raises(TranscriptError) as err:
        import_transcripts(qual_study, files, store=store)
    message = str(err.value)
    assert message.startswith("c.vtt: speakers not in the roster") and "'Jordi Pons' (first speaks on line 8)" in message
    assert message.endswith("none of the 3 files was imported")
    assert snapshot(qual_study.folder) == before and _names(store) == []


def test_a_good_batch_is_one_transaction_with_an_audit_record_per_document(
    qual_study: Study, store: QualStore, files: list[Path]
) -> None:
    reports = import_transcripts(qual_study, [files[0], Source(files[1], name="second")], store=store)
    assert [(r.document, r.status) for r in reports] == [("a", "imported"), ("second", "imported")]
    with store.read() as conn:
        actions = list(conn.execute(sa.select(audit.c.action).where(audit.c.action == "import_transcript")).scalars())
    assert len(actions) == 2
    again = import_transcripts(qual_study, [files[0], Source(files[1], name="second")], store=store)
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_two_files_with_one_name_are_refused_together(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    one, two = write(tmp_path / "x" / "fg.vtt", GOOD.format(n=1)), write(tmp_path / "y" / "fg.vtt", GOOD.format(n=2))
    with pytest.raises(TranscriptError, match=r"fg\.vtt: another file of this import \(fg\.vtt\) is also named 'fg'"):
        import_transcripts(qual_study, [one, two], store=store)
    assert _names(store) == []


def test_the_command_imports_all_or_none(qual_study: Study, store: QualStore, files: list[Path]) -> None:
    from learnervoice.workspace import open_workspace

    open_workspace(qual_study.folder).close()  # the study as every command leaves it (codebook.yaml brought in)
    before = snapshot(qual_study.folder)
    result = CliRunner().invoke(app, ["transcripts", "import", str(qual_study.folder), *map(str, files)])
    assert result.exit_code == 2 and result.stderr.startswith("error: c.vtt: speakers not in the roster")
    assert "line 8" in result.stderr and "Traceback" not in result.output + result.stderr
    assert snapshot(qual_study.folder) == before and _names(store) == []
    result = CliRunner().invoke(app, ["transcripts", "import", str(qual_study.folder), *map(str, files[:2])])
    assert result.exit_code == 0, result.output
    assert _names(store) == ["a", "b"]


def test_declared_transcripts_are_brought_in_all_or_none(qual_study: Study, files: list[Path]) -> None:
    from learnervoice.workspace import open_workspace

    folder = qual_study.folder
    (folder / "fg").mkdir()
    for f in files:
        (folder / "fg" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    yaml = (folder / "study.yaml").read_text(encoding="utf-8")
    (folder / "study.yaml").write_text(yaml + "transcripts:\n  - {file: fg/a.vtt}\n  - {file: fg/b.vtt}\n  - {file: fg/c.vtt}\n",
                                       encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"^c\.vtt: .*none of the 3 files was imported$"):
        open_workspace(folder)
    with open_workspace(folder, refresh=False) as ws:
        assert _names(ws.qual) == []
    (folder / "fg" / "c.vtt").write_text(GOOD.format(n=3), encoding="utf-8")
    with open_workspace(folder) as ws:
        assert _names(ws.qual) == ["a", "b", "c"]
