"""Shared fixtures: a small synthetic sample and a refreshed SLI_HOME, built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Airflow reads AIRFLOW_HOME when first imported: point it at a throwaway folder before any test does.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="sli-tests-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"

SMALL_SAMPLE = ["--metrics", "6"]


def sli(home: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed `sli` command as a user would."""
    result = subprocess.run(
        [str(BIN / "sli"), *args],
        env={**os.environ, "SLI_HOME": str(home), **(env or {})},
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"sli {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def airflow_env(home: Path) -> dict[str, str]:
    """An Airflow home inside HOME with a migrated SQLite database; the env `sli run-dags` needs."""
    env = {"AIRFLOW_HOME": str(home / "airflow"), "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING"}
    migrate = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"],
        env={**os.environ, "SLI_HOME": str(home), **env},
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    return env


def copy_home(published_home: Path, target: Path) -> Path:
    """A writable copy of the session's published home, for tests that change it."""
    shutil.copytree(published_home, target, ignore=shutil.ignore_patterns("airflow"))
    return target


def mart_frames(database: Path) -> dict:
    """Every table and view analysts query (schema main), rows sorted, to compare two warehouses; but the
    editions, a record of each publish rather than a function of the inputs (see test_editions)."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
                " and table_name <> 'mart_sector_overview_editions' order by 1"
            ).fetchall()
        ]
        frames = {name: con.sql(f'select * from "{name}"').df() for name in names}
    return {name: frame.sort_values(list(frame.columns), ignore_index=True) for name, frame in frames.items()}


def assert_same_marts(left: dict, right: dict, ignore: str | None = None) -> None:
    """Every mart holds the same rows; columns matching the regex IGNORE (e.g. load times) are left out."""
    import re

    import pandas as pd

    assert left.keys() == right.keys()
    for name in left:
        kept = [c for c in left[name].columns if not (ignore and re.search(ignore, c))]
        pd.testing.assert_frame_equal(
            left[name][kept].sort_values(kept, ignore_index=True),
            right[name][kept].sort_values(kept, ignore_index=True),
            check_exact=False,
            rtol=1e-9,
            obj=name,
        )


@pytest.fixture(scope="session")
def sample_inbox(tmp_path_factory) -> Path:
    """A small synthetic sample (6 metrics, every council, 2010/11-2024/25), generated once."""
    home = tmp_path_factory.mktemp("sample")
    sli(home, "sample", *SMALL_SAMPLE)
    return home / "inbox"


@pytest.fixture
def fresh_home(tmp_path, sample_inbox) -> Path:
    """An empty SLI_HOME whose inbox holds a copy of the small sample."""
    shutil.copytree(sample_inbox, tmp_path / "inbox")
    return tmp_path


@pytest.fixture(scope="session")
def published_home(tmp_path_factory, sample_inbox) -> Path:
    """An SLI_HOME refreshed once with `sli refresh`; tests must only read it."""
    home = tmp_path_factory.mktemp("published")
    shutil.copytree(sample_inbox, home / "inbox")
    sli(home, "refresh")
    return home


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)
