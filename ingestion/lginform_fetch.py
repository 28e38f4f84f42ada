"""Fetch council metrics from LG Inform: incremental, resumable after a quota stop, every response landed.

A run lists the metrics changed since the last complete run (``dataChangedSince``), keeps those in
the basket, then for each one lands and loads its metadata (``/metricTypes/{id}``) and its values
(``/data`` or ``/data.csv``). The ids still to fetch are saved after every metric, so a run stopped
by the usage limit (or killed) is resumed by the next run instead of starting again.

A run that fetched nothing it expected fails: a first listing with none of the basket in it, or a
metric whose values came back empty. It is recorded as failed, so the next run asks again from the
last complete one, and the refresh publishes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.errors import SliError
from core.settings import Paths
from ingestion.landing import land_bytes
from ingestion.ledger import ApiRun, Ledger
from ingestion.lginform_api import Client, DeadlineReached, NotAuthorized, QuotaExceeded
from ingestion.loader import LoadResult, load_bytes

SOURCE = "lginform"
DEFAULT_AREA = "AllLaInCountry_England"
DEFAULT_PERIOD = "latest:20"

# Rows by area, one column per metric and period: each council's label once, and every period with its
# identifier, label and dates. The parser reads the dimensions from wherever a response puts them.
JSON_GROUPING = {"rowGrouping": "area", "columnGrouping": ["metricType", "period"]}
# /data.csv has one metric per file (named in the file name), a row per area and a column per period.
CSV_GROUPING = {"rowGrouping": "area", "columnGrouping": "period"}

log = logging.getLogger("sli.lginform")


class IncompleteFetch(SliError):
    """The API answered, but not with what the basket expects: nothing from this run may be published."""


@dataclass
class FetchResult:
    run: ApiRun
    resumed: bool
    loads: list[LoadResult] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _plan(client: Client, ledger: Ledger, paths: Paths, wanted: list[str] | None) -> ApiRun:
    """A new run: the metrics changed since the start of the last complete run (all, the first time)."""
    started = _now()
    previous = ledger.last_complete_api_run(SOURCE)
    changed_since = previous.started_at[:10] if previous else None
    listed: list[str] = []
    for page_number, (response, items) in enumerate(client.metric_type_pages(changed_since), start=1):
        # Kept as received; not loaded: each metric's own /metricTypes/{id} response is.
        land_bytes(response.body, f"metricTypes_page{page_number}.json", paths.landing / SOURCE)
        listed += [str(item.get("identifier")) for item in items if isinstance(item, dict) and item.get("identifier")]
    pending = [metric for metric in dict.fromkeys(listed) if wanted is None or metric in wanted]
    if wanted and changed_since is None and not pending:
        # The first listing is the whole catalogue: a basket absent from it is the wrong basket or a broken answer.
        raise IncompleteFetch(
            f"LG Inform listed {len(listed)} metric(s) and none of the {len(wanted)} asked for"
            f" ({', '.join(wanted[:5])}{', ...' if len(wanted) > 5 else ''}): check the basket"
            " (SLI_BASKET) and the API address; nothing was fetched"
        )
    run = ApiRun(f"{SOURCE}-{started}", SOURCE, "running", changed_since, pending, len(pending), started)
    if wanted and changed_since is None:
        absent = [metric for metric in wanted if metric not in pending]
        if absent:
            run.message = f"not listed by LG Inform: {', '.join(absent)}"
    return run


def resume_note(paths: Paths, asked: list[str]) -> str | None:
    """What a run asked for particular METRICS does while an earlier run is unfinished: it resumes that one."""
    last = Ledger(paths.ledger).last_api_run(SOURCE) if paths.ledger.exists() else None
    if not (last and last.status in ("running", "stopped") and last.pending):
        return None
    left = f"the run of {last.started_at[:16].replace('T', ' ')} stopped with {len(last.pending)} metric(s) left"
    later = [metric for metric in asked if metric not in last.pending]
    if not later:
        return f"{left}, among them those asked for: this run resumes it"
    return (
        f"{left}: this run resumes it; {', '.join(later[:10])}{', ...' if len(later) > 10 else ''}"
        " (asked for, not in it) will be fetched by a run after it completes"
    )


def _held_elsewhere(ledger: Ledger, loaded: LoadResult, body: bytes, name: str) -> str | None:
    """Why an answer skipped as `already loaded` is not this metric's: its bytes were loaded under another
    metric's name, so it is that metric's table (a server that answered the wrong question)."""
    if loaded.status != "skipped":
        return None
    names = ledger.file_names(SOURCE, hashlib.sha256(body).hexdigest())
    if not names or name in names:
        return None
    return f"its answer is byte for byte the one loaded as {sorted(names)[0]}: another metric's table"


def fetch(
    paths: Paths,
    client: Client,
    metrics: list[str] | None = None,
    area: str = DEFAULT_AREA,
    period: str = DEFAULT_PERIOD,
    csv_format: bool = False,
    on_file: Callable[[LoadResult], None] | None = None,
) -> FetchResult:
    """Fetch what changed (or what a stopped run left); stop cleanly at the usage limit; raise
    IncompleteFetch when a metric came back without values (after fetching the rest)."""
    ledger = Ledger(paths.ledger)
    last = ledger.last_api_run(SOURCE)
    resumed = last is not None and last.status in ("running", "stopped") and bool(last.pending)
    try:
        run = last if resumed else _plan(client, ledger, paths, metrics)
    except (QuotaExceeded, DeadlineReached) as exc:  # stopped while listing: the next run lists again
        run = ApiRun(f"{SOURCE}-{_now()}", SOURCE, "stopped", None, [], 0, _now(), _now(), f"{exc}; nothing fetched")
        ledger.save_api_run(run)
        log.warning(run.message)
        return FetchResult(run, False)
    not_listed = run.message if not resumed else None
    run.status, run.message = "running", None
    ledger.save_api_run(run)
    result = FetchResult(run, resumed)
    data_path, suffix, grouping = ("/data.csv", "csv", CSV_GROUPING) if csv_format else ("/data", "json", JSON_GROUPING)
    empty: list[str] = []  # metrics without values, each with the reason when its answer was rejected
    try:
        while run.pending:
            metric = run.pending[0]
            meta = client.get(f"/metricTypes/{metric}", {})
            data = client.get(
                data_path, {"metricType": metric, "area": area, "period": period, "value.valueType": "raw", **grouping}
            )
            for name, body in (
                (f"metricType-{metric}.json", meta.body),
                (f"data_metricType-{metric}.{suffix}", data.body),
            ):
                loaded = load_bytes(SOURCE, name, body, paths, ledger)
                elsewhere = _held_elsewhere(ledger, loaded, body, name)
                if elsewhere:
                    loaded = LoadResult(SOURCE, name, "rejected", message=f"file {name}: {elsewhere}")
                result.loads.append(loaded)
                if on_file:
                    on_file(loaded)
            if loaded.status == "rejected":
                empty.append(f"{metric} ({loaded.message})")
            elif loaded.status == "loaded" and loaded.rows_accepted == 0:
                empty.append(metric)
            run.pending = run.pending[1:]
            ledger.save_api_run(run)
    except (QuotaExceeded, DeadlineReached) as exc:
        run.status, run.message = "stopped", f"{exc}; {len(run.pending)} of {run.total} metric(s) left for the next run"
        log.warning(run.message)
    except NotAuthorized as exc:
        run.status, run.message = "failed", str(exc)
        raise
    except Exception as exc:
        run.status, run.message = "stopped", f"interrupted: {exc}"  # resumed by the next run
        raise
    else:
        run.status = "complete"
        if empty:
            run.status = "failed"
            run.message = (
                f"no values from LG Inform for {len(empty)} metric(s): {', '.join(empty)}"
                f" (area {area}, period {period}); the run is not complete"
            )
    finally:
        run.finished_at = _now()
        run.message = "; ".join(m for m in (run.message, not_listed) if m) or None
        ledger.save_api_run(run)
    if run.status == "failed":
        raise IncompleteFetch(run.message)
    return result
