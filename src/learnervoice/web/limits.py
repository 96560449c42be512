"""How much anyone may ask: request bodies up to a size, and events per address in a time window.

The body limit is a plain ASGI middleware: a request that says its body is too
large is refused before anything of it is read, and one that sends more than it
said (or says nothing, sending chunks) is refused as soon as the count passes
the limit. The rate limiter counts failed sign-ins and new open-link
questionnaires; IPv6 addresses count by their /64 network, which one machine
usually has whole.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections import deque
from dataclasses import dataclass, field

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


def limit_key(address: str) -> str:
    """What a limit counts by: the address, or for IPv6 its /64 network.

    >>> limit_key("2001:db8::1") == limit_key("2001:db8::ffff"), limit_key("192.0.2.7")
    (True, '192.0.2.7')
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@dataclass
class RateLimiter:
    """At most `limit` events per key within `window` seconds (keys of quiet callers are forgotten)."""

    limit: int
    window: float
    _events: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sweep_at: int = 1024

    def blocked_for(self, key: tuple[str, ...], at: float) -> float:
        """Seconds until another event is allowed (0 when it is)."""
        with self._lock:
            recent = self._recent(key, at)
            return 0.0 if len(recent) < self.limit else recent[0] + self.window - at

    def record(self, key: tuple[str, ...], at: float) -> None:
        with self._lock:
            self._record(key, at)

    def take(self, key: tuple[str, ...], at: float) -> float:
        """Count an event if one is allowed now (then 0), else the seconds until one is: one step, so that
        requests arriving together cannot all pass before any is counted."""
        with self._lock:
            recent = self._recent(key, at)
            if len(recent) >= self.limit:
                return recent[0] + self.window - at
            self._record(key, at)
            return 0.0

    def forget(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._events.pop(key, None)

    def _record(self, key: tuple[str, ...], at: float) -> None:
        self._events.setdefault(key, deque()).append(at)
        if len(self._events) >= self._sweep_at:
            for old in [k for k, times in self._events.items() if times[-1] <= at - self.window]:
                del self._events[old]
            self._sweep_at = max(1024, 2 * len(self._events))

    def _recent(self, key: tuple[str, ...], at: float) -> deque[float]:
        recent = self._events.get(key, deque())
        while recent and recent[0] <= at - self.window:
            recent.popleft()
        if not recent:
            self._events.pop(key, None)
        return recent
