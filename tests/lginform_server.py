"""A local HTTP server that speaks the LG Inform web-services API, for the client's tests.

It checks each call's HMAC-SHA1 signature (or token), refuses replayed signatures, serves paged
``/metricTypes`` (with ``dataChangedSince``), ``/metricTypes/{id}``, ``/data`` JSON and ``/data.csv``,
and can be told to answer 401 (bad key, usage limit), 500, or slowly.
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

COUNCILS = [("E06000001", "Hartlepool"), ("E07000008", "Cambridge"), ("E09000001", "City of London"),
            ("E07000163", "Craven")]  # Craven: abolished in 2023, so a retired code
PERIODS = [("fin_2021_22", "2021/22"), ("fin_2022_23", "2022/23")]


@dataclass
class Metric:
    identifier: str
    label: str
    polarity: str = "High value is good"
    changed: str = "2026-01-15"  # the date its data last changed, for dataChangedSince

    def metadata(self) -> dict:
        return {
            "identifier": self.identifier, "label": self.label, "shortLabel": self.label[:20],
            "measure": {"measurementUnit": {"identifier": "percent", "label": "Percentage"}},
            "dataset": {"periodType": {"identifier": "financialYear", "label": "Financial year"}},
            "polarity": self.polarity, "outputPrecision": 1, "nullAsZero": False,
            "sourceName": "test server", "metadataOrDataLastUpdated": f"{self.changed}T00:00:00",
        }

    def value(self, code: str, period: str) -> float | None:
        if code == "E09000001" and period == "fin_2022_23":
            return None  # suppressed
        return round(sum(map(ord, self.identifier)) % 97 + COUNCILS.index(next(c for c in COUNCILS if c[0] == code)) * 1000.5
                     + PERIODS.index(next(p for p in PERIODS if p[0] == period)), 3)


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
        url = urlsplit(request.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
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
            chunk = listed[(page - 1) * size: page * size]
            return self._json(request, {"metricTypes": [{"identifier": m.identifier, "label": m.label} for m in chunk]})
        if url.path.startswith("/metricTypes/") and url.path.split("/")[-1] in by_id:
            return self._json(request, by_id[url.path.split("/")[-1]].metadata())
        if url.path in ("/data", "/data.csv") and params.get("metricType") in by_id:
            metric = by_id[params["metricType"]]
            if url.path == "/data":
                return self._json(request, {"rows": [
                    {"area": {"identifier": code, "label": name},
                     "metricType": {"identifier": metric.identifier, "label": metric.label},
                     "period": {"identifier": period, "label": label},
                     "values": [{"value": metric.value(code, period),
                                 "formatted": "[c]" if metric.value(code, period) is None else
                                 f"{metric.value(code, period):,.1f}"}]}
                    for code, name in COUNCILS for period, label in PERIODS]})
            return self._send(request, 200, self._csv(metric), "text/csv")
        return self._send(request, 404, "Not found", "text/plain")

    def _authenticate(self, raw_path: str, params: dict) -> str | None:
        if params.get("ApplicationKey") != self.key:
            return "Not Authorized"
        if self.secret is None:
            return None
        signed, _, signature = raw_path.partition("&Signature=")
        expected = base64.b64encode(hmac.new(self.secret.encode(), f"{self.base_url}{signed}".encode(),
                                             hashlib.sha1).digest()).decode()
        if not signature or unquote(signature) != expected or signature in self._signatures:
            return "Not Authorized"
        self._signatures.add(signature)
        return None

    @staticmethod
    def _csv(metric: Metric) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["area", "area label", "area long label", *[label for _, label in PERIODS]])
        writer.writerow(["area", "area label", "area long label", *[label for _, label in PERIODS]])  # the stray row
        for code, name in COUNCILS:
            cells = [metric.value(code, period) for period, _ in PERIODS]
            writer.writerow([code, name, f"{name} (council)", *["" if v is None else f"{v:,.1f}" for v in cells]])
        return out.getvalue()

    def _json(self, request, document) -> None:
        self._send(request, 200, json.dumps(document), "application/json")

    @staticmethod
    def _send(request, status: int, body: str, content_type: str) -> None:
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
