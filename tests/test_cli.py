"""The command line as a whole: help without heavy libraries, errors mapped to exit codes in one place, short commands."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import CatalogueError

from .conftest import ROOT

HELP_EVERYWHERE = textwrap.dedent("""
    import sys
    from typer.main import get_command
    from typer.testing import CliRunner
    from learnervoice.cli import app, main

    def paths(command, prefix=()):
        yield prefix
        for name, sub in (getattr(command, "commands", None) or {}).items():
            yield from paths(sub, (*prefix, name))

    sys.argv = ["learnervoice", "--help"]
    try:
        main()
    except SystemExit as exc:
        assert exc.code == 0, exc.code
    for path in paths(get_command(app)):
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
    print(sorted(m for m in ("duckdb", "pandas", "matplotlib") if m in sys.modules))
""")


def test_help_of_every_command_loads_no_heavy_library() -> None:
    out = subprocess.run([sys.executable, "-c", HELP_EVERYWHERE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("module", ["learnervoice.cli", "learnervoice"])
def test_python_m_runs_the_same_command(module: str) -> None:
    out = subprocess.run([sys.executable, "-m", module, "catalogue", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "import-elm" in out.stdout


@pytest.mark.parametrize(("raised", "code", "message"), [
    (CatalogueError("offers.csv: no offers"), 2, "error: offers.csv: no offers"),
    (RuntimeError("boom"), 1, "internal error (RuntimeError: boom); please report it with the command you ran"),
    (KeyboardInterrupt(), 130, "interrupted; nothing was changed"),
])
def test_what_a_command_raises_becomes_a_message_and_exit_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, raised: BaseException, code: int, message: str
) -> None:
    def read_catalogue(path: Path) -> None:
        raise raised

    monkeypatch.setattr("learnervoice.align.catalogue.read_catalogue", read_catalogue)
    result = CliRunner().invoke(app, ["catalogue", "check", str(tmp_path / "offers.csv")])  # a command in a group
    assert (result.exit_code, result.output.strip()) == (code, message)


def test_usage_errors_and_help_are_left_to_typer() -> None:
    missing = CliRunner().invoke(app, ["audit"])
    assert missing.exit_code == 2 and "Missing argument" in missing.output and "internal error" not in missing.output
    assert CliRunner().invoke(app, ["transcripts"]).exit_code == 2  # no subcommand: the group's help
    assert CliRunner().invoke(app, ["users", "add", "--help"]).exit_code == 0


def test_no_cli_function_is_longer_than_60_lines() -> None:
    long = []
    for path in sorted((ROOT / "src" / "learnervoice" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                if node.end_lineno - node.lineno + 1 > 60:
                    long.append(f"{path.name}:{node.name}")
    assert not long, f"split these: {long}"


def test_a_listing_prints_bracketed_words_as_words(capsys: pytest.CaptureFixture[str]) -> None:
    """'[email]' (what the gate leaves of an address) is text in a table, not console markup that vanishes."""
    import pandas as pd

    from learnervoice.cli.common import _print_table

    _print_table(pd.DataFrame({"text": ["Contact me at [email] please"], "[who]": ["S01"]}))
    out = capsys.readouterr().out
    assert "Contact me at [email] please" in out and "[who]" in out
