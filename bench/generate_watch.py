"""Seeded synthetic monthly import panel for the early-warning benchmark (never real data).

``panel(items, partners, months)`` returns an Arrow table in the shape
:func:`straits.warehouse.reporter_sql.monthly_imports_simple` returns (product, supplier,
period, value_usd): every item x partner x month (4,000 x 50 x 60 = 12 million rows by
default, like Korea's early-warning system's ~4,000 items). Values are lognormal per series
(Zipf-like partner sizes) times a common seasonal cycle and 15% monthly noise; 0.5% of series
collapse to 5% of their level from a random month, and 0.5% of series are zero until a
random month (new suppliers), so every rule has something to find.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from straits.reference.lookup import countries


def panel(items: int = 4000, partners: int = 50, months: int = 60, *, seed: int = 11,
          start: int = 2019 * 12) -> pa.Table:
    """The synthetic panel (Arrow table, items x partners x months rows)."""
    rng = np.random.default_rng(seed)
    iso = countries().query("current")["iso3"].drop_duplicates().to_numpy()[:partners]
    codes = np.array([f"{c:010d}" for c in rng.choice(10**10 - 10**9, items, replace=False)
                      + 10**9])
    n = items * partners
    size = rng.lognormal(11.0, 1.5, items)[:, None] / np.arange(1, partners + 1) ** 1.2
    base = size.reshape(n)
    season = 1 + 0.2 * np.sin(2 * np.pi * np.arange(months) / 12)
    values = base[:, None] * season[None, :] * rng.lognormal(0, 0.15, (n, months))
    collapse = rng.random(n) < 0.005
    when = rng.integers(13, months, n)
    t = np.arange(months)[None, :]
    values[collapse] *= np.where(t[0] >= when[collapse, None], 0.05, 1.0)
    fresh = (rng.random(n) < 0.005) & ~collapse
    values[fresh] *= (t[0] >= when[fresh, None])
    series = np.repeat(np.arange(n), months)
    return pa.table({
        "product": pa.DictionaryArray.from_arrays(
            pa.array(np.repeat(np.arange(items), partners * months), pa.int32()),
            pa.array(codes)).cast(pa.string()),
        "supplier": pa.DictionaryArray.from_arrays(
            pa.array(np.tile(np.repeat(np.arange(partners), months), items), pa.int32()),
            pa.array(iso)).cast(pa.string()),
        "period": pa.array(np.tile(np.arange(months) + start, n), pa.int64()),
        "value_usd": pa.array(values.reshape(-1)),
        "series": pa.array(series, pa.int64()),
    })
