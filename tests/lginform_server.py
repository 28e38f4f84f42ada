"""A local HTTP server that speaks the LG Inform web-services API in its real shapes, for the client's tests.

Shapes (SOURCES.md section 1, and the publisher's own responses): `/metricTypes` answers
`{"metricType-array": [...]}` (paged, `dataChangedSince`), `/metricTypes/{id}` answers
`{"metricType": {...}}`, and `/data` answers a table whose `columns[]` describe the columns and whose
`rows[]` each hold `values[]`, the i-th cell under `columns[i]`; area, metric type and period go on the
rows or the columns as `rowGrouping` / `columnGrouping` ask. `/data.csv` has `area`, `area label`,
`area long label` and a column per period label, with a stray repeat of the header. Periods carry
identifier, label, startDate and endDate. Every call's HMAC-SHA1 signature (or token) is checked,
replayed signatures are refused, and the server can answer 401 (bad key, usage limit), 500, slowly, a
400 that quotes the URL it was sent, a redirect to another host, 429 with a Retry-After, a body cut
short, a body trickled a byte at a time, metric ids as numbers (`101.0`), or another metric's table.
All values are SYNTHETIC.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

COUNCILS = [
    ("E06000001", "Hartlepool"),
    ("E07000008", "Cambridge"),
    ("E09000001", "City of London"),
    ("E07000163", "Craven"),
]  # Craven: abolished in 2023, so a retired code
# (identifier, label, start, end) as LG Inform describes a period.
FINANCIAL_YEARS = [
    ("fin_2021_22", "2021/22", "2021-04-01T00:00:00", "2022-03-31T23:59:59"),
    ("fin_2022_23", "2022/23", "2022-04-01T00:00:00", "2023-03-31T23:59:59"),
]


@dataclass
class Metric:
    identifier: str
    label: str
    polarity: str = "High value is good"
    changed: str = "2026-01-15"  # the date its data last changed, for dataChangedSince
    periods: list[tuple[str, str, str, str]] = field(default_factory=lambda: list(FINANCIAL_YEARS))
    has_data: bool = True  # False: /data answers an empty table, as for a metric with nothing published
    discontinued: bool = False
    null_as_zero: bool = False

    def metadata(self) -> dict:
        return {
            "identifier": self.identifier,
            "label": self.label,
            "shortLabel": self.label[:20],
            "originalLabel": f"{self.label} (original)",
            "alternativeLabels": [f"{self.label} (also)"],
            "measure": {
                "identifier": "test_Per_Cent",
                "label": "Per cent",
                "measurementUnit": {"identifier": "percent", "label": "Percentage"},
            },
            "dataset": {
                "identifier": "1",
                "label": "test dataset",
                "periodType": {"identifier": "FinancialYear", "label": "Financial year", "frequency": "Annually"},
            },
            "polarity": self.polarity,
            "outputPrecision": 1,
            "nullAsZero": self.null_as_zero,
            "discontinued": self.discontinued,
            "sourceName": "test server",
            "metadataOrDataLastUpdated": f"{self.changed}T00:00:00",
        }

    def value(self, code: str, period: str) -> float | None:
        if code == "E09000001" and period == self.periods[-1][0]:
            return None  # suppressed
        council = [c for c, _ in COUNCILS].index(code)
        step = [p[0] for p in self.periods].index(period)
        return round(sum(map(ord, self.identifier)) % 97 + council * 1000.5 + step, 3)


def _period(period: tuple[str, str, str, str]) -> dict:
    identifier, label, start, end = period
    return {"identifier": identifier, "label": label, "startDate": start, "endDate": end}


@dataclass
class FakeLgInform:
    key: str = "test-key"
    secret: str | None = "test-secret-do-not-log"
    metrics: list[Metric] = field(default_factory=list)
    page_size: int = 2
    quota: int | None = None  # calls allowed before "exceeded allowed usage limits"
    fail_500: int = 0  # answer 500 to this many next calls
    broken_paths: set[str] = field(default_factory=set)  # always answer 500 here
    slow_seconds: float = 0.0  # delay the next call by this long (then back to normal)
    echo_400: int = 0  # answer 400 to this many next calls, quoting the URL asked for (as some servers do)
    redirect_to: str | None = None  # answer 302 to this base URL, keeping the path and query asked for
    truncate: int = 0  # cut this many next answers short: the promised length, half the bytes, then close
    too_many: list[str] = field(default_factory=list)  # answer 429 with each of these Retry-After values
    trickle_seconds: float = 0.0  # send the next answer a byte at a time, this long between bytes
    numeric_ids: bool = False  # /data identifies metrics as JSON numbers with a decimal point (101.0)
    data_of: dict[str, str] = field(default_factory=dict)  # /data for one metric answers another's table
    received: list[str] = field(default_factory=list)  # every request line's target, before any check
    calls: list[tuple[str, dict]] = field(default_factory=list)
    _signatures: set[str] = field(default_factory=set)

    def __post_init__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                fake._answer(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeLgInform:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls_to(self, prefix: str) -> list[dict]:
        return [params for path, params in self.calls if path.startswith(prefix)]

    # --- the API ---------------------------------------------------------------------------------
    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        self.received.append(request.path)
        if self.redirect_to:
            request.send_response(302)
            request.send_header("Location", f"{self.redirect_to}{request.path}")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return None
        if self.echo_400:
            self.echo_400 -= 1
            return self._send(request, 400, f"Bad request: {self.base_url}{request.path}", "text/plain")
        if self.too_many:
            request.send_response(429)
            request.send_header("Retry-After", self.too_many.pop(0))
            request.send_header("Content-Length", "0")
            request.end_headers()
            return None
        url = urlsplit(request.path)
        every = parse_qs(url.query)
        params = {k: v[0] for k, v in every.items()}
        refusal = self._authenticate(request.path, params)
        if refusal:
            return self._send(request, 401, refusal, "text/plain")
        if self.quota is not None and len(self.calls) >= self.quota:
            return self._send(request, 401, "User has exceeded allowed usage limits", "text/plain")
        self.calls.append((url.path, params))
        if self.slow_seconds:
            delay, self.slow_seconds = self.slow_seconds, 0.0
            time.sleep(delay)
        if self.fail_500 or url.path in self.broken_paths:
            self.fail_500 = max(0, self.fail_500 - 1)
            return self._send(request, 500, "Internal Server Error", "text/plain")
        by_id = {m.identifier: m for m in self.metrics}
        if url.path == "/metricTypes":
            since = params.get("dataChangedSince", "")
            listed = [m for m in self.metrics if m.changed >= since]
            page, size = int(params.get("pageNumber", 1)), int(params.get("pageSize", self.page_size))
            size = min(size, self.page_size)  # the server decides the page size, as real APIs do
            chunk = listed[(page - 1) * size : page * size]
            return self._json(
                request,
                {
                    "metricType-array": [
                        {"identifier": m.identifier, "label": m.label, "shortLabel": m.label[:20]} for m in chunk
                    ]
                },
            )
        if url.path.startswith("/metricTypes/") and url.path.split("/")[-1] in by_id:
            return self._json(request, {"metricType": by_id[url.path.split("/")[-1]].metadata()})
        if url.path in ("/data", "/data.csv") and params.get("metricType") in by_id:
            metric = by_id[self.data_of.get(params["metricType"], params["metricType"])]
            periods = self._periods(metric, params.get("period", "latest"))
            if url.path == "/data":
                return self._json(
                    request,
                    self._table(metric, periods, params.get("rowGrouping", "area"), every.get("columnGrouping", [])),
                )
            return self._send(request, 200, self._csv(metric, periods), "text/csv")
        return self._send(request, 404, "Not found", "text/plain")

    @staticmethod
    def _periods(metric: Metric, asked: str) -> list[tuple[str, str, str, str]]:
        if not metric.has_data:
            return []
        if asked.startswith("latest"):
            count = int(asked.split(":")[1]) if ":" in asked else 1
            return metric.periods[-count:]
        wanted = set(asked.split(","))
        return [p for p in metric.periods if p[0] in wanted]

    def _table(self, metric: Metric, periods: list, row_grouping: str, column_grouping: list[str]) -> dict:
        """The /data table, laid out as the groupings ask; dimensions named nowhere go on the columns."""
        members = {
            "area": [{"identifier": code, "label": name} for code, name in COUNCILS] if periods else [],
            "metricType": [
                {
                    "identifier": float(metric.identifier) if self.numeric_ids else metric.identifier,
                    "label": metric.label,
                }
            ],
            "period": [_period(p) for p in periods],
        }
        on_columns = list(dict.fromkeys([*column_grouping, *(d for d in members if d != row_grouping)]))
        columns: list[dict] = [{}]
        for dimension in on_columns:
            columns = [{**column, dimension: member} for column in columns for member in members[dimension]]
        rows = []
        for member in members[row_grouping]:
            cells = []
            for column in columns:
                where = {**column, row_grouping: member}
                value = metric.value(where["area"]["identifier"], where["period"]["identifier"])
                cells.append({"formatted": "[c]"} if value is None else {"value": value, "formatted": f"{value:,.1f}"})
            rows.append({row_grouping: member, "values": cells})
        return {"columns": columns if rows else [], "rows": rows}

    def _authenticate(self, raw_path: str, params: dict) -> str | None:
        if params.get("ApplicationKey") != self.key:
            return "Not Authorized"
        if self.secret is None:
            return None
        signed, _, signature = raw_path.partition("&Signature=")
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{self.base_url}{signed}".encode(), hashlib.sha1).digest()
        ).decode()
        if not signature or unquote(signature) != expected or signature in self._signatures:
            return "Not Authorized"
        self._signatures.add(signature)
        return None

    @staticmethod
    def _csv(metric: Metric, periods: list) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        header = ["area", "area label", "area long label", *[label for _, label, _, _ in periods]]
        writer.writerows([header, header])  # the stray repeat of the header
        for code, name in COUNCILS if periods else []:
            cells = [metric.value(code, identifier) for identifier, _, _, _ in periods]
            writer.writerow([code, name, f"{name} (council)", *["" if v is None else f"{v:,.1f}" for v in cells]])
        return out.getvalue()

    def _json(self, request, document) -> None:
        self._send(request, 200, json.dumps(document), "application/json")

    def _send(self, request, status: int, body: str, content_type: str) -> None:
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        if status == 200 and self.truncate:
            self.truncate -= 1
            request.wfile.write(data[: len(data) // 2])
            request.close_connection = True
            return
        if status == 200 and self.trickle_seconds:
            delay, self.trickle_seconds = self.trickle_seconds, 0.0
            try:
                for byte in range(len(data)):
                    request.wfile.write(data[byte : byte + 1])
                    request.wfile.flush()
                    time.sleep(delay)
            except OSError:  # the client gave up on it
                request.close_connection = True
            return
        request.wfile.write(data)
