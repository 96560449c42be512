"""Qualitative commands: transcripts, documents, codings and memos, queries, agreement, history and undo (the
codebook's own commands are in `codebook.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import FormatOpt, StudyArg, WhoOpt, err, gated, print_frame

if TYPE_CHECKING:
    from ..qual.documents import TranscriptReport
    from ..store import QualStore
    from ..study import Study

app = typer.Typer()
transcripts_app = typer.Typer(help="Focus-group transcripts.", no_args_is_help=True)
documents_app = typer.Typer(help="Documents: transcripts and open questions' answers.", no_args_is_help=True)


def open_qual(study: Path) -> tuple[Study, QualStore]:
    """The study and its coding store, made current by the workspace (declared files, transcripts, codings)."""
    from ..workspace import open_workspace

    workspace = open_workspace(study)
    return workspace.study, workspace.qual


@transcripts_app.command("import")
def transcripts_import(
    study: StudyArg,
    files: Annotated[list[Path], typer.Argument(help="WebVTT (Zoom, Teams, OneDrive), SRT, DOCX, text or Markdown files.")],
    speaker: Annotated[list[str] | None, typer.Option("--speaker", help="'Label as written=P07' for a speaker the roster does not name.")] = None,
    keep_unmatched: Annotated[bool, typer.Option("--keep-unmatched", help="Keep unknown speakers as 'Unidentified N'.")] = False,
    allow_overlap: Annotated[bool, typer.Option("--allow-overlap", hidden=True)] = False,
    max_turn_words: Annotated[int, typer.Option("--max-turn-words", min=20, help="A speaker's turn goes on in a new "
                                                "turn (at a cue boundary) past this many words.")] = 250,
    name: Annotated[str | None, typer.Option("--name", help="The document's name (one file only); the file name "
                                             "without suffix if not given.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Put the file in place of a different transcript stored "
                                          "under the same name, keeping codings whose quoted words are still found.")] = False,
    who: WhoOpt = "import",
) -> None:
    """Import transcripts, all or none: speakers linked to the roster, names replaced by pseudonyms."""
    from ..privacy.review import name_candidates
    from ..qual.documents import Source, import_transcripts
    from ..qual.queries import written_texts

    if allow_overlap:
        err("--allow-overlap is no longer needed: overlapping cues are always kept, in file order, with a note")
    if name is not None and len(files) != 1:
        from ..errors import TranscriptError

        raise TranscriptError(f"--name names one document: give one file, not {len(files)}")
    from ..qual.stored_documents import check_import_name

    mapping = _speaker_pseudonyms(speaker or [])
    s, store = open_qual(study)
    sources = [Source(file, name, max_turn_words=max_turn_words) for file in files]
    for source in sources:
        check_import_name(s, source.name or Path(source.file).stem, replace=replace)
    reports = import_transcripts(s, sources, speakers=mapping, keep_unmatched=keep_unmatched, who=who, store=store,
                                 replace=replace)
    for report in reports:
        _say_imported(report, study)
    imported = {r.document for r in reports if r.status == "imported"}
    waiting = name_candidates(s, [(name, text) for name, text in written_texts(store) if name in imported])
    if waiting:
        typer.echo(f"{len(waiting)} word(s) look like names of people not in the roster; "
                   f"see `learnervoice transcripts review {study}`")


def _speaker_pseudonyms(items: list[str]) -> dict[str, str]:
    """--speaker 'Label=P07' options as label -> pseudonym."""
    from ..errors import TranscriptError

    mapping = {}
    for item in items:
        if "=" not in item:
            raise TranscriptError(f"--speaker {item!r}: write it as 'Label=P07'")
        label, pseudonym = item.rsplit("=", 1)
        mapping[label.strip()] = pseudonym.strip()
    return mapping


LAYOUT_HINT_WORDS = 1000  # a turn with no speaker this long: the file's layout was not understood


def _say_replaced(report: TranscriptReport) -> None:
    why = " (their quoted words are not in the new text; listed in the audit log)" if report.dropped else ""
    typer.echo(f"  replaced the stored text: {report.kept} coding(s) kept, {len(report.dropped)} dropped{why}")
    for dropped in report.dropped[:5]:
        typer.echo(f"    {dropped['code']} by {dropped['coder']}, once at {dropped['start']}–{dropped['end']}")
    if len(report.dropped) > 5:
        typer.echo(f"    … and {len(report.dropped) - 5} more")


NOTE_KINDS = {"overlap": "cue(s) overlapping the one above (people talking at once)", "order": "cue(s) out of order",
              "timing": "unreadable timing(s) (the words kept, without times)", "negative": "negative time(s)",
              "backwards": "cue(s) ending before they start", "outside": "line(s) of text under no timing (kept)",
              "header": "no WEBVTT header"}


def _say_imported(report: TranscriptReport, study: Path) -> None:
    voices = ", ".join(f"{k} ({v})" for k, v in sorted(report.speakers.items()))
    typer.echo(f"{report.document}: {report.status}, {report.turns} turns; speakers: {voices or '-'}")
    if report.status == "replaced":
        _say_replaced(report)
    if report.status != "unchanged" and not report.named and report.longest_unnamed > LAYOUT_HINT_WORDS:
        from ..qual.layouts import LAYOUTS

        typer.echo(f"  warning: no speaker labels found: {report.flagged} turn(s) with no speaker, one of "
                   f"{report.longest_unnamed} words. Speaker turns are read from lines like " + "; ".join(LAYOUTS)
                   + " (a lower-case label like 'interviewer:' when it recurs). See docs/transcripts.md; change the "
                   "file to one of these layouts and import it again with --replace")
    elif report.status != "unchanged" and not report.named and report.flagged:
        typer.echo(f"  warning: no speaker names found: {report.flagged} turns attributed to '(no speaker)'; assign "
                   f"speakers with `learnervoice transcripts speakers {study} {report.document} --turns 1-12=P03` "
                   f"(turn numbers: `learnervoice transcripts turns {study} {report.document}`)")
    elif report.flagged:
        typer.echo(f"  {report.flagged} turn(s) have no speaker; they are kept and flagged")
    if report.assigned:
        typer.echo(f"  {report.assigned} turn(s) have the speaker the study's speakers file gives")
    if report.notes:
        counts: dict[str, int] = {}
        for note in report.notes:
            counts[note.kind] = counts.get(note.kind, 0) + 1
        typer.echo(f"  {len(report.notes)} warning(s), all kept: "
                   + "; ".join(f"{n} {NOTE_KINDS.get(kind, kind)}" for kind, n in counts.items()))
        for note in report.notes[:3]:
            typer.echo(f"    {note}")
        if len(report.notes) > 3:
            typer.echo(f"    … and {len(report.notes) - 3} more")
    if report.unmatched:
        typer.echo(f"  kept as unidentified: {', '.join(report.unmatched)}")
    if report.renamed:
        typer.echo(f"  the file name held personal data: the document is named {report.document!r}")
    if report.replaced:
        typer.echo("  replaced: " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.replaced.items())))


@transcripts_app.command("turns")
def transcripts_turns(
    study: StudyArg,
    document: Annotated[str, typer.Argument(help="The document's name (see `transcripts list`).")],
    format: FormatOpt = "table",
) -> None:
    """A document's turns, numbered as `transcripts speakers` counts them, with time, speaker and first words."""
    import pandas as pd

    from ..qual.speakers import turn_listing

    s, store = open_qual(study)
    print_frame(pd.DataFrame(turn_listing(store, document), columns=["turn", "time", "speaker", "words"]), format, s)


@transcripts_app.command("speakers")
def transcripts_speakers(
    study: StudyArg,
    document: Annotated[str, typer.Argument(help="The document's name (see `transcripts list`).")],
    turns: Annotated[list[str] | None, typer.Option("--turns", help="TURNS=SPEAKER, e.g. 1-12=P03 or 13,15=moderator "
                                                    "(turns from 1; a pseudonym, a roster name, or 'moderator').")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A CSV with columns turn,speaker.")] = None,
    who: WhoOpt = "cli",
) -> None:
    """Assign speakers to turns (for transcripts without speaker names); kept in transcripts/DOCUMENT.speakers.csv."""
    from ..errors import TranscriptError
    from ..qual.speakers import assign_speakers, parse_assignments, read_speakers_csv, speakers_file

    if not turns and file is None:
        raise TranscriptError("give --turns 1-12=P03 (repeat for more) or --file SPEAKERS.csv (columns turn,speaker)")
    wanted = (read_speakers_csv(file) if file is not None else {}) | parse_assignments(turns or [])
    s, store = open_qual(study)
    count = assign_speakers(s, store, document, wanted, who=who)
    path = speakers_file(s, document).relative_to(s.folder)
    typer.echo(f"{document}: {count} turn(s) assigned; kept in {path.as_posix()}")


@transcripts_app.command("list")
def transcripts_list(study: StudyArg, format: FormatOpt = "table") -> None:
    """The documents in the study (transcripts and open answers) with their turns and speakers; also `documents list`."""
    documents_list(study, format)


@documents_app.command("list")
def documents_list(study: StudyArg, format: FormatOpt = "table") -> None:
    """Every document: transcripts (turns, speakers) and open questions' answers (open:<question>: answers,
    respondents), with their codings."""
    import pandas as pd

    from ..qual.queries import document_listing

    s, store = open_qual(study)
    columns = ["document", "kind", "turns", "speakers", "codings"]
    print_frame(pd.DataFrame(document_listing(store), columns=columns), format, s)


@documents_app.command("remove")
def documents_remove(
    study: StudyArg,
    document: Annotated[str, typer.Argument(help="The document's name (see `documents list`).")],
    yes: Annotated[bool, typer.Option("--yes", help="Remove it even though it has codings (they go with it).")] = False,
    who: WhoOpt = "cli",
) -> None:
    """Remove a document with its turns, codings and memos, in one transaction recorded in the audit log."""
    from ..qual.stored_documents import remove_document

    s, store = open_qual(study)
    removed = remove_document(s, store, document, confirmed=yes, who=who)
    typer.echo(f"{removed.document}: removed, with {removed.turns} turn(s), {removed.codings} coding(s) and "
               f"{removed.memos} memo(s)")


@transcripts_app.command("review")
def transcripts_review(
    study: StudyArg,
    safe: Annotated[list[str] | None, typer.Option("--safe", help="A word reviewed and found safe (no person of "
                                                   "this study); repeat for several.")] = None,
) -> None:
    """Words that look like names of people not in the roster: add real people to the roster, mark the rest safe."""
    from ..privacy.review import REVIEWED_FILE, mark_reviewed, name_candidates
    from ..qual.queries import written_texts

    s, store = open_qual(study)
    if safe:
        added = mark_reviewed(s, safe)
        typer.echo(f"{len(added)} word(s) marked safe in {REVIEWED_FILE}")
    waiting = name_candidates(s, written_texts(store))
    if not waiting:
        typer.echo("no unreviewed word looks like a name")
        return
    typer.echo(f"{len(waiting)} word(s) look like names of people who are not in the roster "
               "(shown here only; add people to private/participants.csv and import again, or --safe WORD):")
    for c in waiting:
        where = ", ".join(c.documents[:3]) + (" …" if len(c.documents) > 3 else "")
        typer.echo(f"  {c.word}\t{c.count}×\t{c.reason}\tin {where}")


def code(
    study: StudyArg,
    file: Annotated[Path | None, typer.Option("--file", help="CSV or YAML: document, code, coder, and start/end or quote.")] = None,
    auto: Annotated[str | None, typer.Option("--auto", help="Code KEY on sentences (or turns) matching --pattern or "
                                             "said by --speaker.")] = None,
    pattern: Annotated[str | None, typer.Option(help="Keyword or regular expression (auto-coding).")] = None,
    speaker: Annotated[str | None, typer.Option(help="A speaker's pseudonym (auto-coding).")] = None,
    coder: Annotated[str | None, typer.Option(help="The coder auto-coding is credited to.")] = None,
    unit: Annotated[str, typer.Option(help="What auto-coding codes: sentence or turn.")] = "sentence",
    who: WhoOpt = "cli",
) -> None:
    """Add codings from a file, or auto-code sentences (or whole turns)."""
    from ..errors import CodingError
    from ..qual.codings import add_codings, autocode, read_codings_file

    s, store = open_qual(study)
    if file is not None:
        added = add_codings(store, read_codings_file(file), who=who, source=file.name)
    elif auto is not None:
        added = autocode(store, auto, coder=coder or who, pattern=pattern, speaker=speaker, unit=unit,
                         languages=[s.config.language], who=who)
    else:
        raise CodingError("give --file CODINGS.csv, or --auto CODE with --pattern or --speaker")
    typer.echo(f"{added} coding(s) added" + (f" ({unit}s)" if auto is not None and file is None else ""))


@app.command()
def memo(
    study: StudyArg,
    kind: Annotated[str, typer.Argument(help="document, code or coding")],
    target: Annotated[str, typer.Argument(help="Document name, code key or coding id.")],
    text: Annotated[str, typer.Argument(help="The memo.")],
    who: WhoOpt = "cli",
) -> None:
    """Attach a memo to a document, a code or a coding."""
    from ..qual.codings import add_memo

    s, store = open_qual(study)
    with gated(s) as gate:
        add_memo(store, kind, int(target) if kind == "coding" and target.isdigit() else target, text, author=who, gate=gate)


@app.command()
def quotes(
    study: StudyArg,
    code: Annotated[str, typer.Argument(help="Code key (its sub-codes are included).")],
    where: Annotated[list[str] | None, typer.Option("--where", help="attribute=value, e.g. career_stage=senior")] = None,
    coder: Annotated[str | None, typer.Option(help="Only this coder's codings.")] = None,
    context: Annotated[int, typer.Option("--context", min=0, max=100, help="Words of the speaker's turn shown each "
                                         "side of the coded words.")] = 0,
    format: FormatOpt = "table",
) -> None:
    """Quotes for a code: the coded words ("…" where they cut a sentence), attributed by pseudonym, with attributes."""
    from ..qual.queries import quotes as find_quotes

    s, store = open_qual(study)
    filters = dict(item.split("=", 1) for item in where or [])
    frame = find_quotes(s, store, code, coder=coder, where=filters, context=context)
    frame = frame.assign(quote=frame["excerpt"]) if "excerpt" in frame.columns else frame
    keep = [c for c in ("document", "speaker", "code", "coder", "quote") if c in frame.columns]
    hidden = ["coding_id", "document_id", "code_name", "start", "end", "turn", "participant", "role", "before", "after",
              "excerpt", "respondent_id"]
    extra = [c for c in frame.columns if c not in keep + hidden]
    if format == "table":
        typer.echo(f"Quotes: the coded words with {context} word(s) of context each side; … marks a cut sentence.")
    print_frame(frame[keep + extra], format, s)


@app.command()
def codes(
    study: StudyArg,
    by: Annotated[str | None, typer.Option("--by", help="A participant attribute: participants per code by it.")] = None,
    coder: Annotated[str | None, typer.Option(help="Only this coder's codings.")] = None,
    format: FormatOpt = "table",
) -> None:
    """Code frequencies (segments, documents, participants), or codes × an attribute."""
    from ..qual.queries import code_by_attribute, code_frequencies

    s, store = open_qual(study)
    frame = code_by_attribute(s, store, by, coder=coder).reset_index() if by else code_frequencies(s, store, coder=coder)
    print_frame(frame, format, s)


@app.command()
def cooccurrence(
    study: StudyArg,
    unit: Annotated[str, typer.Option(help="overlap (segments overlap) or turn (same turn).")] = "overlap",
    format: FormatOpt = "table",
) -> None:
    """Codes × codes: how often codings overlap or share a turn."""
    from ..qual.queries import cooccurrence as matrix

    s, store = open_qual(study)
    print_frame(matrix(s, store, unit=unit).reset_index(names="code"), format, s)


@app.command()
def kwic(study: StudyArg, pattern: str, format: FormatOpt = "table") -> None:
    """Keyword in context across the transcripts."""
    from ..qual.queries import keyword_in_context

    s, store = open_qual(study)
    print_frame(keyword_in_context(store, pattern), format, s)


@app.command()
def agreement(
    study: StudyArg,
    unit: Annotated[str, typer.Option(help="turn, sentence or character.")] = "turn",
    coder: Annotated[list[str] | None, typer.Option("--coder", help="Compare only these coders.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap draws for alpha's interval (0: none).")] = 1000,
    disagreements: Annotated[bool, typer.Option("--disagreements", help="List the units (turns or sentences) coders "
                                                "disagree on.")] = False,
    context: Annotated[int, typer.Option("--context", min=0, max=100, help="Words of context around each "
                                         "disagreement's words.")] = 0,
    document: Annotated[list[str] | None, typer.Option("--document", help="Only this document (a name or a pattern: "
                                                       "'open:*' for the open answers, where the unit is the answer); repeat for several.")] = None,
    format: FormatOpt = "table",
) -> None:
    """Agreement between coders: percent, Krippendorff's alpha (95% CI), Cohen's and Fleiss' kappa."""
    from ..qual.agreement import agreement as measure
    from ..qual.agreement import disagreements as differing

    s, store = open_qual(study)
    languages = [s.config.language]
    if disagreements:
        frame = differing(store, coders=coder, unit=unit, context=context, languages=languages, documents=document)
        if format == "table":
            typer.echo(f"Unit: {unit}; the words: {'the sentence' if unit == 'sentence' else 'the coded part of the turn'}"
                       f" with {context} word(s) of context each side, … where a sentence is cut")
        print_frame(frame, format, s)
        return
    frame = measure(store, unit=unit, coders=coder, bootstrap=bootstrap, languages=languages, documents=document)
    if format == "table":
        typer.echo(f"Unit: {unit}; coders: {', '.join(frame.attrs['coders'])}" + (f"; documents: {', '.join(document)}" if document else ""))
    print_frame(frame, format, s)


def _history(study: Path, kinds: tuple[str, ...], by: list[str] | None, limit: int, format: str) -> None:
    import pandas as pd

    from ..qual.history import history as changes

    s, store = open_qual(study)
    rows = [c.as_dict() for c in changes(store, kinds=kinds, who=by, limit=limit)]
    frame = pd.DataFrame(rows, columns=["id", "at", "who", "action", "what", "undone_by", "can_undo"])
    print_frame(frame.assign(undone_by=frame["undone_by"].astype("Int64")), format, s)


@app.command()
def history(
    study: StudyArg,
    kind: Annotated[str | None, typer.Option("--kind", help="codebook or codings (both when absent).")] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="Only changes by this person.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="How many of the newest changes.")] = 50,
    format: FormatOpt = "table",
) -> None:
    """Changes to the codebook and the codings, newest first, with the id `undo` takes."""
    _history(study, (kind,) if kind else ("codebook", "codings"), by, limit, format)


@app.command()
def undo(
    study: StudyArg,
    change: Annotated[int | None, typer.Argument(help="The change's id (see `history`); the newest when absent.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="codebook or codings: the newest change of this kind.")] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="The newest change by this person.")] = None,
    who: WhoOpt = "cli",
) -> None:
    """Undo a change to the codebook or the codings: the rows come back as they were; kept in the audit log."""
    from ..qual.history import undo as undo_change

    s, store = open_qual(study)
    done = undo_change(s, store, who=who, record=change, by=by, kinds=(kind,) if kind else ("codebook", "codings"))
    with gated(s) as gate:
        typer.echo(gate.release(f"undone: change {done.id} by {done.who}: {done.what}"))
