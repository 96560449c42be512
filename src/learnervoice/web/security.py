"""Who is asking: the user the study's session names, roles, CSRF tokens, the client's address.

A session (one per study, see sessions.py) holds the user's id, the account's
session secret (replaced on logout, which ends every session of that user, and on
a change of role) and when they signed in (the session lifetime counts from
there), and the CSRF token that every change must carry.

The client's address is the connection's; X-Forwarded-For is believed only from
the reverse proxies named in the settings, and then its rightmost address that
is not one of them counts (what the proxies saw; anything left of it the client wrote).
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from ..errors import NotAllowedError, NotFoundError, NotSignedInError
from ..qual.accounts import User, user_by_id
from .settings import Network
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
        raise NotFoundError("no such study here")
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
        raise NotAllowedError("the form has expired or did not come from this site; reload the page and try again")


def require(role: str) -> Callable[..., Member]:
    """A dependency: the signed-in member of the study in the path, with at least `role`."""

    def dependency(request: Request, slug: str) -> Member:
        site = site_of(request, slug)
        user = signed_in(request, site)
        if user is None:
            raise NotSignedInError("sign in first")
        if not user.can(role):
            raise NotAllowedError(f"this needs the {role} role; you are {user.role}")
        return Member(site, user)

    dependency.__name__ = f"require_{role}"
    return dependency


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else "?"
    proxies: tuple[Network, ...] = request.app.state.proxies
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), proxies)


def forwarded_client(peer: str, forwarded: list[str], proxies: tuple[Network, ...]) -> str:
    """The client's address: the peer's, or behind trusted proxies the rightmost forwarded address not theirs.

    >>> proxy = (ipaddress.ip_network("10.0.0.0/8"),)
    >>> forwarded_client("10.0.0.2", ["6.6.6.6, 192.0.2.1", "10.0.0.9"], proxy), forwarded_client("192.0.2.9", ["6.6.6.6"], proxy)
    ('192.0.2.1', '192.0.2.9')
    """
    if not _within(peer, proxies):
        return peer
    hops = [hop.strip() for header in forwarded for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, proxies):
            return _address(hop) or hop[:100]
    return peer


def _address(text: str) -> str | None:
    """The address in a forwarded hop (`192.0.2.1`, `192.0.2.1:5000`, `[2001:db8::1]:5000`), or None."""
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _within(text: str, networks: tuple[Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(ipaddress.ip_address(address) in n for n in networks)


def default_clock() -> float:
    return time.time()
