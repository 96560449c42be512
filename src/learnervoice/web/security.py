"""Who is asking: the user the study's session names, roles, CSRF tokens, a login rate limit.

A session (one per study, see sessions.py) holds the user's id, the account's
session secret (replaced on logout, which ends every session of that user, and on
a change of role) and when they signed in (the session lifetime counts from
there), and the CSRF token that every change must carry.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from ..errors import AccessError
from ..qual.accounts import User, user_by_id
from .sites import Site

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Member:
    """The study and the signed-in user a request acts for."""

    site: Site
    user: User


def site_of(request: Request, slug: str) -> Site:
    sites: dict[str, Site] = request.app.state.sites
    if slug not in sites:
        raise AccessError("no such study here", status=404)
    return sites[slug]


def now(request: Request) -> float:
    clock: Callable[[], float] = request.app.state.clock
    return clock()


def signed_in(request: Request, site: Site) -> User | None:
    """The user the study's session names, while the session is young enough and the account's secret unchanged."""
    entry = request.session.get("user")
    if not isinstance(entry, list) or len(entry) != 3:
        return None
    user_id, secret, since = entry
    if not isinstance(user_id, int) or not isinstance(secret, str) or not isinstance(since, (int, float)):
        return None
    if now(request) - since > request.app.state.settings.session_hours * 3600:
        sign_out(request)
        return None
    user = user_by_id(site.store, user_id)
    if user is None or not secrets.compare_digest(user.session_secret.encode(), secret.encode()):
        return None  # signed out everywhere, another role, or no such account any more (whatever its id)
    return user


def sign_in(request: Request, user: User) -> None:
    """A fresh session for the user: nothing of the one before is kept, the CSRF token included."""
    request.session.clear()
    request.session.update(user=[user.id, user.session_secret, now(request)], csrf=secrets.token_urlsafe(32))


def sign_out(request: Request) -> None:
    request.session.pop("user", None)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Unsafe methods carry the session's token in a header (scripts) or a form field (pages)."""
    if request.method not in UNSAFE:
        return
    if "slug" in request.path_params:
        site_of(request, request.path_params["slug"])  # no such study: 404 (it has no sessions to check against)
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not given or not secrets.compare_digest(expected, given):
        raise AccessError("the form has expired or did not come from this site; reload the page and try again")


def require(role: str) -> Callable[..., Member]:
    """A dependency: the signed-in member of the study in the path, with at least `role`."""

    def dependency(request: Request, slug: str) -> Member:
        site = site_of(request, slug)
        user = signed_in(request, site)
        if user is None:
            raise AccessError("sign in first", status=401)
        if not user.can(role):
            raise AccessError(f"this needs the {role} role; you are {user.role}", status=403)
        return Member(site, user)

    dependency.__name__ = f"require_{role}"
    return dependency


@dataclass
class LoginLimiter:
    """At most `attempts` failed sign-ins per (address, study, name) within `window` seconds."""

    attempts: int
    window: float
    _failures: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked_for(self, key: tuple[str, ...], at: float) -> float:
        """Seconds until another attempt is allowed (0 when it is)."""
        with self._lock:
            recent = self._recent(key, at)
            return 0.0 if len(recent) < self.attempts else recent[0] + self.window - at

    def failed(self, key: tuple[str, ...], at: float) -> None:
        with self._lock:
            self._recent(key, at).append(at)

    def succeeded(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: tuple[str, ...], at: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= at - self.window:
            recent.popleft()
        return recent


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def default_clock() -> float:
    return time.time()
