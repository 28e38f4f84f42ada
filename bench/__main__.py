"""Time a quarterly refresh stage by stage at a chosen scale, against DuckDB alone and pandas + SQLite.

    .venv/bin/python -m bench                  # the `real` and `large` scales
    .venv/bin/python -m bench --lginform       # ... and `lginform` (about 100 million values; long)
    .venv/bin/python -m bench --scale small    # one scale only

Each stage runs as its own `sli` process in a fresh temporary SLI_HOME, so its peak memory is its
own. After the full refresh one new quarter is added and refreshed again (the incremental run).
Results go to bench/results/<timestamp>.json and .md; see bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.models_alone import build_shares, measure_models_alone
from bench.references import run_reference, scaled_to
from bench.stages import StageFailed, run_stage
from ingestion.sources import SOURCES

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Scale:
    metrics: int
    first_year: int = 2010
    last_year: int = 2025  # quarterly to Q4 2025/26; the incremental run adds Q1 2026/27
    pandas_step: int = 1  # pandas + SQLite reads every Nth file, its time scaled to all (bench/references.py)

    def sample_args(self) -> list[str]:
        return [
            "sample",
            "--metrics",
            str(self.metrics),
            "--quarterly",
            "--lginform-format",
            "csv",
            "--first-year",
            str(self.first_year),
            "--last-year",
            str(self.last_year),
        ]

    def next_quarter_args(self) -> list[str]:
        year = str(self.last_year + 1)
        return [
            "sample",
            "--metrics",
            str(self.metrics),
            "--quarterly",
            "--lginform-format",
            "csv",
            "--only",
            "lginform",
            "--first-year",
            year,
            "--last-year",
            year,
            "--last-quarter",
            "1",
        ]


SCALES = {
    "small": Scale(metrics=2, first_year=2023),  # the test suite's smoke run
    "real": Scale(metrics=97),  # the basket: every council, 2010/11 to 2025/26, quarterly
    "large": Scale(metrics=970),
    "lginform": Scale(metrics=6_700, pandas_step=20),  # about as many metrics as LG Inform holds
}
REFRESH = ("load lginform", "load others", "build", "audit", "publish", "report")
# Ratios against the limit (or against a user's patience), which hold on any machine: the absolute refresh
# targets were withdrawn (a 2-core machine cannot refresh the real scale in 20 s with dbt, its tests and
# Great Expectations in the path).
TARGETS = {
    "load within 2x of DuckDB alone": ("load_vs_duckdb_alone", "<=", 2.0),
    "build within 1.3x of its models' SQL run bare": ("build_vs_models_alone", "<=", 1.3),
    "load at least 5x faster than pandas + SQLite": ("pandas_sqlite_vs_load", ">=", 5.0),
    "select * from mart_sector_overview under 100 ms": ("query_ms", "<", 100.0),
}
# Issue 32's targets per scale: the real scale is what users run every quarter.
SCALE_TARGETS = {
    "real": {
        "incremental quarter within 35% of a full refresh": ("incremental_share", "<=", 0.35),
        "report within 3 s": ("report_s", "<=", 3.0),
        "a refresh with nothing new under 2 s": ("noop_refresh_s", "<", 2.0),
    },
    "lginform": {
        "peak memory under 4 GB": ("refresh_peak_rss_mb", "<", 4096.0),
        "spill under 10 GB": ("refresh_peak_spill_mb", "<", 10240.0),
        "incremental quarter under 10% of a full refresh": ("incremental_share", "<", 0.10),
    },
}
BASELINE = Path(__file__).resolve().parent / "baseline.json"
SUMMARY = Path(__file__).resolve().parent / "RESULTS.md"


def _query_ms(database: Path, runs: int = 7) -> dict:
    """`select * from mart_sector_overview` on a read-only connection, as an analyst's client runs it."""
    import duckdb

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute("select * from mart_sector_overview").fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return {"first_ms": round(timings[0], 2), "median_ms": round(statistics.median(timings), 2)}


def _count(database: Path | None, sql: str, params: list | None = None) -> int:
    import duckdb

    with duckdb.connect(str(database) if database else ":memory:", read_only=database is not None) as con:
        return con.execute(sql, params).fetchall()[0][0]


def run_scale(name: str, scale: Scale, scratch: Path, out: Path) -> dict:
    """Every figure of one scale; if a stage fails, the figures so far, the error and dbt's log."""
    stages: dict = {}
    try:
        return _measure(name, scale, scratch, stages)
    except StageFailed as exc:
        log = scratch / name / "dbt" / "logs" / "dbt.log"
        if log.exists():  # the temporary home is about to go: keep what explains the failure
            shutil.copyfile(log, out / f"{name}-dbt.log")
        print(f"[{name}] FAILED: {exc}", flush=True)
        return {"stages": stages, "failed": str(exc)}


def _measure(name: str, scale: Scale, scratch: Path, stages: dict) -> dict:
    home, later = scratch / name, scratch / f"{name}-next-quarter"
    stages["sample"] = run_stage(home, scale.sample_args())
    print(f"[{name}] sample {stages['sample']}", flush=True)
    files = str(home / "inbox" / "lginform" / "data_metricType-*.csv")
    alone = run_reference("duckdb_alone", files, scratch)
    references = {
        "duckdb_alone": alone,
        "pandas_sqlite": scaled_to(
            run_reference("pandas_sqlite", files, scratch, scale.pandas_step), alone["csv_rows"]
        ),
    }
    print(f"[{name}] references {references}", flush=True)
    plan = [
        ("load lginform", [["ingest", "lginform"]]),
        ("load others", [["ingest", s] for s in SOURCES if s != "lginform"]),
        ("build", [["build"]]),
        ("audit", [["audit"]]),
        ("publish", [["publish"]]),
        ("report", [["report"]]),
        ("query", [["sql", "select * from mart_sector_overview"]]),
        ("no-op refresh", [["refresh"]]),
    ]  # the same inputs again: nothing to build or publish
    for stage, commands in plan:
        stages[stage] = run_stage(home, *commands)
        print(f"[{name}] {stage} {stages[stage]}", flush=True)
    # The build's limit: its models' SQL run bare on the same raw zone, read from the full build just run.
    references["models_alone"] = measure_models_alone(home, scratch)
    shares = build_shares(home / "dbt" / "target")
    print(f"[{name}] models alone {references['models_alone']}; build's node time {shares}", flush=True)
    database = home / "warehouse" / "sli.duckdb"
    raw_values = _count(
        None,
        "select count(*) from read_parquet(?)",
        [sorted(str(p) for p in (home / "raw" / "lginform" / "values").glob("*.parquet"))],
    )
    council_values = _count(database, "select count(*) from fct_council_metric_values")
    size_mb = round(database.stat().st_size / 2**20, 1)
    query = _query_ms(database)

    run_stage(later, scale.next_quarter_args())
    incremental = {"load lginform": run_stage(home, ["ingest", "lginform", str(later / "inbox" / "lginform")])}
    for stage in ("build", "audit", "publish", "report"):
        incremental[stage] = run_stage(home, [stage])
    print(f"[{name}] incremental {incremental}", flush=True)

    load = stages["load lginform"]["wall_s"]
    full = sum(stages[s]["wall_s"] for s in REFRESH)
    added = sum(f["wall_s"] for f in incremental.values())
    return {
        "scale": {
            **asdict(scale),
            "raw_values": raw_values,
            "council_metric_values": council_values,
            "warehouse_mb": size_mb,
        },
        "stages": stages,
        "references": references,
        "refresh_wall_s": round(full, 2),
        "refresh_peak_rss_mb": max(stages[s]["peak_rss_mb"] for s in REFRESH),
        "refresh_peak_spill_mb": max(stages[s]["peak_spill_mb"] for s in REFRESH),
        "load_rows_per_s": round(raw_values / load),
        "load_vs_duckdb_alone": round(load / references["duckdb_alone"]["wall_s"], 2),
        "pandas_sqlite_vs_load": round(references["pandas_sqlite"]["wall_s"] / load, 2),
        "build_vs_models_alone": round(stages["build"]["wall_s"] / references["models_alone"]["models_s"], 2),
        "build_node_time": shares,
        "audit_vs_build": round(stages["audit"]["wall_s"] / stages["build"]["wall_s"], 2),
        "query_ms": query["median_ms"],
        "noop_refresh_s": stages["no-op refresh"]["wall_s"],
        "report_s": stages["report"]["wall_s"],
        "query": query,
        "incremental": {"stages": incremental, "wall_s": round(added, 2)},
        "incremental_share": round(added / full, 3),
    }


def _holds(value: float, op: str, limit: float) -> bool:
    return {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[op]


def targets(name: str, figures: dict) -> dict[str, dict]:
    checks = {**TARGETS, **{f"{name}: {label}": check for label, check in SCALE_TARGETS.get(name, {}).items()}}
    return {
        label: {"figure": figures[key], "target": f"{op} {limit:g}", "holds": _holds(figures[key], op, limit)}
        for label, (key, op, limit) in checks.items()
    }


def _stage_table(rows: dict[str, dict], values: int | None = None, before: dict | None = None) -> list[str]:
    """A row per stage: wall and CPU seconds, peak memory, LG Inform values per second of wall time, and
    the wall seconds BEFORE (the baseline) where it has the stage."""
    head = (
        "| stage |"
        + (" before wall s |" if before is not None else "")
        + " wall s | CPU s | peak RSS MB | peak spill MB | values/s |"
    )
    lines = [head, "|" + " --- |" + " ---: |" * (head.count("|") - 2)]
    for label, f in rows.items():
        rate = f"{round(values / f['wall_s']):,}" if values and f["wall_s"] else ""
        was = (f" {before[label]['wall_s'] if label in before else ''} |") if before is not None else ""
        spill = f.get("peak_spill_mb", "")  # not measured before 2026-12-07
        lines.append(f"| {label} |{was} {f['wall_s']} | {f['cpu_s']} | {f['peak_rss_mb']} | {spill} | {rate} |")
    return lines


def _all_stages(figures: dict) -> dict[str, dict]:
    return {
        **figures["stages"],
        **{f"*reference: {ref.replace('_', ' ')}*": f for ref, f in figures["references"].items()},
        **{f"*incremental: {stage}*": f for stage, f in figures["incremental"]["stages"].items()},
    }


def _sampled(reference: dict) -> str:
    if "files_step" not in reference:
        return ""
    return (
        f" (timed on every {reference['files_step']}th file, {reference['measured_wall_s']} s, and scaled to"
        " every row: the whole would outlast every stage of ours)"
    )


def markdown(result: dict, baseline: dict | None = None) -> str:
    """The run as Markdown tables; with BASELINE ({"measured_at", scale: figures}), each stage's wall
    time before too."""
    machine = result["machine"]
    lines = [
        f"Measured {result['measured_at']} on {machine['cpus']} cores, {machine['memory_gib']} GiB,"
        f" {machine['platform']}, Python {machine['python']}.",
        "",
    ]
    for name, figures in result["scales"].items():
        if "failed" in figures:
            lines += [
                f"### {name}: FAILED",
                "",
                *_stage_table(figures["stages"]),
                "",
                "```",
                figures["failed"][-1500:],
                "```",
                "",
            ]
            continue
        scale = figures["scale"]
        before = baseline.get(name) if baseline is not None else None
        lines += [
            f"### {name}: {scale['metrics']:,} metrics, {scale['raw_values']:,} values loaded,"
            f" warehouse {scale['warehouse_mb']:,} MB",
            "",
            *_stage_table(
                _all_stages(figures),
                scale["raw_values"],
                None if baseline is None else _all_stages(before) if before else {},
            ),
        ]
        if before:
            lines += [
                "",
                f"Before ({baseline['measured_at']}): full refresh {before['refresh_wall_s']} s, one more"
                f" quarter {before['incremental']['wall_s']} s.",
            ]
        lines += [
            "",
            f"Full refresh {figures['refresh_wall_s']} s; one more quarter {figures['incremental']['wall_s']} s"
            f" ({figures['incremental_share']:.0%} of it). Load: {figures['load_rows_per_s']:,} values/s,"
            f" {figures['load_vs_duckdb_alone']}x DuckDB alone, {figures['pandas_sqlite_vs_load']}x faster"
            f" than pandas + SQLite{_sampled(figures['references']['pandas_sqlite'])}."
            f" Build: {figures['build_vs_models_alone']}x its models' SQL run bare"
            f" ({figures['references']['models_alone']['models_s']} s for"
            f" {figures['references']['models_alone']['models']} models); of dbt's node time, models"
            f" {figures['build_node_time']['models_share']:.0%}, tests {figures['build_node_time']['tests_share']:.0%};"
            f" the audit takes {figures['audit_vs_build']}x the build's time."
            f" Query {figures['query']['median_ms']} ms (first {figures['query']['first_ms']} ms).",
            "",
            "| target | figure | holds |",
            "| --- | ---: | --- |",
        ]
        lines += [
            f"| {label} | {t['figure']} ({t['target']}) | {'yes' if t['holds'] else '**no**'} |"
            for label, t in figures["targets"].items()
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, action="append", help="run only this scale (repeatable)")
    parser.add_argument("--lginform", action="store_true", help="add the lginform scale (about 100M values)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--summary",
        type=lambda text: Path(text) if text else None,
        default=SUMMARY,
        help="where the before/after tables go (default bench/RESULTS.md); '' for nowhere",
    )
    parser.add_argument("--scratch", type=Path, default=None, help="where the temporary homes go (default: TMPDIR)")
    options = parser.parse_args()
    names = options.scale or ["real", "large", *(["lginform"] if options.lginform else [])]

    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        },
        "scales": {},
    }
    options.out.mkdir(parents=True, exist_ok=True)
    stamp = result["measured_at"].replace(":", "")
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"sli-bench-{name}-", dir=options.scratch) as folder:
            figures = run_scale(name, SCALES[name], Path(folder), options.out)
        if "failed" not in figures:
            figures["targets"] = targets(name, figures)
        result["scales"][name] = figures
        # Written after every scale, so a long run keeps what it has measured so far.
        (options.out / f"{stamp}.json").write_text(json.dumps(result, indent=1))
        (options.out / f"{stamp}.md").write_text(markdown(result))
        if options.summary:
            options.summary.write_text(
                '# Benchmark results\n\nWritten by `python -m bench`; "before" is'
                " `bench/baseline.json`. See bench/README.md for what each figure means.\n\n"
                + markdown(result, json.loads(BASELINE.read_text()))
            )
    print(markdown(result))
    if any("failed" in figures for figures in result["scales"].values()):
        raise SystemExit("a scale failed: see its error above and in the results")


if __name__ == "__main__":
    main()
