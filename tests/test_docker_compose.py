"""docker-compose.yml has the production shape; `docker-compose config` accepts it where installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from core.settings import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
AIRFLOW_SERVICES = [
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
]


def test_services_of_the_official_shape():
    assert set(COMPOSE["services"]) == {"postgres", "redis", *AIRFLOW_SERVICES}
    for name, service in COMPOSE["services"].items():
        if name != "airflow-init":
            assert "healthcheck" in service, name


@pytest.mark.parametrize("name", AIRFLOW_SERVICES)
def test_airflow_services_share_the_image_data_volume_and_secrets(name):
    service = COMPOSE["services"][name]
    assert service["build"] == "." and service["image"].startswith("sli-warehouse-airflow")
    assert "sli-data:/opt/sli/data" in service["volumes"]
    env = service["environment"]
    assert env["SLI_HOME"] == "/opt/sli/data"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CORE__FERNET_KEY"].startswith("${FERNET_KEY")
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${JWT_SECRET")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")


def test_lginform_credentials_and_settings_have_one_set_of_names_everywhere():
    from ingestion.basket import ENV_BASKET
    from ingestion.lginform_api import ENV_KEY, ENV_SECRET, ENV_URL
    from sli.pipeline import ALLOWED_FOLDERS

    names = [ENV_KEY, ENV_SECRET, ENV_URL, ENV_BASKET, ALLOWED_FOLDERS]
    example = (REPO_ROOT / ".env.example").read_text()
    assert [line.split("=")[0] for line in example.splitlines() if line.startswith("SLI_")] == names
    assert "LGINFORM_APPLICATION_KEY" not in example and "LGINFORM_APPLICATION_KEY" not in str(COMPOSE)
    for name in AIRFLOW_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert all(env[variable].startswith(f"${{{variable}") for variable in names), name
    documented = "\n".join(path.read_text() for path in [REPO_ROOT / "README.md", *(REPO_ROOT / "docs").glob("*.md")])
    assert all(f"`{variable}`" in documented for variable in names)


def test_env_file_is_an_example_only():
    example = (REPO_ROOT / ".env.example").read_text()
    assert "FERNET_KEY=\n" in example and "JWT_SECRET=\n" in example and "POSTGRES_PASSWORD=\n" in example
    assert ".env" in (REPO_ROOT / ".gitignore").read_text().splitlines()
    tracked = subprocess.run(["git", "ls-files", ".env"], cwd=REPO_ROOT, capture_output=True, text=True).stdout
    assert tracked == ""


def test_secrets_only_in_env_and_the_ui_on_this_machine_unless_configured():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "airflow:airflow@" not in text  # the database password comes from .env
    assert COMPOSE["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert COMPOSE["services"]["airflow-apiserver"]["ports"] == ["${AIRFLOW_BIND:-127.0.0.1}:8080:8080"]


def test_dockerfile_extends_the_pinned_official_image():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "--require-hashes" in dockerfile and "_PIP_ADDITIONAL_REQUIREMENTS" not in dockerfile


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed (Debian package docker-compose)"
)
def test_docker_compose_config_accepts_the_file(tmp_path):
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    (tmp_path / ".env").write_text(
        (REPO_ROOT / ".env.example")
        .read_text()
        .replace("FERNET_KEY=\n", "FERNET_KEY=test\n")
        .replace("JWT_SECRET=\n", "JWT_SECRET=test\n")
        .replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=test\n")
    )
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
