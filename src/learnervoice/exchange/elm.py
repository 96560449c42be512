"""Offers from the European Learning Model (ELM v3) JSON-LD: a European Digital Credential's
micro-credential (its Qualification, awarding body, activity and assessment) as a catalogue offer.

Only the fields ELM carries are taken; the study-specific ones (weekly hours, schedule,
synchronous share, price) stay empty unless the credential says them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import CatalogueError

MAX_ELM_BYTES = 10 * 1024 * 1024
ISO_DURATION = re.compile(r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
                          r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?)?$")
MODES = {"online": "online", "blended": "blended", "face-to-face": "onsite", "onsite": "onsite", "on-site": "onsite",
         "in person": "onsite", "inperson": "onsite"}


def read_elm(path: Path) -> dict[str, Any]:
    """The fields of the offer a European Digital Credential (ELM v3 JSON-LD) describes, as plain data
    (`learnervoice.align.catalogue.elm_offer` makes them an Offer)."""
    if path.stat().st_size > MAX_ELM_BYTES:
        raise CatalogueError(f"{path}: larger than 10 MB; is this a credential?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: not JSON ({exc})") from None
    claim = _get(data, "credentialSubject", "hasClaim")
    if isinstance(claim, list):
        claim = claim[0] if claim else None
    spec = _get(claim, "specifiedBy")
    if not isinstance(spec, dict):
        raise CatalogueError(f"{path}: no credentialSubject.hasClaim.specifiedBy (the qualification); is this ELM v3?")
    body = _get(claim, "awardedBy", "awardingBody")
    activity = _get(claim, "influencedBy", "specifiedBy") or {}
    assessment = _get(claim, "provenBy", "specifiedBy") or {}
    country = _notation_from_uri(_get(body, "location", "address", "countryCode", "id"))
    fields: dict[str, Any] = {
        "id": _local_id(_get(data, "identifier", "notation") or spec.get("id") or data.get("id")),
        "title": _text(spec.get("title")) or _text(_get(claim, "title")),
        "awarding_body": _text(_get(body, "legalName")) or _text(_get(body, "prefLabel")),
        "country": country,
        "learning_outcomes": tuple(t for t in (_text(o.get("title")) for o in _list(spec.get("learningOutcome"))) if t),
        "ects": _number(_get(spec, "creditPoint", "point")),
        "hours": _hours(spec.get("volumeOfLearning") or activity.get("volumeOfLearning")),
        "eqf_level": _eqf(_get(spec, "eqfLevel", "id")),
        "assessment": _join(_text(_get(assessment, "dcType", "prefLabel")), _text(_get(assessment, "mode", "prefLabel"))),
        "participation": _mode(_text(_get(spec, "mode", "prefLabel")) or _text(_get(activity, "mode", "prefLabel"))),
        "prerequisites": _text(_get(spec, "entryRequirement", "noteLiteral")),
        "duration_weeks": _weeks(spec.get("maximumDuration")),
        "credential": _text(_get(spec, "dcType", "prefLabel")),
    }
    missing = [k for k in ("title", "awarding_body", "country") if not fields[k]]
    if missing:
        raise CatalogueError(f"{path}: the credential does not give {', '.join(missing)}")
    return {k: v for k, v in fields.items() if v not in (None, (), "")}


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _list(node: Any) -> list[dict[str, Any]]:
    items = node if isinstance(node, list) else [node] if node else []
    return [i for i in items if isinstance(i, dict)]


def _text(node: Any) -> str | None:
    """A language map's English text (or its first language)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        if "noteLiteral" in node or "prefLabel" in node:
            return _text(node.get("noteLiteral") or node.get("prefLabel"))
        value = node.get("en") or next(iter(node.values()), None)
        if isinstance(value, list):
            value = value[0] if value else None
        return value if isinstance(value, str) else None
    return None


def _join(*parts: str | None) -> str | None:
    found = [p for p in parts if p]
    return ", ".join(found) if found else None


def _local_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]).strip("-") or None


def _notation_from_uri(uri: Any) -> str | None:
    return uri.rsplit("/", 1)[-1].upper() if isinstance(uri, str) and "/" in uri else None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _eqf(uri: Any) -> int | None:
    found = re.search(r"/eqf/(\d)$", uri) if isinstance(uri, str) else None
    return int(found.group(1)) if found else None


def _duration(value: Any) -> dict[str, float] | None:
    found = ISO_DURATION.match(value) if isinstance(value, str) else None
    if not found:
        return None
    return {k: float(v) for k, v in found.groupdict().items() if v}


def _hours(value: Any) -> float | None:
    """ISO 8601 workload (PT60H; ELM also writes P60M for sixty… hours in activities, which we do not guess)."""
    parts = _duration(value)
    if parts is None or not isinstance(value, str) or "T" not in value:
        return None
    return parts.get("h", 0) + parts.get("mi", 0) / 60 + parts.get("d", 0) * 24


def _weeks(value: Any) -> float | None:
    parts = _duration(value)
    if not parts:
        return None
    weeks = parts.get("y", 0) * 52 + parts.get("mo", 0) * 52 / 12 + parts.get("w", 0) + parts.get("d", 0) / 7
    return round(weeks, 1) if weeks > 0 else None


def _mode(label: str | None) -> tuple[str, ...]:
    if not label:
        return ()
    mode = MODES.get(label.strip().lower())
    return (mode,) if mode else ()
