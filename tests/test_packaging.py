"""The install pins agree with each other."""

from __future__ import annotations

import re
import tomllib

from core.settings import REPO_ROOT


def test_bootstrap_uv_matches_the_project_pin():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    [project_pin] = [d for d in pyproject["dependency-groups"]["dev"] if d.startswith("uv==")]
    bootstrap = (REPO_ROOT / "requirements" / "bootstrap.txt").read_text()
    assert re.search(rf"^{re.escape(project_pin)} ", bootstrap, re.MULTILINE)
    assert "--hash=sha256:" in bootstrap


def test_every_runtime_dependency_is_pinned_exactly():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    for requirement in pyproject["project"]["dependencies"] + pyproject["dependency-groups"]["dev"]:
        assert "==" in requirement, requirement
