"""UN Comtrade API client: one request per chunk, split when capped, retried when throttled.

Two endpoints serve the same final data in the same JSON envelope
(``{"elapsedTime": ..., "count": n, "data": [record, ...], "error": ""}``), one record per
reporter, partner, flow, commodity and period with the fields ``typeCode, freqCode,
refPeriodId, refYear, refMonth, period, reporterCode, reporterISO, reporterDesc, flowCode,
partnerCode, partnerISO, ..., classificationCode, classificationSearchCode, cmdCode, ...,
netWgt, ..., cifvalue, fobvalue, primaryValue, legacyEstimationFlag, isReported,
isAggregate``:

- ``/data/v1/get/C/{M|A}/HS`` with a subscription key (header ``Ocp-Apim-Subscription-Key``;
  Straits reads it from ``COMTRADE_API_KEY``). The free "comtrade - v1" subscription allows
  500 calls a day and up to 100,000 records a call.
- ``/public/v1/preview/C/{M|A}/HS`` without a key: at most 500 records a call, and
  anonymous callers are throttled harder.

Either way a call names at most 12 periods, and the URL must stay under 4,096 characters.
The API has no offset paging: a response holding as many records as were allowed may be cut,
so :class:`ApiRequest.split` halves the request (periods first, then partners, then
products, then reporters) until every answer is complete. Throttling is answered with HTTP
429 (or 403 with ``Retry-After``); :class:`ComtradeClient` waits as told, or backs off
exponentially on 429/5xx and network errors, and gives up with a :class:`DownloadError`
after ``retries`` attempts or when asked to wait longer than ``max_wait_s`` (a daily quota).

The official ``comtradeapicall`` package calls the same endpoints, but it prints HTTP errors
and returns ``None`` instead of raising, offers no retry on 429 and has no base-URL setting,
so Straits calls the documented endpoints with httpx instead.

References
----------
United Nations Statistics Division, UN Comtrade API (comtradedeveloper.un.org) and the
``comtradeapicall`` package documentation (uncomtrade/comtradeapicall).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from straits.errors import DownloadError

DEFAULT_BASE_URL = "https://comtradeapi.un.org"
KEY_ENV = "COMTRADE_API_KEY"
GET_PATH = "/data/v1/get/C/{freq}/HS"
PREVIEW_PATH = "/public/v1/preview/C/{freq}/HS"
PREVIEW_MAX_RECORDS = 500
KEY_MAX_RECORDS = 100_000
MAX_PERIODS = 12
MAX_PRODUCTS = 100  # keeps the URL far below the API's 4,096-character limit
RETRY_STATUSES = {429, 500, 502, 503, 504}

#: Fields of a final-data record, in the API's order (CSV header of a staged response).
FIELDS = (
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode",
    "reporterISO", "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO",
    "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc", "classificationCode",
    "classificationSearchCode", "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel",
    "isLeaf", "customsCode", "customsDesc", "mosCode", "motCode", "motDesc", "qtyUnitCode",
    "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode", "altQtyUnitAbbr", "altQty",
    "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated",
    "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate",
)


@dataclass(frozen=True)
class ApiRequest:
    """One call's selection: reporters and partners as M49 codes, HS6 codes, periods.

    ``partners=None`` asks for every partner (the World total, code 0, comes back too and is
    dropped at parse). Periods are ``'YYYYMM'`` (monthly) or ``'YYYY'`` (annual).
    """

    freq: str
    reporters: tuple[int, ...]
    partners: tuple[int, ...] | None
    products: tuple[str, ...]
    flows: tuple[str, ...]
    periods: tuple[str, ...]

    def params(self, max_records: int) -> dict[str, str]:
        """Query-string parameters (totals over 2nd partner, customs procedure and mode)."""
        out = {
            "reporterCode": ",".join(map(str, self.reporters)),
            "period": ",".join(self.periods),
            "cmdCode": ",".join(self.products),
            "flowCode": ",".join(self.flows),
            "partner2Code": "0",
            "customsCode": "C00",
            "motCode": "0",
            "maxRecords": str(max_records),
            "format": "JSON",
            "breakdownMode": "classic",
            "includeDesc": "true",
        }
        if self.partners is not None:
            out["partnerCode"] = ",".join(map(str, self.partners))
        return out

    def key(self) -> str:
        """A stable short hash: the request's name in the resume folder."""
        text = json.dumps([self.freq, self.reporters, self.partners, self.products,
                           self.flows, self.periods])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def label(self) -> str:
        """Readable description for progress and error messages (no key, no URL)."""
        span = self.periods[0] + ("" if len(self.periods) == 1 else f"-{self.periods[-1]}")
        partners = "all" if self.partners is None else ",".join(map(str, self.partners))
        return (f"reporter {','.join(map(str, self.reporters))} flow {','.join(self.flows)} "
                f"partner {partners} periods {span}")

    def split(self) -> list[ApiRequest] | None:
        """Two requests covering this one, or ``None`` when it cannot be divided further."""
        for name in ("periods", "partners", "products", "reporters"):
            items = getattr(self, name)
            if items is not None and len(items) > 1:
                half = len(items) // 2
                return [replace(self, **{name: items[:half]}),
                        replace(self, **{name: items[half:]})]
        return None


@dataclass
class RetryPolicy:
    """How hard to try: attempts, backoff, the longest wait accepted, spacing of calls.

    A delay is ``Retry-After`` when the server sends it, else ``backoff_s * 2**attempt``
    capped at ``max_backoff_s``. ``min_interval_s`` spaces consecutive calls (the API
    allows about one call a second).
    """

    retries: int = 5
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0
    max_wait_s: float = 900.0
    min_interval_s: float = 1.0


@dataclass
class Answer:
    """One complete or capped response: its records, whether it was capped, attempts made."""

    records: list[dict[str, Any]]
    capped: bool
    attempts: int = 1
    waits_s: list[float] = field(default_factory=list)


class ComtradeClient:
    """Calls the UN Comtrade API (or a test server at ``base_url``) with retries.

    Parameters
    ----------
    base_url : str, optional
        Scheme and host (default the UN Comtrade API); a local test server in tests.
    api_key : str, optional
        Subscription key; without one the keyless preview endpoint is used.
    max_records : int, optional
        Records asked per call (default 500 without a key, 100,000 with one).
    policy : RetryPolicy, optional
        Retries, backoff and call spacing.
    sleep, clock : callables, optional
        ``time.sleep`` and ``time.monotonic`` (tests pass recording stand-ins).
    """

    def __init__(self, base_url: str | None = None, api_key: str | None = None, *,
                 max_records: int | None = None, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, timeout_s: float = 120.0) -> None:
        import httpx

        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.keyed = bool(api_key)
        self.endpoint = "get" if self.keyed else "preview"
        self.max_records = max_records or (KEY_MAX_RECORDS if self.keyed else PREVIEW_MAX_RECORDS)
        self.policy = policy or RetryPolicy()
        self._sleep, self._clock = sleep, clock
        self._last: float | None = None
        headers = {"Ocp-Apim-Subscription-Key": api_key} if api_key else {}
        self._http = httpx.Client(headers=headers, timeout=timeout_s, follow_redirects=True)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    def __enter__(self) -> ComtradeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def limits(self) -> str:
        """One sentence on the endpoint in use and its limits (printed by the CLI)."""
        if self.keyed:
            return (f"UN Comtrade API with a subscription key: up to {self.max_records:,} "
                    "records a call; the free tier allows 500 calls a day.")
        return (f"UN Comtrade keyless preview (no {KEY_ENV}): at most {self.max_records:,} "
                "records a call, throttled harder than keyed calls; requests are split to "
                f"fit. Set {KEY_ENV} for the full API.")

    def url(self, freq: str) -> str:
        """Endpoint URL for a frequency."""
        path = GET_PATH if self.keyed else PREVIEW_PATH
        return self.base_url + path.format(freq=freq)

    def fetch(self, request: ApiRequest) -> Answer:
        """One call with retries; the records and whether the answer hit ``max_records``.

        Raises
        ------
        DownloadError
            An HTTP error other than throttling or a server error, retries exhausted, a wait
            longer than ``max_wait_s`` asked for, or a body that is not the API's envelope.
        """
        import httpx

        pol, waits = self.policy, []
        for attempt in range(pol.retries + 1):
            self._space()
            try:
                resp = self._http.get(self.url(request.freq),
                                      params=request.params(self.max_records))
            except httpx.TransportError as exc:
                if attempt == pol.retries:
                    raise DownloadError(f"UN Comtrade ({request.label()}): {exc}; run again "
                                        "to resume") from exc
                waits.append(self._wait(None, attempt, request))
                continue
            status = resp.status_code
            retry_after = _retry_after(resp.headers.get("Retry-After"))
            if status in RETRY_STATUSES or (status == 403 and retry_after is not None):
                if attempt == pol.retries:
                    raise DownloadError(f"UN Comtrade ({request.label()}): HTTP {status} after "
                                        f"{attempt + 1} attempts; run again later to resume")
                waits.append(self._wait(retry_after, attempt, request))
                continue
            if status in (401, 403):
                raise DownloadError(f"UN Comtrade: HTTP {status}, the subscription key was "
                                    f"refused; check {KEY_ENV}")
            if status != 200:
                raise DownloadError(f"UN Comtrade ({request.label()}): HTTP {status}: "
                                    f"{_excerpt(resp.text)}")
            records = envelope(resp.content, request.label())
            return Answer(records, len(records) >= self.max_records, attempt + 1, waits)
        raise AssertionError("unreachable")  # pragma: no cover

    def _space(self) -> None:
        """Sleep so consecutive calls start at least ``min_interval_s`` apart."""
        now = self._clock()
        if self._last is not None:
            gap = self.policy.min_interval_s - (now - self._last)
            if gap > 0:
                self._sleep(gap)
                now += gap
        self._last = now

    def _wait(self, retry_after: float | None, attempt: int, request: ApiRequest) -> float:
        pol = self.policy
        delay = retry_after if retry_after is not None else min(
            pol.max_backoff_s, pol.backoff_s * 2 ** attempt)
        if delay > pol.max_wait_s:
            raise DownloadError(f"UN Comtrade ({request.label()}): the server asks to wait "
                                f"{delay:,.0f} s (a daily quota?); run again later to resume")
        self._sleep(delay)
        return delay


def envelope(body: bytes, label: str) -> list[dict[str, Any]]:
    """The ``data`` records of a response body; a :class:`DownloadError` if malformed."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DownloadError(f"UN Comtrade ({label}): the response is not JSON ({exc}): "
                            f"{_excerpt(body.decode('utf-8', 'replace'))}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise DownloadError(f"UN Comtrade ({label}): expected a JSON object with a 'data' list, "
                            f"got {_excerpt(json.dumps(doc))}")
    if doc.get("error"):
        raise DownloadError(f"UN Comtrade ({label}): the API reports an error: "
                            f"{_excerpt(str(doc['error']))}")
    bad = next((i for i, r in enumerate(doc["data"]) if not isinstance(r, dict)), None)
    if bad is not None:
        raise DownloadError(f"UN Comtrade ({label}): record {bad + 1} of 'data' is not an object")
    return doc["data"]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _excerpt(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "..."
