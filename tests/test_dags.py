"""Each DAG file imports cleanly (a broken file would show as '0 DAGs'), and is wired as designed."""

from __future__ import annotations

import pytest

from ingestion.airflow_runner import DAGS_FOLDER
from ingestion.orchestration import WRITER_POOL

DAG_FILES = sorted(DAGS_FOLDER.glob("*.py"))


def _load(path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags


def test_every_expected_dag_has_a_file():
    assert {p.stem for p in DAG_FILES} == {
        "sli_ingest_lginform", "sli_ingest_polls", "sli_ingest_shared_services", "sli_ingest_ope", "sli_warehouse"}


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
