"""Import transcripts as documents: speakers matched to the roster, text pseudonymised, turns with offsets.

The stored text is the turns' pseudonymised words, one turn per line (a turn split at the word limit
goes on after a space, so its text reads as the speaker said it); turn and
coding offsets count Unicode code points from 0 over that text, end exclusive.
Speakers that match nobody in the roster stop the import, listed by name, unless
the caller says how to label them: nothing is guessed silently. Speakers assigned
by turn (:mod:`.speakers`) are read from the study's speakers file of the document.

Several files are imported all or nothing: every file is read, checked and
pseudonymised first, and only when all are good are they stored, in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TranscriptError
from ..privacy.gate import matcher_for
from ..privacy.matcher import Finding, Matcher, Person, apply
from ..store import QualStore
from ..store import audit as audit_log
from ..store import documents as documents_db
from ..study.load import Study
from ..study.roster import Roster, load_roster
from ..text import normalize
from .speakers import UNIDENTIFIED, file_voices, record_file, speakers_file
from .stored_documents import replace_text
from .timed import Note
from .transcripts import MAX_TURN_WORDS, Reading, Turn, merge_turns, read_transcript

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

UNKNOWN = UNIDENTIFIED
NO_SPEAKER = "(no speaker)"


@dataclass(frozen=True)
class Source:
    """A transcript file to import, the document name to give it (its file name without suffix if None), its format,
    and the words past which a speaker's turn goes on in a new turn (at a cue boundary)."""

    file: Path | str
    name: str | None = None
    format: str = "auto"
    max_turn_words: int = MAX_TURN_WORDS


@dataclass
class TranscriptReport:
    document: str
    status: str  # imported, unchanged, replaced
    turns: int
    speakers: dict[str, int] = field(default_factory=dict)  # pseudonym or label -> turns
    flagged: int = 0  # turns with no speaker
    unmatched: list[str] = field(default_factory=list)  # labels kept as Unidentified N (never real names)
    replaced: dict[str, int] = field(default_factory=dict)  # kind (name, email, phone, url, handle) -> how many
    renamed: bool = False  # the document's name held personal data and was pseudonymised
    notes: list[Note] = field(default_factory=list)  # read, but not as the format says (overlaps, bad timings …)
    assigned: int = 0  # turns whose speaker the study's speakers file gives
    named: bool = True  # the file names at least one speaker
    longest_unnamed: int = 0  # words of the longest turn with no speaker (thousands: the layout was not understood)
    kept: int = 0  # replaced: codings whose quoted words were found in the new text
    dropped: list[dict[str, object]] = field(default_factory=list)  # replaced: codings deleted (code, coder, quote …)

    @property
    def warnings(self) -> int:
        """How many things the import kept but a researcher should know about (each note, and no speaker names)."""
        return len(self.notes) + (not self.named)


@dataclass
class _Prepared:
    """A transcript read, checked and pseudonymised, ready to store."""

    report: TranscriptReport
    source: str
    digest: str
    format: str
    text: str = ""
    rows: list[dict[str, object]] = field(default_factory=list)


def import_transcript(
    study: Study,
    file: Path | str,
    *,
    name: str | None = None,
    format: str = "auto",
    speakers: dict[str, str] | None = None,
    keep_unmatched: bool = False,
    who: str = "import",
    store: QualStore | None = None,
    replace: bool = False,
) -> TranscriptReport:
    """Import one transcript; all or nothing.

    `speakers` maps labels as written in the file to pseudonyms (or to a
    moderator's pseudonym) when the roster's names and aliases are not enough.

    >>> import_transcript(study, "fg1.vtt", name="FG1")  # doctest: +SKIP
    """
    return import_transcripts(study, [Source(file, name, format)], speakers=speakers, keep_unmatched=keep_unmatched,
                              who=who, store=store, replace=replace)[0]


def import_transcripts(
    study: Study,
    sources: Sequence[Source | Path | str],
    *,
    speakers: dict[str, str] | None = None,
    keep_unmatched: bool = False,
    who: str = "import",
    store: QualStore | None = None,
    replace: bool = False,
) -> list[TranscriptReport]:
    """Import transcripts all or nothing: if any file cannot be imported, none is, and the error names it.

    A file whose document is stored from a different file is refused, unless `replace`: then the stored
    text and turns become the file's, keeping the codings whose quoted words are still found
    (:mod:`.stored_documents`).

    >>> import_transcripts(study, ["fg1.vtt", "fg2.vtt"])  # doctest: +SKIP
    """
    wanted = [s if isinstance(s, Source) else Source(s) for s in sources]
    roster = load_roster(study)
    try:
        read = [_read(study, roster, source, speakers or {}, keep_unmatched) for source in wanted]
    except TranscriptError as exc:
        raise _of_all(exc, len(wanted)) from None
    opened = store is None
    store = store or QualStore.for_study(study)  # only now: a file that cannot be read leaves no store behind
    try:
        with store.read() as conn:
            stored = {r.name: documents_db.digest(conn, r.name) for r in read}
        prepared: list[_Prepared] = []
        for r in read:
            prepared.append(_prepare(study, roster, r, stored[r.name], prepared, replace))
        new = [p for p in prepared if p.report.status != "unchanged"]
        if new:
            with store.write() as conn:
                for p in new:
                    _store(study, conn, p, who)
    except TranscriptError as exc:
        raise _of_all(exc, len(wanted)) from None
    finally:
        if opened:
            store.close()
    return [p.report for p in prepared]


def _of_all(error: TranscriptError, files: int) -> TranscriptError:
    """The error of one file, saying that none of the import's files was stored."""
    return TranscriptError(f"{str(error).rstrip('.')}; none of the {files} files was imported") if files > 1 else error


@dataclass
class _Read:
    """A transcript file read, its speakers linked to the roster, its name pseudonymised."""

    path: Path
    reading: Reading
    merged: list[Turn]
    labels: dict[str, str]
    unmatched: dict[str, str]
    matcher: Matcher
    given_name: str
    name: str
    source: str
    digest: str
    format: str


def _read(study: Study, roster: Roster, source: Source, given: dict[str, str], keep_unmatched: bool) -> _Read:
    path = Path(source.file)
    reading = read_transcript(path, format=source.format)
    merged = merge_turns(reading.cues, max_words=source.max_turn_words)
    labels, unmatched = _resolve_speakers(path, merged, roster, given, keep_unmatched)
    matcher = with_speakers(matcher_for(study), {raw: label for raw, label in labels.items() if raw not in roster_names(roster)})
    given_name = source.name or path.stem
    return _Read(path, reading, merged, labels, unmatched, matcher, given_name, matcher.redact(given_name)[0],
                 matcher.redact(path.name)[0], hashlib.sha256(path.read_bytes()).hexdigest(),
                 source.format if source.format != "auto" else path.suffix.lstrip("."))


def _prepare(study: Study, roster: Roster, r: _Read, stored_digest: str | None, before: list[_Prepared],
             replace: bool = False) -> _Prepared:
    """One transcript checked against the store and the other files of the import, and pseudonymised; nothing is written."""
    earlier = next((p for p in before if p.report.document == r.name), None)
    if earlier is not None and earlier.digest != r.digest:
        raise TranscriptError(f"{r.path.name}: another file of this import ({earlier.source}) is also named {r.name!r}; "
                              "import it on its own under another --name")
    if stored_digest is not None or earlier is not None:
        if (stored_digest or r.digest) == r.digest:
            return _Prepared(TranscriptReport(r.name, "unchanged", len(r.merged)), r.source, r.digest, r.format)
        if not replace or earlier is not None:
            raise TranscriptError(
                f"{r.path.name}: a different transcript is already stored as {r.name!r}; to put this file in its place "
                "import it with --replace (codings whose quoted words are still found are kept), import it as a new "
                f"document with --name NEW, or remove the stored one with `learnervoice documents remove STUDY {r.name}`"
            )
    text, rows, findings = _build_text(r.merged, r.labels, roster, r.matcher)
    report = TranscriptReport(r.name, "imported" if stored_digest is None else "replaced", len(rows),
                              unmatched=sorted(set(r.unmatched.values())), renamed=r.name != r.given_name,
                              notes=r.reading.notes, named=any(turn.speaker is not None for turn in r.merged),
                              longest_unnamed=max((len(t.text.split()) for t in r.merged if t.speaker is None), default=0))
    report.assigned = _assign_from_file(study, roster, r.name, rows)
    for finding in findings:
        report.replaced[finding.kind] = report.replaced.get(finding.kind, 0) + 1
    for row in rows:
        label = str(row["speaker"])
        report.speakers[label] = report.speakers.get(label, 0) + 1
        report.flagged += bool(row["flagged"])
    return _Prepared(report, r.source, r.digest, r.format, text, rows)


def _assign_from_file(study: Study, roster: Roster, name: str, rows: list[dict[str, object]]) -> int:
    """Speakers the study's speakers file gives for turns of this document, put on its rows; how many."""
    voices = file_voices(study, roster, name, len(rows))
    for turn, voice in voices.items():
        rows[turn - 1].update(speaker=voice.speaker, participant=voice.participant, role=voice.role, flagged=False)
    return len(voices)


def _store(study: Study, conn: Connection, p: _Prepared, who: str) -> None:
    """One prepared transcript into the store, with its audit record (inside the import's one transaction)."""
    report = p.report
    if report.status == "replaced":
        report.kept, report.dropped = replace_text(conn, report.document, text=p.text, sha256=p.digest, rows=p.rows,
                                                   who=who)
    else:
        doc_id = documents_db.add(conn, name=report.document, source=p.source, sha256=p.digest, format=p.format,
                                  text=p.text)
        documents_db.add_turns(conn, doc_id, p.rows)
        detail = {"document": report.document, "turns": len(p.rows), "sha256": p.digest, "notes": len(report.notes)}
        audit_log.record(conn, who, "import_transcript", detail)
    if report.assigned:
        path = speakers_file(study, report.document)
        record_file(study, conn, path, path)


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
                "idx": idx, "speaker": speaker or NO_SPEAKER, "participant": participant, "role": role,
                "start": offset, "end": offset + len(words), "start_time": turn.start, "end_time": turn.end,
                "flagged": turn.speaker is None,
            }
        )
        parts += ["" if idx == 0 else " " if turn.continues else "\n", words]
        offset += len(words) + 1  # the newline between turns (a space within a split one)
    return "".join(parts), rows, findings
