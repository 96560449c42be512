"""Codes: the codebook's tree as the store keeps it (key, name, parent, definition, place, exchange GUID, and
whether text may be coded with it or it is a folder of codes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import CODABLE_PENDING, codes, study_settings
from .sql import insert_id


@dataclass(frozen=True)
class Code:
    id: int
    key: str
    name: str
    parent_id: int | None
    description: str
    inclusion: str
    exclusion: str
    example: str
    colour: str | None
    position: int
    guid: str | None
    codable: bool = True  # false: a folder of codes, coded through its sub-codes only


def all_codes(conn: Connection, *, order: Literal["codebook", "created"] = "codebook") -> list[Code]:
    """Every code: in the codebook's order (by place, then age), or in the order they were made."""
    keys = (codes.c.position, codes.c.id) if order == "codebook" else (codes.c.id,)
    rows = conn.execute(sa.select(codes).order_by(*keys)).all()
    return [Code(r.id, r.key, r.name, r.parent_id, r.description, r.inclusion, r.exclusion, r.example, r.colour,
                 r.position, r.guid, bool(r.codable)) for r in rows]


def ids(conn: Connection) -> dict[str, int]:
    """Key -> id of every code."""
    return {r.key: r.id for r in conn.execute(sa.select(codes.c.key, codes.c.id))}


def labels(conn: Connection) -> dict[str, str]:
    """Key -> name of every code."""
    return {r.key: r.name for r in conn.execute(sa.select(codes.c.key, codes.c.name))}


def code_id(conn: Connection, key: str) -> int | None:
    value = conn.execute(sa.select(codes.c.id).where(codes.c.key == key)).scalar()
    return None if value is None else int(value)


def key_of(conn: Connection, code: int) -> str:
    return str(conn.execute(sa.select(codes.c.key).where(codes.c.id == code)).scalar_one())


def parent_of(conn: Connection, code: int) -> int | None:
    value = conn.execute(sa.select(codes.c.parent_id).where(codes.c.id == code)).scalar()
    return None if value is None else int(value)


def child_count(conn: Connection, code: int) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(codes.c.parent_id == code)).scalar_one())


def next_position(conn: Connection) -> int:
    """A place after every code's."""
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(codes.c.position), 0))).scalar_one()) + 1


def add(conn: Connection, key: str, name: str, *, parent_id: int | None = None, description: str = "",
        inclusion: str = "", exclusion: str = "", example: str = "", colour: str | None = None, position: int = 0,
        codable: bool = True) -> int:
    """A new code; its id."""
    return insert_id(conn, codes.insert().values(
        key=key, name=name, parent_id=parent_id, description=description, inclusion=inclusion, exclusion=exclusion,
        example=example, colour=colour, position=position, codable=codable))


def update(conn: Connection, code: int, *, name: str, parent_id: int | None, description: str, inclusion: str,
           exclusion: str, example: str, colour: str | None, position: int, codable: bool = True) -> None:
    """Everything of a code but its key."""
    conn.execute(codes.update().where(codes.c.id == code).values(
        name=name, parent_id=parent_id, description=description, inclusion=inclusion, exclusion=exclusion,
        example=example, colour=colour, position=position, codable=codable))


def set_codable(conn: Connection, keys: list[str], codable: bool) -> None:
    """Text may be coded with these codes (True), or they are folders of codes (False)."""
    if keys:
        conn.execute(codes.update().where(codes.c.key.in_(sorted(set(keys)))).values(codable=codable))


def rename(conn: Connection, code: int, name: str) -> None:
    conn.execute(codes.update().where(codes.c.id == code).values(name=name))


def set_parent(conn: Connection, code: int, parent_id: int | None) -> None:
    conn.execute(codes.update().where(codes.c.id == code).values(parent_id=parent_id))


def move_children(conn: Connection, parent: int, new_parent: int) -> None:
    """The sub-codes of `parent` become sub-codes of `new_parent`."""
    conn.execute(codes.update().where(codes.c.parent_id == parent).values(parent_id=new_parent))


def delete(conn: Connection, code: int) -> None:
    conn.execute(codes.delete().where(codes.c.id == code))


def row(conn: Connection, code: int) -> dict[str, Any]:
    """The whole code as stored (id, key, name, parent_id, definition fields, colour, position, guid)."""
    return dict(conn.execute(sa.select(codes).where(codes.c.id == code)).one()._mapping)


def restore(conn: Connection, values: dict[str, Any]) -> int:
    """A code put back as it was (its id too, unless another code has it now); its id."""
    taken = conn.execute(sa.select(codes.c.id).where(codes.c.id == values["id"])).first() is not None
    return insert_id(conn, codes.insert().values(**{k: v for k, v in values.items() if k != "id" or not taken}))


def children(conn: Connection, code: int) -> list[int]:
    """The ids of a code's sub-codes."""
    return [int(i) for i in conn.execute(sa.select(codes.c.id).where(codes.c.parent_id == code).order_by(codes.c.id)).scalars()]


def parents(conn: Connection, ids: list[int]) -> dict[int, int | None]:
    """Code id -> its parent's id, of the codes given (those that exist)."""
    query = sa.select(codes.c.id, codes.c.parent_id).where(codes.c.id.in_(sorted(set(ids))))
    return {int(r.id): None if r.parent_id is None else int(r.parent_id) for r in conn.execute(query)}


def set_parents(conn: Connection, ids: list[int], parent_id: int | None) -> None:
    if ids:
        conn.execute(codes.update().where(codes.c.id.in_(sorted(set(ids)))).values(parent_id=parent_id))


def set_guid(conn: Connection, key: str, guid: str) -> None:
    """The GUID a code had in the project it was imported from (a re-export keeps it)."""
    conn.execute(codes.update().where(codes.c.key == key).values(guid=guid))




def pending_folders(conn: Connection) -> list[str]:
    """Keys of the folders migration 0009 found (kept for export only before) that codebook.yaml does not say yet."""
    value = conn.execute(sa.select(study_settings.c.value).where(study_settings.c.key == CODABLE_PENDING)).scalar()
    return [] if value is None else [str(k) for k in json.loads(value)]


def forget_pending_folders(conn: Connection) -> None:
    conn.execute(study_settings.delete().where(study_settings.c.key == CODABLE_PENDING))
