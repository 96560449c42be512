"""How much anyone may ask: request bodies up to a size.

The body limit is a plain ASGI middleware: a request that says its body is too
large is refused before anything of it is read, and one that sends more than it
said (or says nothing, sending chunks) is refused as soon as the count passes
the limit.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def size_text(limit: int) -> str:
    """A byte count in words.

    >>> size_text(1024 * 1024), size_text(1536), size_text(100)
    ('1 MiB', '1.5 KiB', '100 bytes')
    """
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"


class BodyTooLarge(HTTPException):
    """Raised while the body is read (an HTTPException, so the framework answers 413 with this message)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than {size_text(limit)}; send less")


class BodyLimit:
    """Refuse (413) any request body over `limit` bytes, by its Content-Length or by counting what arrives."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [v for k, v in scope["headers"] if k == b"content-length"]
        if declared and (len(declared) > 1 or not declared[0].isdigit()):
            await _answer(send, 400, "the Content-Length header is not one whole number")
            return
        if declared and int(declared[0]) > self.limit:
            await _answer(send, 413, BodyTooLarge(self.limit).detail)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:  # read outside the framework's handlers (it answers 413 itself otherwise)
            if started:
                raise
            await _answer(send, 413, exc.detail)


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
