"""Report: the quarterly sector overview as HTML pages, written from the published warehouse.

`SLI_HOME/reports/<quarter>/index.html` is the overview; `councils/<code>.html` a page per current
council; `plotly.min.js` is shipped beside them, so the pages open with no network. The overview
rows are also written as `sector_overview.csv`.
"""

from __future__ import annotations

import os
import shutil
import string
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

from core.errors import SliError
from core.settings import Paths
from expectations.suites import SUITES
from ingestion import basket
from ingestion.sources import declared
from reporting import charts, narrative, queries
from reporting.queries import OPE_MEASURES
from warehouse import access, gx
from warehouse.editions import basket_change

STATIC = Path(__file__).resolve().parent / "static"  # files every report carries as they are

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _shown(value, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "pct":
        return f"{value:.0f}%"
    if kind == "pp":
        return f"{value:+.1f} points"
    if kind == "gbp":
        return f"£{value / 1e6:,.0f}m"
    if kind == "gbp_exact":
        return f"£{value:,.0f}"
    return f"{value:,.0f}"


SOURCES = declared()
FED_BY = {figure: source for source in SOURCES.values() for figure in source.feeds}  # overview figure -> source


class _Provenance(string.Formatter):
    """A source's provenance template filled from the quarter's row; a missing date or count is left blank."""

    def format_field(self, value, format_spec: str) -> str:
        return "" if value is None else super().format_field(value, format_spec)


# What each quality suite checks, in the reader's words (the suites are named for the tables they check).
SUITE_NAMES = {suite.name: suite.title for suite in SUITES}


def _quality(paths: Paths) -> list[dict]:
    """The audit's latest result per suite, named and dated for readers."""
    return [
        {
            **suite,
            "suite": SUITE_NAMES.get(suite["suite"], "Other checks"),
            "run_at": queries.written(datetime.fromisoformat(suite["run_at"])),
        }
        for suite in gx.latest_summaries(paths)
    ]


def _why_missing(key: str, source: str, q: dict, without_data: list[str]) -> str:
    """Why a figure the overview shows has no value, in the reader's words."""
    if source in without_data:
        return f"no data loaded from {SOURCES[source].reader_name}"
    if q[f"{source}_last_loaded_at"] is None:
        return f"no data from {SOURCES[source].reader_name} for periods ended by {q['quarter_end']}"
    if key == "council_change_pp":
        return "no earlier round asked this question"
    if key.startswith("share_metrics_improving"):
        waiting = q["metrics_awaiting_later_period"] or 0
        return f"no basket metric has a period after its baseline yet ({waiting} waiting for one)"
    if key.startswith("ope_"):
        return f"no achieved programme figure for {OPE_MEASURES[key]} as of {q['ope_as_of_date']}"
    if key.startswith("pct_"):
        return f"round {q['poll_round_number']} did not report this question"
    return "not reported for this quarter"


def _day(day) -> str:
    """A date as people write it: `30 September 2026`."""
    return "" if day is None else f"{day:%-d %B %Y}"


def _facts(q: dict, without_data: list[str]) -> list[dict]:
    significant = {True: "significant at 95%", False: "not significant", None: "no previous round"}
    moe = q["council_margin_of_error_pp"]
    previous = (
        f"round {q['council_previous_round_number']}" if q["council_previous_round_number"] else "the previous round"
    )
    gap = (
        " (across a gap in the series: a round missed, or over six months apart)"
        if q["council_change_across_gap"]
        else ""
    )
    discontinued = f"; {q['metrics_discontinued']} discontinued metric(s) left out" if q["metrics_discontinued"] else ""
    facts = [
        (
            "pct_satisfied_council",
            "pct",
            "residents satisfied with the way their council runs things"
            + (f" (± {moe:.1f} points)" if moe is not None else ""),
        ),
        ("council_change_pp", "pp", f"change since {previous}: {significant[q['council_change_significant']]}" + gap),
        (
            "share_metrics_improving",
            "share",
            f"of {q['metrics_with_polarity']} basket metrics improving since the baseline"
            " (median method: the sector median of each metric)" + discontinued,
        ),
        (
            "share_metrics_improving_lga_method",
            "share",
            f"of {q['metrics_compared_lga_method']} basket metrics improving"
            " (LGA method: the mean over councils with values in both periods)" + discontinued,
        ),
        ("shared_services_savings_gbp", "gbp", "savings reported by shared-service partnerships"),
        ("shared_services_partnerships", "num", "shared-service partnerships"),
        ("councils_at_risk", "num", "councils flagged at risk"),
    ]
    facts += [
        (key, "gbp" if key.endswith("_gbp") else "num", f"One Public Estate: {label}")
        for key, label in OPE_MEASURES.items()
    ]
    return [
        {
            "key": key,
            "raw": "" if q[key] is None else q[key],
            "shown": _shown(q[key], kind),
            "label": label,
            "why": None if q[key] is not None else _why_missing(key, FED_BY[key].name, q, without_data),
            "source_name": FED_BY[key].name,
            "source": _Provenance().format(FED_BY[key].provenance, **q),
        }
        for key, kind, label in facts
    ]


def _edition(editions: list[dict], quarter_id: str, as_published: str) -> dict:
    """The edition first published (AS_PUBLISHED 'first') or the latest published on or before a date."""
    if not editions:
        raise SliError(f"{quarter_id} has not been published yet: no edition to show")
    if as_published == "first":
        return editions[0]
    try:
        day = date.fromisoformat(as_published)
    except ValueError:
        raise SliError(f"--as-published takes a date as YYYY-MM-DD, not {as_published!r}") from None
    earlier = [e for e in editions if e["published_on"] <= day]
    if not earlier:
        raise SliError(f"{quarter_id} was first published on {editions[0]['published_on']}: nothing by {day}")
    return earlier[-1]


def _changes(paths: Paths, first: dict, now: dict, without_data: list[str]) -> list[dict]:
    """Each key figure that differs now from the edition first published, with the loads since then of
    the source that feeds it."""
    from ingestion.ledger import Ledger

    since = first["published_epoch"]
    loaded_since: dict[str, list[str]] = {}  # source -> files loaded after the first publication, read once
    for record in Ledger.reader(paths.ledger).records() if paths.ledger.exists() else []:
        if record.status == "loaded" and record.finished_at:
            if datetime.fromisoformat(record.finished_at).timestamp() > since:
                loaded_since.setdefault(record.source, []).append(record.file_name)
    changes = []
    for old, new in zip(_facts(first, []), _facts(now, without_data), strict=True):
        if old["raw"] == new["raw"]:
            continue
        loads = loaded_since.get(new["source_name"], [])
        shown = ", ".join(loads[:3]) + (f" and {len(loads) - 3} more" if len(loads) > 3 else "")
        changes.append(
            {
                "label": new["label"],
                "first": old["shown"],
                "now": new["shown"],
                "loads": shown or "no load since: a change of method or of the baseline",
            }
        )
    return changes


def project_vars() -> dict:
    """The warehouse's settings that pages state in words (the dbt project's vars: baseline, tolerance, the
    at-risk rules), read from the project so a page says what the build used."""
    import yaml

    from core.settings import DBT_PROJECT_DIR

    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def _baseline(variables: dict) -> str:
    """The baseline period's financial year as people write it (`2010/11` for 2010-04-01)."""
    start = date.fromisoformat(str(variables["baseline_period_start"]))
    year = start.year - (start.month < 4)
    return f"{year}/{(year + 1) % 100:02d}"


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]), undefined=StrictUndefined
    )
    environment.filters["day"] = _day
    return environment


def render(
    paths: Paths,
    quarter: str | None = None,
    council: str | None = None,
    metric: str | None = None,
    out: Path | None = None,
    to_date: bool = False,
    as_published: str | None = None,
) -> Path:
    """Write the overview of QUARTER (default: the latest completed one; with TO_DATE, the current one so
    far) and the council pages into OUT (default: SLI_HOME/reports/<quarter>); return the overview page.
    With COUNCIL or METRIC, the overview is written beside the default one as
    `overview_<council>_<metric>.html`, which stays as it was.

    By default the key facts are by reference period, as the warehouse holds them now, with what changed
    since the quarter was first published. AS_PUBLISHED ('first' or a date, YYYY-MM-DD) shows them as that
    edition stated them, in SLI_HOME/reports/<quarter>_as_published_<date>."""

    with access.connect(paths) as connection, ThreadPoolExecutor(1) as beside:
        # The council pages' queries, the most of the report's, run in DuckDB (which releases the GIL) on a
        # cursor of their own while the rest is queried and written.
        per_council = beside.submit(queries.per_council, connection.cursor())
        overview_rows = queries.quarters(connection)
        if overview_rows.empty:
            raise SliError("mart_sector_overview is empty: nothing to report")
        known = list(overview_rows["quarter_id"])
        if quarter and quarter not in known:
            raise SliError(f"no quarter {quarter!r} in the warehouse; it holds {known[0]} to {known[-1]}")
        for kind, value in (("council", council), ("metric", metric)):
            if value is not None and not queries.exists(connection, kind, value):
                raise SliError(
                    f'no {kind} {value!r} in the warehouse (see `sli sql "select * from dim_{kind}"`);'
                    " nothing was written"
                )
        chosen = queries.quarter_row(connection, quarter or queries.default_quarter(connection, to_date))
        editions = queries.editions(connection, chosen["quarter_id"])
        without_data = queries.sources_without_data(connection)
        support_loaded = queries.support_loaded(connection)
        edition = _edition(editions, chosen["quarter_id"], as_published) if as_published else None
        data = queries.overview(connection, chosen, council, metric)
        per_metric = queries.per_metric(connection)
        outcomes = queries.outcomes(connection)
        tracked, published_at = queries.tracked_basket(connection)

        basis = {
            "edition": edition,
            "first_published": editions[0] if editions else None,
            "changes": _changes(paths, editions[0], chosen, without_data) if editions and not edition else [],
            "without_data": [SOURCES[source].reader_name for source in without_data],
            "support_loaded": support_loaded,
            # A quarter still running: its figures are those of the periods ended so far.
            "provisional_on": _day(date.today()) if chosen["quarter_end"] >= date.today() else None,
            "basket_change": basket_change(paths, tracked, before=published_at),
        }
        shown = edition or chosen
        facts = _facts(shown, [] if edition else without_data)
        default_folder = chosen["quarter_id"] + (f"_as_published_{edition['published_on']}" if edition else "")
        folder = out or paths.reports / default_folder
        staging = folder / ".partial"  # a report killed half-written leaves only this behind, never half a report
        try:
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            page = _write(
                paths,
                folder,
                staging,
                overview_rows,
                shown,
                facts,
                basis,
                data,
                per_council,
                per_metric,
                outcomes,
                council,
                metric,
            )
            return _put_in_place(staging, folder, page)
        except OSError as exc:
            raise SliError(f"cannot write the report in {folder} ({exc.strerror}): choose a folder with --out") from exc


POLARITY_WORDS = {
    "high_is_good": "higher is better",
    "low_is_good": "lower is better",
    "not_applicable": "neither higher nor lower is better",
}


def _write_council_pages(
    environment, into: Path, common: dict, chosen: dict, per_council: queries.CouncilPages, councils: list[dict]
) -> None:
    """A page per council of COUNCILS: its summary, its neighbours, any metric over time, every basket metric."""
    from markupsafe import Markup

    template = environment.get_template("council.html.j2")
    for row in councils:
        code = row["council_code"]
        rows = per_council.rows.get(code) or []
        summary = per_council.summaries.get(code)
        (into / "councils" / f"{code}.html").write_text(
            template.render(
                **common,
                root="../",
                council=row,
                quarter_id=chosen["quarter_id"],
                rows=rows,
                summary=narrative.council_summary(summary) if summary else [],
                trend_metric=_first_to_show(rows),
                # Inside a script: `<` escaped so no value can end it.
                series=Markup(per_council.series.get(code, "{}").replace("<", "\\u003c")),
                neighbours=per_council.neighbours.get(code),  # None: no list names it
                support=per_council.support.get(code, []),
                loaded_at=chosen["lginform_last_loaded_at"],
            ),
            encoding="utf-8",
        )


def _write_metric_pages(environment, into: Path, common: dict, quarter_id: str, pages: queries.MetricPages) -> None:
    """A page per basket metric: its summary, its spread over time, every council's latest value."""
    import pandas as pd
    from markupsafe import Markup

    template = environment.get_template("metric.html.j2")
    for metric_id, summary in pages.summaries.items():
        councils = pages.councils.get(metric_id, [])
        latest = pd.DataFrame.from_records(
            [
                {**row, "quartile": row["england_quartile"], "median_value": summary["median"]}
                for row in councils
                if row["period_label"] == summary["latest_period"]
            ],
            columns=["council_code", "council_name", "value", "quartile", "median_value", "period_label"],
        ).sort_values("value")
        latest = latest.assign(
            comparator_group_value="England",
            metric_label=summary["metric_label"],
            unit=summary["unit"],
            precision=summary["precision"],
        )
        (into / "metrics" / f"{summary['metric_slug']}.html").write_text(
            template.render(
                **common,
                root="../",
                m=summary,
                quarter_id=quarter_id,
                polarity_words=POLARITY_WORDS.get(summary["polarity"], ""),
                summary=narrative.metric_summary(summary),
                councils=councils,
                distribution=Markup(charts.fragment(charts.distribution(latest, None), "chart-distribution")),
            ),
            encoding="utf-8",
        )


def _figures(frame, index: str, columns: str, values: str, shown=str) -> dict:
    """A chart's figures as a table, its text alternative: one row per INDEX, one column per COLUMNS, each
    cell VALUES as SHOWN (blank where there is none)."""
    table = frame.pivot_table(index=index, columns=columns, values=values, aggfunc="sum", sort=False)
    return {
        "header": [index.replace("_", " "), *[str(c).replace("_", " ") for c in table.columns]],
        "rows": [
            [str(key), *("" if value != value else shown(value) for value in row)]  # NaN is not equal to itself
            for key, row in zip(table.index, table.to_numpy().tolist())
        ],
    }


def _first_to_show(rows: list[dict]) -> str | None:
    """The metric whose trend a council page opens on: the first it is in the bottom quartile on, else its
    first with a polarity, else its first."""
    ranked = [row for row in rows if row["polarity"] != "not_applicable"]
    worst = [row for row in ranked if row["quartile"] == 4]
    return (worst or ranked or rows or [{"metric_id": None}])[0]["metric_id"]


def _put_in_place(staging: Path, folder: Path, page: str) -> Path:
    """Move the pages written in STAGING into FOLDER, the overview page PAGE last: a report is current (its
    page newer than the warehouse) only once all of it is in place. Other files in FOLDER stay."""
    for entry in sorted(staging.iterdir(), key=lambda path: path.name == page):
        target = folder / entry.name
        if entry.is_dir() and target.exists():
            old = folder / f".old-{entry.name}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(entry, target)
            shutil.rmtree(old)
        else:
            os.replace(entry, target)
    staging.rmdir()
    return folder / page


def _write(
    paths: Paths,
    folder: Path,
    into: Path,
    overview_rows,
    chosen: dict,
    facts: list[dict],
    basis: dict,
    data,
    per_council: Future[queries.CouncilPages],
    per_metric: queries.MetricPages,
    outcomes: queries.Outcomes,
    council: str | None,
    metric: str | None,
) -> str:
    """Write the report meant for FOLDER into INTO; return the overview page's name."""
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    (into / "councils").mkdir(parents=True, exist_ok=True)
    (into / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    overview_rows.to_csv(into / "sector_overview.csv", index=False)
    common = {
        "synthetic": (paths.inbox / "SYNTHETIC_SAMPLE.txt").exists(),
        # Relative to SLI_HOME: a published page names no folder of the machine that wrote it.
        "warehouse": paths.published.relative_to(paths.home),
        "built_at": queries.written(datetime.now(UTC)),
        "basket": basket.describe(readers=True),
        # The basket metrics with a page of their own, by service area.
        "metric_pages": sorted(per_metric.summaries.values(), key=lambda m: (m["service_area"], m["metric_label"])),
    }
    environment = _environment()
    variables = project_vars()
    (into / "glossary.html").write_text(
        environment.get_template("glossary.html.j2").render(
            **common,
            root="",
            quarter_id=chosen["quarter_id"],
            baseline=_baseline(variables),
            tolerance=f"{float(variables['direction_tolerance']):.0%}",
            min_metrics=variables["at_risk_min_metrics"],
            bottom_share=f"{float(variables['at_risk_bottom_quartile_share']):.0%}",
            worsening_share=f"{float(variables['at_risk_worsening_share']):.0%}",
        ),
        encoding="utf-8",
    )
    page = environment.get_template("overview.html.j2").render(
        **common,
        root="",
        q=chosen,
        facts=facts,
        summary=narrative.overview_summary(chosen),
        basis=basis,
        baseline=_baseline(variables),
        chosen=data.distribution_title,
        charts={
            name: Markup(charts.fragment(figure, f"chart-{name}"))
            for name, figure in {
                "trend": charts.satisfaction_trend(data.trend),
                "direction": charts.direction_bars(
                    data.direction, "service_area", "Basket metrics by direction of travel since the baseline"
                ),
                "distribution": charts.distribution(data.distribution, data.distribution_title["council"]),
                "savings": charts.savings_by_region(data.savings),
            }.items()
        },
        # Each chart's figures as a table, for readers who cannot see the chart (and for print).
        figures={
            "trend": _figures(data.trend, "round_number", "indicator_label", "pct_satisfied", lambda v: f"{v:.0f}%"),
            "direction": _figures(data.direction, "service_area", "direction", "metrics", lambda v: f"{v:.0f}"),
            "savings": _figures(
                data.savings, "region_name", "service_category", "savings_gbp", lambda v: _shown(v, "gbp_exact")
            ),
        },
        distribution=data.distribution.to_dict("records"),
        at_risk=data.at_risk.to_dict("records"),
        map_edition=data.savings[["edition_date", "is_dated_by_publication"]].iloc[0].to_dict()
        if len(data.savings)
        else None,
        awards=[{**award, "awarded": _shown(award["awarded_gbp"], "gbp_exact")} for award in data.awards],
        councils=data.councils.to_dict("records"),
        quality=_quality(paths),
        # Relative, so the link works wherever SLI_HOME is opened from (and is absent where there are no docs).
        data_docs=os.path.relpath(paths.data_docs, folder) if paths.data_docs.exists() else None,
    )
    overview = (
        "index.html"
        if council is None and metric is None
        else f"overview_{council or 'default'}_{metric or 'default'}.html"
    )
    (into / overview).write_text(page, encoding="utf-8")
    outcome_chart = charts.direction_bars(
        outcomes.direction, "outcome_label", "Tagged basket metrics by direction of travel"
    )
    (into / "outcomes.html").write_text(
        environment.get_template("outcomes.html.j2").render(
            **common,
            root="",
            quarter_id=chosen["quarter_id"],
            baseline=_baseline(variables),
            chart=Markup(charts.fragment(outcome_chart, "chart-outcomes")),
            summary=outcomes.summary,
            metrics=outcomes.metrics,
            with_page=set(per_metric.summaries),
        ),
        encoding="utf-8",
    )

    shutil.copyfile(STATIC / "trend.js", into / "trend.js")
    (into / "metrics").mkdir(exist_ok=True)
    _write_metric_pages(environment, into, common, chosen["quarter_id"], per_metric)
    councils = per_council.result()  # queried meanwhile, beside the pages above
    (into / "series.js").write_text(charts.series_script(councils.metric_series), encoding="utf-8")
    _write_council_pages(environment, into, common, chosen, councils, data.councils.to_dict("records"))
    return overview
