"""The layout holds: packages import one way, Airflow only under dags/, and the wheel ships every package."""

from __future__ import annotations

import ast
import tomllib

from core.settings import REPO_ROOT

# Each package may import only those before it: core, then ingestion, expectations, warehouse, reporting, and
# sli on top.
LAYERS = ["core", "ingestion", "expectations", "warehouse", "reporting", "sli"]


def _imports(package: str) -> dict[str, set[str]]:
    """{module file: the top-level names it imports}, for every module of PACKAGE."""
    found = {}
    for path in (REPO_ROOT / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(REPO_ROOT))] = names
    return found


def test_packages_import_one_way_and_never_airflow():
    for position, package in enumerate(LAYERS):
        later = set(LAYERS[position + 1 :]) | {"sli_airflow", "airflow"}
        for module, names in _imports(package).items():
            assert not names & later, f"{module} imports {sorted(names & later)}"


def test_the_wheel_ships_every_package():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == LAYERS


def test_the_declarations_read_when_dags_are_parsed_import_nothing_heavy():
    """Airflow parses the DAG files often: the source declarations and suites they read stay light."""
    import subprocess
    import sys

    code = (
        "import sys, ingestion.sources, expectations.suites;"
        " print(sorted({'pandas', 'pyarrow', 'duckdb', 'numpy', 'great_expectations', 'dbt'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
