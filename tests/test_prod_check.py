"""`./dev prod-check` runs docker-compose.yml's own settings: read from the file, with only the containers'
host names and paths made this machine's. (The check itself starts PostgreSQL, Redis and Airflow: it is run
by hand, not in the suite; see the README.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy.prod_check import COMPOSE, Ports, airflow_settings, init_commands, services, substitute

COMPOSE_FILE = yaml.safe_load(COMPOSE.read_text())
SECRETS = {"FERNET_KEY": "f", "JWT_SECRET": "j", "POSTGRES_PASSWORD": "p"}


def test_compose_variables_are_substituted_as_compose_does():
    assert substitute("${A:-x}/${B}", {"B": "b"}) == "x/b"
    assert substitute("${A:?set A}", {"A": "a"}) == "a"
    with pytest.raises(SystemExit, match="needs A: set A"):
        substitute("${A:?set A}", {})


def test_every_compose_setting_is_used_with_this_machines_hosts_and_paths(tmp_path):
    ports = Ports(postgres=1001, redis=1002, api=1003)
    settings = airflow_settings(COMPOSE_FILE, SECRETS, ports, tmp_path)
    assert set(COMPOSE_FILE["x-airflow-common"]["environment"]) <= set(settings)
    assert settings["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert settings["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == "postgresql+psycopg2://airflow:p@127.0.0.1:1001/airflow"
    assert settings["AIRFLOW__CELERY__BROKER_URL"] == "redis://:@127.0.0.1:1002/0"
    assert settings["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:1003/execution/"
    assert settings["SLI_HOME"] == str(tmp_path / "data") and Path(settings["AIRFLOW__CORE__DAGS_FOLDER"]).is_dir()
    assert not any("/opt/sli" in value or "${" in value for value in settings.values())


def test_the_services_and_init_steps_are_the_compose_files():
    assert services(COMPOSE_FILE) == {
        "airflow-apiserver": ["api-server"],
        "airflow-scheduler": ["scheduler"],
        "airflow-dag-processor": ["dag-processor"],
        "airflow-worker": ["celery", "worker"],
        "airflow-triggerer": ["triggerer"],
    }
    assert [command[:3] for command in init_commands(COMPOSE_FILE)] == [
        ["airflow", "db", "migrate"],
        ["airflow", "pools", "set"],
    ]
