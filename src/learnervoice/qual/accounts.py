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

from ..errors import ConflictError, InvalidInputError, NotFoundError
from ..store import QualStore, new_session_secret
from ..store import accounts as accounts_db

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
        if accounts_db.exists(conn, name):
            raise ConflictError(f"there is a user {name!r} already")
        accounts_db.add(conn, name, _hasher().hash(password), role)  # type: ignore[attr-defined]
    found = get_user(store, name)
    assert found is not None
    return found


def get_user(store: QualStore, name: str) -> User | None:
    with store.read() as conn:
        row = accounts_db.by_name(conn, name)
    return None if row is None else _user(row)


def _user(row: accounts_db.Account) -> User:
    return User(row.id, row.name, row.role, row.session_secret)


def user_by_id(store: QualStore, user_id: int) -> User | None:
    with store.read() as conn:
        row = accounts_db.by_id(conn, user_id)
    return None if row is None else _user(row)


def list_users(store: QualStore) -> list[User]:
    with store.read() as conn:
        rows = accounts_db.all_accounts(conn)
    return [_user(r) for r in rows]


def verify_password(store: QualStore, name: str, password: str) -> User | None:
    """The user when the password is theirs; None otherwise (same work either way, so timing tells nothing)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError, VerifyMismatchError

    hasher = PasswordHasher()
    with store.read() as conn:
        row = accounts_db.by_name(conn, name)
    stored = row.password_hash if row is not None else _dummy_hash()
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError):
        return None
    if row is None:
        return None
    if hasher.check_needs_rehash(stored):
        with store.change(name, "rehash_password", {"user": name}) as conn:
            accounts_db.set_password_hash(conn, row.id, hasher.hash(password))
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
        if not accounts_db.set_role(conn, name, role, session_secret=new_session_secret()):
            raise NotFoundError(f"no user {name!r}")


def remove_user(store: QualStore, name: str, *, who: str = "users") -> None:
    """The account goes, and its sessions with it; the codings the user made stay, under their name."""
    with store.change(who, "remove_user", {"user": name}) as conn:
        if not accounts_db.remove(conn, name):
            raise NotFoundError(f"no user {name!r}")


def end_sessions(store: QualStore, user: User) -> None:
    """Sign the user out everywhere: sessions carry the account's secret, which is replaced."""
    with store.change(user.name, "logout", {"user": user.name}) as conn:
        accounts_db.set_session_secret(conn, user.id, new_session_secret())


def get_setting(store: QualStore, key: str, default: str = "") -> str:
    with store.read() as conn:
        value = accounts_db.setting(conn, key)
    return default if value is None else value


def set_setting(store: QualStore, key: str, value: str, *, who: str) -> None:
    with store.change(who, "set_setting", {"key": key, "value": value}) as conn:
        accounts_db.put_setting(conn, key, value)
