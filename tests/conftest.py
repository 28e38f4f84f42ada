"""Shared fixtures: a small synthetic sample and a refreshed SLI_HOME, built once per run for every worker."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
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

# What the xdist workers of one run share: the controller (or a run without workers) makes a new folder
# and its workers inherit it through the environment.
if "PYTEST_XDIST_WORKER" not in os.environ:
    os.environ["SLI_TESTS_SHARED"] = tempfile.mkdtemp(prefix="sli-tests-shared-")
_SHARED = Path(os.environ["SLI_TESTS_SHARED"])


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


def once_per_run(name: str, make: Callable[[Path], None]) -> Path:
    """A folder of this test run that MAKE fills once, whichever xdist worker asks first; the others wait
    for it. Tests must only read it (or copy it)."""
    folder = _SHARED / name
    with (_SHARED / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            (folder / ".made").touch()
    return folder


def _migrate(folder: Path) -> None:
    env = {**os.environ, "AIRFLOW_HOME": str(folder)}
    migrate = subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True, cwd=REPO)
    assert migrate.returncode == 0, migrate.stderr[-2000:]


def airflow_env(home: Path) -> dict[str, str]:
    """An Airflow home inside HOME with a migrated SQLite database (a copy of one migrated once per run, unless
    HOME has one, whose runs are kept); the env `sli run-dags` needs."""
    database = home / "airflow" / "airflow.db"
    if not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(once_per_run("airflow-migrated", _migrate) / "airflow.db", database)
    return {"AIRFLOW_HOME": str(home / "airflow"), "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING"}


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
def sample_inbox() -> Path:
    """A small synthetic sample (6 metrics, every council, 2010/11-2024/25), generated once per run."""
    return once_per_run("sample", lambda home: sli(home, "sample", *SMALL_SAMPLE)) / "inbox"


@pytest.fixture
def fresh_home(tmp_path, sample_inbox) -> Path:
    """An empty SLI_HOME whose inbox holds a copy of the small sample."""
    shutil.copytree(sample_inbox, tmp_path / "inbox")
    return tmp_path


def _refresh_sample(home: Path, inbox: Path) -> None:
    shutil.copytree(inbox, home / "inbox")
    sli(home, "refresh")


@pytest.fixture(scope="session")
def published_home(sample_inbox) -> Path:
    """An SLI_HOME refreshed once per run with `sli refresh`, shared by every worker; tests must only read it."""
    return once_per_run("published", lambda home: _refresh_sample(home, sample_inbox))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)
    if not hasattr(session.config, "workerinput"):  # the controller ends last: the workers are done with it
        shutil.rmtree(_SHARED, ignore_errors=True)
