"""Getting a SparkSession configured for Straits: a laptop by default, a cluster on request.

``local[2]`` (the default) runs Spark inside this process's JVM with small shuffles, no web
UI and quiet logs: on a few cores the fixed cost of a shuffle partition dominates, so four
are enough for any warehouse that fits one machine. Any other master (``spark://host:7077``,
``yarn``, ``k8s://...``) keeps Spark's cluster defaults, with adaptive execution left to size
shuffles. When a session already exists in the process (``spark-submit``, a Databricks or
EMR notebook), Straits uses it as it is and sets only per-session SQL options on its own
child session (:func:`straits_session`).

Environment: ``STRAITS_SPARK_MASTER`` (master URL), ``STRAITS_SPARK_DRIVER_MEMORY``
(``2g``), ``STRAITS_SPARK_SHUFFLE_PARTITIONS`` (``4`` locally; on another master only when
set).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING

from straits.errors import StraitsError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"

#: SQL options Straits relies on, set on its own session (never on a user's)
SESSION_SQL_CONF = {
    "spark.sql.session.timeZone": "UTC",  # loaded_at and dates read the same on every node
    "spark.sql.ansi.enabled": "true",  # casts and overflow fail loudly, as in DuckDB
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}

_lock = threading.Lock()
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                        category=FutureWarning)


class SparkUnavailableError(StraitsError, RuntimeError):
    """pyspark (the ``spark`` extra) or Java is missing, or Spark could not start."""


def master_url(master: str | None = None) -> str:
    """The master to use: the argument, ``$STRAITS_SPARK_MASTER``, or ``local[2]``."""
    return master or os.environ.get("STRAITS_SPARK_MASTER") or DEFAULT_MASTER


def is_local(master: str) -> bool:
    """True for ``local``, ``local[N]`` and ``local[*]`` masters."""
    return master == "local" or master.startswith("local[")


def _log_config() -> str:
    path = resources.files("straits.warehouse").joinpath("spark-log4j2.properties")
    return f"-Dlog4j.configurationFile=file:{path}"


def builder_conf(master: str) -> dict[str, str]:
    """The options Straits starts a new SparkSession with, for this master."""
    conf = {
        "spark.app.name": "straits",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.structuredLogging.enabled": "false",
        "spark.driver.extraJavaOptions": _log_config(),
        "spark.executor.extraJavaOptions": _log_config(),
        "spark.sql.warehouse.dir": os.path.join(tempfile.gettempdir(), "straits-spark-warehouse"),
        **SESSION_SQL_CONF,
    }
    if is_local(master):
        conf.update({
            "spark.driver.memory": os.environ.get("STRAITS_SPARK_DRIVER_MEMORY", "2g"),
            "spark.sql.shuffle.partitions": os.environ.get("STRAITS_SPARK_SHUFFLE_PARTITIONS", "4"),
            "spark.default.parallelism": "4",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
        })
    else:
        if master.startswith(("spark://127.0.0.1", "spark://localhost")):
            conf.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
        if "STRAITS_SPARK_SHUFFLE_PARTITIONS" in os.environ:  # asked for: honoured on a cluster too
            conf["spark.sql.shuffle.partitions"] = os.environ["STRAITS_SPARK_SHUFFLE_PARTITIONS"]
    return conf


def get_spark(master: str | None = None) -> SparkSession:
    """The process's SparkSession: the active one, or a new one for ``master``.

    Raises
    ------
    SparkUnavailableError
        pyspark is not installed (``pip install 'straits[spark]'``) or the JVM did not start.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailableError(
            "The Spark engine needs pyspark: pip install 'straits[spark]' (and Java 17+)."
        ) from None
    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        url = master_url(master)
        builder = SparkSession.builder.master(url)
        for key, value in builder_conf(url).items():
            builder = builder.config(key, value)
        try:
            with _jvm_output_to_log():
                spark = builder.getOrCreate()
        except Exception as exc:  # the JVM could not start: no Java, bad master URL, ...
            raise SparkUnavailableError(
                f"Spark ({url}) did not start: {_first_line(exc)} (JVM log: {log_path()})"
            ) from None
        spark.sparkContext.setLogLevel("ERROR")
        _quiet_python_loggers()
        return spark


def log_path() -> str:
    """Where the JVM's own output goes (``spark.log`` in the Straits cache)."""
    from straits.data.default import cache_dir

    return str(cache_dir() / "spark.log")


@contextlib.contextmanager
def _jvm_output_to_log() -> Iterator[None]:
    """Start the JVM with its stdout and stderr in :func:`log_path`, not on the terminal.

    The JVM prints start-up notices that would corrupt ``--format csv`` on stdout; its
    errors reach Python as exceptions anyway. Only the child inherits the redirection.
    """
    path = log_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, log):
            os.close(fd)


def _quiet_python_loggers() -> None:
    """Silence pyspark logging each failed query: Straits reports it once, itself."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def straits_session(spark: SparkSession) -> SparkSession:
    """A child session of ``spark``: own temporary views and SQL options, same cluster."""
    child = spark.newSession()
    for key, value in SESSION_SQL_CONF.items():
        child.conf.set(key, value)
    return child


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
