"""The exemplar-quote rule never shows the same text twice, even when two participants said the same words."""

from __future__ import annotations

from pathlib import Path

from learnervoice.report.assemble import build_report
from learnervoice.report.themes import same_text
from learnervoice.workspace import open_workspace

ROSTER = """pseudonym,names,role,career_stage
M1,Laia Ferrer,moderator,
P01,Jordi Vila;Jordi,participant,junior
P02,Marta Soler;Marta,participant,senior
P03,Pau Riba,participant,senior
"""
CODEBOOK = """codes:
  - key: motivation
    name: Motivations
    children:
      - {key: pleasure, name: Pleasure of learning}
      - {key: evening, name: Studying in the evening}
"""
# P01 (junior) and P02 (senior) say the same sentence, P02 with other case and punctuation; P03 (senior) says
# something shorter. One quote per career stage, longest first, would quote the same words for P01 and P02.
TRANSCRIPT = """WEBVTT

0:0:1.0 --> 0:0:4.0
<v Laia Ferrer>Why did you take the course?</v>

0:0:4.5 --> 0:0:9.0
<v Jordi Vila>I just enjoy learning new things in the evening, after work.</v>

0:0:9.5 --> 0:0:14.0
<v Marta Soler>I JUST enjoy learning new things in the evening after work!</v>

0:0:14.5 --> 0:0:18.0
<v Pau Riba>Learning is simply fun.</v>
"""
CODINGS = """document,quote,occurrence,code,coder
FG1,"I just enjoy learning new things in the evening, after work.",1,pleasure,anna
FG1,I JUST enjoy learning new things in the evening after work!,1,pleasure,anna
FG1,Learning is simply fun.,1,pleasure,anna
FG1,"I just enjoy learning new things in the evening, after work.",1,evening,anna
FG1,I JUST enjoy learning new things in the evening after work!,1,evening,anna
"""


def _study(folder: Path) -> Path:
    (folder / "private").mkdir(parents=True)
    (folder / "private" / "participants.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "fg1.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "codings.csv").write_text(CODINGS, encoding="utf-8")
    (folder / "report.yaml").write_text(
        "quotes: {per: career_stage, per_code: 2, max_words: 45}\n"
        "sections:\n  - {kind: question, title: Why, themes: [motivation]}\n", encoding="utf-8")
    (folder / "study.yaml").write_text(
        "title: Same words\nconsent: ok\nroster: {attributes: [career_stage]}\n"
        "transcripts:\n  - {file: fg1.vtt, name: FG1}\ncodings:\n  - codings.csv\n", encoding="utf-8")
    return folder


def test_same_text_ignores_case_and_punctuation() -> None:
    assert same_text("I just enjoy it, really.") == same_text("i JUST enjoy it really!") == "i just enjoy it really"
    assert same_text("I just enjoy it.") != same_text("I just enjoy it a lot.")


def test_two_participants_with_the_same_words_are_quoted_once(tmp_path: Path) -> None:
    with open_workspace(_study(tmp_path / "fg")) as ws:
        report = build_report(ws.study, ws.qual)
    themes = {t.key: t for t in report.sections[0].themes}
    pleasure = [q.text for q in themes["pleasure"].quotes]
    assert len(pleasure) == 2  # the senior quote falls to P03, whose words are different
    assert pleasure[1] == "Learning is simply fun." and "P03" in themes["pleasure"].quotes[1].attribution
    assert len({same_text(q) for q in pleasure}) == 2
    # the words already quoted for 'pleasure' are not quoted again for 'evening', in whoever's mouth
    shown = [same_text(q.text) for t in report.sections[0].themes for q in t.quotes]
    assert len(shown) == len(set(shown)) and themes["evening"].quotes == ()
