"""LG Inform web services (the esd API): signed calls, retries, the quota stop, and nothing logged secret.

Authentication (from ``SOURCES.md``): a token is sent as ``ApplicationKey=<token>``; a key and secret
sign each call: append ``ApplicationKey=<key>`` to the full URL, HMAC-SHA1 that exact string with the
secret, base64 it and append ``&Signature=<url-encoded>``. Signed URLs are single use, so each call
carries a fresh ``nonce`` parameter: a retried call is a new URL, not a refused replay.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPException, IncompleteRead
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from core.errors import SliError

DEFAULT_BASE_URL = "https://webservices.esd.org.uk"
CONNECTION_ID = "sli_lginform"  # Airflow Connection: login = key (or token), password = secret, host = base URL
ENV_URL, ENV_KEY, ENV_SECRET = "SLI_LGINFORM_URL", "SLI_LGINFORM_KEY", "SLI_LGINFORM_SECRET"

log = logging.getLogger("sli.lginform")


class NotAuthorized(SliError):
    """401 Not Authorized: a wrong key or secret, or a refused signature. Retrying cannot help."""


class QuotaExceeded(SliError):
    """401 User has exceeded allowed usage limits: stop now and resume on a later run."""


class ApiError(SliError):
    """The API kept failing (5xx, timeouts) after every retry."""


class DeadlineReached(SliError):
    """The run's time is up: stop cleanly, and the next run resumes where this one stopped."""


@dataclass(frozen=True)
class Credentials:
    key: str
    secret: str | None = field(default=None, repr=False)  # None: the key is a token, calls are not signed

    @property
    def mode(self) -> str:
        return "key + secret (signed calls)" if self.secret else "token"


@dataclass(frozen=True)
class ApiSettings:
    base_url: str
    credentials: Credentials


def settings_from_env(environ: dict[str, str] | None = None) -> ApiSettings | None:
    """Credentials from the environment, or None when no key is set (the CLI then loads files)."""
    env = os.environ if environ is None else environ
    if not env.get(ENV_KEY):
        return None
    return ApiSettings(env.get(ENV_URL) or DEFAULT_BASE_URL, Credentials(env[ENV_KEY], env.get(ENV_SECRET) or None))


def sign(url: str, credentials: Credentials) -> str:
    """The URL as sent: with the application key, and for key + secret the HMAC-SHA1 signature."""
    url = f"{url}{'&' if '?' in url else '?'}ApplicationKey={quote(credentials.key, safe='')}"
    if credentials.secret is None:
        return url
    digest = hmac.new(credentials.secret.encode(), url.encode(), hashlib.sha1).digest()
    return f"{url}&Signature={quote(base64.b64encode(digest).decode(), safe='')}"


def _redact(url: str) -> str:
    """What may be logged of a URL: path and query without the key and signature."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if not p.startswith(("ApplicationKey=", "Signature=")))
    return f"{parts.path}?{query}" if query else parts.path


@dataclass
class Response:
    url: str  # redacted
    body: bytes


class _SameHostRedirects(HTTPRedirectHandler):
    """A signed URL carries the key and a valid signature: a redirect may keep them on the configured
    host, never carry them to another."""

    def __init__(self, origin: str):
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(newurl)
        if f"{target.scheme}://{target.netloc}" != self.origin:
            raise ApiError(
                f"LG Inform's server redirected a call to another host ({target.scheme}://{target.netloc}); refused:"
                f" the application key and signature go only to {self.origin} ({ENV_URL})"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class NetworkLimits:
    """How long and how much the client waits and takes. A read waits at most `read_seconds` for bytes; a
    call's attempt (its whole body) at most `call_seconds`, so a server that trickles bytes cannot hold a
    run; a run at most `run_seconds`, then stops and the next run resumes it."""

    read_seconds: float = 60.0
    call_seconds: float = 600.0
    run_seconds: float = 3 * 3600.0
    retries: int = 4  # after timeouts, resets, truncated bodies and 5xx
    backoff: float = 2.0  # seconds before the first retry, doubling
    longest_wait: float = 300.0  # the most a 429's Retry-After is waited for; longer stops the run
    answer_mb: float = 64.0  # an answer's size (one metric's /data for every council is under 1 MB)


class Client:
    def __init__(
        self,
        settings: ApiSettings,
        limits: NetworkLimits = NetworkLimits(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = settings.base_url.rstrip("/")
        self.credentials = settings.credentials
        self.limits, self.sleep, self.clock = limits, sleep, clock
        self.run_ends = clock() + limits.run_seconds
        self.calls = 0
        origin = urlsplit(self.base_url)
        self._opener = build_opener(_SameHostRedirects(f"{origin.scheme}://{origin.netloc}"))

    def _scrub(self, text: str) -> str:
        """TEXT with the key, the secret and any signature taken out, raw or URL-encoded: the one place every
        message built from an answer or a URL passes before it is raised or logged (a server may echo the URL
        it was sent)."""
        secrets = [self.credentials.key, self.credentials.secret or ""]
        for secret in filter(None, secrets):
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                text = text.replace(form, "[redacted]")
        for name in ("ApplicationKey", "Signature"):
            text = re.sub(rf"({name}=)[^&\s\"'<>]*", r"\1[redacted]", text, flags=re.IGNORECASE)
        return text

    def get(self, path: str, params: dict[str, str | int | list[str]]) -> Response:
        """GET with retries on timeouts, resets, truncated bodies and 5xx (exponential backoff), a wait on 429
        for as long as its Retry-After says (bounded); 401s are never retried. A list value repeats its
        parameter (`columnGrouping`)."""
        limits = self.limits
        attempt = 0
        while True:
            if self.clock() >= self.run_ends:
                raise DeadlineReached(f"the run reached its time limit ({limits.run_seconds:g} s) before {path}")
            call_ends = min(self.clock() + limits.call_seconds, self.run_ends)
            query = urlencode({**params, "nonce": uuid.uuid4().hex}, doseq=True)
            url = sign(f"{self.base_url}{path}?{query}", self.credentials)
            shown = _redact(url)
            wait = None
            try:
                self.calls += 1
                with self._opener.open(Request(url, headers={"Accept": "*/*"}), timeout=limits.read_seconds) as reply:
                    return Response(shown, self._body(reply, shown, call_ends))
            except HTTPError as exc:
                text = self._scrub(exc.read(4096).decode("utf-8", "replace"))
                if exc.code == 401 and "usage limit" in text.lower():
                    raise QuotaExceeded(f"LG Inform usage limit reached at {shown}") from None
                if exc.code == 401:
                    raise NotAuthorized(
                        f"LG Inform refused the call ({exc.code} {text.strip()[:80]}) at {shown}: check the"
                        f" application key and secret ({ENV_KEY}/{ENV_SECRET} or the Airflow connection"
                        f" {CONNECTION_ID!r})"
                    ) from None
                if exc.code == 429:
                    wait = _retry_after(exc.headers.get("Retry-After"), time.time())
                    wait = limits.backoff * 2**attempt if wait is None else wait
                    if wait > limits.longest_wait or self.clock() + wait >= self.run_ends:
                        raise QuotaExceeded(
                            f"LG Inform asked to wait {wait:,.0f} s (429 Too Many Requests) at {shown}, longer than"
                            f" a run waits ({limits.longest_wait:,.0f} s)"
                        ) from None
                elif exc.code < 500:
                    raise ApiError(f"LG Inform answered {exc.code} at {shown}: {text.strip()[:200]}") from None
                problem = f"HTTP {exc.code}"
            except (URLError, TimeoutError, OSError, HTTPException) as exc:
                # Resets, timeouts and a body cut short (IncompleteRead) are the network's: worth a retry.
                problem = self._scrub(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")
            if wait is None:
                if attempt == limits.retries:
                    raise ApiError(
                        f"LG Inform failed {attempt + 1} time{'s' if attempt else ''} at {shown}; last: {problem}"
                    )
                wait = limits.backoff * 2**attempt
                attempt += 1
                log.warning("LG Inform %s at %s; retry %d/%d in %.1fs", problem, shown, attempt, limits.retries, wait)
            else:
                log.warning("LG Inform %s at %s; waiting %.0fs as it asked", problem, shown, wait)
            self.sleep(wait)

    def _body(self, reply, shown: str, call_ends: float) -> bytes:
        """The answer's bytes, read as they come: refused beyond the size limit (as announced or as read),
        and cut off when the call's time is up, however slowly they trickle."""
        most = int(self.limits.answer_mb * 2**20)
        announced = reply.headers.get("Content-Length")
        if announced and announced.isdigit() and int(announced) > most:
            raise ApiError(f"LG Inform's answer at {shown} is {int(announced):,} bytes, over {most:,} allowed")
        chunks, size = [], 0
        while chunk := reply.read1(1 << 16):
            size += len(chunk)
            if size > most:
                raise ApiError(f"LG Inform's answer at {shown} passed {most:,} bytes, the most allowed")
            if self.clock() >= call_ends:
                raise TimeoutError(f"the answer took over {self.limits.call_seconds:g} s to arrive")
            chunks.append(chunk)
        if announced and announced.isdigit() and size < int(announced):  # read1 ends quietly at a closed socket
            raise IncompleteRead(b"".join(chunks), int(announced) - size)
        return b"".join(chunks)

    def metric_type_pages(self, changed_since: str | None, page_size: int = 500):
        """Yield each /metricTypes page, asking for the next until a page brings nothing new.

        The server may cap the page size below what was asked, so a short page is not the end; and a
        server that ignores pageNumber repeats itself, which also ends the listing.
        """
        page, seen = 1, set()
        while True:
            params: dict[str, str | int] = {"pageNumber": page, "pageSize": page_size}
            if changed_since:
                params["dataChangedSince"] = changed_since
            response = self.get("/metricTypes", params)
            try:
                items = json.loads(response.body)["metricType-array"]
            except (ValueError, KeyError, TypeError):
                raise ApiError(
                    f"LG Inform's /metricTypes answer at {response.url} is not a metric list (no 'metricType-array')"
                ) from None
            identifiers = {str(item.get("identifier")) for item in items}
            yield response, items
            if not identifiers - seen:
                return
            seen |= identifiers
            page += 1
