"""Who may work on a study: named users with a role, passwords hashed with argon2.

Roles: ``owner`` (everything, including the codebook, the agreement page and
opening blind coding), ``coder`` (codes and memos of their own), ``viewer``
(reads). Accounts belong to one study and live in its store, so a study folder
carries its team with it and one study's users cannot sign in to another.

Each account has a random session secret that its sessions carry: signing out
everywhere, a change of role and removing the account all end the sessions, and
a new account never shares a secret with an old session (even given the old id).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..errors import ConflictError, InvalidInputError, NotFoundError
from .store import QualStore, new_session_secret, now, study_settings, users

ROLES = ("viewer", "coder", "owner")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    session_secret: str = field(repr=False)

    def can(self, role: str) -> bool:
        """Whether this user's role includes `role` (owner ⊃ coder ⊃ viewer)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _hasher() -> object:
    from argon2 import PasswordHasher

    return PasswordHasher()


def add_user(store: QualStore, name: str, password: str, role: str, *, who: str = "users") -> User:
    name = name.strip()
    if not name or len(name) > 100 or any(c in name for c in "<>&\"'/\\"):
        raise InvalidInputError("a user name is 1 to 100 characters, without <>&\"'/\\")
    if role not in ROLES:
        raise InvalidInputError(f"the role is one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"a password needs at least {MIN_PASSWORD} characters")
    with store.change(who, "add_user", {"user": name, "role": role}) as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
            raise ConflictError(f"there is a user {name!r} already")
        conn.execute(users.insert().values(name=name, password_hash=_hasher().hash(password),  # type: ignore[attr-defined]
                                           role=role, created_at=now()))
    found = get_user(store, name)
    assert found is not None
    return found


def get_user(store: QualStore, name: str) -> User | None:
    with store.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return None if row is None else _user(row)


def _user(row: sa.Row[Any]) -> User:
    return User(row.id, row.name, row.role, row.session_secret)


def user_by_id(store: QualStore, user_id: int) -> User | None:
    with store.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return None if row is None else _user(row)


def list_users(store: QualStore) -> list[User]:
    with store.read() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
    return [_user(r) for r in rows]


def verify_password(store: QualStore, name: str, password: str) -> User | None:
    """The user when the password is theirs; None otherwise (same work either way, so timing tells nothing)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError, VerifyMismatchError

    hasher = PasswordHasher()
    with store.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    stored = row.password_hash if row is not None else _dummy_hash()
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError):
        return None
    if row is None:
        return None
    if hasher.check_needs_rehash(stored):
        with store.change(name, "rehash_password", {"user": name}) as conn:
            conn.execute(users.update().where(users.c.id == row.id).values(password_hash=hasher.hash(password)))
    return _user(row)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash("not a password of anyone")


def set_role(store: QualStore, name: str, role: str, *, who: str = "users") -> None:
    """A new role; the user's sessions end (they sign in again to work with it)."""
    if role not in ROLES:
        raise InvalidInputError(f"the role is one of {', '.join(ROLES)}, not {role!r}")
    with store.change(who, "set_role", {"user": name, "role": role}) as conn:
        changed = users.update().where(users.c.name == name).values(role=role, session_secret=new_session_secret())
        if not conn.execute(changed).rowcount:
            raise NotFoundError(f"no user {name!r}")


def remove_user(store: QualStore, name: str, *, who: str = "users") -> None:
    """The account goes, and its sessions with it; the codings the user made stay, under their name."""
    with store.change(who, "remove_user", {"user": name}) as conn:
        if not conn.execute(users.delete().where(users.c.name == name)).rowcount:
            raise NotFoundError(f"no user {name!r}")


def end_sessions(store: QualStore, user: User) -> None:
    """Sign the user out everywhere: sessions carry the account's secret, which is replaced."""
    with store.change(user.name, "logout", {"user": user.name}) as conn:
        conn.execute(users.update().where(users.c.id == user.id).values(session_secret=new_session_secret()))


def get_setting(store: QualStore, key: str, default: str = "") -> str:
    with store.read() as conn:
        value = conn.execute(sa.select(study_settings.c.value).where(study_settings.c.key == key)).scalar()
    return default if value is None else str(value)


def set_setting(store: QualStore, key: str, value: str, *, who: str) -> None:
    with store.change(who, "set_setting", {"key": key, "value": value}) as conn:
        conn.execute(study_settings.delete().where(study_settings.c.key == key))
        conn.execute(study_settings.insert().values(key=key, value=value))
