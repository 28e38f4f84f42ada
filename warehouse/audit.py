"""Audit: the Great Expectations warehouse suites on the candidate; an error stops the publish.

Each suite declared in `expectations.suites` validates one mart or quality view (read read-only from
the candidate into pandas). A failed `critical` expectation is an error; a failed
`warning` one is recorded in the audit stamp and shown. Data Docs are rebuilt on every audit.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from core import duckdb_limits, locks
from core.errors import AuditError
from core.settings import Paths
from expectations.suites import SUITES
from ingestion.landing import sha256_of
from warehouse import gx

Finding = gx.Outcome


def _relation(asset_name: str) -> str:
    return ".".join(f'"{part}"' for part in asset_name.split("."))


def run_suites(paths: Paths) -> list[Finding]:
    """Run every warehouse checkpoint on the candidate; return the failed expectations."""
    import duckdb

    if not paths.candidate.exists():
        raise AuditError(f"no candidate warehouse at {paths.candidate}: run `sli build` first")
    findings = []
    with duckdb.connect(str(paths.candidate), read_only=True, config=duckdb_limits.limits()) as connection:
        for suite in sorted(SUITES, key=lambda s: s.name):
            frame = connection.execute(f"select * from {_relation(suite.relation)}").df()
            findings += [o for o in gx.run_checkpoint(paths, suite.name, frame) if not o.success]
    return findings


def audit(paths: Paths) -> list[Finding]:
    """Run the suites; raise on any error-severity failure, else stamp the candidate as audited."""
    with locks.holding(paths.writer_lock, "auditing the candidate"):
        return _audit(paths)


def _audit(paths: Paths) -> list[Finding]:
    try:
        findings = run_suites(paths)
    finally:
        gx.build_docs(paths)
    errors = [f for f in findings if f.severity == "critical"]
    if errors:
        raise AuditError("audit failed, candidate not published:\n  " + "\n  ".join(f.describe() for f in errors))
    stamp = {
        "candidate_sha256": sha256_of(paths.candidate),
        "audited_at": datetime.now(UTC).isoformat(),
        "warnings": [asdict(f) for f in findings],
    }
    paths.audit_stamp.write_text(json.dumps(stamp, indent=1, default=str), encoding="utf-8")
    return findings
