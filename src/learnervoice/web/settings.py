"""Server settings: defaults, then a TOML file, then LEARNERVOICE_* environment variables.

    [serve]
    host = "127.0.0.1"
    port = 8765
    database_url = "postgresql+psycopg://lv@db/lv"   # team server; SQLite in the study when absent
    secret_key = "…"                                # with a salt per study, makes each study's session key;
                                                    # when absent each study makes a key once in its .learnervoice/
    session_hours = 8
    secure_cookies = false                          # true behind HTTPS
    base_url = "https://survey.example.org"         # for invite links
    login_attempts = 5                              # failed sign-ins per name and address…
    login_window_minutes = 15                       # …within this many minutes
    open_link_starts = 60                           # new open-link questionnaires per address…
    open_link_window_minutes = 10                   # …within this many minutes
    max_body_bytes = 1048576                        # larger request bodies are refused (413)
    trusted_proxies = ["127.0.0.1"]                 # whose X-Forwarded-For is believed (none by default)

A list in an environment variable is written with commas: LEARNERVOICE_TRUSTED_PROXIES=10.0.0.1,10.0.0.2.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from ..errors import StudyError

ENV_PREFIX = "LEARNERVOICE_"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(default="127.0.0.1", description="Loopback unless told otherwise.")
    port: int = Field(default=8765, ge=1, le=65535)
    database_url: str | None = Field(default=None, description="Team server database; the study's SQLite file when absent.")
    secret_key: SecretStr | None = Field(default=None, description="Made into each study's session key with a salt "
                                         "of that study's; each study makes a random key of its own when absent.")
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    secure_cookies: bool = False
    base_url: str | None = Field(default=None, description="Public address used in invite links.")
    login_attempts: int = Field(default=5, ge=1, description="Failed sign-ins allowed per user and address…")
    login_window_minutes: float = Field(default=15.0, gt=0, description="…within this many minutes.")
    open_link_starts: int = Field(default=60, ge=1, description="Questionnaires one address may start by the open link…")
    open_link_window_minutes: float = Field(default=10.0, gt=0, description="…within this many minutes.")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Larger request bodies are refused "
                                "(413) before they are read; no route takes files.")
    trusted_proxies: list[str] = Field(default_factory=list, description="Addresses or networks of the reverse "
                                       "proxies whose X-Forwarded-For is believed; none when empty.")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return [entry.strip() for entry in value]

    def proxy_networks(self) -> tuple[Network, ...]:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in self.trusted_proxies)

    @property
    def url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"

    def printable(self) -> dict[str, Any]:
        """Every setting, with the secret key and any database password hidden."""
        shown = self.model_dump()
        shown["secret_key"] = "(set)" if self.secret_key else "(none: each study makes a key once in its .learnervoice/ folder)"
        if self.database_url and "@" in self.database_url:
            scheme, rest = self.database_url.split("://", 1)
            credentials, host = rest.rsplit("@", 1)
            shown["database_url"] = f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
        return shown


def load_settings(file: Path | None = None, **overrides: Any) -> Settings:
    """Defaults < TOML file ([serve] table, or the top level) < environment < explicit overrides."""
    data: dict[str, Any] = {}
    if file is not None:
        try:
            parsed = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise StudyError(f"cannot read the settings ({exc})", file=file) from None
        data.update(parsed.get("serve", parsed))
    for name, spec in Settings.model_fields.items():
        value = os.environ.get(ENV_PREFIX + name.upper())
        if value is not None:
            data[name] = [v for v in value.split(",") if v.strip()] if spec.annotation == list[str] else value
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StudyError(f"setting {where!r}: {first['msg']}", file=file) from None

