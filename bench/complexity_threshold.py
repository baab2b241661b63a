"""Evidence for the product-space guard: how ECI rankings degrade as products are removed.

Not a timing benchmark: an experiment whose figures docs/metrics.md quotes to justify
``MIN_HEADINGS``, ``MIN_CHAPTERS`` and ``MIN_ECONOMIES`` in :mod:`straits.metrics._space`.

The panel is seeded and synthetic, but calibrated on published values: its 145 economies'
capabilities are the Atlas's 2023 ECI (embedded in the package) and its 1,220 HS4 products'
complexities the Atlas's 2023 PCI (``../shared/data/atlas-complexity``). Economy ``c``
exports product ``p`` with probability ``1 / (1 + exp(-z))``,
``z = ALPHA (eci_c - pci_p) + BETA + g_c,ch(p) + e_cp``: capable economies export complex
and simple products, others only simple ones; ``g`` is an economy's endowment in a whole HS2
chapter (ores, oil, a climate: N(0, TAU^2) per economy and chapter) and ``e`` cell noise
(N(0, SIGMA^2)). Two models are run: *capability only* (TAU 0, SIGMA 0.5: the best case for
ECI) and *with endowments* (TAU 2, SIGMA 1: the full panel's ECI then agrees with the Atlas
at Spearman ~0.95, about what a full BACI year gives). Exported values are log-normal
times a log-normal economy size. Straits' ECI of the full panel is the reference; then,
for each basket size ``k``, ``DRAWS`` baskets are drawn

- at random among the 1,220 headings, and
- "narrow": whole HS2 chapters drawn at random until ``k`` headings are reached (a sector
  extract, like the embedded critical-materials one),

and the ECI recomputed on the basket (RCA and presence recomputed too) is compared with the
Atlas ECI (the panel's truth) and with the full-panel ECI by Spearman rank correlation.
A second sweep keeps every product and removes economies. A last line measures the real
embedded extract: Straits' ECI on its 30 HS6 codes against the Atlas's published 2023 ECI.

Usage: ``python bench/complexity_threshold.py [--atlas ../shared/data/atlas-complexity]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from straits._kernels import complexity as k
from straits.sources.atlas import eci_ranked

ALPHA, BETA, SEED, DRAWS = 2.0, -0.5, 20261203, 40
MODELS = {"capability only": (0.0, 0.5), "with endowments": (2.0, 1.0)}  # TAU, SIGMA
SIZES = [10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1220]


def panel(atlas: Path, tau: float, sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded export matrix (145 x 1,220), the Atlas ECI (its truth) and the HS4 codes."""
    eci = eci_ranked()
    eci = eci[eci["year"] == 2023].sort_values("iso3")
    pci = pd.read_csv(atlas / "atlas_pci_hs92_4digit_1995_2023.csv",
                      dtype={"hs_product_code": str})
    pci = pci[pci["year"] == 2023].sort_values("hs_product_code")
    theta = eci["eci"].to_numpy()[:, None]
    pi = pci["product_complexity_index"].to_numpy()[None, :]
    rng = np.random.default_rng(SEED)
    chapter = pd.factorize(pci["hs_product_code"].str[:2])[0]
    endow = rng.normal(0.0, tau, (len(theta), chapter.max() + 1))[:, chapter]
    z = ALPHA * (theta - pi) + BETA + endow + rng.normal(0.0, sigma, (len(theta), len(chapter)))
    p = 1.0 / (1.0 + np.exp(-z))
    size = rng.lognormal(0.0, 1.5, (len(theta), 1))
    X = (rng.random(p.shape) < p) * rng.lognormal(0.0, 1.0, p.shape) * size
    return X, eci["eci"].to_numpy(), pci["hs_product_code"].to_numpy()


def eci_of(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straits' ECI of a matrix (NaN where an economy exports nothing) and the diversity."""
    M = k.presence(k.rca_matrix(X))
    return k.eci_pci(M).eci, M.sum(axis=1)


def rho(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(spearmanr(a[ok], b[ok]).statistic) if ok.sum() > 2 else float("nan")


def basket(rng, codes: np.ndarray, n: int, narrow: bool) -> np.ndarray:
    """Column indices of a random (or chapter-by-chapter) basket of ``n`` headings."""
    if not narrow:
        return rng.choice(len(codes), size=n, replace=False)
    chapters = pd.Series(codes).str[:2].to_numpy()
    order = rng.permutation(np.unique(chapters))
    picked: list[int] = []
    for ch in order:  # whole chapters until the basket is full (at most 97)
        picked.extend(np.flatnonzero(chapters == ch).tolist())
        if len(picked) >= n:
            break
    return np.array(picked[:n])


def sweep_products(X, truth, codes) -> list[dict]:
    full, _ = eci_of(X)
    rng = np.random.default_rng(SEED + 1)
    out = []
    for n in SIZES:
        for narrow in (False, True):
            r_atlas, r_full, div2, hs2 = [], [], [], []
            for _ in range(1 if n == len(codes) else DRAWS):
                cols = basket(rng, codes, n, narrow)
                sub = X[:, cols]
                keep = sub.sum(axis=1) > 0
                e = np.full(len(truth), np.nan)
                d = np.zeros(len(truth))
                e[keep], d[keep] = eci_of(sub[keep])
                r_atlas.append(rho(e, truth))
                r_full.append(rho(e, full))
                div2.append(int((d >= 2).sum()))
                hs2.append(len({c[:2] for c in codes[cols]}))
            out.append({"headings": n, "basket": "narrow" if narrow else "random",
                        "chapters_median": int(np.median(hs2)),
                        "rho_atlas_median": round(float(np.nanmedian(r_atlas)), 3),
                        "rho_atlas_p10": round(float(np.nanpercentile(r_atlas, 10)), 3),
                        "rho_full_median": round(float(np.nanmedian(r_full)), 3),
                        "rho_full_p10": round(float(np.nanpercentile(r_full, 10)), 3),
                        "diversified_median": int(np.median(div2))})
    return out


def sweep_economies(X, truth) -> list[dict]:
    rng = np.random.default_rng(SEED + 2)
    out = []
    for n in (10, 20, 30, 40, 60, 90, 145):
        r = []
        for _ in range(1 if n == len(truth) else DRAWS):
            rows = rng.choice(len(truth), size=n, replace=False)
            e, _ = eci_of(X[rows])
            r.append(rho(e, truth[rows]))
        out.append({"economies": n, "rho_atlas_median": round(float(np.nanmedian(r)), 3),
                    "rho_atlas_p10": round(float(np.nanpercentile(r, 10)), 3)})
    return out


def embedded_extract() -> dict:
    """Straits' ECI on the embedded 30-product extract vs the Atlas's published 2023 ECI."""
    import straits
    from straits.metrics.complexity import complexity

    with straits.open(read_only=True) as s:
        out = {}
        for year in (2023, 2024):
            cx = complexity(s.backend, year=year, min_headings=2, min_chapters=1,
                            min_economies=1).countries
            atlas = eci_ranked()
            atlas = atlas[atlas["year"] == 2023].set_index("iso3")["eci"]
            m = cx.set_index("country")["eci"].reindex(atlas.index)
            kor = cx[cx["country"] == "KOR"]
            out[str(year)] = {"economies_ranked": len(cx), "rho_atlas_2023": round(rho(
                m.to_numpy(), atlas.to_numpy()), 3), "korea_rank": int(kor["rank"].iloc[0]),
                "top3": cx.head(3)[["country", "diversity"]].to_dict("records")}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--atlas", type=Path,
                    default=Path(__file__).resolve().parents[1].parent / "shared" / "data"
                    / "atlas-complexity")
    args = ap.parse_args()
    res: dict = {"alpha": ALPHA, "beta": BETA, "seed": SEED, "draws": DRAWS}
    for name, (tau, sigma) in MODELS.items():
        X, truth, codes = panel(args.atlas, tau, sigma)
        full, _ = eci_of(X)
        res[name] = {"tau": tau, "sigma": sigma, "economies": X.shape[0],
                     "headings": X.shape[1], "fill": round(float((X > 0).mean()), 3),
                     "rho_full_vs_atlas": round(rho(full, truth), 3),
                     "products": sweep_products(X, truth, codes),
                     "economies_sweep": sweep_economies(X, truth)}
    res["embedded"] = embedded_extract()
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
