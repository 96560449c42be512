"""A study salted with every leak we know of: every command and every page that writes anything is run,
and every byte it writes is scanned for every planted name, e-mail address and phone number."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.privacy.folding import fold
from learnervoice.study import open_study

from ..conftest import EXAMPLE

PHONES = {"P01": "+34 600 123 456", "P02": "600 12 34 56", "P07": "+44 20 7946 0958", "P11": "931 234 567"}
EMAILS = {"P01": "jordi.vila@uoc.edu", "P02": "msoler@example.org", "P07": "mireia.sala@gmail.com"}
NOTE = "Lives on Carrer Gran, moved in May"  # a private column of free text
LEAK_CUES = [  # spoken in a transcript imported by name: every variant of the issue, and more
    "Participant: later Mr Vila explained it again, and Ms Soler and Font agreed.",
    "Participant: Nu\u0301ria Puig and Jor\u200bdi and Mar\u00adta said the same.",
    "Participant: then Villa agreed, and Sóler too.",
    "Participant: follow @mireiasala or anna_bosch online.",
    "Participant: mail jordi.vila@uoc.edu or call +34 600 123 456 or 600 12 34 56, or see https://leak.example.org/jv",
    "Participant: I told Joe Rigby about it.",
    "Participant: I asked Rosa",
    "Participant: Esteve what she thought.",
]
MEMO = "Jordi Vila (jordi.vila@uoc.edu, +34 600 123 456) asked to be quoted less."
PLANTED = ["Jordi Vila", "Mr Vila", "Ms Soler", "Núria Puig", "Nuria Puig", "Jordi", "Villa", "Soler", "Sóler",
           "mireiasala", "anna_bosch", "Rosa Esteve", "Esteve", NOTE, "Carrer Gran", *PHONES.values(), *EMAILS.values(),
           "leak.example.org", "600123456", "931234567"]


def _vtt(lines: list[str]) -> str:
    cues = [f"{i}\n00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n{line}\n" for i, line in enumerate(lines, start=1)]
    return "WEBVTT\n\n" + "\n".join(cues)


@pytest.fixture(scope="module")
def salted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("salted") / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".learnervoice", "qual.sqlite*", "report.*"))
    roster = folder / "private" / "participants.csv"
    rows = list(csv.DictReader(roster.open(encoding="utf-8")))
    for row in rows:
        row["phone"] = PHONES.get(row["pseudonym"], "")
        row["email"] = EMAILS.get(row["pseudonym"], "")
        row["notes"] = NOTE if row["pseudonym"] == "P01" else ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    roster.write_text(buffer.getvalue(), encoding="utf-8")
    _salt_open_answers(folder / "data" / "responses.csv")
    leak = folder / "focus_groups" / "leak_Jordi Vila interview.vtt"
    leak.write_text(_vtt(LEAK_CUES), encoding="utf-8")
    run("transcripts", "import", str(folder), str(leak), "--speaker", "Participant=P05")
    run("memo", str(folder), "document", "FG1", MEMO)
    run("codebook", "rename", str(folder), "pleasure", "Pleasure (as Jordi Vila put it)")
    run("transcripts", "review", str(folder), "--safe", "Joe", "--safe", "Rigby")
    _plant_in_the_store(folder)
    yield folder


OPEN_LEAKS = {  # open answers of respondents who left the example's open question blank
    "R001": "Ask Jordi Vila, or mail jordi.vila@uoc.edu, or call +34 600 123 456.",
    "R003": "Marta Soler said the same; msoler@example.org knows more. Rosa Esteve too.",
}


def _salt_open_answers(path: Path) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    for row in rows[1:]:
        row[-1] = OPEN_LEAKS.get(row[0], row[-1])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _plant_in_the_store(folder: Path) -> None:
    """Personal data written straight into the store (as an older version, or another tool, could have):
    only the gate on the way out stands between it and every output."""
    import sqlalchemy as sa

    from learnervoice.store import QualStore, now

    from learnervoice.store.schema import codes, memos

    store = QualStore.for_study(open_study(folder))
    with store.write() as conn:
        fg1 = conn.execute(sa.text("SELECT id FROM documents WHERE name = 'FG1'")).scalar_one()
        conn.execute(memos.insert().values(target_kind="document", target_id=fg1, author="coder_a", text="Raw: " + MEMO, created_at=now()))
        conn.execute(codes.update().where(codes.c.key == "curiosity").values(name="Curiosity (Marta Soler, msoler@example.org)"))
    store.close()


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def leaks(data: bytes | str) -> list[str]:
    """The planted strings (folded: case, accents, invisible characters ignored) found in some output."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    folded = fold(text).folded
    digits = re.sub(r"\D", "", text)
    found = [p for p in PLANTED if re.search(r"(?<!\w)" + re.escape(fold(p).folded) + r"(?!\w)", folded)]
    found += [p for p in PHONES.values() if re.sub(r"\D", "", p)[-9:] in digits]
    return found


# Every command: how to run it on the salted study, or why it writes nothing about participants.
def commands(study: str, out: Path) -> dict[str, list[list[str]] | str]:
    return {
        "init": "writes a starter study.yaml (no data)",
        "schema": "prints the JSON Schema (no data)",
        "check": [["check", study]],
        "import": "reads a response file; its output is the column mapping (tested in tests/survey)",
        "tables": [["tables", study], ["tables", study, "--by", "career_stage", "-f", "csv"],
                   ["tables", study, "-o", str(out / "t.xlsx")], ["tables", study, "-o", str(out / "t.docx")],
                   ["tables", study, "-f", "json"], ["tables", study, "-f", "html"]],
        "report": [["report", study, "-o", str(out / "r.html")], ["report", study, "-o", str(out / "r.md")],
                   ["report", study, "-o", str(out / "r.docx")]],
        "audit": "reads a published table (no participant data)",
        "code add": [["code", study, "--auto", "online", "--pattern", "online", "--coder", "auto"]],
        "code suggest": [["code", "suggest", study, "online", "--coder", "auto", "-f", "csv"],
                         ["code", "suggest", study, "online", "--coder", "auto", "--unit", "turn", "-f", "md"],
                         ["code", "suggest", study, "pleasure", "--coder", "auto", "-f", "json"]],
        "themes suggest": [["themes", "suggest", study, "-f", "csv"], ["themes", "suggest", study, "--k", "3", "-f", "md"]],
        "memo": [["memo", study, "code", "online", MEMO]],
        "quotes": [["quotes", study, "pleasure"], ["quotes", study, "online", "-f", "csv"], ["quotes", study, "motivation", "-f", "json"],
                   ["quotes", study, "online", "--context", "30", "-f", "csv"], ["quotes", study, "open_wishes", "-f", "csv"]],
        "codes": [["codes", study], ["codes", study, "--by", "career_stage", "-f", "csv"]],
        "cooccurrence": [["cooccurrence", study, "-f", "csv"]],
        "kwic": [["kwic", study, "agreed|said|mail|follow|asked", "-f", "csv"], ["kwic", study, "told"],
                 ["kwic", study, "Ask|call|same|knows", "-f", "json"]],
        "agreement": [["agreement", study, "--bootstrap", "0"], ["agreement", study, "--disagreements", "-f", "csv"],
                      ["agreement", study, "--unit", "sentence", "--disagreements", "--context", "30", "-f", "csv"],
                      ["agreement", study, "--disagreements", "--document", "open:*", "-f", "csv"]],
        "export-qdpx": [["export-qdpx", study, str(out / "p.qdpx")]],
        "export-qdc": [["export-qdc", study, str(out / "c.qdc")]],
        "import-qdpx": "reads a project into a new study (tested in tests/exchange)",
        "serve": "starts the web app: its pages and API are scanned below",
        "invite": "writes invite links with names to private/invites.csv, inside the study, as asked by name",
        "sample": "draws people from a population file the user gives, into a file the user names",
        "align": [["align", study, str(Path(study) / "catalogue.csv"), "-f", "csv"],
                  ["align", study, str(Path(study) / "catalogue.csv"), "-f", "html"]],
        "transcripts import": [["transcripts", "import", study, str(Path(study) / "focus_groups" / "fg2.vtt")]],
        "transcripts list": [["transcripts", "list", study], ["transcripts", "list", study, "-f", "json"]],
        "documents list": [["documents", "list", study, "-f", "csv"]],
        "documents remove": "prints the document's name (pseudonymised at import) and counts (tests/qual/test_replace_remove.py)",
        "transcripts review": "lists words that look like names outside the roster, to the researcher, by design",
        "transcripts turns": [["transcripts", "turns", study, "FG1"], ["transcripts", "turns", study, "FG2", "-f", "json"]],
        "transcripts speakers": [["transcripts", "speakers", study, "FG1", "--turns", "1=Laia Ferrer"]],
        "codebook sync": [["codebook", "sync", study]],
        "codebook import": "reads a .qdc file (tested in tests/exchange)",
        "codebook rename": [["codebook", "rename", study, "online", "Online (Mireia Sala's word)"]],
        "codebook move": "moves a code (prints nothing)",
        "codebook codable": "prints the key and a count",
        "codebook merge": "prints a count",
        "codebook delete": "prints nothing",
        "codebook history": [["codebook", "history", study, "-f", "csv"]],
        "history": [["history", study], ["history", study, "-f", "json"]],
        "undo": [["undo", study]],
        "users add": "accounts of researchers", "users list": "accounts of researchers",
        "users role": "accounts of researchers", "users remove": "accounts of researchers",
        "catalogue check": "reads a catalogue of offers", "catalogue import-elm": "reads a credential file",
        "catalogue badges": "writes offers as badges (no participant data)",
    }


def _command_names() -> list[str]:
    def walk(command: object, prefix: tuple[str, ...] = ()) -> Iterator[str]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix)

    return list(walk(get_command(app)))


def test_every_command_is_listed(tmp_path: Path) -> None:
    listed = commands("s", tmp_path)
    assert sorted(_command_names()) == sorted(listed), "add each new command to commands() with its outputs"


def test_no_command_writes_a_planted_name(salted: Path, tmp_path: Path) -> None:
    found: dict[str, list[str]] = {}
    for name, runs in commands(str(salted), tmp_path).items():
        if isinstance(runs, str):
            continue
        for args in runs:
            result = CliRunner().invoke(app, args, catch_exceptions=False)
            refused = result.exit_code == 2 and "would disclose" in result.stderr  # the report refuses instead
            assert result.exit_code == 0 or refused, (args, result.stdout, result.stderr)
            for where, data in (("stdout", result.stdout), ("stderr", result.stderr)):
                if leaks(data):
                    found[f"{' '.join(args[:2])} {where}"] = leaks(data)
    for file in sorted(tmp_path.iterdir()):
        for entry, data in _contents(file):
            if leaks(data):
                found[f"{file.name}:{entry}"] = leaks(data)
    assert not found


def _contents(file: Path) -> Iterator[tuple[str, bytes]]:
    """A file's bytes, or each entry of a zip (qdpx, docx, xlsx) with its XML entities decoded."""
    if zipfile.is_zipfile(file):
        with zipfile.ZipFile(file) as zf:
            for name in zf.namelist():
                data = zf.read(name)
                yield name, re.sub(rb"<[^>]+>", b"", data)  # Word splits text into runs
                yield name + " (raw)", data
    else:
        yield "", file.read_bytes()


def test_the_salt_was_stored_pseudonymised(salted: Path) -> None:
    from learnervoice.qual.queries import written_texts
    from learnervoice.store import QualStore

    store = QualStore.for_study(open_study(salted))
    try:
        texts = dict(written_texts(store))
    finally:
        store.close()
    leak = next(name for name in texts if name.startswith("leak_"))
    assert leak == "leak_P01 interview"  # the document's name came from the file's
    assert not leaks(texts[leak]) and not any(leaks(t) for t in texts.values() if not t.startswith("Raw: "))
    assert any(t.startswith("P01 ([email], [phone]) asked") for t in texts.values())  # the memo made by `memo`
    assert "[email]" in texts[leak] and "[phone]" in texts[leak] and "[url]" in texts[leak]
    assert "P01" in texts[leak] and "P07" in texts[leak] and "P11" in texts[leak]
    answers = texts["open:anything_else"].split("\n")  # the open answers, masked as the transcripts are
    assert answers[0] == "Ask P01, or mail [email], or call [phone]."
    assert any(a.startswith("P02 said the same; [email] knows more.") for a in answers)


def test_no_page_or_api_answer_shows_a_planted_name(salted: Path) -> None:
    from ..web.conftest import make_web
    from ..web.test_security import flat

    from ..web.test_suggest import learn

    web = make_web(open_study(salted))
    for code in ("pleasure", "online"):  # the owner's own codings: suggestions of them show uncoded words in context
        learn(web, "owner", code)
    client = web.client("owner")
    documents = [d["name"] for d in client.get(f"/s/{web.slug}/api/documents").json()]
    visited: set[str] = set()
    found: dict[str, list[str]] = {}
    reports: dict[str, int] = {}
    for route in flat(web.app.routes):  # type: ignore[attr-defined]
        if "GET" not in getattr(route, "methods", ()) or not route.path.startswith("/s/{slug}/"):
            continue
        if "{token}" in route.path or route.path.endswith(("/login", "/open")):
            continue  # a participant's own questionnaire, sign-in and the open link: no study data
        visited.add(route.path)
        queries = ("",) if "{format}" in route.path else (
            "", "?code=pleasure", "?code=online&attribute=career_stage&value=senior", "?by=career_stage")
        for path in _fill(route.path, web.slug, documents):
            for query in queries:
                answer = client.get(path + query)
                assert answer.status_code < 500, (path, answer.text)
                if "/results/report." in path and answer.status_code != 200:  # the report refuses, as `report` does
                    reports[path] = answer.status_code if "would disclose" not in answer.text else 0
                content = _docx_text(answer.content) if answer.headers["content-type"].endswith("document") else answer.content
                if leaks(content):
                    found[path + query] = leaks(content)
    wide = client.get(f"/s/{web.slug}/api/suggestions", params={"code": "online", "top": 200})
    assert any(s["document"].startswith("leak_") for s in wide.json()), "the salted transcript is among the suggestions"
    if leaks(wide.content):
        found["suggestions, top 200"] = leaks(wide.content)
    assert not found
    assert set(reports.values()) <= {0}, reports
    assert {"/s/{slug}/api/documents/{name}", "/s/{slug}/quotes", "/s/{slug}/api/quotes", "/s/{slug}/results",
            "/s/{slug}/results.csv", "/s/{slug}/results/report.{format}", "/s/{slug}/suggest", "/s/{slug}/api/suggestions", "/s/{slug}/themes",
            "/s/{slug}/api/themes"} <= visited, visited


def _docx_text(content: bytes) -> bytes:
    """The XML of a Word document's parts (its text is zipped)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))


def _fill(path: str, slug: str, documents: list[str]) -> list[str]:
    path = path.replace("{slug}", slug)
    if "{format}" in path:  # the report to download
        return [path.replace("{format}", f) for f in ("html", "docx")]
    if "{name}" in path:
        return [path.replace("{name}", d) for d in documents]
    return [path]
