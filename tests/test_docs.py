"""The documentation keeps up with the code: every command in README, the architecture page names every module."""

from __future__ import annotations

import re

from typer.main import get_command

from learnervoice.cli import app

from .conftest import ROOT


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(getattr(get_command(app), "commands", {}))  # every area's commands and the command groups
    assert "import" in commands and "transcripts" in commands
    missing = [c for c in commands if f"learnervoice {c}" not in readme]
    assert not missing, f"undocumented commands: {missing}"


def test_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert [line.split("#")[0].strip() for line in lines] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_architecture_names_every_module() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [p for p in (ROOT / "src" / "learnervoice").rglob("*.py") if p.name != "__init__.py"]
    missing = [p.name for p in modules if p.name not in page and p.stem not in page]
    assert not missing, f"docs/architecture.md does not mention {missing}"
