"""The disclosure gate on the way out of the web app: workbench JSON and pages pass through it.

Every JSON answer and every page of a study (``/s/{study}/…``) is released by the
study's gate before it is sent: roster names, handles, e-mail addresses and phone
numbers are replaced, as in every other output. The questionnaire's own routes
(a participant reading back what they typed) and the account routes are left as
they are; so are values the app itself makes (links, tokens), and in pages the tags
themselves (their addresses and data attributes are the app's; their text is released).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..privacy.gate import Gate, gate_for

STUDY_PATH = re.compile(r"^/s/([^/]+)/")
LEFT_AS_IS = re.compile(r"^/s/[^/]+/(?:q/|api/q/|open|api/open|api/invites|login|api/login|api/logout|logout|api/me)(?:/|$)")
APP_VALUES = frozenset({"csrf", "url", "link", "token", "label", "id"})
TAG = re.compile(r"(<[^>]*>)")


class ReleaseResponses:
    """A plain ASGI middleware: the answers of a study's routes are held whole, released, then sent."""

    def __init__(self, app: ASGIApp, sites: dict[str, Any]) -> None:
        self.app = app
        self.sites = sites

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        match = STUDY_PATH.match(path)
        site = self.sites.get(match.group(1)) if match else None
        if site is None or LEFT_AS_IS.match(path):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if not _released_kind(message):
                    await send(message)
            elif message["type"] == "http.response.body" and start is not None and _released_kind(start):
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_released(send, start, b"".join(chunks), gate_for(site.study))
            else:
                await send(message)

        await self.app(scope, receive, held)


def _released_kind(start: Message) -> bool:
    kind = dict(start.get("headers", [])).get(b"content-type", b"").decode("latin-1")
    return kind.startswith(("application/json", "text/html"))


async def _send_released(send: Send, start: Message, body: bytes, gate: Gate) -> None:
    import anyio

    headers = dict(start.get("headers", []))
    kind = headers.get(b"content-type", b"").decode("latin-1")
    release = _json if kind.startswith("application/json") else _html
    released = await anyio.to_thread.run_sync(release, gate, body)  # a long text must not hold up other requests
    out = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    out.append((b"content-length", str(len(released)).encode()))
    await send({**start, "headers": out})
    await send({"type": "http.response.body", "body": released})


def _json(gate: Gate, body: bytes) -> bytes:
    if not body:
        return body
    value = json.loads(body)
    return json.dumps(_released(gate, value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _released(gate: Gate, value: Any, key: str | None = None) -> Any:
    if isinstance(value, str):
        made_by_the_app = key in APP_VALUES or (key or "").endswith(("_id", "guid"))
        return value if made_by_the_app else _text(gate, value)
    if isinstance(value, dict):
        return {k: _released(gate, v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_released(gate, v, key) for v in value]
    return value


def _text(gate: Gate, text: str) -> str:
    return gate.release(text)


def _html(gate: Gate, body: bytes) -> bytes:
    """The text between tags is released; the tags (links, forms, the study's and documents' addresses) are the app's."""
    parts = TAG.split(body.decode("utf-8"))
    released = [part if part.startswith("<") else _text(gate, part) for part in parts]
    return "".join(released).encode("utf-8")
