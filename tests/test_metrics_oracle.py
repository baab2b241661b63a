"""Agreement with the Growth Lab's ``ecomplexity`` (test-time oracle only) on a seeded panel.

The panel is synthetic (seeded, log-normal values with a realistic share of zero cells and
country size effects); ``ecomplexity`` eigen-decomposes the full product x product matrix,
so the panel is kept at 200 x 1200 to stay fast. Straits solves the small (country) side
with ``eigsh`` / ``eigh``; after the same normalisation the values must agree within 1e-6.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from straits._kernels import complexity as k
from straits.metrics.complexity import from_matrix

ecomplexity = pytest.importorskip("ecomplexity")

N_C, N_P = 200, 1200


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(20260101)
    size = rng.lognormal(0, 1.5, (N_C, 1))
    skill = np.sort(rng.random(N_C))[:, None]
    hard = rng.random((1, N_P))
    p_export = np.clip(0.15 + 0.8 * skill - 0.5 * hard, 0.02, 0.98)
    X = rng.lognormal(0, 2, (N_C, N_P)) * size * (rng.random((N_C, N_P)) < p_export)
    countries = [f"C{i:03d}" for i in range(N_C)]
    products = [f"{100000 + 7 * j:06d}" for j in range(N_P)]
    wide = pd.DataFrame(X, index=countries, columns=products)
    long = wide.stack().rename("val").reset_index()
    long.columns = ["loc", "prod", "val"]
    long.insert(0, "year", 2030)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(long, {"time": "year", "loc": "loc", "prod": "prod",
                                             "val": "val"}, verbose=False,
                                      check_logsupermodularity=False)
        prox = ecomplexity.proximity(long, {"time": "year", "loc": "loc", "prod": "prod",
                                            "val": "val"})
    return wide, out, prox


def test_eci_pci_match_ecomplexity(panel):
    wide, out, _ = panel
    res = from_matrix(wide, year=2030)
    gl_c = out.groupby("loc")["eci"].first()
    gl_p = out.groupby("prod")["pci"].first()
    ours_c = res.countries.set_index("country")["eci"].reindex(gl_c.index)
    ours_p = res.products.set_index("product")["pci"].reindex(gl_p.index)
    assert spearmanr(ours_c, gl_c).statistic >= 0.999
    assert spearmanr(ours_p, gl_p).statistic >= 0.999
    np.testing.assert_allclose(ours_c, gl_c, atol=1e-6)
    np.testing.assert_allclose(ours_p, gl_p, atol=1e-6)
    div = out.groupby("loc")["diversity"].first()
    np.testing.assert_array_equal(res.countries.set_index("country")["diversity"].reindex(div.index),
                                  div)


def test_proximity_density_coi_cog_match_ecomplexity(panel):
    wide, out, prox = panel
    M = k.presence(k.rca_matrix(wide.to_numpy()))
    phi = k.proximity(M)
    gl_phi = prox.pivot(index="prod_1", columns="prod_2", values="proximity")
    gl_phi = gl_phi.loc[wide.columns, wide.columns].to_numpy()
    np.testing.assert_allclose(phi, gl_phi, atol=1e-12)
    i, j = np.triu_indices(N_P, 1)
    assert spearmanr(phi[i, j], gl_phi[i, j]).statistic >= 0.999
    r = k.eci_pci(M)
    d = k.density(M, phi)
    coi, cog = k.coi_cog(M, phi, d, r)
    cells = out.set_index(["loc", "prod"]).loc[
        pd.MultiIndex.from_product([wide.index, wide.columns])]
    np.testing.assert_allclose(d, cells["density"].to_numpy().reshape(N_C, N_P), atol=1e-9)
    np.testing.assert_allclose(cog, cells["cog"].to_numpy().reshape(N_C, N_P), atol=1e-6)
    gl_coi = out.groupby("loc")["coi"].first().reindex(wide.index)
    np.testing.assert_allclose(coi, gl_coi, atol=1e-6)


def test_eigsh_side_matches_dense_solution(panel):
    """Products side (more countries than products) gives the same answer as the country side."""
    wide, _, _ = panel
    M = k.presence(k.rca_matrix(wide.to_numpy()))
    sub = M[:, :100]  # 200 countries x 100 products: the product side is smaller
    c_small = k.eci_pci(sub)
    dense = sub  # the Growth Lab recipe: dense eig of the product matrix
    keep_r, keep_c = dense.sum(1) > 0, dense.sum(0) > 0
    D = dense[keep_r][:, keep_c]
    mpp = (D / D.sum(0)).T @ (D / D.sum(1)[:, None])
    w, v = np.linalg.eig(mpp)
    kp = np.real(v[:, np.argsort(w)[-2]])
    kc = (D @ kp) / D.sum(1)
    s = np.sign(np.corrcoef(D.sum(1), kc)[0, 1])
    kc, kp = s * kc, s * kp
    np.testing.assert_allclose(c_small.eci[keep_r], (kc - kc.mean()) / kc.std(), atol=1e-6)
    np.testing.assert_allclose(c_small.pci[keep_c], (kp - kc.mean()) / kc.std(), atol=1e-6)
