"""European Learning Model in, Open Badges 3.0 out: the ELM sample imports; every Achievement fits the shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.align.catalogue import elm_offer as read_elm
from learnervoice.align.catalogue import read_catalogue
from learnervoice.cli import app
from learnervoice.errors import CatalogueError
from learnervoice.exchange.badges import achievement

from ..conftest import EXAMPLE

SCHEMA = Path(__file__).with_name("achievement.schema.json")
ELM = "elm3_sample_MC_Annex1_images_removed.json"


def test_the_elm_sample_imports(samples: Path, tmp_path: Path) -> None:
    offer = read_elm(samples / ELM)
    assert offer.title == "Digital micro-credential creation" and offer.awarding_body == "University of Zed"
    assert (offer.country, offer.ects, offer.hours, offer.eqf_level) == ("IRL", 2.0, 60.0, 6)
    assert offer.participation == ("blended",) and offer.duration_weeks == pytest.approx(4.3)
    assert offer.learning_outcomes == ("Communication, collaboration and creativity", "Developing digital content")
    assert "ana.andromeda" not in offer.model_dump_json()  # the learner's data stays behind
    out = tmp_path / "catalogue.yaml"
    result = CliRunner().invoke(app, ["catalogue", "import-elm", str(samples / ELM), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert read_catalogue(out).offers[0] == offer  # and the written catalogue reads back the same


def test_not_an_elm_credential(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"credentialSubject": {}}', encoding="utf-8")
    with pytest.raises(CatalogueError, match="no credentialSubject.hasClaim.specifiedBy"):
        read_elm(path)


def test_every_offer_exports_as_a_valid_achievement(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    result = CliRunner().invoke(app, ["catalogue", "badges", str(EXAMPLE / "catalogue.csv"), "-o", str(tmp_path),
                                      "--base-url", "https://credentials.example.org"])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 8
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(document, schema)
        assert document["achievementType"] == "MicroCredential"
    da = json.loads((tmp_path / "DA-01.json").read_text(encoding="utf-8"))
    assert da["creditsAvailable"] == 1 and da["creator"]["address"]["addressCountryCode"] == "ES"
    assert [r["name"] for r in da["resultDescription"]][0] == "Clean and reshape tabular data"


def test_the_schema_refuses_what_is_not_an_achievement() -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    good = achievement(read_catalogue(EXAMPLE / "catalogue.csv").offers[0], "https://x.org")
    for broken in ({**good, "achievementType": "Nanodegree"}, {k: v for k, v in good.items() if k != "criteria"},
                   {**good, "type": ["Badge"]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_a_broken_credential_writes_no_catalogue(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"credentialSubject": ', encoding="utf-8")
    out = tmp_path / "catalogue.yaml"
    result = CliRunner().invoke(app, ["catalogue", "import-elm", str(broken), "-o", str(out)])
    assert result.exit_code == 2 and "broken.json: not JSON" in result.output and not out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,awarding_body,country,hours\nX,A,U,ES,-3\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["catalogue", "badges", str(bad), "-o", str(tmp_path / "badges")])
    assert result.exit_code == 2 and "field 'hours'" in result.output and not (tmp_path / "badges").exists()
