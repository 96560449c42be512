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
    max_body_bytes = 1048576                        # larger request bodies are refused (413)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..errors import StudyError

ENV_PREFIX = "LEARNERVOICE_"


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
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Larger request bodies are refused "
                                "(413) before they are read; no route takes files.")

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
    for name in Settings.model_fields:
        value = os.environ.get(ENV_PREFIX + name.upper())
        if value is not None:
            data[name] = value
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StudyError(f"setting {where!r}: {first['msg']}", file=file) from None

