"""Each DAG file imports cleanly (a broken file would show as '0 DAGs'), and is wired as designed."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import BIN, airflow_env
from sli_airflow.runner import DAGS_FOLDER
from sli_airflow.wiring import WRITER_POOL

DAG_FILES = sorted(DAGS_FOLDER.glob("*.py"))


def _load(path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags


def test_every_expected_dag_has_a_file():
    assert {p.stem for p in DAG_FILES} == {
        "sli_ingest_lginform",
        "sli_ingest_polls",
        "sli_ingest_shared_services",
        "sli_ingest_ope",
        "sli_warehouse",
    }


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_without_errors(path):
    dags = _load(path)
    assert list(dags) == [path.stem]
    dag = dags[path.stem]
    assert "sli" in dag.tags
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and len(dag.doc_md) > 50


@pytest.mark.parametrize("path", [p for p in DAG_FILES if p.stem.startswith("sli_ingest_")], ids=lambda p: p.name)
def test_ingest_dags_retry_and_emit_their_asset(path):
    dag = _load(path)[path.stem]
    [task] = dag.tasks
    assert task.retries >= 1 and task.retry_exponential_backoff
    source = path.stem.removeprefix("sli_ingest_")
    assert [asset.name for asset in task.outlets] == [f"sli_raw_{source}"]


def test_warehouse_dag_order_and_single_writer_pool():
    dag = _load(DAGS_FOLDER / "sli_warehouse.py")["sli_warehouse"]
    order = [t.task_id for t in dag.topological_sort()]
    assert order == ["build", "audit", "publish", "report"]
    writers = {t.task_id for t in dag.tasks if t.pool == WRITER_POOL}
    assert writers == {"build", "publish"}


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dags_have_no_cycles_docs_and_failure_callbacks(path):
    dag = _load(path)[path.stem]
    dag.check_cycle()
    assert dag.doc_md and len(dag.doc_md) > 100
    assert all(task.on_failure_callback for task in dag.tasks)


def test_manual_runs_take_params():
    lginform = _load(DAGS_FOLDER / "sli_ingest_lginform.py")["sli_ingest_lginform"]
    assert set(lginform.params) == {"paths", "metrics", "period"}
    polls = _load(DAGS_FOLDER / "sli_ingest_polls.py")["sli_ingest_polls"]
    assert set(polls.params) == {"paths"}
    warehouse = _load(DAGS_FOLDER / "sli_warehouse.py")["sli_warehouse"]
    assert set(warehouse.params) == {"full_refresh"} and warehouse.params["full_refresh"] is False


def test_airflow_lists_every_dag_and_no_import_errors(tmp_path):
    env = {**os.environ, **airflow_env(tmp_path), "SLI_HOME": str(tmp_path)}
    airflow = str(BIN / "airflow")
    subprocess.run([airflow, "dags", "reserialize"], env=env, check=True, capture_output=True)
    errors = subprocess.run(
        [airflow, "dags", "list-import-errors", "-o", "json"], env=env, capture_output=True, text=True, check=True
    )
    # Airflow prints its own warnings (graphviz) before the JSON: the JSON is the last line.
    assert json.loads(errors.stdout.strip().splitlines()[-1]) == []
    listed = subprocess.run(
        [airflow, "dags", "list", "-o", "json"], env=env, capture_output=True, text=True, check=True
    )
    dag_ids = {dag["dag_id"] for dag in json.loads(listed.stdout.strip().splitlines()[-1])}
    assert dag_ids == {path.stem for path in DAG_FILES}
