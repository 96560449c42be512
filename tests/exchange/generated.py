"""REFI-QDA projects generated in the layout of each tool that writes them (no licensed file is copied):
NVivo (UTF-16 positions, CRLF texts, lower-case sources/, braced GUIDs), ATLAS.ti (CRLF counted as one, code
groups as sets, a non-codable parent), MAXQDA and the specification (code points), Taguette and QualCoder
(plain LF texts, inline PlainTextContent)."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

TOOLS = {
    "NVivo 14": {"folder": "sources", "braces": True, "inline": False},
    "ATLAS.ti 23": {"folder": "Sources", "braces": False, "inline": False},
    "MAXQDA 2022": {"folder": "Sources", "braces": False, "inline": False},
    "Taguette 1.4": {"folder": "Sources", "braces": False, "inline": True},
    "QualCoder 3.5": {"folder": "Sources", "braces": False, "inline": False},
}


def g(n: int, braces: bool = False) -> str:
    value = str(uuid.UUID(int=n + 1000))
    return "{" + value.upper() + "}" if braces else value


_PREFIX: dict[tuple[str, str], list[int]] = {}


def tool_position(origin: str, text: str, point: int) -> int:
    """A code point of the text as the tool writes it (prefix counts made once per text, so generating
    60,000 selections stays linear)."""
    if not origin.startswith(("NVivo", "ATLAS")):
        return point
    key = (origin[:5], text)  # the same str object each call: compared by identity, hashed once
    if key not in _PREFIX:
        _PREFIX.clear()
        counts, total = [0], 0
        for i, ch in enumerate(text):
            if origin.startswith("NVivo"):
                total += 2 if ord(ch) > 0xFFFF else 1
            else:
                total += 0 if ch == "\n" and i and text[i - 1] == "\r" else 1
            counts.append(total)
        _PREFIX[key] = counts
    return _PREFIX[key][point]


@dataclass
class Spec:
    """What a generated project holds: texts, codes (name, parent index or None, codable, colour), codings
    (source, start, end, code index, user index) as code points over the texts."""

    origin: str
    texts: list[str]
    codes: list[tuple[str, int | None, bool, str | None]]
    codings: list[tuple[int, int, int, int, int]]
    users: list[str] = field(default_factory=lambda: ["Ann", "Bo"])
    sets: list[tuple[str, list[int]]] = field(default_factory=list)
    notes_on_sources: list[tuple[int, str]] = field(default_factory=list)


def qde(spec: Spec) -> str:
    tool = TOOLS.get(spec.origin, TOOLS["MAXQDA 2022"])
    b = bool(tool["braces"])
    users = "".join(f'<User guid="{g(100 + i, b)}" name={quoteattr(u)}/>' for i, u in enumerate(spec.users))
    children: dict[int | None, list[int]] = {}
    for i, (_, parent, _, _) in enumerate(spec.codes):
        children.setdefault(parent, []).append(i)
    parts: list[str] = []
    stack: list[tuple[int, bool]] = [(i, False) for i in reversed(children.get(None, []))]
    while stack:  # codes nested without recursion (trees may be deep)
        i, closing = stack.pop()
        if closing:
            parts.append("</Code>")
            continue
        name, _, codable, colour = spec.codes[i]
        colour_attr = f' color="{colour}"' if colour else ""
        parts.append(f'<Code guid="{g(200 + i, b)}" name={quoteattr(name)} isCodable="{str(codable).lower()}"{colour_attr}>')
        stack.append((i, True))
        stack += [(c, False) for c in reversed(children.get(i, []))]
    sources = []
    for s, text in enumerate(spec.texts):
        sels = []
        for k, (src, start, end, code, user) in enumerate(spec.codings):
            if src == s:
                sels.append(
                    f'<PlainTextSelection guid="{g(10_000 + k, b)}" startPosition="{tool_position(spec.origin, text, start)}" '
                    f'endPosition="{tool_position(spec.origin, text, end)}" creatingUser="{g(100 + user, b)}">'
                    f'<Coding guid="{g(100_000 + k, b)}" creatingUser="{g(100 + user, b)}" creationDateTime="2024-03-0{1 + k % 9}T10:00:00Z">'
                    f'<CodeRef targetGUID="{g(200 + code, b)}"/></Coding></PlainTextSelection>')
        notes = "".join(f'<NoteRef targetGUID="{g(300 + n, b)}"/>' for n, (ns, _) in enumerate(spec.notes_on_sources) if ns == s)
        content = f"<PlainTextContent>{escape(text, {chr(13): '&#13;'})}</PlainTextContent>" if tool["inline"] else ""
        path = "" if tool["inline"] else f' plainTextPath="internal://{g(400 + s)}.txt"'
        sources.append(f'<TextSource guid="{g(400 + s, b)}" name="doc {s}"{path}>{content}{"".join(sels)}{notes}</TextSource>')
    notes_xml = "".join(f'<Note guid="{g(300 + n, b)}" name="note {n}" creatingUser="{g(100, b)}"><PlainTextContent>{escape(t, {chr(13): "&#13;"})}</PlainTextContent></Note>'
                        for n, (_, t) in enumerate(spec.notes_on_sources))
    sets_xml = "".join(f'<Set guid="{g(500 + i, b)}" name={quoteattr(name)}>'
                       + "".join(f'<MemberCode targetGUID="{g(200 + m, b)}"/>' for m in members) + "</Set>"
                       for i, (name, members) in enumerate(spec.sets))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="generated" origin={quoteattr(spec.origin)}>'
            f'<Users>{users}</Users><CodeBook><Codes>{"".join(parts)}</Codes></CodeBook>'
            f'<Sources>{"".join(sources)}</Sources>'
            + (f"<Notes>{notes_xml}</Notes>" if notes_xml else "")
            + (f"<Sets>{sets_xml}</Sets>" if sets_xml else "") + "</Project>")


def write_qdpx(spec: Spec, path: Path) -> Path:
    tool = TOOLS.get(spec.origin, TOOLS["MAXQDA 2022"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde(spec))
        if not tool["inline"]:
            for s, text in enumerate(spec.texts):
                zf.writestr(f"{tool['folder']}/{g(400 + s)}.txt", text.encode("utf-8"))
    return path


TEXT_A = "Interviewer: Why this course?\r\nAnna: Promotion 🎓, mostly.\r\nAnna: And curiosity — café time.\r\n"
TEXT_B = "Bo: The forum helped.\nBo: Combining marks: e\u0301 and n\u0303.\n"


def sample(origin: str) -> Spec:
    """A small project with CRLF, emoji, combining marks, a passage ending on a CR, a non-codable parent,
    a set, a note, and a selection with two codes."""
    a, b = TEXT_A, TEXT_B
    promo = a.index("Promotion")
    codings = [
        (0, promo, a.index(", mostly"), 1, 0),  # across the emoji
        (0, promo, a.index("\n", promo), 2, 1),  # ends on the CR of a CRLF: one character short if CRLF were LF
        (0, a.index("And"), len(a), 2, 0),
        (1, b.index("Combining"), b.index("n\u0303") + 2, 3, 1),
        (1, 0, b.index("\n"), 1, 1),
    ]
    codes = [("Reasons", None, False, "#336699"), ("Career", 0, True, "#aa0000"), ("Curiosity", 0, True, None),
             ("Language", None, True, None)]
    return Spec(origin, [a, b], codes, codings, sets=[("Motives", [1, 2])], notes_on_sources=[(0, "First interview,\r\nshort.")])
