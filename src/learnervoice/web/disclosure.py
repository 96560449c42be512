"""The disclosure gate on the way out of the web app: workbench JSON and pages pass through it.

Every JSON answer and every page of a study (``/s/{study}/…``) is released by the
study's gate before it is sent: roster names, handles, e-mail addresses and phone
numbers are replaced, as in every other output. The questionnaire's own routes
(a participant reading back what they typed) and the account routes are left as
they are; so are values the app itself makes (links, tokens).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..privacy.gate import Gate, gate_for

STUDY_PATH = re.compile(r"^/s/([^/]+)/")
LEFT_AS_IS = re.compile(r"^/s/[^/]+/(?:q/|api/q/|open|api/open|api/invites|login|api/login|api/logout|logout|api/me)")
APP_VALUES = frozenset({"csrf", "url", "link", "token", "label", "id"})
WEB_KINDS = frozenset({"name", "handle", "email", "phone"})  # links in pages are the app's own


async def release_responses(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    path = request.url.path
    match = STUDY_PATH.match(path)
    kind = response.headers.get("content-type", "")
    if match is None or LEFT_AS_IS.match(path) or not kind.startswith(("application/json", "text/html")):
        return response
    site = request.app.state.sites.get(match.group(1))
    if site is None:
        return response
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    gate = gate_for(site.study)
    released = _json(gate, body) if kind.startswith("application/json") else _html(gate, body)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(released, status_code=response.status_code, headers=headers, media_type=response.media_type)


def _json(gate: Gate, body: bytes) -> bytes:
    if not body:
        return body
    value = json.loads(body)
    return json.dumps(_released(gate, value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _released(gate: Gate, value: Any, key: str | None = None) -> Any:
    if isinstance(value, str):
        return value if key in APP_VALUES else _text(gate, value)
    if isinstance(value, dict):
        return {k: _released(gate, v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_released(gate, v, key) for v in value]
    return value


def _text(gate: Gate, text: str) -> str:
    from ..privacy.matcher import apply

    findings = [f for f in gate.matcher.find(text) if f.kind in WEB_KINDS]
    return apply(text, findings) if findings else text


def _html(gate: Gate, body: bytes) -> bytes:
    text = body.decode("utf-8")
    released = _text(gate, text)
    return body if released is text else released.encode("utf-8")
