"""Each DAG file imports cleanly (a broken file would show as '0 DAGs'), and is wired as designed."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess

import pytest

from conftest import BIN, REPO, airflow_env
from ingestion.sources import SOURCES, declared
from sli_airflow.runner import DAGS_FOLDER
from sli_airflow.wiring import WRITER_POOL

DAG_FILES = sorted(DAGS_FOLDER.glob("*.py"))
INGEST_DAGS = [f"sli_ingest_{source}" for source in SOURCES]


@functools.cache  # each test reads the DAGs, none changes them
def _load(path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags


def test_every_declared_source_has_an_ingest_dag_and_nothing_else_is_in_the_folder():
    dags = _load(DAGS_FOLDER)
    assert sorted(dags) == sorted([*INGEST_DAGS, "sli_warehouse"])
    assert {p.stem for p in DAG_FILES} == {"sli_ingest", "sli_warehouse"}  # one file wires every source's DAG
    assert sorted(_load(DAGS_FOLDER / "sli_ingest.py")) == sorted(INGEST_DAGS)


def test_the_warehouse_dag_runs_on_every_sources_raw_asset():
    schedule = _load(DAGS_FOLDER / "sli_warehouse.py")["sli_warehouse"].timetable.asset_condition
    assert sorted(asset.name for asset in schedule.objects) == sorted(f"sli_raw_{s}" for s in SOURCES)


@pytest.mark.parametrize("dag_id", [*INGEST_DAGS, "sli_warehouse"])
def test_dag_file_imports_without_errors(dag_id):
    dag = _load(DAGS_FOLDER)[dag_id]
    assert "sli" in dag.tags
    assert dag.catchup is False
    assert dag.is_paused_upon_creation is False  # runs once deployed, without a manual unpause
    assert dag.max_active_runs == 1
    assert dag.doc_md and len(dag.doc_md) > 50


@pytest.mark.parametrize("source", SOURCES)
def test_ingest_dags_retry_emit_their_asset_and_run_on_their_sources_schedule(source):
    dag = _load(DAGS_FOLDER / "sli_ingest.py")[f"sli_ingest_{source}"]
    [task] = dag.tasks
    assert task.retries >= 1 and task.retry_exponential_backoff
    assert [asset.name for asset in task.outlets] == [f"sli_raw_{source}"]
    assert dag.timetable.expression == declared()[source].schedule and declared()[source].title in dag.doc_md


def test_warehouse_dag_order_and_single_writer_pool():
    dag = _load(DAGS_FOLDER / "sli_warehouse.py")["sli_warehouse"]
    order = [t.task_id for t in dag.topological_sort()]
    assert order == ["build", "audit", "publish", "report"]
    writers = {t.task_id for t in dag.tasks if t.pool == WRITER_POOL}
    assert writers == {"build", "publish"}


@pytest.mark.parametrize("dag_id", [*INGEST_DAGS, "sli_warehouse"])
def test_dags_have_no_cycles_docs_and_failure_callbacks(dag_id):
    dag = _load(DAGS_FOLDER)[dag_id]
    dag.check_cycle()
    assert dag.doc_md and len(dag.doc_md) > 100
    assert all(task.on_failure_callback for task in dag.tasks)


def test_manual_runs_take_params():
    ingest = _load(DAGS_FOLDER / "sli_ingest.py")
    for source in SOURCES:
        api = {"metrics", "period"} if declared()[source].api_params else set()
        assert set(ingest[f"sli_ingest_{source}"].params) == {"paths", *api}
    assert set(ingest["sli_ingest_lginform"].params) == {"paths", "metrics", "period"}
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
    assert dag_ids == {*INGEST_DAGS, "sli_warehouse"}


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


# Runs the polls DAG with each conf of a JSON list in turn, in one process (Airflow is imported once).
_RUN_EACH = """
import json, sys
from sli_airflow.runner import load_dags
from airflow.sdk import timezone
dag = load_dags()["sli_ingest_polls"]
for conf in json.loads(sys.argv[1]):
    run = dag.test(logical_date=timezone.utcnow(), run_conf=conf)
    [ti] = run.get_task_instances()
    print("OUTCOME", json.dumps([str(run.state), str(ti.state), ti.try_number]), flush=True)
"""


def _outcomes(run: subprocess.CompletedProcess) -> list:
    return [
        json.loads(line.removeprefix("OUTCOME ")) for line in run.stdout.splitlines() if line.startswith("OUTCOME ")
    ]


INPUT_ERRORS = {
    "misspelt key": ({"pathz": ["x.csv"]}, "unknown param(s) 'pathz'; this DAG takes: paths"),
    "missing file": ({"paths": ["poll.csv"]}, "no such file or folder: {home}/inbox/polls/poll.csv"),
    "dot-dot": (
        {"paths": ["../../outside/poll.csv"]},
        "../../outside/poll.csv is outside polls's inbox ({home}/inbox/polls)",
    ),
    "absolute": ({"paths": ["{home}/outside/poll.csv"]}, "{home}/outside/poll.csv is outside polls's inbox"),
    "link out": ({"paths": ["link.csv"]}, "link.csv is outside polls's inbox"),
}


def test_an_input_error_fails_the_task_at_once_without_retries(tmp_path):
    """Paths reach files under the source's inbox only (or folders allowed by name): nothing else is copied in.
    Each case is its own DAG run, one after another in one Airflow process."""
    env = {**os.environ, **airflow_env(tmp_path), "SLI_HOME": str(tmp_path), "PYTHONPATH": str(DAGS_FOLDER)}
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "poll.csv").write_text("private\n")
    (tmp_path / "inbox" / "polls").mkdir(parents=True)
    (tmp_path / "inbox" / "polls" / "link.csv").symlink_to(tmp_path / "outside" / "poll.csv")
    confs = [json.loads(json.dumps(conf).replace("{home}", str(tmp_path))) for conf, _ in INPUT_ERRORS.values()]
    run = _run([str(BIN / "python"), "-c", _RUN_EACH, json.dumps(confs)], env)
    # Each failed on its first try, not queued for the two retries (with backoff) an ingest task has.
    assert _outcomes(run) == [["failed", "failed", 1]] * len(INPUT_ERRORS), run.stdout + run.stderr
    for case, (_, reason) in INPUT_ERRORS.items():
        assert f"input error (not retried): {reason.format(home=tmp_path)}" in run.stdout + run.stderr, case
    assert not (tmp_path / "landing").exists()


def test_a_folder_allowed_by_name_may_be_read(tmp_path):
    env = {**os.environ, **airflow_env(tmp_path), "SLI_HOME": str(tmp_path), "PYTHONPATH": str(DAGS_FOLDER)}
    shared = tmp_path / "shared drive"
    shared.mkdir()
    (shared / "poll.csv").write_bytes(
        (REPO / "tests" / "bad_inputs" / "polls" / "poll_212_invisible_characters.csv").read_bytes()
    )
    run = _run(
        [str(BIN / "python"), "-c", _RUN_EACH, json.dumps([{"paths": [str(shared / "poll.csv")]}])],
        {**env, "SLI_ALLOWED_FOLDERS": f"/nonexistent:{shared}"},
    )
    assert _outcomes(run) == [["success", "success", 1]], run.stdout + run.stderr


@pytest.mark.parametrize("conf", ["123", "[1, 2]", '"paths"'], ids=["number", "list", "string"])
def test_a_conf_that_is_not_an_object_is_one_line_before_anything_runs(tmp_path, conf):
    env = {**os.environ, **airflow_env(tmp_path), "SLI_HOME": str(tmp_path)}
    run = _run([str(BIN / "sli"), "run-dags", "sli_ingest_polls", "--conf", conf], env)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "error: --conf must be a JSON object of params (they take: paths)" in run.stderr


def test_ingest_tasks_have_an_execution_timeout():
    for dag in _load(DAGS_FOLDER / "sli_ingest.py").values():
        [task] = dag.tasks
        assert task.execution_timeout is not None and task.execution_timeout.total_seconds() <= 6 * 3600


def test_a_wrongly_typed_param_is_refused_before_the_run_starts(tmp_path):
    env = {**os.environ, **airflow_env(tmp_path), "SLI_HOME": str(tmp_path), "PYTHONPATH": str(DAGS_FOLDER)}
    run = _run([str(BIN / "python"), "-c", _RUN_EACH, json.dumps([{"paths": "one.csv"}])], env)
    assert run.returncode != 0 and "OUTCOME" not in run.stdout
    assert "Invalid input for param paths: 'one.csv' is not of type 'array'" in run.stderr


def test_run_dags_keeps_airflow_under_sli_home_and_refuses_unknown_params(tmp_path):
    """Outside the project's Airflow environment: no AIRFLOW_HOME set, a HOME of its own."""
    home, user_home = tmp_path / "sli", tmp_path / "user"
    user_home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")} | {
        "SLI_HOME": str(home),
        "HOME": str(user_home),
    }
    refused = _run([str(BIN / "sli"), "run-dags", "--conf", '{"full_refresh": true, "fulll_refresh": 1}'], env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "takes param(s) fulll_refresh; they take: full_refresh, metrics, paths, period" in refused.stderr
    assert not (home / "airflow" / "airflow.db").exists()  # refused before anything was set up
    ran = subprocess.run(
        [str(BIN / "sli"), "run-dags", "sli_ingest_polls"], env=env, capture_output=True, text=True, timeout=600
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "sli_ingest_polls: nothing new, every file in its inbox is loaded already (ingest=skipped)" in ran.stdout
    assert (home / "airflow" / "airflow.db").exists() and not (user_home / "airflow").exists()


@pytest.mark.parametrize(
    ("conf", "reason"),
    [
        ({"paths": "one.csv"}, "param 'paths': "),
        ({"paths": [1, 2]}, "param 'paths': "),
        (123, "the run's conf must be an object of params (paths), not int 123"),
    ],
    ids=["string paths", "numbers", "not an object"],
)
def test_the_task_checks_a_triggers_conf_against_the_params_itself(conf, reason):
    """A trigger that reaches the task without Airflow's own check (an API call, a backfill) meets this one."""
    from airflow.sdk.exceptions import AirflowFailException

    from sli_airflow.tasks import check_conf

    polls = _load(DAGS_FOLDER / "sli_ingest.py")["sli_ingest_polls"]
    with pytest.raises(AirflowFailException, match=re.escape(f"input error (not retried): {reason}")):
        check_conf(conf, polls.params)
    check_conf({"paths": ["poll.csv"]}, polls.params)  # a valid conf passes
