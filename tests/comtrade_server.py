"""A loopback stand-in for the UN Comtrade API, serving real monthly figures (no network).

The served "database" is built from the package's embedded reporter data, so every value a
test sees is a published figure:

- Korea (reporter 410) by partner, monthly, from the Korea Customs Service sample
  (``kcs_hs10_by_country_monthly_2000_2021.csv``): imports (CIF) and exports (FOB) of
  hydrogen fluoride 2811111000 served as HS6 ``281111`` and of photoresist 3707901010
  served as ``370790``. Korea's Comtrade HS6 lines hold more national lines than these two
  HS10 lines (Comtrade's 2019 281111 imports from Japan: 44,982,432 USD against 36,335,322
  USD for 2811111000), so the figures are the customs lines, presented in the API's format.
  The sample has no 392099 line: asked for it, the server has nothing, as the API has
  nothing for a month not yet published.
- China (reporter 156), monthly exports of 250410, 380110 and 811292 to its partners, from
  ``comtrade_api_CHN_exports_hs6_monthly_2017_2024.csv`` (UN Comtrade, China reporter).
- Korea's annual imports from Japan of every HS6 line, 2018-2020, from the UN Comtrade
  files ``comtrade_H5_KOR_imports_from_JPN_{year}.csv`` (``freqCode A``, ``refMonth 52``;
  the files give no separate CIF value, so neither do the records).

Records carry the API's field names and types; zero values are left out, as Comtrade
leaves out months with no trade. The server answers ``/data/v1/get/C/{M|A}/HS`` (checking
the subscription key header) and ``/public/v1/preview/C/{M|A}/HS``, honours
``maxRecords`` (the first records, as the API does when a query holds more), and can be
told to answer with prepared failures first (``Server.script``).
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from straits.reference.lookup import resolve_country

KEY = "test-subscription-key"
ITEMS = {"2811111000": "281111", "3707901010": "370790"}
DESC = {"281111": "Hydrogen fluoride (hydrofluoric acid)",
        "370790": "Photographic chemical preparations n.e.c.",
        "250410": "Natural graphite; in powder or in flakes",
        "380110": "Artificial graphite",
        "811292": "Gallium, germanium, hafnium, indium, niobium, rhenium, thallium; unwrought"}


def _data_dir() -> Path:
    return Path(str(resources.files("straits.data"))) / "reporter"


def _country(name: str) -> tuple[int, str, str]:
    c = resolve_country(name)
    return (490 if c.iso3 == "TWN" else c.codes[-1]), ("S19" if c.iso3 == "TWN" else c.iso3), c.name


def _records(reporter: str, flow: str, partner: pd.Series, product: pd.Series,
             year: pd.Series, month: pd.Series | None, value: pd.Series, weight: pd.Series,
             *, cif_given: bool = True) -> pd.DataFrame:
    """API records; ``month=None`` makes annual ones (``period 'YYYY'``, ``refMonth 52``)."""
    rep_code, rep_iso, rep_desc = _country(reporter)
    names = pd.unique(partner)
    lookup = {n: _country(n) for n in names}
    p = partner.map(lookup)
    annual = month is None
    yy = year.astype(int).astype(str)
    period = yy if annual else yy + month.astype(int).astype(str).str.zfill(2)
    value = value.astype(float)
    cif = flow == "M"
    return pd.DataFrame({
        "typeCode": "C", "freqCode": "A" if annual else "M",
        "refPeriodId": (yy + ("0101" if annual else period.str[4:] + "01")).astype(int),
        "refYear": year.astype(int), "refMonth": 52 if annual else month.astype(int),
        "period": period,
        "reporterCode": rep_code, "reporterISO": rep_iso, "reporterDesc": rep_desc,
        "flowCode": flow, "flowDesc": "Import" if cif else "Export",
        "partnerCode": p.str[0], "partnerISO": p.str[1], "partnerDesc": p.str[2],
        "partner2Code": 0, "partner2ISO": "W00", "partner2Desc": "World",
        "classificationCode": np.where(year.astype(int) >= 2022, "H6", "H5"),
        "classificationSearchCode": "HS", "isOriginalClassification": True,
        "cmdCode": product, "cmdDesc": product.map(DESC), "aggrLevel": 6, "isLeaf": True,
        "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": 0,
        "motDesc": "TOTAL MOT", "qtyUnitCode": 8, "qtyUnitAbbr": "kg",
        "qty": weight.astype(float), "isQtyEstimated": False, "altQtyUnitCode": 8,
        "altQtyUnitAbbr": "kg", "altQty": weight.astype(float), "isAltQtyEstimated": False,
        "netWgt": weight.astype(float), "isNetWgtEstimated": False, "grossWgt": None,
        "isGrossWgtEstimated": False,
        "cifvalue": value if cif and cif_given else None,
        "fobvalue": None if cif or not cif_given else value,
        "primaryValue": value, "legacyEstimationFlag": 0, "isReported": True,
        "isAggregate": False,
    })


def real_database() -> pd.DataFrame:
    """Every record the server can serve (one row per API record)."""
    kcs = pd.read_csv(_data_dir() / "kcs_hs10_by_country_monthly_2000_2021.csv",
                      dtype={"Item": str})
    kcs = kcs[kcs["Item"].isin(ITEMS) & (kcs["Country"].str.strip() != "")]
    kcs = kcs.assign(hs6=kcs["Item"].map(ITEMS), Country=kcs["Country"].replace(
        {"Netherland": "Netherlands"}))
    kcs = kcs.groupby(["hs6", "Country", "Year", "Month"], as_index=False)[
        ["Import_dollar", "Import_weight", "Export_dollar", "Export_weight"]].sum()
    frames = []
    for flow, val, wgt in (("M", "Import_dollar", "Import_weight"),
                           ("X", "Export_dollar", "Export_weight")):
        d = kcs[kcs[val] > 0]
        frames.append(_records("KOR", flow, d["Country"], d["hs6"], d["Year"], d["Month"],
                               d[val], d[wgt]))
    chn = pd.read_csv(_data_dir() / "comtrade_api_CHN_exports_hs6_monthly_2017_2024.csv",
                      dtype={"cmdCode": str})
    chn = chn[chn["primaryValue"] > 0]
    frames.append(_records("CHN", "X", chn["partnerISO"], chn["cmdCode"], chn["refYear"],
                           chn["refMonth"], chn["primaryValue"], chn["netWgt"].fillna(0)))
    for year in (2018, 2019, 2020):
        a = pd.read_csv(_data_dir() / f"comtrade_H5_KOR_imports_from_JPN_{year}.csv",
                        dtype={"Commodity Code": str})
        code = a["Commodity Code"].str.zfill(6)  # the files lost leading zeros; the API has none
        frames.append(_records("KOR", "M", a["Partner ISO"], code, a["Year"], None,
                               a["Trade Value (US$)"], a["Netweight (kg)"].fillna(0),
                               cif_given=False))
    return pd.concat(frames, ignore_index=True)


@dataclass
class Reply:
    """A prepared answer: status, headers and body (served instead of the data)."""

    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""


class Server:
    """The stand-in API on 127.0.0.1 (a random port); ``url`` is its base URL."""

    def __init__(self, database: pd.DataFrame | None = None) -> None:
        self.database = real_database() if database is None else database
        self._text = {c: self.database[c].astype(str).to_numpy() for c in
                      ("reporterCode", "partnerCode", "cmdCode", "flowCode", "period")}
        self.script: list[Reply] = []  # answered first, one per call
        self.calls: list[dict] = []  # every call: path, params, headers
        self.fail_after: int | None = None  # answer 503 from this call number on
        self.edit: callable | None = None  # edit(records) -> records, for malformed answers
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                server._handle(self)

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def close(self) -> None:
        """Stop serving (twice is fine)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._httpd.server_close()

    def _handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(h.path)
        params = dict(urllib.parse.parse_qsl(parts.query))
        self.calls.append({"path": parts.path, "params": params,
                           "key": h.headers.get("Ocp-Apim-Subscription-Key")})
        if self.script:
            return self._send(h, self.script.pop(0))
        if self.fail_after is not None and len(self.calls) > self.fail_after:
            return self._send(h, Reply(503, body=b"Service Unavailable"))
        route = parts.path.split("/")
        if parts.path.startswith("/data/v1/get/") and h.headers.get(
                "Ocp-Apim-Subscription-Key") != KEY:
            return self._send(h, Reply(401, body=b'{"statusCode": 401, "message": '
                                                 b'"Access denied due to invalid subscription key."}'))
        if not (parts.path.startswith(("/data/v1/get/C/", "/public/v1/preview/C/"))
                and len(route) >= 7):
            return self._send(h, Reply(404, body=b"Resource not found"))
        records = self.select(params)
        cap = int(params.get("maxRecords", 500))
        if parts.path.startswith("/public/"):
            cap = min(cap, 500)
        records = records[:cap]
        if self.edit is not None:
            records = self.edit(records)
        body = json.dumps({"elapsedTime": "0.01 secs", "count": len(records), "data": records,
                           "error": ""}).encode()
        self._send(h, Reply(200, {"Content-Type": "application/json"}, body))

    def select(self, params: dict) -> list[dict]:
        """The records a query asks for, in the database's order."""
        db = self.database
        keep = np.ones(len(db), dtype=bool)
        for name, text in self._text.items():
            if name in params:
                keep &= np.isin(text, params[name].split(","))
        rows = db[keep].astype(object).where(db[keep].notna(), None)
        return rows.to_dict("records")

    @staticmethod
    def _send(h, reply: Reply) -> None:
        h.send_response(reply.status)
        for k, v in reply.headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(reply.body)))
        h.end_headers()
        h.wfile.write(reply.body)


if __name__ == "__main__":  # python -m tests.comtrade_server: serve until Ctrl-C
    import time

    srv = Server()
    print(f"Serving the stand-in UN Comtrade API at {srv.url} (key: {KEY}); Ctrl-C stops",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.close()
