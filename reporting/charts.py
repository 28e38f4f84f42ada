"""The overview's charts as plain Plotly specs (data and layout as JSON), drawn in the page by the
plotly.js shipped beside it.

Plain dicts, not plotly figure objects: building and validating ~320 figure objects took most of a
report's time, while plotly.js reads the same specs as they are.
"""

from __future__ import annotations

import json

import pandas as pd

# Colours people with colour-blindness tell apart: Okabe and Ito's palette for the directions, and
# ColorBrewer's RdBu (a diverging scheme marked colour-blind safe) for quartiles, dark blue the best.
DIRECTIONS = [
    ("improving", "#0072B2"),
    ("no_change", "#999999"),
    ("worsening", "#D55E00"),
    ("increasing", "#CC79A7"),
    ("decreasing", "#009E73"),
]
QUARTILE_COLOURS = {1: "#0571b0", 2: "#92c5de", 3: "#f4a582", 4: "#ca0020"}
HIGHLIGHT = "#1f2328"  # the council a distribution picks out: black, no quartile's colour
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "automargin": True}
# The look of Plotly's `plotly_white` template, written out: a template name only means something in Python.
LAYOUT = {
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "xaxis": _AXIS,
    "yaxis": _AXIS,
    "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
    "height": 420,
    "font": {"family": "Arial, sans-serif", "size": 13, "color": "#2a3f5f"},
}
CONFIG = {"displaylogo": False, "responsive": True}


def _values(series: pd.Series) -> list:
    """A column as JSON-ready values: missing ones as null, dates as ISO text."""
    if pd.api.types.is_datetime64_any_dtype(series):
        series = series.dt.strftime("%Y-%m-%d")
    return series.astype(object).where(series.notna(), None).tolist()


def _layout(title: str, **changes) -> dict:
    """The shared layout with TITLE; axis settings are merged into the shared axis style. The title sits at
    the figure's left edge, clear of the toolbar Plotly shows on the right when the pointer is over it."""
    layout = {**LAYOUT, "title": {"text": title, "x": 0.01, "xanchor": "left", "xref": "container"}}
    for key, value in changes.items():
        layout[key] = {**_AXIS, **value} if key in ("xaxis", "yaxis") else value
    return layout


def fragment(spec: dict, div_id: str) -> str:
    """A div and the script that draws SPEC in it; `<` is escaped so no value can end the script."""
    payload = json.dumps([spec["data"], spec["layout"], CONFIG], default=str).replace("<", "\\u003c")
    return (
        f'<div id="{div_id}" class="plotly-graph-div"></div>\n<script>'
        f'Plotly.newPlot("{div_id}", ...{payload});</script>'
    )


def satisfaction_trend(trend: pd.DataFrame) -> dict:
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "x": _values(rows["fieldwork_end"]),
            "y": _values(rows["pct_satisfied"]),
            "error_y": {"type": "data", "array": _values(rows["margin_of_error_pp"]), "thickness": 1, "width": 2},
            "customdata": list(zip(_values(rows["round_number"]), _values(rows["margin_of_error_pp"]))),
            "hovertemplate": "round %{customdata[0]}: %{y:.0f}% ± %{customdata[1]:.1f}<extra>%{fullData.name}</extra>",
        }
        for label, rows in trend.groupby("indicator_label", sort=True)
    ]
    return {
        "data": data,
        "layout": _layout(
            "Key indicators by poll round, with 95% intervals",
            height=520,
            yaxis={"title": {"text": "% of residents"}, "range": [0, 100]},
            legend={"orientation": "h", "y": -0.2},
        ),
    }


def direction_bars(direction: pd.DataFrame, category: str, title: str) -> dict:
    """Basket metrics per CATEGORY (a column of DIRECTION: service area, outcome) and direction, stacked."""
    data = []
    for name, colour in DIRECTIONS:
        rows = direction[direction["direction"] == name]
        if len(rows):
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name.replace("_", " "),
                    "marker": {"color": colour},
                    "y": _values(rows[category]),
                    "x": _values(rows["metrics"]),
                }
            )
    return {
        "data": data,
        "layout": _layout(
            title, barmode="stack", xaxis={"title": {"text": "metrics"}}, yaxis={"autorange": "reversed"}
        ),
    }


def distribution(rows: pd.DataFrame, council: str) -> dict:
    """One metric's values across a comparator group, lowest to highest, coloured by quartile; the hover
    shows each value to the metric's published precision."""
    precision = int(rows["precision"].iloc[0]) if len(rows) else 1
    unit = rows["unit"].iloc[0] if len(rows) and rows["unit"].iloc[0] else "value"
    highlighted = rows["council_code"] == council
    colours = rows["quartile"].map(QUARTILE_COLOURS).fillna("#999999").where(~highlighted, HIGHLIGHT)
    data = [
        {
            "type": "bar",
            "x": _values(rows["council_name"]),
            "y": _values(rows["value"]),
            "marker": {"color": _values(colours)},
            "customdata": [[q] for q in _values(rows["quartile"])],
            "hovertemplate": f"%{{x}}: %{{y:,.{precision}f}} (quartile %{{customdata[0]}})<extra></extra>",
        }
    ]
    extra = {}
    if len(rows):
        median = float(rows["median_value"].iloc[0])
        extra = {
            "shapes": [
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": median,
                    "y1": median,
                    "line": {"dash": "dash", "color": "#2a3f5f", "width": 1},
                }
            ],
            "annotations": [
                {
                    "xref": "paper",
                    "x": 1,
                    "y": median,
                    "text": "median",
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "bottom",
                }
            ],
        }
        first = rows.iloc[0]
        # Two short lines, clear of the chart's toolbar.
        label = first["metric_label"] if len(first["metric_label"]) <= 70 else first["metric_label"][:67] + "..."
        title = f"{label}<br><sup>{first['period_label']}: {first['comparator_group_value']} councils</sup>"
    else:
        title = "No values for this metric"
    return {
        "data": data,
        "layout": _layout(
            title,
            showlegend=False,
            margin={**LAYOUT["margin"], "t": 70},
            yaxis={"title": {"text": unit}},
            xaxis={"showticklabels": False, "title": {"text": "councils, lowest to highest"}},
            **extra,
        ),
    }


# Okabe and Ito's colour-blind-safe qualitative palette: eight colours, so at most seven categories and Other.
SAFE_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def savings_by_region(savings: pd.DataFrame) -> dict:
    """Savings stacked by service category; the categories beyond the seven largest are one "Other" bar,
    so that every colour stays distinct (and readable by people with colour-blindness)."""
    totals = savings.groupby("service_category")["savings_gbp"].sum().sort_values(ascending=False)
    kept = list(totals.index[: len(SAFE_PALETTE) - 1])
    others = len(totals) - len(kept)
    shown = savings.assign(
        service_category=savings["service_category"].where(
            savings["service_category"].isin(kept), f"Other ({others} categories)"
        )
    )
    grouped = shown.groupby(["service_category", "region_name"], sort=False)["savings_gbp"].sum().reset_index()
    order = kept + ([f"Other ({others} categories)"] if others else [])
    data = [
        {
            "type": "bar",
            "name": category,
            "x": _values(grouped.loc[grouped["service_category"] == category, "region_name"]),
            "y": _values(grouped.loc[grouped["service_category"] == category, "savings_gbp"].fillna(0) / 1e6),
            "marker": {"color": colour},
        }
        for category, colour in zip(order, SAFE_PALETTE)
    ]
    return {
        "data": data,
        "layout": _layout(
            "Reported savings by region and service category (£m)",
            height=520,
            barmode="stack",
            yaxis={"title": {"text": "£m, cumulative to the edition"}},
            legend={"font": {"size": 10}},
        ),
    }


def series_script(metrics_json: str) -> str:
    """`series.js`: every basket metric's series (`queries.series`) with the shared layout, read by the pages'
    own charts (`trend.js`); `<` is escaped so no value can end a script."""
    settings = json.dumps({"layout": LAYOUT, "config": CONFIG})
    return f"const SLI_SERIES = {{...{settings}, metrics: {metrics_json}}};\n".replace("<", "\\u003c")
