"""Import a transcript as a document: speakers matched to the roster, text pseudonymised, turns with offsets.

The stored text is the turns' pseudonymised words, one turn per line; turn and
coding offsets count Unicode code points from 0 over that text, end exclusive.
Speakers that match nobody in the roster stop the import, listed by name, unless
the caller says how to label them: nothing is guessed silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TranscriptError
from ..privacy.gate import matcher_for
from ..privacy.matcher import Finding, Matcher, Person, apply
from ..store import QualStore
from ..store import documents as documents_db
from ..study.load import Study
from ..text import normalize
from ..study.roster import Roster, load_roster
from .transcripts import Turn, merge_turns, read_cues

UNKNOWN = "Unidentified"


@dataclass
class TranscriptReport:
    document: str
    status: str  # imported, unchanged
    turns: int
    speakers: dict[str, int] = field(default_factory=dict)  # pseudonym or label -> turns
    flagged: int = 0  # turns with no speaker
    unmatched: list[str] = field(default_factory=list)  # labels kept as Unidentified N (never real names)
    replaced: dict[str, int] = field(default_factory=dict)  # kind (name, email, phone, url, handle) -> how many
    renamed: bool = False  # the document's name held personal data and was pseudonymised


def import_transcript(
    study: Study,
    file: Path | str,
    *,
    name: str | None = None,
    format: str = "auto",
    speakers: dict[str, str] | None = None,
    keep_unmatched: bool = False,
    allow_overlap: bool = False,
    who: str = "import",
    store: QualStore | None = None,
) -> TranscriptReport:
    """Import one transcript; all or nothing.

    `speakers` maps labels as written in the file to pseudonyms (or to a
    moderator's pseudonym) when the roster's names and aliases are not enough.

    >>> import_transcript(study, "fg1.vtt", name="FG1")  # doctest: +SKIP
    """
    path = Path(file)
    cues = read_cues(path, format=format, allow_overlap=allow_overlap)
    roster = load_roster(study)
    merged = merge_turns(cues)
    labels, unmatched = _resolve_speakers(path, merged, roster, speakers or {}, keep_unmatched)
    matcher = with_speakers(matcher_for(study), {raw: label for raw, label in labels.items() if raw not in roster_names(roster)})
    given_name = name or path.stem
    name, source = matcher.redact(given_name)[0], matcher.redact(path.name)[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    store = store or QualStore.for_study(study)
    with store.read() as conn:
        stored_digest = documents_db.digest(conn, name)
    if stored_digest is not None:
        if stored_digest == digest:
            return TranscriptReport(name, "unchanged", len(merged))
        raise TranscriptError(
            f"{path.name}: a different transcript is already stored as {name!r}; import it under another --name"
        )
    text, rows, findings = _build_text(merged, labels, roster, matcher)
    with store.change(who, "import_transcript", {"document": name, "turns": len(rows), "sha256": digest}) as conn:
        doc_id = documents_db.add(conn, name=name, source=source, sha256=digest,
                                  format=format if format != "auto" else path.suffix.lstrip("."), text=text)
        documents_db.add_turns(conn, doc_id, rows)
    report = TranscriptReport(name, "imported", len(rows), unmatched=sorted(set(unmatched.values())),
                              renamed=name != given_name)
    for finding in findings:
        report.replaced[finding.kind] = report.replaced.get(finding.kind, 0) + 1
    for row in rows:
        label = str(row["speaker"])
        report.speakers[label] = report.speakers.get(label, 0) + 1
        report.flagged += bool(row["flagged"])
    return report


def roster_names(roster: Roster) -> set[str]:
    return {s for p in roster.participants for s in p.spellings()}


def with_speakers(matcher: Matcher, extra: dict[str, str]) -> Matcher:
    """The study's matcher, also replacing speaker labels the roster does not hold (as the import was told)."""
    if not extra:
        return matcher
    return matcher.with_people([Person(label, (raw,), strict=True) for raw, label in extra.items()])


def _resolve_speakers(
    path: Path, merged: list[Turn], roster: Roster, given: dict[str, str], keep_unmatched: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """Label -> pseudonym for every speaker label in the file; problems listed together."""
    labels: dict[str, str] = {}
    unmatched: dict[str, str] = {}
    given_norm = {normalize(k): v for k, v in given.items()}
    pseudonyms = {p.pseudonym for p in roster.participants}
    problems = []
    for turn in merged:
        label = turn.speaker
        if label is None or label in labels:
            continue
        if normalize(label) in given_norm:
            target = given_norm[normalize(label)]
            if target not in pseudonyms and not target.startswith(UNKNOWN):
                problems.append(f"{label!r} is mapped to {target!r}, which is not in the roster")
            labels[label] = target
            continue
        match = roster.match(label) or (roster.by_pseudonym(label) if label in pseudonyms else None)
        if match is not None:
            labels[label] = match.pseudonym
        elif keep_unmatched:
            unmatched[label] = labels[label] = f"{UNKNOWN} {len(unmatched) + 1}"
        else:
            problems.append(f"{label!r} (first speaks on line {turn.line})")
    if problems:
        raise TranscriptError(
            f"{path.name}: speakers not in the roster (private/participants.csv): "
            + "; ".join(problems)
            + ". Add them as names or aliases, map them with --speaker 'Label=P07', or keep them as "
            "'Unidentified N' with --keep-unmatched."
        )
    return labels, unmatched


def _build_text(
    merged: list[Turn], labels: dict[str, str], roster: Roster, matcher: Matcher
) -> tuple[str, list[dict[str, object]], list[Finding]]:
    """The pseudonymised text, one turn a line, and its turns. Names are looked for in the whole
    conversation at once, so a name split across two turns is still seen as one."""
    spoken = [turn.text.replace("\n", " ") for turn in merged]
    findings = matcher.find("\n".join(spoken))
    parts: list[str] = []
    rows: list[dict[str, object]] = []
    offset = 0
    raw_offset = 0
    for idx, turn in enumerate(merged):
        raw_end = raw_offset + len(spoken[idx])
        inside = [Finding(f.start - raw_offset, f.end - raw_offset, f.kind, f.label)
                  for f in findings if raw_offset <= f.start and f.end <= raw_end]
        words = apply(spoken[idx], inside)
        raw_offset = raw_end + 1
        speaker = labels.get(turn.speaker, "") if turn.speaker else ""
        participant = None
        role = "unknown"
        if speaker and not speaker.startswith(UNKNOWN):
            p = roster.by_pseudonym(speaker)
            participant, role = p.pseudonym, p.role
        rows.append(
            {
                "idx": idx, "speaker": speaker or "(no speaker)", "participant": participant, "role": role,
                "start": offset, "end": offset + len(words), "start_time": turn.start, "end_time": turn.end,
                "flagged": turn.speaker is None,
            }
        )
        parts.append(words)
        offset += len(words) + 1  # the newline between turns
    return "\n".join(parts), rows, findings
