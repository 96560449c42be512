"""CLI commands of the qualitative half: transcripts, codebook, codings, memos, queries, agreement.

Each command opens the study, calls one library function and prints; errors
go through the same handler as the survey commands (exit code 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pandas as pd

transcripts_app = typer.Typer(help="Focus-group transcripts.", no_args_is_help=True)
codebook_app = typer.Typer(help="The codebook (codebook.yaml and the store).", no_args_is_help=True)

StudyArg = Annotated[Path, typer.Argument(help="The study folder (holding study.yaml).")]
WhoOpt = Annotated[str, typer.Option("--as", help="Who makes the change (for the audit log).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


def _open(study: Path) -> tuple[Any, Any]:
    from .qual.store import QualStore
    from .study import open_study

    from .qual.sync import sync_declared

    s = open_study(study)
    store = QualStore.for_study(s)
    sync_declared(s, store)
    return s, store


def print_frame(frame: pd.DataFrame, fmt: str, study: Any) -> None:
    """A DataFrame as a terminal table, CSV (formulas neutralised) or JSON, on standard output,
    after the study's disclosure gate (what it replaced is said on standard error)."""
    from .cli import tell_replaced
    from .privacy.gate import gate_for

    gate = gate_for(study)
    frame = gate.release_frame(frame)
    tell_replaced(gate)
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*[_cell(v) for v in row])
        Console(width=max(160, len(frame.columns) * 12)).print(table)
    else:
        sys.stdout.write(frame_text(frame, fmt))


def frame_text(frame: pd.DataFrame, fmt: str) -> str:
    """A DataFrame as CSV (formulas neutralised) or JSON text."""
    from .report.numbers import neutralise

    if fmt == "csv":
        return str(frame.map(neutralise).to_csv(index=False))
    if fmt == "json":
        return str(frame.to_json(orient="records", force_ascii=False, indent=2)) + "\n"
    from .errors import LearnervoiceError

    raise LearnervoiceError(f"unknown format {fmt!r}; use table, csv or json")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.3f}"
    return "" if value is None else str(value)


def register(app: typer.Typer, reports_errors: Any) -> None:
    """Add the qualitative commands to the main app."""

    @transcripts_app.command("import")
    @reports_errors
    def transcripts_import(
        study: StudyArg,
        files: Annotated[list[Path], typer.Argument(help="WebVTT (Zoom, Teams), SRT, DOCX, text or Markdown files.")],
        speaker: Annotated[list[str] | None, typer.Option("--speaker", help="'Label as written=P07' for a speaker the roster does not name.")] = None,
        keep_unmatched: Annotated[bool, typer.Option("--keep-unmatched", help="Keep unknown speakers as 'Unidentified N'.")] = False,
        allow_overlap: Annotated[bool, typer.Option("--allow-overlap", help="Accept cues that overlap in time.")] = False,
        who: WhoOpt = "import",
    ) -> None:
        """Import transcripts: speakers linked to the roster, names replaced by pseudonyms."""
        from .errors import TranscriptError
        from .qual.documents import import_transcript

        mapping = {}
        for item in speaker or []:
            if "=" not in item:
                raise TranscriptError(f"--speaker {item!r}: write it as 'Label=P07'")
            label, pseudonym = item.rsplit("=", 1)
            mapping[label.strip()] = pseudonym.strip()
        s, store = _open(study)
        for file in files:
            report = import_transcript(s, file, speakers=mapping, keep_unmatched=keep_unmatched,
                                       allow_overlap=allow_overlap, who=who, store=store)
            voices = ", ".join(f"{k} ({v})" for k, v in sorted(report.speakers.items()))
            typer.echo(f"{report.document}: {report.status}, {report.turns} turns; speakers: {voices or '-'}")
            if report.flagged:
                typer.echo(f"  {report.flagged} turn(s) have no speaker; they are kept and flagged")
            if report.unmatched:
                typer.echo(f"  kept as unidentified: {', '.join(report.unmatched)}")
            if report.renamed:
                typer.echo(f"  the file name held personal data: the document is named {report.document!r}")
            if report.replaced:
                typer.echo("  replaced: " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.replaced.items())))
        from .privacy.review import name_candidates
        from .qual.queries import written_texts

        waiting = name_candidates(s, written_texts(store))
        if waiting:
            typer.echo(f"{len(waiting)} word(s) look like names of people not in the roster; "
                       f"see `learnervoice transcripts review {study}`")

    @transcripts_app.command("list")
    @reports_errors
    def transcripts_list(study: StudyArg, format: FormatOpt = "table") -> None:
        """The documents in the study with their turns and speakers."""
        import pandas as pd
        import sqlalchemy as sa

        from .qual.store import documents, turns

        s, store = _open(study)
        with store.read() as conn:
            rows = conn.execute(
                sa.select(documents.c.name, sa.func.count(turns.c.id).label("turns"),
                          sa.func.count(sa.distinct(turns.c.speaker)).label("speakers"))
                .join(turns, turns.c.document_id == documents.c.id).group_by(documents.c.name)
            ).all()
        print_frame(pd.DataFrame(rows, columns=["document", "turns", "speakers"]), format, s)

    @transcripts_app.command("review")
    @reports_errors
    def transcripts_review(
        study: StudyArg,
        safe: Annotated[list[str] | None, typer.Option("--safe", help="A word reviewed and found safe (no person of "
                                                       "this study); repeat for several.")] = None,
    ) -> None:
        """Words that look like names of people not in the roster: add real people to the roster, mark the rest safe."""
        from .privacy.review import REVIEWED_FILE, mark_reviewed, name_candidates
        from .qual.queries import written_texts

        s, store = _open(study)
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

    @codebook_app.command("sync")
    @reports_errors
    def codebook_sync(study: StudyArg, who: WhoOpt = "codebook") -> None:
        """Load codebook.yaml into the store (codes added or updated; none removed)."""
        from .cli import tell_replaced
        from .privacy.gate import gate_for
        from .qual.codebook import sync_codebook

        s, store = _open(study)
        gate = gate_for(s)
        typer.echo(f"{sync_codebook(s, store, who, gate=gate)} codes in the codebook")
        tell_replaced(gate)

    @codebook_app.command("import")
    @reports_errors
    def codebook_import(study: StudyArg, file: Annotated[Path, typer.Argument(help="A REFI-QDA .qdc codebook.")]) -> None:
        """Add the codes of a REFI-QDA codebook (ATLAS.ti, NVivo, MAXQDA) to codebook.yaml."""
        from .exchange.projects import import_qdc
        from .study import open_study

        added, notes = import_qdc(open_study(study), file)
        typer.echo(f"{added} code(s) added to codebook.yaml")
        for note in notes:
            typer.echo(f"  adjusted: {note}")

    @codebook_app.command("rename")
    @reports_errors
    def codebook_rename(study: StudyArg, key: str, name: str, who: WhoOpt = "codebook") -> None:
        """Rename a code; its codings stay."""
        from .cli import tell_replaced
        from .privacy.gate import gate_for
        from .qual.codebook import rename_code

        s, store = _open(study)
        gate = gate_for(s)
        rename_code(s, store, key, name, who, gate=gate)
        tell_replaced(gate)

    @codebook_app.command("move")
    @reports_errors
    def codebook_move(
        study: StudyArg, key: str,
        parent: Annotated[str | None, typer.Argument(help="New parent code key; omit for top level.")] = None,
        who: WhoOpt = "codebook",
    ) -> None:
        """Move a code under another (or to the top level)."""
        from .qual.codebook import move_code

        s, store = _open(study)
        move_code(s, store, key, parent, who)

    @codebook_app.command("merge")
    @reports_errors
    def codebook_merge(study: StudyArg, source: str, target: str, who: WhoOpt = "codebook") -> None:
        """Merge a code into another: its codings move, the code goes."""
        from .qual.codebook import merge_codes

        s, store = _open(study)
        typer.echo(f"{merge_codes(s, store, source, target, who)} coding(s) moved to {target}")

    @codebook_app.command("delete")
    @reports_errors
    def codebook_delete(
        study: StudyArg, key: str,
        codings_to: Annotated[str | None, typer.Option(help="Move its codings to this code.")] = None,
        drop_codings: Annotated[bool, typer.Option("--drop-codings", help="Delete its codings too.")] = False,
        who: WhoOpt = "codebook",
    ) -> None:
        """Delete a code; a code in use needs --codings-to or --drop-codings."""
        from .qual.codebook import delete_code

        s, store = _open(study)
        delete_code(s, store, key, who, codings_to=codings_to, drop_codings=drop_codings)

    @app.command()
    @reports_errors
    def code(
        study: StudyArg,
        file: Annotated[Path | None, typer.Option("--file", help="CSV or YAML: document, code, coder, and start/end or quote.")] = None,
        auto: Annotated[str | None, typer.Option("--auto", help="Code KEY on whole turns matching --pattern or --speaker.")] = None,
        pattern: Annotated[str | None, typer.Option(help="Keyword or regular expression (auto-coding).")] = None,
        speaker: Annotated[str | None, typer.Option(help="A speaker's pseudonym (auto-coding).")] = None,
        coder: Annotated[str | None, typer.Option(help="The coder auto-coding is credited to.")] = None,
        who: WhoOpt = "cli",
    ) -> None:
        """Add codings from a file, or auto-code whole turns."""
        from .errors import CodingError
        from .qual.codings import add_codings, autocode, read_codings_file

        _, store = _open(study)
        if file is not None:
            added = add_codings(store, read_codings_file(file), who=who, source=file.name)
        elif auto is not None:
            added = autocode(store, auto, coder=coder or who, pattern=pattern, speaker=speaker, who=who)
        else:
            raise CodingError("give --file CODINGS.csv, or --auto CODE with --pattern or --speaker")
        typer.echo(f"{added} coding(s) added")

    @app.command()
    @reports_errors
    def memo(
        study: StudyArg,
        kind: Annotated[str, typer.Argument(help="document, code or coding")],
        target: Annotated[str, typer.Argument(help="Document name, code key or coding id.")],
        text: Annotated[str, typer.Argument(help="The memo.")],
        who: WhoOpt = "cli",
    ) -> None:
        """Attach a memo to a document, a code or a coding."""
        from .cli import tell_replaced
        from .privacy.gate import gate_for
        from .qual.codings import add_memo

        s, store = _open(study)
        gate = gate_for(s)
        add_memo(store, kind, int(target) if kind == "coding" and target.isdigit() else target, text, author=who, gate=gate)
        tell_replaced(gate)

    @app.command()
    @reports_errors
    def quotes(
        study: StudyArg,
        code: Annotated[str, typer.Argument(help="Code key (its sub-codes are included).")],
        where: Annotated[list[str] | None, typer.Option("--where", help="attribute=value, e.g. career_stage=senior")] = None,
        coder: Annotated[str | None, typer.Option(help="Only this coder's codings.")] = None,
        format: FormatOpt = "table",
    ) -> None:
        """Quotes for a code, attributed by pseudonym, with participant attributes."""
        from .qual.queries import quotes as find_quotes

        s, store = _open(study)
        filters = dict(item.split("=", 1) for item in where or [])
        frame = find_quotes(s, store, code, coder=coder, where=filters)
        keep = [c for c in ("document", "speaker", "code", "coder", "quote") if c in frame.columns]
        hidden = ["coding_id", "document_id", "code_name", "start", "end", "turn", "participant", "role", "before", "after", "respondent_id"]
        extra = [c for c in frame.columns if c not in keep + hidden]
        print_frame(frame[keep + extra], format, s)

    @app.command()
    @reports_errors
    def codes(
        study: StudyArg,
        by: Annotated[str | None, typer.Option("--by", help="A participant attribute: participants per code by it.")] = None,
        coder: Annotated[str | None, typer.Option(help="Only this coder's codings.")] = None,
        format: FormatOpt = "table",
    ) -> None:
        """Code frequencies (segments, documents, participants), or codes × an attribute."""
        from .qual.queries import code_by_attribute, code_frequencies

        s, store = _open(study)
        frame = code_by_attribute(s, store, by, coder=coder).reset_index() if by else code_frequencies(s, store, coder=coder)
        print_frame(frame, format, s)

    @app.command()
    @reports_errors
    def cooccurrence(
        study: StudyArg,
        unit: Annotated[str, typer.Option(help="overlap (segments overlap) or turn (same turn).")] = "overlap",
        format: FormatOpt = "table",
    ) -> None:
        """Codes × codes: how often codings overlap or share a turn."""
        from .qual.queries import cooccurrence as matrix

        s, store = _open(study)
        print_frame(matrix(s, store, unit=unit).reset_index(names="code"), format, s)

    @app.command()
    @reports_errors
    def kwic(study: StudyArg, pattern: str, format: FormatOpt = "table") -> None:
        """Keyword in context across the transcripts."""
        from .qual.queries import keyword_in_context

        s, store = _open(study)
        print_frame(keyword_in_context(store, pattern), format, s)

    @app.command()
    @reports_errors
    def agreement(
        study: StudyArg,
        unit: Annotated[str, typer.Option(help="turn or character.")] = "turn",
        coder: Annotated[list[str] | None, typer.Option("--coder", help="Compare only these coders.")] = None,
        bootstrap: Annotated[int, typer.Option(help="Bootstrap draws for alpha's interval (0: none).")] = 1000,
        disagreements: Annotated[bool, typer.Option("--disagreements", help="List the turns coders disagree on.")] = False,
        format: FormatOpt = "table",
    ) -> None:
        """Agreement between coders: percent, Krippendorff's alpha (95% CI), Cohen's and Fleiss' kappa."""
        from .qual.agreement import agreement as measure
        from .qual.agreement import disagreements as differing

        s, store = _open(study)
        if disagreements:
            print_frame(differing(store, coders=coder), format, s)
            return
        frame = measure(store, unit=unit, coders=coder, bootstrap=bootstrap)
        if format == "table":
            typer.echo(f"Unit: {unit}; coders: {', '.join(frame.attrs['coders'])}")
        print_frame(frame, format, s)

    @app.command("export-qdpx")
    @reports_errors
    def export_qdpx_cmd(study: StudyArg, out: Annotated[Path, typer.Argument(help="The .qdpx file to write.")]) -> None:
        """Export the coding project as REFI-QDA .qdpx (ATLAS.ti, NVivo, MAXQDA); pseudonyms only."""
        from .cli import tell_replaced
        from .exchange.projects import export_study_qdpx
        from .privacy.gate import gate_for
        from .study import open_study

        s = open_study(study)
        gate = gate_for(s)
        typer.echo(f"wrote {export_study_qdpx(s, out, gate=gate)}")
        tell_replaced(gate)

    @app.command("export-qdc")
    @reports_errors
    def export_qdc_cmd(study: StudyArg, out: Annotated[Path, typer.Argument(help="The .qdc file to write.")]) -> None:
        """Export the codebook as REFI-QDA .qdc."""
        from .cli import tell_replaced
        from .exchange.projects import export_study_qdc
        from .privacy.gate import gate_for
        from .study import open_study

        s = open_study(study)
        gate = gate_for(s)
        typer.echo(f"wrote {export_study_qdc(s, out, gate=gate)}")
        tell_replaced(gate)

    @app.command("import-qdpx")
    @reports_errors
    def import_qdpx_cmd(
        file: Annotated[Path, typer.Argument(help="A .qdpx project from ATLAS.ti, NVivo, MAXQDA or QualCoder.")],
        folder: Annotated[Path, typer.Argument(help="A new study folder to create.")],
    ) -> None:
        """Make a new study from a REFI-QDA project, saying what was adjusted."""
        from .exchange.projects import import_qdpx

        r = import_qdpx(file, folder)
        typer.echo(f"{r.folder}: {r.documents} documents, {r.codes} codes, {r.codings} codings, {r.memos} memos, "
                   f"{r.cases} cases from {r.origin or 'an unnamed tool'}")
        for note in r.adjustments:
            typer.echo(f"  adjusted: {note}")

    app.add_typer(transcripts_app, name="transcripts")
    app.add_typer(codebook_app, name="codebook")
