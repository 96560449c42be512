"""Shared fixtures: the example study copied to a temporary folder, the reference samples, study snapshots."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnervoice.study import open_study
from learnervoice.study.load import Study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "microcredentials-2023"
SHARED = ROOT.parent / "shared" / "reference"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def wordllama_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model2vec-layout folder (tokenizer.json, model.safetensors) arranged from the small static model the
    `wordllama` wheel ships (MIT; a dev dependency): its two files copied and renamed, not converted (its tensor is
    `embedding.weight`, a name the reader takes besides `embeddings`)."""
    import wordllama

    shipped = Path(wordllama.__file__).parent
    folder = tmp_path_factory.mktemp("models") / "l2_supercat_256"
    folder.mkdir()
    shutil.copy(shipped / "tokenizers" / "l2_supercat_tokenizer_config.json", folder / "tokenizer.json")
    shutil.copy(shipped / "weights" / "l2_supercat_256.safetensors", folder / "model.safetensors")
    return folder


@pytest.fixture
def samples() -> Path:
    """The real files from other tools (never copied into the repository)."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/reference/samples is absent")
    return SAMPLES


@pytest.fixture
def paper_tables() -> Path:
    path = SHARED / "paper_tables.csv"
    if not path.is_file():
        pytest.skip("../shared/reference/paper_tables.csv is absent")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Study:
    """A private copy of the bundled example study, opened as every command opens it (stores made current)."""
    from learnervoice.workspace import open_workspace

    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".learnervoice", "tables.html", "qual.sqlite*", "report.html", "report.docx", "qual_snapshot"))
    open_workspace(target).close()
    return open_study(target)


def write_study(folder: Path, yaml_text: str) -> Study:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(yaml_text, encoding="utf-8")
    return open_study(folder)


ARTIFACTS = ROOT / "test-artifacts"  # screenshots and other things kept from a test run
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def program(*names: str) -> str:
    """The path of a program (Debian's chromium, libreoffice…); the test skips when it is not installed."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{names[0]} is not installed (.ci/run installs it)")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the study folder with a hash of its bytes: to prove nothing changed.

    SQLite's shared-memory index (*-shm) is left out: readers update it, and it holds no data.
    """
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm")
    }


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server (Debian's package) on a Unix socket, for the team-server schema."""
    import shutil as _shutil
    import subprocess

    bindir = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs them)")
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="learnervoice-pg-"))  # outside pytest's root-only folder
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        _shutil.chown(folder, "postgres")
        _shutil.chown(sock, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
                   check=True, capture_output=True, timeout=120)
    port = "54329"
    options = f"-p {port} -k {sock} -c listen_addresses=''"
    # the server keeps whatever output it is given open: send it to a log file, not to a pipe
    subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                    "-w", "start"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port={port}"
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        _shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[str]:
    """An empty database of its own on the throwaway server (the server is shared by the session)."""
    import uuid

    import sqlalchemy as sa

    name = f"lv_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield postgres_url.replace("/postgres?", f"/{name}?")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
