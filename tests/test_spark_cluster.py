"""Cluster mode: a standalone Spark master and one worker on 127.0.0.1, and a driver in
another process running part of the parity suite against ``spark://``.

pyspark ships ``bin/spark-class``, which runs both daemons. Everything listens on the
loopback address; the daemons are started in their own process groups and ended by them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._spark import require_pyspark

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(f"{log.name}: no {text!r} within {timeout:.0f} s:\n"
                f"{log.read_text(errors='replace')[-2000:] if log.exists() else ''}")


def _daemon(spark_class: Path, args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(spark_class), *args], stdout=open(log, "wb"),
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the group this test created for it
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    """``spark://127.0.0.1:PORT`` with one worker (1 core, 1 GB)."""
    require_pyspark()
    import pyspark

    home = Path(pyspark.__file__).parent
    spark_class = home / "bin" / "spark-class"
    logs = tmp_path_factory.mktemp("standalone")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(logs / "work"), "PYSPARK_PYTHON": sys.executable}
    port, ui = _free_port(), _free_port()
    master = _daemon(spark_class, ["org.apache.spark.deploy.master.Master", "--host",
                                   "127.0.0.1", "--port", str(port), "--webui-port", str(ui)],
                     logs / "master.log", env)
    worker = None
    try:
        _wait_for(logs / "master.log", "I have been elected leader", master)
        url = f"spark://127.0.0.1:{port}"
        worker = _daemon(spark_class, ["org.apache.spark.deploy.worker.Worker", url, "--host",
                                       "127.0.0.1", "--cores", "1", "--memory", "1g",
                                       "--webui-port", str(_free_port())],
                         logs / "worker.log", env)
        _wait_for(logs / "worker.log", "Successfully registered with master", worker)
        yield url
    finally:
        if worker is not None:
            _stop(worker)
        _stop(master)


def test_parity_subset_against_a_standalone_cluster(standalone, default_parquet, session):
    # two shuffle partitions (not the cluster default of 200): tiny data, one worker core
    env = {**os.environ, "STRAITS_SPARK_MASTER": standalone,
           "STRAITS_SPARK_SHUFFLE_PARTITIONS": "2"}
    run = subprocess.run([sys.executable, "-m", "tests._cluster_client", standalone,
                          str(default_parquet), str(session.path)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 executor(s)" in run.stdout
    assert run.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")
