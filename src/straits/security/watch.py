"""Early warning on monthly import series: drops, one-country dominance, new suppliers.

Korea set up a supply-chain early-warning system (EWS) after the 2021 urea-solution
shortage: KOTRA, with the Korea International Trade Association (KITA) and others, follows
about 4,000 import items month by month and flags unusual moves, with particular attention
to items that depend on one country for more than half of their imports. :func:`watch`
applies three transparent rules of that kind to the monthly series in ``reporter_flows``;
they are Straits' own rules, inspired by that practice, not the EWS's (unpublished) model.

Rules, for each product p, supplier c and month t (values v in USD; months with no row
inside a product's coverage count as zero):

``seasonal_drop``
    v[t] < (1 - drop_threshold) * b[t], where the seasonal baseline
    b[t] = mean(v[t-13], v[t-12], v[t-11]) (the same month a year earlier and its two
    neighbours), b[t] >= min_value_usd, and the supplier's share of the importer's imports
    over those baseline months >= min_share (10%: a drop from a minor supplier is no
    supply risk). Reported at onset only: not when the rule also held in any of the
    previous ``cooldown`` months (2).
``concentration``
    The supplier's share of the importer's imports over the last three months,
    s3[t] = sum(v[t-2..t]) / sum over suppliers, exceeds share_threshold (50%: the
    one-country rule) having stayed at or below it for the previous 12 months, with the
    product's three-month imports >= 3 * min_value_usd.
``new_supplier``
    Nothing from the supplier in the previous 12 months, and v[t] >= min_value_usd and
    >= new_share of the importer's imports of p in month t.

``change_pct`` = (value_usd / baseline_usd - 1) x 100 for drops; ``share_change_pp`` =
(s3[t] - the 12-month maximum of s3 before t) x 100 for concentration crossings. Importer-side
series only give shares; exporter-reported series (used where the importer reports
nothing) yield seasonal drops only. ``product`` is the series' own code: Korea's customs
lines (HSK) have ten digits and cover only part of their HS6 heading.

References
----------
KOTRA, "Supply chain early warning system" (공급망 조기경보시스템), launched 2021-22;
Korea Ministry of Trade, Industry and Energy, designation of items with import dependence on
one country of 50% or more (2021-22 supply-chain stabilisation measures).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from straits import _arrow
from straits.errors import DataNotLoadedError
from straits.params import Codes, Economy, Interval, Month, validate_params
from straits.provenance import Provenance, attach
from straits.reference.lookup import resolve_country
from straits.security.monthly import period_label
from straits.sources.reporter import product_codes, require_reporter_data
from straits.warehouse import reporter_sql

if TYPE_CHECKING:
    import pandas as pd

    from straits.warehouse.protocol import Warehouse

COLUMNS = ["period", "product", "classification", "supplier", "signal", "value_usd",
           "baseline_usd", "change_pct", "share", "share_change_pp", "detail"]
#: What :func:`signals` returns (the series' classification is added by :func:`watch`).
SIGNAL_COLUMNS = [c for c in COLUMNS if c != "classification"]
_FRACTION = Interval(float, 0, 1, closed="neither")


def method_note(drop_threshold: float = 0.5, share_threshold: float = 0.5,
                new_share: float = 0.1, min_share: float = 0.1) -> str:
    """The three rules in one line, with their thresholds."""
    return (f"seasonal_drop: month value < {1 - drop_threshold:g} x mean of the same month a "
            f"year earlier and its neighbours (supplier >= {min_share:g} of imports then); "
            f"concentration: 3-month share crosses {share_threshold:g}; new_supplier: nothing "
            f"in 12 months, now >= {new_share:g} of imports. Values: USD as the reporter "
            "recorded them (imports CIF); product = the series' own code (an HSK line has "
            "ten digits, not an HS6 code).")


@validate_params({"importer": Economy(), "products": Codes(), "start": Month(), "end": Month(),
                  "drop_threshold": _FRACTION, "share_threshold": _FRACTION,
                  "new_share": _FRACTION, "min_value_usd": Interval(float, 0, None),
                  "min_share": Interval(float, 0, 1, closed="left"),
                  "cooldown": Interval(int, 1, 24)})
def watch(wh: Warehouse, importer: str, *, products: str | Sequence[str] | None = None,
          start: str | None = None, end: str | None = None, drop_threshold: float = 0.5,
          share_threshold: float = 0.5, new_share: float = 0.1,
          min_value_usd: float = 100_000.0, min_share: float = 0.1,
          cooldown: int = 2) -> pd.DataFrame:
    """Scan an importer's monthly imports and list early-warning signals.

    Parameters
    ----------
    wh : Warehouse
        The data; it must hold monthly reporter series.
    importer : str
        Importing economy (ISO3, name...).
    products : str or list of str, optional
        HS prefixes (``'2811,3707'``) or national codes (``'2811111000'``); default all.
    start, end : str, optional
        First and last month reported, ``'YYYY-MM'`` (history before ``start`` is still
        used for baselines).
    drop_threshold, share_threshold, new_share : float
        Fractions in (0, 1); see the module docstring for the rules.
    min_value_usd : float
        Materiality: smallest baseline (or new-supplier value) per month, USD.
    min_share : float
        Materiality of a drop: the supplier's share of the importer's imports of the product
        over the baseline months must be at least this (importer-reported series only).
    cooldown : int
        Months a drop must be absent before a new drop signal is reported.

    Returns
    -------
    pandas.DataFrame
        One row per signal: period ('YYYY-MM'), product (the series' own code: an HSK line
        for Korean customs, HS6 for Comtrade), classification (``HSK``, ``HS``...),
        supplier (ISO3), signal (``seasonal_drop``, ``concentration``, ``new_supplier``),
        value_usd, baseline_usd, change_pct (drops: value / baseline - 1, in percent),
        share (0-1), share_change_pp (concentration: the rise of the 3-month share over its
        12-month maximum, percentage points), detail; sorted by period, product, supplier.
        With its :class:`~straits.provenance.Provenance`.
    """
    lo = int(start[:4]) * 12 + int(start[5:]) - 1 if start is not None else None
    hi = int(end[:4]) * 12 + int(end[5:]) - 1 if end is not None else None
    imp = resolve_country(importer).iso3
    require_reporter_data(wh, "No monthly reporter data loaded; ingest customs files.")
    codes = product_codes(products)
    catalog = wh.arrow(reporter_sql.monthly_catalog()).to_pylist()
    series = {tuple(x.split(" ")) for r in catalog for x in (r["monthly_series"] or "").split(";")
              if x}
    mine = {x for x in series if x[0] == imp and x[1] == "import"}
    rows: list[int] = []

    def counted(batches: Iterable[pa.RecordBatch]) -> Iterable[pa.RecordBatch]:
        for batch in batches:  # a loop over record batches
            rows.append(batch.num_rows)
            yield batch

    if len(mine) == 1 and not any(x[1] == "export" for x in series):  # no ranking needed
        # one series: streamed (12M rows for Korea's ~4,000 customs lines over 25 years)
        raw = counted(wh.batches(reporter_sql.monthly_imports_simple(imp, codes)))
        classes = {None: next(iter(mine))[2]}
    else:
        table = wh.arrow(reporter_sql.monthly_supply(imp, codes, sources=False))
        classes = dict(zip(table.column("product").to_pylist(),
                           table.column("classification").to_pylist(), strict=True))
        raw = counted(table.to_batches())
    out = signals(raw, drop_threshold=drop_threshold, share_threshold=share_threshold,
                  new_share=new_share, min_value_usd=min_value_usd, min_share=min_share,
                  cooldown=cooldown)
    if not sum(rows):
        raise DataNotLoadedError(f"No monthly import data for {imp}"
                                 + (f" in {', '.join(codes)}" if codes else "") + ".")
    keep = np.ones(len(out), dtype=bool)
    if lo is not None:
        keep &= out["_p"].to_numpy() >= lo
    if hi is not None:
        keep &= out["_p"].to_numpy() <= hi
    result = out[keep].drop(columns="_p").reset_index(drop=True)
    fixed = classes.get(None)
    result["classification"] = fixed if fixed else result["product"].map(classes)
    result = result[COLUMNS]
    used = {r["dataset"] for r in catalog if any(
        x.startswith(f"{imp} import") or " export " in f" {x} "
        for x in (r["monthly_series"] or "").split(";"))}
    return attach(result, Provenance(
        source="; ".join(sorted(used)), dataset="reporter",
        method=method_note(drop_threshold, share_threshold, new_share, min_share)))


#: Rows handled at a time while the panel is built: a block's int32 codes stay under the
#: 4 MiB from which NumPy asks for huge pages (see :func:`_scratch`).
_BLOCK = 1_000_000


def _encode(arr: pa.Array) -> tuple[np.ndarray, np.ndarray | None, pa.Array]:
    """One block's product or supplier column as int32 codes and their (local) dictionary.

    Monthly series arrive grouped (a product's rows together, a supplier's months in a
    run), so when runs are long only the first row of each run is hashed: the codes are
    then one per run, with the run lengths (else one per row, and None).
    """
    rows = len(arr)
    if rows > 1 << 12 and arr.null_count == 0:
        change = ~pc.equal(arr.slice(1), arr.slice(0, rows - 1)).to_numpy(zero_copy_only=False)
        starts = np.r_[0, np.flatnonzero(change) + 1]
        if len(starts) <= rows // 8:
            enc = pc.dictionary_encode(arr.take(pa.array(starts)))
            return enc.indices.to_numpy(), np.diff(np.r_[starts, rows]), enc.dictionary
    enc = pc.dictionary_encode(arr, null_encoding="encode")
    return enc.indices.to_numpy(zero_copy_only=False), None, enc.dictionary


def _unify(blocks: list[dict], col: str) -> np.ndarray:
    """Number ``col`` (``product`` or ``supplier``) alike in every block.

    Each block's ``(codes, runs, dictionary)`` becomes ``(global codes, runs)``: still one
    code per run where the column was run-length encoded. Returns the distinct values.
    """
    local = [b[col][2] for b in blocks]
    enc = pc.dictionary_encode(pa.concat_arrays(local), null_encoding="encode")
    ids = enc.indices.to_numpy(zero_copy_only=False)
    at = 0
    for b, d in zip(blocks, local, strict=True):  # a loop over blocks of rows
        codes, runs, _ = b[col]
        b[col] = (ids[at:at + len(d)][codes].astype(np.int64), runs)
        at += len(d)
    return enc.dictionary.to_numpy(zero_copy_only=False)


def _pairs(block: dict, k: int) -> tuple[np.ndarray, np.ndarray | None]:
    """A block's product-supplier keys (product x k + supplier), one per run of rows.

    A run shares both product and supplier; the run lengths come with the keys (None when
    a column had no runs: then one key per row). The keys of a grouped block come from its
    product and supplier runs alone, so no per-row code array is ever made.
    """
    (prod, p_runs), (sup, s_runs) = block["product"], block["supplier"]
    if p_runs is None or s_runs is None:  # per row
        rows = [c if r is None else np.repeat(c, r) for c, r in ((prod, p_runs), (sup, s_runs))]
        return rows[0] * k + rows[1], None
    p_at, s_at = np.cumsum(p_runs) - p_runs, np.cumsum(s_runs) - s_runs  # run starts
    at = np.union1d(p_at, s_at)
    keys = prod[np.searchsorted(p_at, at, "right") - 1] * k
    keys += sup[np.searchsorted(s_at, at, "right") - 1]
    return keys, np.diff(np.r_[at, len(block["period"])])


def _per_row(x: np.ndarray, runs: np.ndarray | None) -> np.ndarray:
    """One value per run (with its run lengths) as one value per row."""
    return x if runs is None else np.repeat(x, runs)


def _scratch(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A zeroed array for a full-size temporary, in its own anonymous memory mapping.

    Why not ``np.zeros``: NumPy asks the kernel for transparent huge pages for arrays of
    4 MiB and more. That pays when memory is reused, but the first touch of fresh huge
    pages is slow where the host reclaims a guest's free memory (measured here: 2.2 ms a
    MB, against 0.44 ms a MB for ordinary pages), and a CLI process touches this memory
    exactly once.
    """
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size < 1 << 22:
        return np.zeros(shape, dtype)
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype).reshape(shape)


class _Panel(NamedTuple):
    """The long table as a dense series x month panel (series grouped by product)."""

    V: np.ndarray  # n x T values, USD
    s_prod: np.ndarray  # product of each series
    s_sup: np.ndarray  # supplier of each series
    starts: np.ndarray  # first series of each product
    seen: np.ndarray  # m x T: the product has a row that month
    importer_side: np.ndarray  # per product: importer-reported (shares are defined)
    prods: np.ndarray
    sups: np.ndarray
    p0: int


def _panel(batches: Iterable[pa.RecordBatch], *, own: bool = False) -> _Panel | None:
    """Build the panel from record batches of the long table, summing rows of one cell.

    Why block by block: on a 12M-row table every full-length temporary is ~100 MB, and
    memory a process touches for the first time is expensive (page faults; on a virtual
    machine that hands free memory back to its host ~2 ms a MB, which made the first call
    in a process three times slower than the next). So the strings are encoded one block
    at a time (a stream from the warehouse is never held whole), and only the panel is
    full-size. ``own``: copy the numeric columns (the batches are a stream's, to be freed).
    None when there are no rows.
    """
    blocks: list[dict] = []
    side = None
    for batch in batches:  # a loop over record batches (up to a million rows)
        if batch.num_rows == 0:
            continue
        side = "side" in batch.schema.names
        cols = [_arrow.numbers(batch.column("period"), "int32"),
                _arrow.numbers(batch.column("value_usd"), "float64")]
        if own:  # keep no view of a stream's memory
            cols = [c if c.flags.owndata else c.copy() for c in cols]
        is_imp = (pc.equal(batch.column("side"), "importer").to_numpy(zero_copy_only=False)
                  if side else None)
        blocks.append({"product": _encode(batch.column("product")),
                       "supplier": _encode(batch.column("supplier")), "period": cols[0],
                       "value": cols[1], "importer": is_imp})
    if not blocks:
        return None
    prods, sups = _unify(blocks, "product"), _unify(blocks, "supplier")
    m, k = len(prods), len(sups)
    for b in blocks:
        b["keys"] = _pairs(b, k)
    present = np.zeros(m * k, dtype=bool)
    for b in blocks:
        present[b["keys"][0]] = True
    keys = np.flatnonzero(present)  # sorted: series grouped by product
    remap = np.cumsum(present, dtype=np.int64) - 1
    del present
    p0 = int(min(b["period"].min() for b in blocks))
    T = int(max(b["period"].max() for b in blocks)) - p0 + 1
    n = len(keys)
    V = _scratch((n * T,), np.float64)
    seen = np.zeros(m * T, dtype=bool)  # product x month: a row reported
    importer_side = np.zeros(m, dtype=bool) if side else np.ones(m, dtype=bool)
    while blocks:  # without a side column every row is importer-reported
        b = blocks.pop()
        pair, runs = b["keys"]
        cell = _per_row(remap[pair] * T - p0, runs)
        cell += b["period"]  # series x month cell
        np.add.at(V, cell, b["value"])
        month = _per_row(pair // k * T - p0, runs)
        month += b["period"]
        seen[month] = True
        if b["importer"] is not None:
            importer_side[_per_row(pair // k, runs)[b["importer"]]] = True
    V = V.reshape(n, T)
    s_prod = keys // k
    starts = np.flatnonzero(np.r_[True, s_prod[1:] != s_prod[:-1]])
    return _Panel(V, s_prod, keys % k, starts, seen.reshape(m, T), importer_side, prods, sups,
                  p0)


def signals(raw: pd.DataFrame | pa.Table | Iterable[pa.RecordBatch], *,
            drop_threshold: float = 0.5,
            share_threshold: float = 0.5, new_share: float = 0.1,
            min_value_usd: float = 100_000.0, min_share: float = 0.1,
            cooldown: int = 2) -> pd.DataFrame:
    """The rules of :func:`watch` on a long table (vectorised over a dense NumPy panel).

    ``raw`` (DataFrame, Arrow table, or a stream of record batches) has columns product,
    supplier, period (months since year 0), value_usd and optionally side
    ('importer'/'exporter'; default importer), as
    :func:`straits.warehouse.reporter_sql.monthly_supply` returns. The result has the
    :func:`watch` columns (but classification) plus ``_p`` (period number).
    """
    import pandas as pd

    if isinstance(raw, pd.DataFrame):
        raw = pa.Table.from_pandas(raw[[c for c in ("side", "product", "supplier", "period",
                                                    "value_usd") if c in raw]],
                                   preserve_index=False)
    panel = (_panel(raw.to_batches(max_chunksize=_BLOCK)) if isinstance(raw, pa.Table)
             else _panel(raw, own=True))
    if panel is None:
        return pd.DataFrame(columns=[*SIGNAL_COLUMNS, "_p"])
    V, s_prod, s_sup, starts, seen, importer_side, prods, sups, p0 = panel
    T = V.shape[1]
    first = np.where(seen.any(axis=1), seen.argmax(axis=1), T)
    last = np.where(seen.any(axis=1), T - 1 - seen[:, ::-1].argmax(axis=1), -1)
    P = np.add.reduceat(V, starts, axis=0)  # product totals over suppliers, m x T
    P[~importer_side] = np.nan
    # Every rule below works on shifted slices of the panel (x[:, :-k] is month t-k),
    # full-size only for the cheap comparisons, written in place into five reused buffers
    # (see _panel and _scratch on why); ratios are computed at candidate cells.
    cols = np.arange(T)[None, :]
    f_s, l_s = first[s_prod][:, None], last[s_prod][:, None]
    # Candidates are screened in float32 (half the memory traffic); every reported figure
    # is recomputed in float64 at the candidate cells.
    V32, buf = _scratch(V.shape, np.float32), _scratch(V.shape, np.float32)
    np.copyto(V32, V, casting="same_kind")
    cand, acc, tmp = (_scratch(V.shape, np.bool_) for _ in range(3))

    def window_sum(x: np.ndarray, k0: int, k1: int, out: np.ndarray | None = None
                   ) -> np.ndarray:
        """Sum of x[t-k] for k = k0..k1 (NaN where the window leaves the panel)."""
        out = np.empty(x.shape, dtype=x.dtype) if out is None else out
        out[:, :k1] = np.nan
        w = x.shape[1] - k1
        if w > 0:
            out[:, k1:] = x[:, k1 - k0:k1 - k0 + w]
            for k in range(k0 + 1, k1 + 1):  # a loop over lags (3 at most)
                out[:, k1:] += x[:, k1 - k:k1 - k + w]
        return out

    def none_in_last(x: np.ndarray, k: int) -> np.ndarray:
        """True (in ``acc``) where ``x`` held in none of the ``k`` previous months.

        By doubling: when ``cover[t]`` says x held in one of months t-1..t-w,
        ``cover[t] | cover[t-s]`` says the same for t-1..t-w-s (s <= w), so 12 lags take
        four passes, alternating between ``acc`` and ``tmp``.
        """
        cover, spare = acc, tmp
        cover[:, 0] = False
        cover[:, 1:] = x[:, :-1]
        w = 1
        while w < k:
            s = min(w, k - w)
            spare[:, :s] = cover[:, :s]
            np.logical_or(cover[:, s:], cover[:, :-s], out=spare[:, s:])
            cover, spare, w = spare, cover, w + s
        if cover is not acc:
            acc[...] = cover
        return np.logical_not(acc, out=acc)

    # A rule may use month t when the product has ``lag`` months of history before t and
    # reports until t or later. Products covering the whole panel only lose its first
    # months; the others (ragged) are checked row by row.
    ragged = np.flatnonzero(((first > 0) | (last < T - 1))[s_prod])

    def live(lag: int, mask: np.ndarray) -> tuple[np.ndarray, ...]:
        """The cells of ``mask`` with ``lag`` months of product history behind them."""
        mask[:, :lag] = False
        if ragged.size:
            mask[ragged] &= (cols >= f_s[ragged] + lag) & (cols <= l_s[ragged])
        return np.divmod(np.flatnonzero(mask), T)  # (rows, columns), faster than 2-D nonzero

    def base_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return (V[r, c - 13] + V[r, c - 12] + V[r, c - 11]) / 3.0

    def v3_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return V[r, c] + V[r, c - 1] + V[r, c - 2]

    with np.errstate(divide="ignore", invalid="ignore"):
        # new supplier: nothing in the previous 12 months, now material
        mask = none_in_last(np.greater(V32, 0, out=cand), 12)  # in acc
        mask &= np.greater_equal(V32, min_value_usd, out=tmp)
        r3, c3 = live(12, mask)
        ok = V[r3, c3] >= new_share * P[s_prod[r3], c3]
        new = (r3[ok], c3[ok])
        # seasonal drop: v[t] < (1 - d) * mean(v[t-13], v[t-12], v[t-11])
        base = window_sum(V32, 11, 13, out=buf)
        base /= np.float32(3.0)
        mask = np.greater_equal(base, max(min_value_usd, 1e-9), out=cand)
        base *= 1.0 - drop_threshold
        mask &= np.less(V32, base, out=tmp)
        r, c = live(13, mask)
        pb = window_sum(P, 11, 13) / 3.0
        pbase = pb[s_prod[r], c]
        keep = np.isnan(pbase) | (base_at(r, c) / pbase >= min_share)
        r, c = r[keep], c[keep]
        cells = r * T + c
        earlier = np.zeros(len(r), dtype=bool)
        for j in range(1, cooldown + 1):
            earlier |= np.isin(cells - j, cells) & (c - j >= 0)
        drop = (r[~earlier], c[~earlier])
        # concentration: three-month share crosses share_threshold (none in the prior 12)
        p3 = window_sum(P, 0, 2)
        v3 = window_sum(V32, 0, 2, out=buf)
        bar = np.take(share_threshold * p3.astype(np.float32), s_prod, axis=0, out=V32,
                      mode="clip")  # "raise" would buffer the output: a 48 MB temporary
        above = np.greater(v3, bar, out=cand)
        mask = none_in_last(above, 12)  # in acc
        mask &= above
        r2, c2 = live(14, mask)
        ok = p3[s_prod[r2], c2] >= 3 * min_value_usd
        conc = (r2[ok], c2[ok])
        del V32, buf, v3, bar, above, mask

        def share_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
            return V[r, c] / P[s_prod[r], c]

        def s3_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
            return v3_at(r, c) / p3[s_prod[r], c]

        prev = np.stack([s3_at(conc[0], np.maximum(conc[1] - j, 0)) for j in range(1, 13)]) \
            if len(conc[0]) else np.zeros((12, 0))
        frames = []
        for name, (r, c), value, baseline, sh in (
            ("seasonal_drop", drop, V[drop], base_at(*drop), share_at(*drop)),
            ("concentration", conc, s3_at(*conc), np.nanmax(prev, axis=0, initial=0.0),
             s3_at(*conc)),
            ("new_supplier", new, V[new], np.zeros(len(new[0])), share_at(*new)),
        ):
            frames.append(pd.DataFrame({
                "_s": r, "_p": c + p0, "signal": name, "_v": value, "_b": baseline,
                "value_usd": V[r, c], "share": sh,
            }))
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        return pd.DataFrame(columns=[*SIGNAL_COLUMNS, "_p"])
    r = out["_s"].to_numpy()
    out["product"], out["supplier"] = prods[s_prod[r]], sups[s_sup[r]]
    is_drop = out["signal"] == "seasonal_drop"
    is_conc = out["signal"] == "concentration"
    out["baseline_usd"] = np.where(is_drop, out["_b"], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(is_drop, (out["_v"] / out["_b"] - 1.0) * 100, np.nan)
    out["share_change_pp"] = np.where(is_conc, (out["_v"] - out["_b"]) * 100, np.nan)
    out["period"] = period_label(out["_p"]).to_numpy()
    out["detail"] = _details(out, share_threshold)
    out = out.sort_values(["_p", "product", "supplier", "signal"])
    return out[[*SIGNAL_COLUMNS, "_p"]].reset_index(drop=True)


def _details(out: pd.DataFrame, share_threshold: float) -> pd.Series:
    """One readable sentence per signal, built column-wise."""
    musd = (out["value_usd"] / 1e6).round(2).astype(str)
    base = (out["baseline_usd"] / 1e6).round(2).astype(str)
    pct = out["change_pct"].round(0).astype("Int64").astype(str)
    share = (out["share"] * 100).round(0).astype("Int64").astype(str)
    drop = (out["supplier"] + ": " + musd + " M USD vs " + base
            + " M USD in the same months a year earlier (" + pct + "%)")
    conc = (out["supplier"] + " supplies " + share + "% of imports (3-month share, above "
            + f"{share_threshold * 100:g}%)")
    new = (out["supplier"] + ": new supplier, " + musd + " M USD (" + share
           + "% of imports), nothing in the previous 12 months")
    return drop.where(out["signal"] == "seasonal_drop",
                      conc.where(out["signal"] == "concentration", new))
