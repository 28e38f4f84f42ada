"""The warehouse suites: what the audit checks on the candidate before it may be published.

Each suite validates one mart or quality view. They are declared here and given to Great Expectations
at every audit (`warehouse.gx`), so no suite, validation definition or checkpoint file is written by
hand. A failed `critical` expectation stops the publish; a failed `warning` one is recorded and shown.
Light to import: the report reads the suites' titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expect:
    type: str  # Great Expectations' expectation type, e.g. `expect_column_values_to_be_between`
    column: str
    severity: str = "critical"
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    relation: str  # the mart or view it validates, schema-qualified outside `main`
    title: str  # what it checks, in the words of the report's readers
    expectations: tuple[Expect, ...]

    @property
    def name(self) -> str:
        return self.relation.rpartition(".")[2]


def between(column: str, minimum: float | None = None, maximum: float | None = None, severity="critical") -> Expect:
    bounds = {"min_value": minimum, "max_value": maximum}
    return Expect(
        "expect_column_values_to_be_between", column, severity, {k: v for k, v in bounds.items() if v is not None}
    )


def none(column: str, severity: str = "critical") -> Expect:
    """Every value NULL: a quality view names a problem in this column, so any value is one."""
    return Expect("expect_column_values_to_be_null", column, severity)


SUITES = (
    Suite(
        "fct_council_support_by_year",
        "The LGA's improvement support by council and year",
        (between("support_started", 1), between("peer_challenges", 0), between("other_support", 0)),
    ),
    Suite("fct_ope_outputs", "One Public Estate outputs", (between("value", 0),)),
    Suite("fct_poll_answers", "Poll answers", (between("percent", 0, 100), between("base_n", 300, 5000))),
    Suite(
        "fct_resident_satisfaction",
        "Resident satisfaction by question",
        (between("pct_satisfied", 0, 100), between("margin_of_error_pp", 0, 10, severity="warning")),
    ),
    Suite(
        "mart_sector_overview",
        "The sector overview's quarters",
        (
            between("share_metrics_improving", 0, 1),
            Expect("expect_column_values_to_not_be_null", "pct_satisfied_council", "warning", {"mostly": 0.5}),
        ),
    ),
    Suite(
        "mart_shared_services_savings",
        "Shared services savings",
        (between("savings_gbp", 0), between("partnerships", 1)),
    ),
    Suite(
        "quality.qa_metric_completeness",
        "Councils reporting each metric, against the period before",
        (none("completeness_drop"),),
    ),
    Suite(
        "quality.qa_metric_median_shift",
        "Each metric's median, against the period before",
        (none("median_shift", severity="warning"),),
    ),
    Suite("quality.qa_reconciliation", "The statistics against their definitions", (none("mismatch"),)),
    Suite(
        "quality.qa_source_freshness", "How recent each source's data is", (none("stale_source", severity="warning"),)
    ),
)
