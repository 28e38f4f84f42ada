"""Fetch council metrics from LG Inform: incremental, resumable after a quota stop, every response landed.

A run lists the metrics changed since the last complete run (``dataChangedSince``), keeps those in
the basket, then for each one lands and loads its metadata (``/metricTypes/{id}``) and its values
(``/data`` or ``/data.csv``). The ids still to fetch are saved after every metric, so a run stopped
by the usage limit (or killed) is resumed by the next run instead of starting again.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from ingestion.council_register import SEED_PATH
from ingestion.landing import land_bytes
from ingestion.ledger import ApiRun, Ledger
from ingestion.lginform_api import Client, NotAuthorized, QuotaExceeded
from ingestion.loader import LoadResult, load_bytes
from ingestion.settings import Paths

SOURCE = "lginform"
BASKET_PATH = SEED_PATH.with_name("metric_basket.csv")
DEFAULT_AREA = "AllLaInCountry_England"
DEFAULT_PERIOD = "latest:20"

log = logging.getLogger("sli.lginform")


@dataclass
class FetchResult:
    run: ApiRun
    resumed: bool
    loads: list[LoadResult] = field(default_factory=list)


def basket_ids() -> list[str]:
    with BASKET_PATH.open(encoding="utf-8") as handle:
        return [row["metric_id"] for row in csv.DictReader(handle)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _plan(client: Client, ledger: Ledger, paths: Paths, wanted: set[str] | None) -> ApiRun:
    """A new run: the metrics changed since the start of the last complete run (all, the first time)."""
    started = _now()
    previous = ledger.last_complete_api_run(SOURCE)
    changed_since = previous.started_at[:10] if previous else None
    listed: list[str] = []
    for page_number, (response, items) in enumerate(client.metric_type_pages(changed_since), start=1):
        # Kept as received; not loaded: each metric's own /metricTypes/{id} response is.
        land_bytes(response.body, f"metricTypes_page{page_number}.json", paths.landing / SOURCE)
        listed += [str(item.get("identifier")) for item in items if item.get("identifier") is not None]
    pending = [metric for metric in dict.fromkeys(listed) if wanted is None or metric in wanted]
    return ApiRun(f"{SOURCE}-{started}", SOURCE, "running", changed_since, pending, len(pending), started)


def fetch(paths: Paths, client: Client, metrics: list[str] | None = None, area: str = DEFAULT_AREA,
          period: str = DEFAULT_PERIOD, csv_format: bool = False,
          on_file: Callable[[LoadResult], None] | None = None) -> FetchResult:
    """Fetch what changed (or what a stopped run left); stop cleanly at the usage limit."""
    ledger = Ledger(paths.ledger)
    last = ledger.last_api_run(SOURCE)
    resumed = last is not None and last.status in ("running", "stopped") and bool(last.pending)
    run = last if resumed else _plan(client, ledger, paths, set(metrics) if metrics is not None else None)
    run.status, run.message = "running", None
    ledger.save_api_run(run)
    result = FetchResult(run, resumed)
    data_path, suffix = ("/data.csv", "csv") if csv_format else ("/data", "json")
    try:
        while run.pending:
            metric = run.pending[0]
            meta = client.get(f"/metricTypes/{metric}", {})
            data = client.get(data_path, {"metricType": metric, "area": area, "period": period,
                                          "value.valueType": "raw", "rowGrouping": "area",
                                          **({"columnGrouping": "period"} if csv_format else {})})
            for name, body in ((f"metricType-{metric}.json", meta.body), (f"data_metricType-{metric}.{suffix}", data.body)):
                loaded = load_bytes(SOURCE, name, body, paths, ledger)
                result.loads.append(loaded)
                if on_file:
                    on_file(loaded)
            run.pending = run.pending[1:]
            ledger.save_api_run(run)
    except QuotaExceeded as exc:
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
    finally:
        run.finished_at = _now()
        ledger.save_api_run(run)
    return result
