// Any metric's trend on a council page, drawn in the browser from the data in the report: the metric's
// England median and interquartile range and the council-type medians (series.js, shared by every page)
// and the council's own values and its nearest neighbours' median (in the page). No server is needed.
function sliTrend(metricId) {
  const metric = SLI_SERIES.metrics[metricId];
  const own = SLI_COUNCIL.series[metricId];
  if (!metric || !own) return;
  const x = metric.ends;
  const line = (y, name, style) => ({type: "scatter", mode: "lines", x, y, name, line: style});
  const band = {type: "scatter", mode: "lines", x, line: {width: 0}, hoverinfo: "skip"};
  const data = [
    {...band, y: metric.england_upper, name: "England upper quartile", showlegend: false},
    {...band, y: metric.england_lower, name: "England interquartile range", fill: "tonexty",
     fillcolor: "rgba(9, 105, 218, 0.15)"},
    line(metric.england_median, "England median", {color: "#0969da", dash: "dash"}),
  ];
  const typeMedian = (metric.type_medians || {})[SLI_COUNCIL.type];
  if (typeMedian) data.push(line(typeMedian, SLI_COUNCIL.type + " councils' median", {color: "#57606a", dash: "dot"}));
  if (own.neighbours.some((v) => v !== null)) {
    data.push(line(own.neighbours, "nearest neighbours' median", {color: "#8250df", dash: "dashdot"}));
  }
  data.push({type: "scatter", mode: "lines+markers", x, y: own.values, name: SLI_COUNCIL.name,
             line: {color: "#cf222e", width: 3}, text: metric.labels,
             hovertemplate: "%{text}: %{y:,." + metric.precision + "f}<extra>" + SLI_COUNCIL.name + "</extra>"});
  const unit = metric.unit ? " (" + metric.unit + ")" : "";
  const layout = {...SLI_SERIES.layout, height: 380, legend: {orientation: "h", y: -0.2},
                  title: {text: metric.label + unit, x: 0.01, xanchor: "left", xref: "container"}};
  Plotly.react("trend-chart", data, layout, SLI_SERIES.config);
  // The chart's text alternative: the council's first and latest values beside England's median.
  const shown = own.values.map((v, i) => [v, i]).filter(([v]) => v !== null);
  const caption = document.getElementById("trend-caption");
  if (!shown.length) { caption.textContent = metric.label + ": no value for this council."; return; }
  const fmt = (v) => v === null ? "no median" : Number(v).toLocaleString("en-GB", {
    minimumFractionDigits: metric.precision, maximumFractionDigits: metric.precision});
  const [first, i] = shown[0], [latest, j] = shown[shown.length - 1];
  caption.textContent = metric.label + unit + ": " + SLI_COUNCIL.name + " " + fmt(first) + " in " +
    metric.labels[i] + ", " + fmt(latest) + " in " + metric.labels[j] + " (England median " +
    fmt(metric.england_median[j]) + ").";
  document.getElementById("trend-metric").value = metricId;
}

// The metric named in the page's address (`#metric=ID`), else DEFAULT_ID; drawn again when the address
// changes, so the picker, the links beside each metric and a shared link all open the same chart.
function sliFollowHash(defaultId) {
  const chosen = () => {
    const found = location.hash.match(/metric=([^&]+)/);
    return found ? decodeURIComponent(found[1]) : defaultId;
  };
  window.addEventListener("hashchange", () => {
    sliTrend(chosen());
    document.getElementById("trend-chart").scrollIntoView();
  });
  sliTrend(chosen());
}
