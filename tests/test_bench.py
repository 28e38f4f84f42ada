"""The benchmark harness runs end to end at a tiny scale and writes complete results."""

from __future__ import annotations

import json
import subprocess
import sys

from ingestion.settings import REPO_ROOT


def test_bench_smoke(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--metrics", "2", "--first-year", "2023", "--last-year", "2024",
         "--out", str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = tmp_path.glob("*.json")
    figures = json.loads(report.read_text())
    assert set(figures["stages"]) == {"sample", "land+load", "build", "audit", "publish", "report", "query"}
    for stage in figures["stages"].values():
        assert stage["wall_s"] > 0 and stage["peak_rss_mb"] > 0
    assert figures["scale"]["metric_values"] > 0 and figures["load_rows_per_s"] > 0
    assert list(tmp_path.glob("*.md"))


def test_airflow_bench_smoke(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench.airflow", "--metrics", "1", "--out", str(tmp_path)],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = tmp_path.glob("airflow-*.json")
    figures = json.loads(report.read_text())
    assert set(figures["dag_import_s"]) == {p.name for p in (REPO_ROOT / "dags").glob("*.py")}
    assert all(seconds > 0 for seconds in figures["dag_import_s"].values())
    assert figures["warehouse_direct_s"] > 0 and figures["warehouse_under_airflow_s"] > 0
