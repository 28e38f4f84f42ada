"""Audit: Great Expectations suites on the candidate's marts; an error stops the publish."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from ingestion.errors import AuditError
from ingestion.landing import sha256_of
from ingestion.settings import GX_PROJECT_DIR, Paths


@dataclass(frozen=True)
class Finding:
    suite: str
    table: str
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    sample_values: list

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        count = f"{self.unexpected_count} unexpected value(s)" if self.unexpected_count is not None else "failed"
        return (f"suite {self.suite!r}, expectation {self.expectation} on {where}: {count},"
                f" e.g. {self.sample_values[:5]}")


def _context():
    # GX logs every class it registers at import; keep the task logs readable.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(GX_PROJECT_DIR))


def run_suites(paths: Paths) -> list[Finding]:
    """Validate every mart that has a validation definition; return the failed expectations."""
    import duckdb

    if not paths.candidate.exists():
        raise AuditError(f"no candidate warehouse at {paths.candidate}: run `sli build` first")
    os.environ["SLI_HOME"] = str(paths.home)  # great_expectations.yml writes results under SLI_HOME
    context = _context()
    findings = []
    with duckdb.connect(str(paths.candidate), read_only=True) as connection:
        for definition in sorted(context.validation_definitions.all(), key=lambda d: d.name):
            table = definition.asset.name
            frame = connection.sql(f'select * from "{table}"').df()
            result = definition.run(batch_parameters={"dataframe": frame})
            for outcome in result.results:
                if outcome.success:
                    continue
                config = outcome.expectation_config
                details = outcome.result or {}
                findings.append(Finding(
                    suite=definition.suite.name, table=table, expectation=config.type,
                    column=config.kwargs.get("column"), severity=str(getattr(config.severity, "value", config.severity)),
                    unexpected_count=details.get("unexpected_count"),
                    sample_values=[_plain(v) for v in details.get("partial_unexpected_list", [])[:10]],
                ))
    return findings


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def audit(paths: Paths) -> list[Finding]:
    """Run the suites; raise on any error-severity failure, else stamp the candidate as audited."""
    findings = run_suites(paths)
    errors = [f for f in findings if f.severity == "critical"]
    if errors:
        raise AuditError("audit failed, candidate not published:\n  " + "\n  ".join(f.describe() for f in errors))
    stamp = {
        "candidate_sha256": sha256_of(paths.candidate),
        "audited_at": datetime.now(timezone.utc).isoformat(),
        "warnings": [asdict(f) for f in findings],
    }
    paths.audit_stamp.write_text(json.dumps(stamp, indent=1, default=str), encoding="utf-8")
    return findings
