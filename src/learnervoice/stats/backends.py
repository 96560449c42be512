"""Where the tables are computed: DuckDB (embedded, the default) or Apache Spark, through Ibis.

The aggregation SQL is the same on both (see engine.py); only who runs it
changes. Responses are read from the study's store, or from Parquet where they
already are (a file or a folder of files with the store's columns), so a large
survey need not be imported. Settings come from study.yaml (`engine: spark`),
then the `[engine]` table of a TOML settings file, then LEARNERVOICE_ENGINE and
LEARNERVOICE_SPARK_MASTER, then the command line:

    [engine]
    name = "spark"
    memory_limit = "4GB"            # DuckDB's limit; it spills to disk beyond it
    [engine.spark]
    master = "spark://head:7077"    # local[2] by default; yarn, k8s://… as Spark takes them
    driver_host = "10.0.0.5"        # 127.0.0.1 by default
    driver_memory = "4g"
    conf = {"spark.executor.memory" = "8g"}
"""

from __future__ import annotations

import hashlib
import os
import threading
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import StudyError, TableError
from ..study.load import Study
from ..survey.store import quote
from .engine import Engine, parquet_engine, ready_store, study_engine

ENV_ENGINE = "LEARNERVOICE_ENGINE"
ENV_SPARK_MASTER = "LEARNERVOICE_SPARK_MASTER"


class SparkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    master: str = "local[2]"
    driver_host: str = "127.0.0.1"
    driver_memory: str = "2g"
    app_name: str = "learnervoice"
    conf: dict[str, str] = Field(default_factory=dict, description="Any other spark.* setting.")


class EngineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str | None = Field(default=None, description="DuckDB: e.g. 4GB; it spills to disk beyond it.")
    threads: int | None = Field(default=None, ge=1)
    spark: SparkSettings = SparkSettings()


def load_engine_settings(file: Path | None = None, study: Study | None = None, *, name: str | None = None) -> EngineSettings:
    data: dict[str, Any] = {}
    if study is not None and study.config.engine is not None:
        data["name"] = study.config.engine
    if file is not None:
        try:
            data.update(tomllib.loads(file.read_text(encoding="utf-8")).get("engine", {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise StudyError(f"cannot read the settings ({exc})", file=file) from None
    if os.environ.get(ENV_ENGINE):
        data["name"] = os.environ[ENV_ENGINE]
    if os.environ.get(ENV_SPARK_MASTER):
        data["spark"] = dict(data.get("spark", {})) | {"master": os.environ[ENV_SPARK_MASTER]}
    if name is not None:
        data["name"] = name
    try:
        return EngineSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise StudyError(f"engine setting {'.'.join(map(str, first['loc']))!r}: {first['msg']}", file=file) from None


TABLE_PREFIX = "table:"


@contextmanager
def open_engine(study: Study, settings: EngineSettings | None = None, responses: Path | str | None = None) -> Iterator[Engine]:
    """The chosen engine over the study's responses: its store, the Parquet given, or (Spark) a table of the
    cluster's catalogue named as `table:db.responses`."""
    settings = settings or load_engine_settings(study=study)
    if isinstance(responses, str) and responses.startswith(TABLE_PREFIX):
        if settings.name != "spark":
            raise TableError(f"{responses}: a catalogue table is read by the Spark engine (--engine spark)")
        with spark_engine(responses, settings.spark) as engine:
            yield engine
        return
    responses = Path(responses) if isinstance(responses, str) else responses
    if responses is not None and not responses.exists():
        raise TableError(f"{responses}: no such Parquet file or folder")
    if settings.name == "duckdb":
        if responses is None:
            with study_engine(study) as engine:
                yield engine
        else:
            with parquet_engine(responses, memory_limit=settings.memory_limit, threads=settings.threads) as engine:
                yield engine
        return
    source = responses if responses is not None else store_as_parquet(study)
    with spark_engine(source, settings.spark) as engine:
        yield engine


def store_as_parquet(study: Study) -> Path:
    """The store's responses as one Parquet file, for engines that cannot read DuckDB's file (kept while unchanged)."""
    from ..survey.store import connect

    ready_store(study)
    with connect(study, read_only=True) as con:
        state = con.execute("SELECT source, sha256, rows FROM imports ORDER BY source").fetchall()
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:16]
        folder = study.private_dir / "parquet"
        target = folder / f"responses-{digest}.parquet"
        if not target.exists():
            folder.mkdir(exist_ok=True)
            work = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            con.execute(f"COPY (SELECT * FROM responses ORDER BY _source, respondent_id) TO '{work}' (FORMAT parquet)")
            os.replace(work, target)
            for old in folder.glob("responses-*.parquet"):
                if old != target:
                    old.unlink(missing_ok=True)
    return target


_spark_lock = threading.Lock()
_spark: dict[str, Any] = {}


def spark_session(settings: SparkSettings) -> Any:
    """One Spark session per process (made again when the settings change)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise TableError("the Spark engine needs PySpark: pip install 'learnervoice[spark]' (and Java 17)") from None
    key = settings.model_dump_json()
    with _spark_lock:
        if _spark.get("key") == key:
            return _spark["session"]
        if "session" in _spark:
            _spark.pop("session").stop()
        builder = (SparkSession.builder.master(settings.master).appName(settings.app_name)
                   .config("spark.driver.host", settings.driver_host)
                   .config("spark.driver.memory", settings.driver_memory)
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.caseSensitive", "true")  # option codes may differ only in case
                   .config("spark.sql.session.timeZone", "UTC"))
        if settings.driver_host in ("127.0.0.1", "localhost"):
            builder = builder.config("spark.driver.bindAddress", settings.driver_host)
        for key_, value in settings.conf.items():
            builder = builder.config(key_, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # the JVM could not start: no Java, a wrong master URL…
            raise TableError(f"Spark did not start ({type(exc).__name__}: {str(exc)[:300]}); is Java 17 installed?") from None
        session.sparkContext.setLogLevel("ERROR")
        _spark.update(key=key, session=session)
        return session


@contextmanager
def spark_engine(source: Path | str, settings: SparkSettings) -> Iterator[Engine]:
    """An engine whose SQL Ibis hands to Spark (transpiled from DuckDB's dialect with sqlglot), over
    Parquet (a path) or a table of the session's catalogue (`table:NAME`)."""
    import ibis

    session = spark_session(settings)
    backend = ibis.pyspark.connect(session)
    view = f"lv_responses_{uuid.uuid4().hex[:12]}"
    if isinstance(source, str) and source.startswith(TABLE_PREFIX):
        name = source.removeprefix(TABLE_PREFIX)
        try:
            session.table(name).createOrReplaceTempView(view)
        except Exception as exc:  # AnalysisException: no such table
            raise TableError(f"Spark has no table {name!r} ({type(exc).__name__})") from None
    else:
        backend.read_parquet(str(source), table_name=view)

    def run(query: str) -> list[tuple[Any, ...]]:
        table = backend.sql(query, dialect="duckdb").to_pyarrow()
        return [tuple(row.values()) for row in table.to_pylist()]

    try:
        yield Engine(None, quote(view), run=run, name="spark")
    finally:
        session.catalog.dropTempView(view)
