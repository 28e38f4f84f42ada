"""The benchmark harness runs end to end at a tiny scale and writes complete results."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from bench.stages import StageFailed, measure
from core.settings import REPO_ROOT


def test_bench_smoke(tmp_path):
    summary = tmp_path / "summary" / "RESULTS.md"
    summary.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "small", "--out", str(tmp_path), "--summary", str(summary)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = tmp_path.glob("*.json")
    figures = json.loads(report.read_text())["scales"]["small"]
    assert set(figures["stages"]) == {
        "sample",
        "load lginform",
        "load others",
        "build",
        "audit",
        "publish",
        "report",
        "query",
        "no-op refresh",
    }
    assert set(figures["incremental"]["stages"]) == {"load lginform", "build", "audit", "publish", "report"}
    assert set(figures["references"]) == {"duckdb_alone", "pandas_sqlite", "models_alone"}
    for stage in [
        *figures["stages"].values(),
        *figures["incremental"]["stages"].values(),
        *figures["references"].values(),
    ]:
        assert stage["wall_s"] > 0 and stage["cpu_s"] > 0 and stage["peak_rss_mb"] > 0
    # Both references read every row of the same downloads.
    assert figures["references"]["duckdb_alone"]["csv_rows"] == figures["references"]["pandas_sqlite"]["csv_rows"] > 0
    assert figures["load_vs_duckdb_alone"] > 0 and figures["pandas_sqlite_vs_load"] > 0
    # The build beside its own models' SQL run bare: every model of the build ran, and its shares add up.
    alone = figures["references"]["models_alone"]
    assert alone["models"] > 40 and 0 < alone["models_s"] < alone["wall_s"] and figures["build_vs_models_alone"] > 0
    assert sum(figures["build_node_time"].values()) == pytest.approx(1, abs=0.01) and figures["audit_vs_build"] > 0
    assert 0 < figures["incremental_share"] and figures["query_ms"] > 0 and figures["noop_refresh_s"] > 0
    assert figures["scale"]["raw_values"] >= figures["scale"]["council_metric_values"] > 0
    assert {"load within 2x of DuckDB alone", "build within 1.3x of its models' SQL run bare"} <= set(
        figures["targets"]
    )
    assert all(isinstance(t["holds"], bool) for t in figures["targets"].values())
    [table] = tmp_path.glob("*.md")
    assert "| *reference: models alone* |" in table.read_text() and "x its models' SQL run bare" in table.read_text()
    assert "| *reference: duckdb alone* |" in table.read_text() and "| target | figure | holds |" in table.read_text()
    # The summary sets each stage beside its baseline (none at the small scale) with its values/s.
    assert "| stage | before wall s | wall s | CPU s | peak RSS MB | peak spill MB | values/s |" in summary.read_text()


def test_measure_takes_more_output_than_a_pipe_holds():
    """A load prints a line per file: at 6,700 files that is far past a pipe's 64 KiB, and a stage that
    blocks on its own output would stall the benchmark. Run in a thread so a stall fails, not hangs."""
    answers = []
    failing = "import sys; print('x' * 1_000_000); sys.stderr.write('why ' * 2_000); sys.exit(3)"
    worker = threading.Thread(
        target=lambda: answers.extend([_outcome(failing), _outcome("print('x' * 1_000_000)")]), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert len(answers) == 2, "measure() did not return within 60 s: the command blocked writing its output"
    failure, (figures, stdout) = answers
    assert isinstance(failure, StageFailed) and str(failure).endswith("why " * 1_000)  # the tail of stderr
    assert len(stdout) == 1_000_001 and figures["wall_s"] > 0 and figures["peak_rss_mb"] > 0


def _outcome(script: str):
    """measure() of a Python one-liner: its figures and output, or the StageFailed it raised."""
    try:
        return measure([sys.executable, "-c", script])
    except StageFailed as exc:
        return exc


def test_airflow_bench_smoke(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.airflow", "--metrics", "1", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = tmp_path.glob("airflow-*.json")
    figures = json.loads(report.read_text())
    assert set(figures["dag_import_s"]) == {p.name for p in (REPO_ROOT / "dags").glob("*.py")}
    assert all(seconds > 0 for seconds in figures["dag_import_s"].values())
    assert figures["warehouse_direct_s"] > 0 and figures["warehouse_under_airflow_s"] > 0
