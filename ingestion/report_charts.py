"""The overview's charts, as Plotly figures rendered to HTML fragments (plotly.js is shipped beside the page)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

DIRECTIONS = [("improving", "#1a7f37"), ("no_change", "#8c959f"), ("worsening", "#cf222e"),
              ("increasing", "#0969da"), ("decreasing", "#bf8700")]
LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 40, "b": 60}, "height": 420,
          "font": {"family": "Arial, sans-serif", "size": 13}}


def fragment(figure: go.Figure, div_id: str) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                          config={"displaylogo": False, "responsive": True})


def satisfaction_trend(trend: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for label, rows in trend.groupby("indicator_label", sort=True):
        figure.add_trace(go.Scatter(
            x=rows["fieldwork_end"], y=rows["pct_satisfied"], mode="lines+markers", name=label,
            error_y={"type": "data", "array": rows["margin_of_error_pp"], "thickness": 1, "width": 2},
            customdata=rows[["round_number", "margin_of_error_pp"]],
            hovertemplate="round %{customdata[0]}: %{y:.0f}% ± %{customdata[1]:.1f}<extra>%{fullData.name}</extra>"))
    figure.update_layout(**{**LAYOUT, "height": 520}, title="Key indicators by poll round, with 95% intervals",
                         yaxis={"title": "% of residents", "range": [0, 100]}, legend={"orientation": "h", "y": -0.2})
    return figure


def direction_by_service_area(direction: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for name, colour in DIRECTIONS:
        rows = direction[direction["direction"] == name]
        if len(rows):
            figure.add_trace(go.Bar(y=rows["service_area"], x=rows["metrics"], name=name.replace("_", " "),
                                    orientation="h", marker_color=colour))
    figure.update_layout(**LAYOUT, barmode="stack", title="Basket metrics by direction of travel since the baseline",
                         xaxis={"title": "metrics"}, yaxis={"autorange": "reversed"})
    return figure


def distribution(rows: pd.DataFrame, council: str) -> go.Figure:
    highlighted = rows["council_code"] == council
    colours = rows["quartile"].map({1: "#1a7f37", 2: "#7fbf7b", 3: "#f4a582", 4: "#cf222e"}).fillna("#8c959f")
    figure = go.Figure(go.Bar(
        x=rows["council_name"], y=rows["value"], marker_color=colours.where(~highlighted, "#0550ae"),
        customdata=rows[["quartile"]], hovertemplate="%{x}: %{y:,.1f} (quartile %{customdata[0]})<extra></extra>"))
    if len(rows):
        figure.add_hline(y=float(rows["median_value"].iloc[0]), line_dash="dash", annotation_text="median")
        first = rows.iloc[0]
        title = f"{first['metric_label']}, {first['period_id']}: {first['comparator_group_value']} councils"
    else:
        title = "No values for this metric"
    figure.update_layout(**LAYOUT, title=title, xaxis={"showticklabels": False, "title": "councils, lowest to highest"},
                         yaxis={"title": "value"}, showlegend=False)
    return figure


def savings_by_region(savings: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for category, rows in savings.groupby("service_category", sort=True):
        figure.add_trace(go.Bar(x=rows["region_name"], y=rows["savings_gbp"].fillna(0) / 1e6, name=category))
    figure.update_layout(**{**LAYOUT, "height": 520}, barmode="stack",
                         title="Reported savings by region and service category (£m)",
                         yaxis={"title": "£m, cumulative to the edition"}, legend={"font": {"size": 10}})
    return figure


def council_position(rows: pd.DataFrame) -> go.Figure:
    """Each metric's distance from its group median in MADs, signed so that right is better."""
    sign = rows["polarity"].map({"high_is_good": 1, "low_is_good": -1}).fillna(1)
    better = (rows["mads_from_median"].astype(float) * sign).clip(-6, 6)
    colours = rows["quartile"].map({1: "#1a7f37", 2: "#7fbf7b", 3: "#f4a582", 4: "#cf222e"}).fillna("#8c959f")
    figure = go.Figure(go.Bar(x=better, y=rows["metric_label"].str.slice(0, 60), orientation="h",
                              marker_color=colours, hovertemplate="%{y}: %{x:.1f} MADs<extra></extra>"))
    figure.update_layout(**{**LAYOUT, "height": max(400, 18 * len(rows) + 120)},
                         title="Distance from the median of councils of the same type (MADs; right is better)",
                         yaxis={"autorange": "reversed"}, xaxis={"range": [-6.5, 6.5], "zeroline": True})
    return figure
