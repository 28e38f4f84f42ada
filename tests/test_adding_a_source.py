"""A source is one declaration: a sixth, throwaway source added to a copy of the project, as the README's
"Adding a source" says (its declaration, its dbt source entry, its staging model), flows from its inbox
through the contract checks and quarantine to its staging model, the freshness models, `sli contracts`
and an ingest DAG of its own, with no other file of the project touched."""

from __future__ import annotations

import ast
import filecmp
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb

from conftest import BIN, REPO
from ingestion.sources import SOURCES

DECLARATION = '''"""Visits to councils: a throwaway source, declared as any new source is."""

from __future__ import annotations

from ingestion.contracts import GSS_COUNCIL, Column, FileFormat, Table
from ingestion.declaration import Freshness, Source

VISITS = Table(
    source="throwaway",
    name="visits",
    grain="one row per council and visit",
    key=("council_code", "visited_on"),
    columns=(
        Column("council_code", "string", "The council visited.", required=True, pattern=GSS_COUNCIL),
        Column("visited_on", "date", "When.", required=True, plausible=True),
        Column("visitors", "integer", "How many went.", minimum=1),
    ),
    formats=(FileFormat("A list of visits", (".csv",), ("Council code", "Visited on"), optional=("Visitors",)),),
)

SOURCE = Source(
    name="throwaway",
    title="Visits to councils",
    reader_name="the visits list",
    tables=(VISITS,),
    schedule="0 6 * * *",
    freshness=Freshness(30, "visits are listed every month"),
)
'''
STAGING = """select council_code, visited_on, visitors, _load_id as load_id, _loaded_at as loaded_at
from {{ source('throwaway', 'visits') }}
"""
SOURCE_ENTRY = """  - name: throwaway
    config:
      meta:
        external_location: "read_parquet('raw/throwaway/{name}/*.parquet', union_by_name = true)"
    tables:
      - name: visits
        config:
          meta:
            data_date: visited_on
"""
PROJECT = ("core", "ingestion", "warehouse", "expectations", "reporting", "sli", "dags", "dbt_project")


def _project_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for top in PROJECT
        for path in (root / top).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_a_sixth_source_is_its_declaration_its_source_entry_and_its_staging_model(tmp_path):
    project, home = tmp_path / "project", tmp_path / "home"
    for top in PROJECT:
        shutil.copytree(REPO / top, project / top, ignore=shutil.ignore_patterns("__pycache__", "target", "logs"))
    (project / "ingestion" / "sources" / "throwaway.py").write_text(DECLARATION, encoding="utf-8")
    staging = project / "dbt_project" / "models" / "staging" / "throwaway" / "stg_throwaway__visits.sql"
    staging.parent.mkdir()
    staging.write_text(STAGING, encoding="utf-8")
    sources_yml = project / "dbt_project" / "models" / "staging" / "_sources.yml"
    text = sources_yml.read_text(encoding="utf-8")
    sources_yml.write_text(text.replace("  - name: config\n", SOURCE_ENTRY + "  - name: config\n"), encoding="utf-8")

    # Only those three files differ from the project.
    added = _project_files(project) - _project_files(REPO)
    changed = {f for f in _project_files(project) & _project_files(REPO) if not filecmp.cmp(project / f, REPO / f)}
    assert added == {"ingestion/sources/throwaway.py", "dbt_project/models/staging/throwaway/stg_throwaway__visits.sql"}
    assert changed == {"dbt_project/models/staging/_sources.yml"}

    last = date.today() - timedelta(days=10)
    inbox = home / "inbox" / "throwaway"
    inbox.mkdir(parents=True)
    (inbox / "visits.csv").write_text(
        "Visits to councils (SYNTHETIC test data)\n"
        "Council code,Visited on,Visitors\n"
        f"E06000001,{last - timedelta(days=40)},3\n"
        f"E08000025,{last},2\n"
        "E08000025,not a day,2\n"  # quarantined by the reader: the cell cannot be read as a date
        f"E09000033,{last},0\n",  # quarantined by the contract: at least 1 visitor
        encoding="utf-8",
    )
    env = {**os.environ, "SLI_HOME": str(home), "SLI_PROJECT_DIR": str(project), "PYTHONPATH": str(project)}

    def run(*args: str) -> str:
        done = subprocess.run([str(BIN / "sli"), *args], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("sample", "--metrics", "2", "--first-year", "2022", "--last-year", "2023")
    refreshed = run("refresh")
    assert "throwaway: 1 file(s): 1 loaded; 2 rows, 2 quarantined" in refreshed, refreshed

    quarantined = next((home / "quarantine" / "throwaway").rglob("*.csv")).read_text(encoding="utf-8")
    assert "not a date" in quarantined and "Visited on" in quarantined and "must be at least 1" in quarantined

    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as warehouse:
        warehouse.execute("set file_search_path = ?", [str(home)])  # staging views read raw/, under the home
        visits = warehouse.execute("select council_code, visited_on from staging.stg_throwaway__visits order by all")
        assert visits.fetchall() == [("E06000001", last - timedelta(days=40)), ("E08000025", last)]
        fresh = warehouse.execute(
            "select latest_data_date, max_data_age_days, stale_source from quality.qa_source_freshness"
            " where source = 'throwaway'"
        ).fetchall()
        assert fresh == [(last, 30, None)]
        assert {row[0] for row in warehouse.execute("select source from quality.qa_source_freshness").fetchall()} == {
            *SOURCES,
            "throwaway",
        }

    assert "### throwaway.visits" in run("contracts")
    dags = subprocess.run(
        [str(BIN / "python"), "-c", "from sli_airflow.runner import load_dags; print(sorted(load_dags()))"],
        env={**env, "PYTHONPATH": f"{project}{os.pathsep}{project / 'dags'}", "AIRFLOW_HOME": str(tmp_path / "af")},
        cwd=tmp_path,  # not the checkout, whose packages `python -c` would import first
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "'sli_ingest_throwaway'" in dags.stdout, dags.stdout + dags.stderr


def test_no_module_outside_the_declarations_names_two_sources():
    """The sources are listed in one place: a module naming two of them in strings would be a second list."""
    for top in ("core", "ingestion", "warehouse", "expectations", "reporting", "sli", "dags", "bench", "deploy"):
        for path in (REPO / top).rglob("*.py"):
            if path.parent == REPO / "ingestion" / "sources":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            named = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in SOURCES}
            assert len(named) < 2, f"{path.relative_to(REPO)} names {sorted(named)}: derive them from ingestion.sources"
