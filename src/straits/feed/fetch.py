"""``straits fetch comtrade``: plan the calls, download resumably, check, store idempotently.

A fetch runs in three steps, so a warehouse never sees half of one:

1. **Plan.** The query (reporters, partners, HS6 codes, months, flows) becomes calls of at
   most 12 periods (calendar years) and 100 codes each; with ``mirror`` the partners' own
   reports of the same trade are asked for too (their exports when the query is imports).
2. **Download.** Each answer is written, as the API's records in the ``comtrade-api`` CSV
   layout, into a staging folder named after the query (under the cache), then parsed with
   that layout's checks at once: a malformed answer stops the fetch with an error naming the
   call, the file, line and column, and is kept beside as ``*.rejected.csv``. An answer
   holding as many records as allowed may be cut, so its call is split in two
   (:meth:`~straits.sources.comtrade_api.ApiRequest.split`) and the halves are asked
   instead. Interrupted? Run the same command again: the answers already staged are reused
   and only the missing calls are made.
3. **Store.** All rows go into ``reporter_flows`` in one transaction (the file-ingest checks
   run again over the whole set: duplicates across answers), replacing what earlier fetches
   stored for the same scope, and the fetch is logged in ``comtrade_fetches``. The staging
   folder is then removed, so the next run asks the API afresh and revisions land.

Fetched rows carry ``classification = 'HS'`` (Comtrade's "as reported": HS2017 until a
reporter moves to HS2022), so a monthly series runs on across the HS revision.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from straits.errors import DownloadError, InputFileError, ParameterError
from straits.params import Economies, Month, Options, Products
from straits.sources.comtrade import ComtradeAPI
from straits.sources.comtrade_api import FIELDS, MAX_PERIODS, MAX_PRODUCTS, ApiRequest, ComtradeClient
from straits.warehouse import feed_load
from straits.warehouse.reporter_load import check_table

Progress = Callable[[int, int, str], None]
"""Callback ``(calls_done, calls_planned, label)``; the plan grows when a call is split."""

FLOWS = {"M": "import", "X": "export"}
"""Comtrade flow codes -> the `flow` column of reporter_flows."""
_FLIP = {"M": "X", "X": "M"}


@lru_cache(maxsize=512)
def m49(iso3: str) -> int:
    """UN M49 code Comtrade uses for an economy (the current BACI code: KOR 410, TWN 490)."""
    from straits.reference.lookup import countries, resolve_country

    c = resolve_country(iso3)
    table = countries()
    rows = table[(table["iso3"] == c.iso3) & table["current"]]
    return int(rows["code"].iloc[0]) if len(rows) else int(c.codes[-1])


def months(start: str, end: str) -> list[str]:
    """``'YYYY-MM'`` bounds -> every month between as Comtrade periods ``'YYYYMM'``."""
    a = int(start[:4]) * 12 + int(start[5:7]) - 1
    b = int(end[:4]) * 12 + int(end[5:7]) - 1
    return [f"{p // 12:04d}{p % 12 + 1:02d}" for p in range(a, b + 1)]


@dataclass(frozen=True)
class FetchQuery:
    """What to fetch, in ISO3 and HS6 terms (see :func:`plan_query` for the checks)."""

    reporters: tuple[str, ...]
    partners: tuple[str, ...] | None
    products: tuple[str, ...]
    start: str
    end: str
    freq: str = "M"
    flows: tuple[str, ...] = ("M",)
    mirror: bool = False

    def periods(self) -> list[str]:
        """Comtrade periods asked for: ``YYYYMM`` (monthly) or ``YYYY`` (annual)."""
        if self.freq == "A":
            return [str(y) for y in range(int(self.start[:4]), int(self.end[:4]) + 1)]
        return months(self.start, self.end)

    def sides(self) -> list[tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]]]:
        """(reporters, partners, flows): the query, then with ``mirror`` its other side."""
        out = [(self.reporters, self.partners, self.flows)]
        if self.mirror:
            out.append((self.partners or (), self.reporters,
                        tuple(_FLIP[f] for f in self.flows)))
        return out

    def requests(self) -> list[ApiRequest]:
        """The calls before any split: per side, per calendar year, per 100 codes."""
        periods = self.periods()
        years: dict[str, list[str]] = {}
        for p in periods:
            years.setdefault(p[:4], []).append(p)
        chunks = [tuple(v) for v in years.values()] if self.freq == "M" else [
            tuple(periods[i:i + MAX_PERIODS]) for i in range(0, len(periods), MAX_PERIODS)]
        out = []
        for reporters, partners, flows in self.sides():
            for i in range(0, len(self.products), MAX_PRODUCTS):
                for chunk in chunks:
                    out.append(ApiRequest(
                        self.freq, tuple(m49(r) for r in reporters),
                        None if partners is None else tuple(m49(p) for p in partners),
                        self.products[i:i + MAX_PRODUCTS], flows, chunk))
        return out

    def scopes(self) -> list[feed_load.Scope]:
        """What each side replaces when stored."""
        stored = [int(p) * 100 if self.freq == "A" else int(p) for p in self.periods()]
        return [feed_load.Scope(reporters, partners, self.products,
                                tuple(FLOWS[f] for f in flows), tuple(stored))
                for reporters, partners, flows in self.sides()]

    def key(self, client: ComtradeClient) -> str:
        """Name of the staging folder: the query and the endpoint it is asked of."""
        text = json.dumps([asdict(self), client.base_url, client.endpoint, client.max_records])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_CONSTRAINTS = {"reporters": Economies(), "partners": Economies(none_ok=True),
                "products": Products(none_ok=False), "start": Month(none_ok=False),
                "end": Month(none_ok=False), "freq": Options("M", "A"),
                "flows": Options("M", "X", "M,X", "X,M")}


def plan_query(reporters: str, partners: str | None, products: str, start: str, end: str,
               freq: str = "M", flows: str = "M", mirror: bool = False) -> FetchQuery:
    """Check a fetch's parameters and resolve them into a :class:`FetchQuery`.

    Parameters
    ----------
    reporters, partners : str
        Economies, comma-separated (``KOR``; ``JPN,CHN,TWN,USA``); ``partners=None`` asks
        for every partner.
    products : str
        HS6 codes, comma-separated (``281111,370790``).
    start, end : str
        First and last month, ``YYYY-MM`` (annual fetches use the years).
    freq : {'M', 'A'}
        Monthly or annual data.
    flows : {'M', 'X', 'M,X'}
        Imports, exports or both, as the reporters record them.
    mirror : bool
        Also fetch the partners' records of the same trade (needs named partners).
    """
    from straits.reference.lookup import parse_products, resolve_country

    given = {"reporters": reporters, "partners": partners, "products": products,
             "start": start, "end": end, "freq": freq, "flows": flows}
    for name, constraint in _CONSTRAINTS.items():
        constraint.validate(name, "fetch comtrade", given[name])
    codes = tuple(parse_products(products) or ())
    bad = [c for c in codes if len(c) != 6]
    if bad:
        raise ParameterError(f"The 'products' parameter of fetch comtrade must be HS6 codes "
                             f"(the API's most detailed level). Got {bad[0]!r} instead.")
    if start > end:
        raise ParameterError(f"The 'start' parameter of fetch comtrade must not be after "
                             f"'end'. Got {start!r} and {end!r} instead.")
    if mirror and partners is None:
        raise ParameterError("The 'mirror' parameter of fetch comtrade needs named partners "
                             "(their own reports are fetched). Got partners=None instead.")

    def iso(spec: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(resolve_country(x.strip()).iso3 for x in spec.split(",")))

    return FetchQuery(iso(reporters), None if partners is None else iso(partners), codes,
                      start, end, freq.upper(), tuple(sorted(flows.upper().split(","))),
                      bool(mirror))


@dataclass
class Staged:
    """Answers of a fetch, checked and ready to store."""

    query: FetchQuery
    table: pd.DataFrame
    calls: int = 0
    reused: int = 0
    retries: int = 0
    estimated_rows: int = 0
    folder: Path | None = None
    started_at: object = None


def staging_root() -> Path:
    """Where answers wait to be stored (``<cache>/comtrade-staging``)."""
    from straits.data.default import cache_dir

    return cache_dir() / "comtrade-staging"


def download(query: FetchQuery, client: ComtradeClient, *, root: Path | None = None,
             restart: bool = False, progress: Progress | None = None) -> Staged:
    """Ask the API for every call of ``query`` not already staged; parse and check each.

    Raises
    ------
    DownloadError
        An HTTP or network failure after retries, a malformed answer (the error names the
        call and, for a bad value, the staged file, line and column), or a call that still
        fills ``max_records`` when it cannot be split further. Staged answers are kept for
        the next run; nothing is stored.
    """
    started = feed_load.utc_now()
    folder = (root or staging_root()) / query.key(client)
    if restart and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "query.json").write_text(json.dumps(asdict(query), indent=1), encoding="utf-8")
    staged = Staged(query, pd.DataFrame(), folder=folder, started_at=started)
    frames: list[pd.DataFrame] = []
    todo = list(query.requests())
    done = 0
    while todo:
        req = todo.pop(0)
        name = _file_name(req)
        csv, split_mark = folder / name, folder / (req.key() + ".split")
        if split_mark.exists():
            todo[0:0] = req.split() or []
        elif csv.exists():
            if csv.stat().st_size > len(",".join(FIELDS)) + 2:  # more than the header
                frames.append(_parse(csv, req))
            staged.reused += 1
        else:
            answer = client.fetch(req)
            staged.calls += 1
            staged.retries += answer.attempts - 1
            if answer.capped:
                halves = req.split()
                if halves is None:
                    raise DownloadError(f"UN Comtrade ({req.label()}): one call returns "
                                        f"{len(answer.records):,} records, the most allowed, "
                                        "and cannot be divided further")
                split_mark.touch()
                todo[0:0] = halves
            else:
                _write_csv(answer.records, csv)
                if answer.records:
                    frames.append(_parse(csv, req))
        done += 1
        if progress is not None:
            progress(done, done + len(todo), req.label())
    table = pd.concat(frames, ignore_index=True) if frames else _empty()
    check_table(folder / "all answers", table)
    reported = table.pop("_reported").astype(bool)
    staged.estimated_rows = int((~reported).sum())
    staged.table = table.drop(columns="line")
    return staged


def store(con, staged: Staged, *, refresh_id: str | None = None,
          base_url: str = "", endpoint: str = "") -> dict:
    """Write a staged fetch inside the caller's transaction; its log entry (a dict)."""
    q = staged.query
    feed_load.store_rows(con, staged.table, q.scopes())
    periods = q.periods()
    entry = {
        "fetch_id": uuid.uuid4().hex[:12], "refresh_id": refresh_id,
        "started_at": staged.started_at, "finished_at": feed_load.utc_now(),
        "endpoint": endpoint, "base_url": base_url, "query": json.dumps(asdict(q)),
        "first_period": _label(periods[0]), "last_period": _label(periods[-1]),
        "calls": staged.calls, "reused": staged.reused, "retries": staged.retries,
        "rows": len(staged.table), "estimated_rows": staged.estimated_rows,
    }
    feed_load.log_fetch(con, entry)
    return entry


def finish(staged: Staged) -> None:
    """Remove the staging folder of a stored fetch (the next run asks afresh)."""
    if staged.folder is not None:
        shutil.rmtree(staged.folder, ignore_errors=True)


def fetch_comtrade(db: str | Path, query: FetchQuery, client: ComtradeClient, *,
                   restart: bool = False, progress: Progress | None = None,
                   root: Path | None = None, wait: float = 0.0) -> dict:
    """Download, check and store one fetch into the warehouse at ``db``; its log entry.

    ``wait`` is how long to queue behind another writer of ``db`` (the download happens
    first, without the lock; a writer still there after ``wait`` seconds is a
    :class:`~straits.errors.WarehouseLockedError`, and the answers stay staged).
    """
    staged = download(query, client, root=root, restart=restart, progress=progress)
    with feed_load.writing(db, wait=wait, command="straits fetch comtrade") as con:
        entry = store(con, staged, base_url=client.base_url, endpoint=client.endpoint)
    finish(staged)
    return entry


def _label(period: str) -> str:
    return period if len(period) == 4 else f"{period[:4]}-{period[4:]}"


def _file_name(req: ApiRequest) -> str:
    span = req.periods[0] + ("" if len(req.periods) == 1 else "-" + req.periods[-1])
    who = "+".join(map(str, req.reporters[:3])) + ("+" if len(req.reporters) > 3 else "")
    return f"comtrade_{who}_{''.join(req.flows)}_{span}_{req.key()[:8]}.csv"


def _write_csv(records: Sequence[dict], path: Path) -> None:
    """The records as the ``comtrade-api`` CSV layout, written atomically.

    Values keep their JSON form (``dtype=object``: an integer stays ``-5``, not ``-5.0``),
    so an error message quotes what the API sent.
    """
    df = pd.DataFrame(list(records), dtype=object)
    extra = [c for c in df.columns if c not in FIELDS]
    df = df.reindex(columns=[*FIELDS, *extra])
    tmp = path.with_name(path.name + ".part")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def _parse(path: Path, req: ApiRequest) -> pd.DataFrame:
    """A staged answer through the ``comtrade-api`` layout, checked against its request."""
    try:
        table = ComtradeAPI(path).parse()
        _check_scope(path, table, req)
    except InputFileError as exc:
        rejected = path.with_name(path.stem + ".rejected.csv")
        path.replace(rejected)
        raise DownloadError(f"UN Comtrade answer rejected ({req.label()}), nothing stored: "
                            f"{exc} (kept as {rejected})") from exc
    reported = _reported(path, len(table), table["line"])
    table["classification"] = "HS"
    table["source"] = feed_load.SOURCE_PREFIX + table["reporter"]
    table["dataset"] = ComtradeAPI.dataset
    table["_reported"] = reported
    return table


def _reported(path: Path, n: int, lines: pd.Series):
    """``isReported`` of each kept row (True where the field is absent)."""
    if n == 0:
        return []
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["isReported"])
    flag = raw["isReported"].str.strip().str.lower().to_numpy()
    return flag[lines.to_numpy() - 2] != "false"


def _check_scope(path: Path, table: pd.DataFrame, req: ApiRequest) -> None:
    """Every record must be one the call asked for (else a later fetch could not replace it)."""
    want = {
        "reporter": {_iso(c) for c in req.reporters},
        "partner": None if req.partners is None else {_iso(c) for c in req.partners},
        "hs6": set(req.products),
        "flow": {FLOWS[f] for f in req.flows},
    }
    for col, allowed in want.items():
        if allowed is None:
            continue
        bad = ~table[col].isin(allowed)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputFileError(path, f"{col} {table[col].iloc[i]!r} was not asked for",
                                 line=int(table["line"].iloc[i]))
    period = table["year"] * 100 + table["month"].fillna(0).astype(int)
    asked = {int(p) * (100 if len(p) == 4 else 1) for p in req.periods}
    bad = ~period.isin(asked)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputFileError(path, f"period {int(period.iloc[i])} was not asked for",
                             line=int(table["line"].iloc[i]))


@lru_cache(maxsize=512)
def _iso(code: int) -> str:
    from straits.reference.lookup import resolve_country

    return resolve_country(code).iso3


def _empty() -> pd.DataFrame:
    from straits.sources.detect import NORMALISED

    return pd.DataFrame({c: pd.Series(dtype="object") for c in
                         [*NORMALISED, "source", "dataset", "_reported"]})


def iter_log(entries: Sequence[dict]) -> Iterator[str]:
    """One line per logged fetch, for the CLI summary."""
    for e in entries:
        yield (f"{e['rows']:,} rows, {e['first_period']}–{e['last_period']}, "
               f"{e['calls']} call(s) ({e['reused']} reused, {e['retries']} retries)")
