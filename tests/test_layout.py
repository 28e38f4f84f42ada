"""The layout holds: packages import one way, Airflow only under dags/, and the wheel ships every package."""

from __future__ import annotations

import ast
import tomllib

from core.settings import REPO_ROOT

# Each package may import only those before it: core, then ingestion, warehouse, reporting, and sli on top.
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
