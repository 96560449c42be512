"""The same tables on Apache Spark (through Ibis) as on DuckDB: the example byte for byte, random studies by property.

Needs PySpark and Java 17 (.ci/run installs both); skipped where they are absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.stats.backends import EngineSettings
from learnervoice.stats.tables import TableSet, crosstab_tables, frequency_tables
from learnervoice.study.load import Study
from learnervoice.study.model import StudyConfig
from learnervoice.survey.convert import mr_column, store_columns

pytestmark = pytest.mark.slow
SPARK = EngineSettings(name="spark")
DUCKDB = EngineSettings(name="duckdb")


@pytest.fixture(scope="module", autouse=True)
def spark_available() -> None:
    pytest.importorskip("pyspark")
    pytest.importorskip("ibis")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (.ci/run installs openjdk-17)")


def test_example_tables_are_the_same_bytes_on_spark(example: Study) -> None:
    """The acceptance check: `tables --engine spark --format csv` equals the DuckDB output byte for byte."""
    runner = CliRunner()
    for extra in ([], ["--by", "career_stage"], ["--by", "motivation_kind", "--ci"]):
        duck = runner.invoke(app, ["tables", str(example.folder), "--format", "csv", *extra])
        spark = runner.invoke(app, ["tables", str(example.folder), "--format", "csv", "--engine", "spark", *extra])
        assert duck.exit_code == spark.exit_code == 0, spark.output
        assert duck.stdout_bytes == spark.stdout_bytes and duck.stdout_bytes.count(b"\n") > 40


def summary(tables: TableSet) -> list[Any]:
    """Counts and bases of every table (and weighted bases, to 9 digits)."""
    def one(t: Any) -> tuple[Any, ...]:
        return (t.variable_id, t.base, t.missing, t.not_asked, t.respondents, [(r.code, r.count) for r in t.rows],
                None if t.weighted_base is None else round(t.weighted_base, 9))
    out: list[Any] = [one(t) for t in tables.frequencies]
    for ct in tables.crosstabs:
        out.append((ct.variable.id, [one(c) for c in ct.columns], one(ct.total)))
    return out


CHOICES = ("a", "b", "c", "d")


@st.composite
def studies(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A random instrument (every question type, a condition, a derived variable, maybe a weight) and its answers."""
    questions: list[dict[str, Any]] = [{"id": "grp", "text": "Group", "type": "single",
                                        "options": [{"code": c, "label": c.upper()} for c in CHOICES[:draw(st.integers(2, 4))]]}]
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["single", "multiple", "likert", "binned", "numeric", "text"]))
        q: dict[str, Any] = {"id": f"q{i}", "text": f"Question {i}", "type": kind}
        if kind in ("single", "multiple", "likert"):
            q["options"] = [{"code": c, "label": f"Option {c}"} for c in CHOICES[:draw(st.integers(2, 4))]]
            if kind == "multiple":
                q["base"] = draw(st.sampled_from(["cases", "responses"]))
        if kind == "binned":
            q["bands"] = [{"code": "low", "label": "0-9", "min": 0, "max": 9}, {"code": "high", "label": "10+", "min": 10, "max": None}]
        if kind in ("single", "likert", "numeric") and draw(st.booleans()):
            q["ask_if"] = {"question": "grp", "any_of": ["a"]}
        questions.append(q)
    weighted = draw(st.booleans())
    if weighted:
        questions.append({"id": "wt", "text": "Weight", "type": "numeric"})
    config = {"title": "random", "consent": "ok", "questions": questions,
              "derived": [{"id": "pair", "label": "Pair", "source": "grp",
                           "groups": [{"code": "ab", "label": "A or B", "from": ["a", "b"]}]}]}
    if weighted:
        config["weight"] = "wt"
    parsed = StudyConfig.model_validate(config)
    rows = []
    for n in range(draw(st.integers(0, 40))):
        row: dict[str, Any] = {"respondent_id": f"r{n}", "_source": "gen", "_row": n}
        for q in parsed.questions:
            answered = draw(st.integers(0, 9)) > 1
            options = [o.code for o in getattr(q, "options", ())]
            if q.type == "multiple":
                ticks = draw(st.lists(st.sampled_from(options), unique=True)) if answered else None
                for o in options:
                    row[mr_column(q.id, o)] = None if ticks is None else o in ticks
            elif q.type in ("single", "likert"):
                row[q.id] = draw(st.sampled_from(options)) if answered else None
            elif q.type in ("binned", "numeric"):
                row[q.id] = float(draw(st.integers(0, 20))) if answered else None
                if q.id == "wt" and answered:
                    row[q.id] = draw(st.sampled_from([0.5, 1.0, 1.25, 2.0]))
            else:
                row[q.id] = draw(st.sampled_from(["", "some words", "más palabras"])) if answered else None
        rows.append(row)
    return config, rows


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(generated=studies())
def test_random_studies_give_the_same_counts_on_spark_and_duckdb(generated: tuple[dict[str, Any], list[dict[str, Any]]],
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    import pandas as pd

    config, rows = generated
    folder = tmp_path_factory.mktemp("random")
    parsed = StudyConfig.model_validate(config)
    study = Study(folder, parsed)
    columns = ["respondent_id", "_source", "_row", *store_columns(parsed)]
    types = {"BOOLEAN": "boolean", "DOUBLE": "float64", "VARCHAR": "string"}
    frame = pd.DataFrame(rows, columns=columns).astype(
        {c: types[t] for c, t in store_columns(parsed).items()} | {"respondent_id": "string", "_source": "string", "_row": "int64"})
    path = folder / "responses.parquet"
    frame.to_parquet(path, index=False)
    on_duckdb = frequency_tables(study, engine=DUCKDB, responses=path)
    on_spark = frequency_tables(study, engine=SPARK, responses=path)
    assert summary(on_spark) == summary(on_duckdb)
    for by in ("grp", "pair"):
        assert summary(crosstab_tables(study, by, engine=SPARK, responses=path)) == \
            summary(crosstab_tables(study, by, engine=DUCKDB, responses=path))


def test_engine_settings_from_a_file_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from learnervoice.errors import StudyError
    from learnervoice.stats.backends import load_engine_settings

    file = tmp_path / "lv.toml"
    file.write_text('[engine]\nname = "spark"\n[engine.spark]\nmaster = "spark://head:7077"\ndriver_memory = "8g"\n', encoding="utf-8")
    chosen = load_engine_settings(file)
    assert chosen.name == "spark" and chosen.spark.master == "spark://head:7077" and chosen.spark.driver_host == "127.0.0.1"
    monkeypatch.setenv("LEARNERVOICE_SPARK_MASTER", "local[4]")
    assert load_engine_settings(file, name="duckdb").name == "duckdb"
    assert load_engine_settings(file).spark.master == "local[4]"
    file.write_text('[engine]\nname = "flink"\n', encoding="utf-8")
    with pytest.raises(StudyError, match="engine setting 'name'"):
        load_engine_settings(file)


def test_responses_from_a_spark_table(example: Study) -> None:
    """Responses that live in the cluster's catalogue are read where they are (here a temporary view)."""
    from learnervoice.errors import TableError
    from learnervoice.stats.backends import spark_session, store_as_parquet

    session = spark_session(SPARK.spark)
    session.read.parquet(str(store_as_parquet(example))).createOrReplaceTempView("alumni_2023")
    from_table = frequency_tables(example, engine=SPARK, responses="table:alumni_2023")
    assert summary(from_table) == summary(frequency_tables(example, engine=DUCKDB))
    with pytest.raises(TableError, match="no table 'nope'"):
        frequency_tables(example, engine=SPARK, responses="table:nope")
    with pytest.raises(TableError, match="read by the Spark engine"):
        frequency_tables(example, engine=DUCKDB, responses="table:alumni_2023")
