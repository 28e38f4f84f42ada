"""The Great Expectations file context in `SLI_HOME/quality/gx`: the project's settings
(`expectations/great_expectations.yml`) and the suites declared in `expectations.suites`, registered with
their validation definitions and checkpoints; results and Data Docs under `SLI_HOME/quality`. GX is
imported only by the steps that validate.

Each suite validates one mart or quality view of the warehouse. Rows of input files are checked before
raw by `contract_checks`, in SQL generated from the contracts.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.atomic_files import write_text_atomically
from core.errors import AuditError
from core.settings import GX_PROJECT_DIR, Paths
from expectations.suites import SUITES

if TYPE_CHECKING:
    import pandas as pd

WAREHOUSE_DATASOURCE = "warehouse"


@lru_cache(maxsize=4)
def _context(home: str):
    # GX logs every class it registers at import; its usage statistics are off in great_expectations.yml.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    root = Path(home) / "quality"
    # The project's settings as they are now: what an earlier audit registered there is registered again.
    write_text_atomically(
        root / "gx" / "great_expectations.yml", (GX_PROJECT_DIR / "great_expectations.yml").read_text("utf-8")
    )
    # great_expectations.yml writes results and Data Docs under ${SLI_HOME}, given here as a value.
    context = gx.get_context(mode="file", project_root_dir=str(root), runtime_environment={"SLI_HOME": home})
    _register(context)
    return context


def _register(context) -> None:
    """Each declared suite, with the dataframe asset, validation definition and checkpoint that run it."""
    from great_expectations import Checkpoint, ExpectationSuite, ValidationDefinition
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    datasource = context.data_sources.add_or_update_pandas(WAREHOUSE_DATASOURCE)
    for declared in SUITES:
        asset = datasource.add_dataframe_asset(declared.relation)
        suite = ExpectationSuite(name=declared.name)
        for expect in declared.expectations:
            suite.add_expectation_configuration(
                ExpectationConfiguration(
                    type=expect.type, kwargs={"column": expect.column, **expect.kwargs}, severity=expect.severity
                )
            )
        definition = ValidationDefinition(
            name=declared.name,
            data=asset.add_batch_definition_whole_dataframe("whole_table"),
            suite=context.suites.add_or_update(suite),
        )
        context.checkpoints.add_or_update(
            Checkpoint(
                name=declared.name,
                validation_definitions=[context.validation_definitions.add_or_update(definition)],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10},
            )
        )


def context(paths: Paths):
    return _context(str(paths.home))


@dataclass(frozen=True)
class Outcome:
    """One expectation's result: what failed, how badly, and examples."""

    suite: str
    expectation: str
    kwargs: dict
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None
    sample_values: list

    def describe(self) -> str:
        detail = ", ".join(f"{k}={v}" for k, v in self.kwargs.items())
        count = f"{self.unexpected_count} unexpected value(s)" if self.unexpected_count is not None else "failed"
        return (
            f"suite {self.suite!r}, expectation {self.expectation}({detail}) on {self.suite}.{self.column}: {count},"
            f" e.g. {self.sample_values[:5]}"
        )


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def run_checkpoint(paths: Paths, name: str, frame: pd.DataFrame) -> list[Outcome]:
    """Run the checkpoint NAME on FRAME; GX stores the result under SLI_HOME/quality/validations, and
    a summary goes to SLI_HOME/quality/latest/NAME.json for `sli quality`.

    """
    result = context(paths).checkpoints.get(name).run(batch_parameters={"dataframe": frame})
    outcomes = []
    for validation in result.run_results.values():
        for outcome in validation.results:
            config, details = outcome.expectation_config, outcome.result or {}
            kwargs = {
                k: _plain(v) for k, v in config.kwargs.items() if k not in ("column", "batch_id") and v is not None
            }
            outcomes.append(
                Outcome(
                    suite=validation.suite_name,
                    expectation=config.type,
                    kwargs=kwargs,
                    column=config.kwargs.get("column"),
                    severity=str(getattr(config.severity, "value", config.severity)),
                    success=bool(outcome.success),
                    unexpected_count=details.get("unexpected_count"),
                    sample_values=[_plain(v) for v in details.get("partial_unexpected_list") or []],
                )
            )
    _write_summary(paths, name, len(frame), outcomes)
    return outcomes


def status_of(outcomes: list[Outcome]) -> str:
    failed = {o.severity for o in outcomes if not o.success}
    return "fail" if "critical" in failed else "warn" if failed else "pass"


def _write_summary(paths: Paths, name: str, rows: int, outcomes: list[Outcome]) -> None:
    summary = {
        "suite": name,
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": rows,
        "status": status_of(outcomes),
        "expectations": len(outcomes),
        "failed": [asdict(o) for o in outcomes if not o.success],
    }
    write_text_atomically(paths.quality_summaries / f"{name}.json", json.dumps(summary, indent=1, default=str))


def latest_summaries(paths: Paths) -> list[dict]:
    folder = paths.quality_summaries
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))] if folder.exists() else []


class _Failures(logging.Handler):
    """GX logs a failure to render a page (a full disk, say) with its whole traceback, and goes on: kept
    here instead, to be told in one line."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"(\w+(?:Error|Exception)): \"([^\"]*)\"", record.getMessage())
        self.reasons.append(f"{found.group(1)}: {found.group(2)}" if found else record.getMessage().splitlines()[0])


def build_docs(paths: Paths) -> Path:
    """Rebuild Data Docs from every stored result (the index lists each suite's runs), readable offline."""
    gx_log, failures = logging.getLogger("great_expectations"), _Failures()
    gx_log.addHandler(failures)
    gx_log.propagate = False
    try:
        context(paths).build_data_docs()
    finally:
        gx_log.removeHandler(failures)
        gx_log.propagate = True
    if failures.reasons:
        raise AuditError(f"the Data Docs could not be written ({failures.reasons[0]})")
    _offline(paths.data_docs.parent)
    return docs_index(paths)


# Each CDN address the Data Docs pages load, and the copy in expectations/data_docs_assets that replaces it.
_ASSETS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",  # noqa: E501 (an address is not split)
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",  # noqa: E501 (an address is not split)
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",  # noqa: E501 (an address is not split)
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",  # noqa: E501 (an address is not split)
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",  # noqa: E501 (an address is not split)
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "bootstrap-prefers-dark.min.css",  # noqa: E501 (an address is not split)
}
# Subresource-integrity hashes name the CDN's bytes; the local copies are read from disk instead.
_INTEGRITY = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')
_LOGO = re.compile(r'<img[^>]*src="https://great-expectations-web-assets[^"]*"[^>]*>')


def _offline(site: Path) -> None:
    """Copy the assets beside the Data Docs and point every page at them, relative to the page."""
    import shutil

    assets = site / "static" / "offline"
    shutil.copytree(GX_PROJECT_DIR / "data_docs_assets", assets, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "https://" not in html:
            continue
        up = "../" * (len(page.relative_to(site).parts) - 1)
        for url, local in _ASSETS.items():
            html = html.replace(f'"{url}"', f'"{up}static/offline/{local}"')
        page.write_text(_LOGO.sub("", _INTEGRITY.sub("", html)), encoding="utf-8")


def docs_index(paths: Paths) -> Path:
    return paths.data_docs
