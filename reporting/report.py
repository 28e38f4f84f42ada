"""Report: the quarterly sector overview as HTML pages, written from the published warehouse.

`SLI_HOME/reports/<quarter>/index.html` is the overview; `councils/<code>.html` a page per current
council; `plotly.min.js` is shipped beside them, so the pages open with no network. The overview
rows are also written as `sector_overview.csv`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from core.errors import SliError
from core.settings import Paths
from reporting import charts, queries
from reporting.queries import OPE_MEASURES
from warehouse import access, gx

TEMPLATES = Path(__file__).resolve().parent / "templates"
BASELINE = "2010/11"  # the label of the dbt var baseline_period_start's financial year


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
    return f"{value:,.0f}"


def _facts(q: dict) -> list[dict]:
    significant = {True: "significant at 95%", False: "not significant", None: "no previous round"}
    polls = (
        f"LGA resident satisfaction polling, round {q['poll_round_number']}, fieldwork ended"
        f" {q['poll_fieldwork_end']}; loaded {q['polls_last_loaded_at']}"
    )
    lginform = (
        f"LG Inform basket metrics, latest period ending {q['lginform_latest_period_end']};"
        f" loaded {q['lginform_last_loaded_at']}"
    )
    shared = (
        f"Shared Services Map, {q['shared_services_edition']} edition; loaded {q['shared_services_last_loaded_at']}"
    )
    ope = f"One Public Estate, achieved outputs as of {q['ope_as_of_date']}; loaded {q['ope_last_loaded_at']}"
    moe = q["council_margin_of_error_pp"]
    discontinued = f"; {q['metrics_discontinued']} discontinued metric(s) left out" if q["metrics_discontinued"] else ""
    facts = [
        (
            "pct_satisfied_council",
            "pct",
            "residents satisfied with the way their council runs things"
            + (f" (± {moe:.1f} points)" if moe is not None else ""),
            polls,
        ),
        (
            "council_change_pp",
            "pp",
            f"change since the previous round: {significant[q['council_change_significant']]}",
            polls,
        ),
        (
            "share_metrics_improving",
            "share",
            f"of {q['metrics_with_polarity']} basket metrics improving since the baseline"
            " (median method: the sector median of each metric)" + discontinued,
            lginform,
        ),
        (
            "share_metrics_improving_lga_method",
            "share",
            f"of {q['metrics_compared_lga_method']} basket metrics improving"
            " (LGA method: the mean over councils with values in both periods)" + discontinued,
            lginform,
        ),
        ("shared_services_savings_gbp", "gbp", "savings reported by shared-service partnerships", shared),
        ("shared_services_partnerships", "num", "shared-service partnerships", shared),
        ("councils_at_risk", "num", "councils flagged at risk", lginform),
    ]
    facts += [
        (key, "gbp" if key.endswith("_gbp") else "num", f"One Public Estate: {label}", ope)
        for key, label in OPE_MEASURES.items()
    ]
    return [
        {
            "key": key,
            "raw": "" if q[key] is None else q[key],
            "shown": _shown(q[key], kind),
            "label": label,
            "source": source,
        }
        for key, kind, label, source in facts
    ]


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]), undefined=StrictUndefined
    )


def render(
    paths: Paths,
    quarter: str | None = None,
    council: str | None = None,
    metric: str | None = None,
    out: Path | None = None,
    to_date: bool = False,
) -> Path:
    """Write the overview of QUARTER (default: the latest completed one; with TO_DATE, the current one so
    far) and the council pages into OUT (default: SLI_HOME/reports/<quarter>); return the overview page.
    With COUNCIL or METRIC, the overview is written beside the default one as
    `overview_<council>_<metric>.html`, which stays as it was."""

    with access.connect(paths) as connection:
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
        completed = list(overview_rows.loc[overview_rows["quarter_end"] < date.today(), "quarter_id"])
        # An unfinished quarter would be reported as if complete: it is shown only when asked for.
        default = known[-1] if to_date or not completed else completed[-1]
        chosen = queries.quarter_row(connection, quarter or default)
        data = queries.overview(connection, chosen, council, metric)
        per_council = queries.per_council(connection)
        outcomes = queries.outcomes(connection)

    folder = out or paths.reports / chosen["quarter_id"]
    try:
        return _write(paths, folder, overview_rows, chosen, data, per_council, outcomes, council, metric)
    except OSError as exc:
        raise SliError(f"cannot write the report in {folder} ({exc.strerror}): choose a folder with --out") from exc


def _write(
    paths: Paths,
    folder: Path,
    overview_rows,
    chosen: dict,
    data,
    per_council: queries.CouncilPages,
    outcomes: queries.Outcomes,
    council: str | None,
    metric: str | None,
) -> Path:
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    (folder / "councils").mkdir(parents=True, exist_ok=True)
    (folder / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    overview_rows.to_csv(folder / "sector_overview.csv", index=False)
    common = {
        "synthetic": (paths.inbox / "SYNTHETIC_SAMPLE.txt").exists(),
        # Relative to SLI_HOME: a published page names no folder of the machine that wrote it.
        "warehouse": paths.published.relative_to(paths.home),
        "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    environment = _environment()
    page = environment.get_template("overview.html.j2").render(
        **common,
        root="",
        q=chosen,
        facts=_facts(chosen),
        baseline=BASELINE,
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
        at_risk=data.at_risk.to_dict("records"),
        councils=data.councils.to_dict("records"),
        quality=gx.latest_summaries(paths),
        # Relative, so the link works wherever SLI_HOME is opened from (and is absent where there are no docs).
        data_docs=os.path.relpath(paths.data_docs, folder) if paths.data_docs.exists() else None,
    )
    overview = folder / (
        "index.html"
        if council is None and metric is None
        else f"overview_{council or 'default'}_{metric or 'default'}.html"
    )
    overview.write_text(page, encoding="utf-8")
    outcome_chart = charts.direction_bars(
        outcomes.direction, "outcome_label", "Tagged basket metrics by direction of travel"
    )
    (folder / "outcomes.html").write_text(
        environment.get_template("outcomes.html.j2").render(
            **common,
            root="",
            quarter_id=chosen["quarter_id"],
            baseline=BASELINE,
            chart=Markup(charts.fragment(outcome_chart, "chart-outcomes")),
            summary=outcomes.summary,
            metrics=outcomes.metrics,
        ),
        encoding="utf-8",
    )

    template = environment.get_template("council.html.j2")
    for row in data.councils.to_dict("records"):
        rows = per_council.rows.get(row["council_code"])
        trend = per_council.trends.get(row["council_code"])
        trend_chart = Markup(charts.fragment(charts.council_trend(trend), "chart-trend")) if trend else None
        chart = (
            Markup(charts.fragment(charts.council_position(rows), "chart-position"))
            if rows
            else Markup("<p>No benchmarked metrics.</p>")
        )
        (folder / "councils" / f"{row['council_code']}.html").write_text(
            template.render(
                **common,
                root="../",
                council=row,
                quarter_id=chosen["quarter_id"],
                chart=chart,
                trend_chart=trend_chart,
                rows=rows or [],
                neighbours=per_council.neighbours.get(row["council_code"], []),
                loaded_at=chosen["lginform_last_loaded_at"],
            ),
            encoding="utf-8",
        )
    return overview
