"""Sessions: one signed cookie per study, signed with a key of that study's own.

A browser keeps a cookie ``lv_<study>`` for each study it works in, sent only to
that study's pages (``Path=/s/<study>/``). ``request.session`` is the session of
the study in the path (an empty one that is never kept anywhere else). A cookie
of one study is worthless in another: the keys differ, and so does the salt.

Keys never leave the study's private folder (``.learnervoice/``, readable by its
owner only). Without ``secret_key`` in the settings, each study makes a random
key once (``web_secret``); with one, each study's key is derived from it and a
random salt the study makes once (``web_salt``), so the owner of one study, who
can read that study's folder, still cannot sign a cookie for another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import StudyError
from .settings import Settings

COOKIE_PREFIX = "lv_"
KEY_FILE = "web_secret"
SALT_FILE = "web_salt"
STUDY_PATH = re.compile(r"^/s/([^/]+)/")
MIN_SECRET = 32


def study_key(settings: Settings, private_dir: Path) -> bytes:
    """The study's own key: random and kept in its folder, or derived from the configured key and the study's salt."""
    if settings.secret_key is None:
        return _kept_secret(private_dir / KEY_FILE).encode()
    salt = _kept_secret(private_dir / SALT_FILE)
    return hmac.new(settings.secret_key.get_secret_value().encode(), f"learnervoice study key {salt}".encode(),
                    hashlib.sha256).digest()


def _kept_secret(path: Path) -> str:
    """A random value made once and kept in a file only its owner can read.

    The file appears whole or not at all (written aside, then linked in place), so two servers
    starting at once agree on one value.
    """
    if not path.is_file():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    value = path.read_text(encoding="utf-8").strip()
    if len(value) < MIN_SECRET:
        raise StudyError(f"the key is shorter than {MIN_SECRET} characters; delete the file and a new one is made",
                         file=path)
    return value


@dataclass(frozen=True)
class StudyKeys:
    """Each served study's key, by address; what it signs, it signs for one purpose and one study."""

    keys: dict[str, bytes]

    def serializer(self, slug: str, purpose: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.keys[slug], salt=f"learnervoice {purpose} {slug}",
                                 signer_kwargs={"digest_method": hashlib.sha256})


def cookie_name(slug: str) -> str:
    return COOKIE_PREFIX + slug


class StudySessions:
    """ASGI middleware: the session of the study in the path, read from and written to that study's cookie."""

    def __init__(self, app: ASGIApp, keys: StudyKeys, *, max_age: int, secure: bool) -> None:
        self.app = app
        self.keys = keys
        self.max_age = max_age
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = STUDY_PATH.match(scope["path"])
        slug = found.group(1) if found else None
        if slug is None or slug not in self.keys.keys:
            scope["session"] = {}  # outside any study: nothing to keep
            await self.app(scope, receive, send)
            return
        serializer = self.keys.serializer(slug, "session")
        session = self._load(scope, slug, serializer)
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and json.dumps(scope["session"], sort_keys=True) != before:
                MutableHeaders(scope=message).append("set-cookie", self._cookie(slug, serializer, scope["session"]))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    @staticmethod
    def _load(scope: Scope, slug: str, serializer: URLSafeSerializer) -> dict[str, Any]:
        header = "; ".join(v.decode("latin-1") for k, v in scope["headers"] if k == b"cookie")
        value = cookie_parser(header).get(cookie_name(slug))
        if not value:
            return {}
        try:
            data = serializer.loads(value)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def _cookie(self, slug: str, serializer: URLSafeSerializer, session: dict[str, Any]) -> str:
        flags = f"Path=/s/{slug}/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
        if not session:
            return f"{cookie_name(slug)}=; Max-Age=0; {flags}"
        return f"{cookie_name(slug)}={serializer.dumps(session)}; Max-Age={self.max_age}; {flags}"
