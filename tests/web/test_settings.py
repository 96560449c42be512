"""Server settings from a TOML file and LEARNERVOICE_* variables; the CLI commands of the team and the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import StudyError
from learnervoice.study.load import Study
from learnervoice.web.settings import load_settings


def test_settings_file_then_environment_then_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "lv.toml"
    config.write_text('[serve]\nport = 9000\nsession_hours = 2\ndatabase_url = "postgresql+psycopg://lv:hunter22@db/lv"\n',
                      encoding="utf-8")
    monkeypatch.setenv("LEARNERVOICE_SESSION_HOURS", "4")
    settings = load_settings(config, host=None, port=9100)
    assert (settings.host, settings.port, settings.session_hours) == ("127.0.0.1", 9100, 4.0)
    shown = settings.printable()
    assert shown["database_url"] == "postgresql+psycopg://lv:***@db/lv" and "hunter22" not in json.dumps(shown)
    config.write_text("[serve]\nport = 0\n", encoding="utf-8")
    with pytest.raises(StudyError, match="lv.toml: setting 'port'"):
        load_settings(config)


def test_print_config_shows_the_settings_in_force(example: Study, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNERVOICE_SECRET_KEY", "do not print me")
    result = CliRunner().invoke(app, ["serve", str(example.folder), "--port", "8123", "--print-config"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["host"] == "127.0.0.1" and shown["port"] == 8123 and shown["secret_key"] == "(set)"
    assert "do not print me" not in result.output


def test_users_commands(example: Study) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", str(example.folder), "ana", "--role", "viewer", "--password-stdin"],
                          input="a long enough password\n")
    assert added.exit_code == 0 and "added ana (viewer)" in added.output
    assert runner.invoke(app, ["users", "role", str(example.folder), "ana", "coder"]).exit_code == 0
    assert "ana\tcoder" in runner.invoke(app, ["users", "list", str(example.folder)]).output
    short = runner.invoke(app, ["users", "add", str(example.folder), "ben", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    assert "ben" not in runner.invoke(app, ["users", "list", str(example.folder)]).output
    assert runner.invoke(app, ["users", "remove", str(example.folder), "ana"]).exit_code == 0
    missing = runner.invoke(app, ["users", "remove", str(example.folder), "ana"])
    assert missing.exit_code == 2 and "no user 'ana'" in missing.output


def test_limits_and_trusted_proxies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.max_body_bytes, settings.trusted_proxies) == (1024 * 1024, [])
    assert (settings.open_link_starts, settings.open_link_window_minutes) == (60, 10.0)
    monkeypatch.setenv("LEARNERVOICE_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/24")
    assert [str(n) for n in load_settings().proxy_networks()] == ["10.0.0.1/32", "192.168.0.0/24"]
    config = tmp_path / "lv.toml"
    config.write_text('[serve]\ntrusted_proxies = ["proxy.example.org"]\n', encoding="utf-8")
    monkeypatch.delenv("LEARNERVOICE_TRUSTED_PROXIES")
    with pytest.raises(StudyError, match="'proxy.example.org' is not an IP address or network"):
        load_settings(config)
    with pytest.raises(StudyError, match="setting 'max_body_bytes'"):
        load_settings(max_body_bytes=10)
