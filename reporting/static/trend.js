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
             line: {color: "#D55E00", width: 3}, text: metric.labels,
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

// A metric's spread over time on its own page: the England median and interquartile range, and each council
// type's median.
function sliSector(metricId) {
  const metric = SLI_SERIES.metrics[metricId];
  const x = metric.ends;
  const band = {type: "scatter", mode: "lines", x, line: {width: 0}, hoverinfo: "skip"};
  const data = [
    {...band, y: metric.england_upper, name: "England upper quartile", showlegend: false},
    {...band, y: metric.england_lower, name: "England interquartile range", fill: "tonexty",
     fillcolor: "rgba(9, 105, 218, 0.15)"},
    {type: "scatter", mode: "lines+markers", x, y: metric.england_median, name: "England median", text: metric.labels,
     line: {color: "#0969da", width: 3},
     hovertemplate: "%{text}: %{y:,." + metric.precision + "f}<extra>England median</extra>"},
  ];
  const dashes = ["dot", "dash", "dashdot", "longdash", "longdashdot"];
  Object.entries(metric.type_medians || {}).forEach(([type, medians], i) => data.push(
    {type: "scatter", mode: "lines", x, y: medians, name: type + " councils' median",
     line: {color: "#57606a", width: 1, dash: dashes[i % dashes.length]}}));
  const layout = {...SLI_SERIES.layout, height: 380, legend: {orientation: "h", y: -0.2},
                  title: {text: "Across councils, over time", x: 0.01, xanchor: "left", xref: "container"}};
  Plotly.newPlot("sector-chart", data, layout, SLI_SERIES.config);
}

// Sort a table by a column when its header is clicked (or activated from the keyboard): numbers by the
// value in the cell's data-value, text alphabetically; a second click reverses.
function sliSortable(tableId) {
  const table = document.getElementById(tableId);
  table.querySelectorAll("th").forEach((th, column) => {
    th.tabIndex = 0;
    th.setAttribute("role", "button");
    const sort = () => {
      const rows = Array.from(table.tBodies[0].rows);
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      const key = (row) => {
        const cell = row.cells[column];
        return cell.dataset.value !== undefined ? Number(cell.dataset.value || NaN) : cell.textContent.trim();
      };
      rows.sort((a, b) => {
        const [p, q] = [key(a), key(b)];
        if (typeof p === "number") return (isNaN(p) - isNaN(q)) || (ascending ? p - q : q - p);
        return ascending ? p.localeCompare(q) : q.localeCompare(p);
      });
      table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach((row) => table.tBodies[0].appendChild(row));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") sort(); });
  });
}
