"""Hand-computed small cases and properties of the metric formulas (no warehouse).

The complexity cases use the nested 3x3 presence matrix

    M = [[1, 1, 1],      diversity (3, 2, 1), ubiquity (3, 2, 1)
         [1, 1, 0],
         [1, 0, 0]]

for which M~cc = D_c^-1 M D_p^-1 M^T = [[11/18, 5/18, 1/9], [5/12, 5/12, 1/6], [1/3, 1/3, 1/3]]:
trace 49/36 = 1 + l2 + l3, det 1/36 = l2 l3, so l2 = 1/4, l3 = 1/9. The l2 eigenvector
solves 5 v1 + 2 v2 + 2 v3 = 0 and 4 v1 + 4 v2 + v3 = 0: v = (-2, 1, 4); diversity
(3, 2, 1) correlates negatively, so kc = (2, -1, -4): mean -1, population std sqrt(6),
ECI = (3, 0, -3) / sqrt(6). kp = D_p^-1 M^T kc = (-3/3, 1/2, 2/1) = (-1, 1/2, 2), and
kc = D_c^-1 M kp = (1/2, -1/4, -1) (= kc / 4): PCI = (kp + 1/4) / (sqrt(6) / 4) =
(-3, 3, 9) / sqrt(6).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from straits._kernels import complexity as k
from straits.metrics.bilateral import (
    export_similarity,
    grubel_lloyd,
    grubel_lloyd_total,
    trade_complementarity,
    trade_intensity,
)
from straits.metrics.concentration import hhi
from straits.metrics.rca import rsca

NESTED = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
R6 = math.sqrt(6)


def test_rca_3x3_by_hand():
    # exports: A = (40, 30, 0) total 70; B = (20, 0, 40) 60; C = (0, 10, 80) 90
    # world by product (60, 40, 120), world 220
    X = np.array([[40, 30, 0], [20, 0, 40], [0, 10, 80]], dtype=float)
    R = k.rca_matrix(X)
    assert R[0, 0] == pytest.approx((40 / 70) / (60 / 220))  # 44/21
    assert R[0, 1] == pytest.approx(33 / 14)                 # (30/70) / (40/220)
    assert R[1, 2] == pytest.approx(11 / 9)                  # (40/60) / (120/220)
    assert R[2, 1] == pytest.approx(11 / 18)                 # (10/90) / (40/220)
    assert R[2, 0] == 0
    S = k.rca_sparse(X).toarray()
    np.testing.assert_allclose(S, R)
    assert float(rsca(44 / 21)) == pytest.approx((44 / 21 - 1) / (44 / 21 + 1))
    M = k.presence(R)
    np.testing.assert_array_equal(M, [[1, 1, 0], [1, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(k.presence(R, 2.2), [[0, 1, 0], [0, 0, 0], [0, 0, 0]])


def test_hhi_by_hand():
    assert hhi([50, 30, 20]) == pytest.approx(0.25 + 0.09 + 0.04)
    assert hhi([7]) == 1.0
    assert math.isnan(hhi([0, 0]))


def test_eci_pci_nested_3x3_by_hand():
    r = k.eci_pci(NESTED)
    np.testing.assert_allclose(r.eci, np.array([3, 0, -3]) / R6, atol=1e-12)
    np.testing.assert_allclose(r.pci, np.array([-3, 3, 9]) / R6, atol=1e-12)
    assert r.eigenvalue == pytest.approx(0.25)
    np.testing.assert_array_equal(r.diversity, [3, 2, 1])
    np.testing.assert_array_equal(r.ubiquity, [3, 2, 1])
    # Growth Lab normalisation: ECI = mean PCI of the country's products
    np.testing.assert_allclose(r.eci, NESTED @ r.pci / NESTED.sum(axis=1), atol=1e-12)


def test_zero_rows_and_columns_get_nan():
    M = np.zeros((4, 4))
    M[:3, :3] = NESTED
    r = k.eci_pci(M)
    assert np.isnan(r.eci[3]) and np.isnan(r.pci[3])
    np.testing.assert_allclose(r.eci[:3], np.array([3, 0, -3]) / R6, atol=1e-12)


def test_proximity_density_by_hand():
    # co-occurrence M^T M = [[3,2,1],[2,2,1],[1,1,1]]; phi = C / max(u_p, u_p')
    phi = k.proximity(NESTED)
    np.testing.assert_allclose(phi, [[1, 2 / 3, 1 / 3], [2 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 1]])
    d = k.density(NESTED, phi)
    # phi row sums: 2, 13/6, 11/6; country 3 has product 1 only
    assert d[2, 1] == pytest.approx((2 / 3) / (13 / 6))      # 4/13
    assert d[2, 2] == pytest.approx((1 / 3) / (11 / 6))      # 2/11
    np.testing.assert_allclose(d[0], 1.0)                    # country 1 has everything


def test_coi_cog_by_hand():
    r = k.eci_pci(NESTED)
    phi = k.proximity(NESTED)
    d = k.density(NESTED, phi)
    coi, cog = k.coi_cog(NESTED, phi, d, r)
    # raw kp (sign-aligned, scale of the eigenvector) enters COI before standardising
    kp = r.kp
    raw = np.array([0.0, d[1, 2] * kp[2], d[2, 1] * kp[1] + d[2, 2] * kp[2]])
    np.testing.assert_allclose(coi, (raw - raw.mean()) / raw.std(), atol=1e-12)
    # cog of country 3 in product 2: (1-M_32) * sum_p' (1-M_3p') phi_p'2 kp_p' / rowsum_p'
    # p' in {2, 3}: phi_22 kp_2 / (13/6) + phi_32 kp_3 / (11/6), on the ECI scale
    want = (1 * kp[1] / (13 / 6) + 0.5 * kp[2] / (11 / 6)) / r.eci_std
    assert cog[2, 1] == pytest.approx(want)
    assert cog[0].tolist() == [0.0, 0.0, 0.0]               # no missing products


def test_fitness_first_iterations_by_hand():
    # F~ = M Q = (3, 2, 1) -> /2 = (1.5, 1, 0.5); Q~_p = 1 / sum_c M_cp / F_c with F = 1:
    # (1/3, 1/2, 1) -> / (11/18) = (6/11, 9/11, 18/11)
    f = k.fitness_complexity(NESTED, max_iter=1)
    np.testing.assert_allclose(f.fitness, [1.5, 1.0, 0.5])
    np.testing.assert_allclose(f.complexity, [6 / 11, 9 / 11, 18 / 11])
    assert f.iterations == 1 and not f.converged


def test_fitness_converges_on_a_non_nested_matrix():
    M = np.array([[1, 1, 0, 1], [0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 1, 0]])
    f = k.fitness_complexity(M, tol=1e-12)
    assert f.converged and f.iterations < 1000
    assert f.fitness.mean() == pytest.approx(1.0) and f.complexity.mean() == pytest.approx(1.0)
    # fixed point: one more step leaves it unchanged
    F = M @ f.complexity
    np.testing.assert_allclose(F / F.mean(), f.fitness, rtol=1e-9)


def test_bilateral_formulas_by_hand():
    # A exports (40, 30, 0) of 70; B imports (10, 30, 30) of 70
    assert trade_intensity(40, 70, 70, 220) == pytest.approx((40 / 70) / (70 / 220))
    # |1/7-4/7| + |3/7-3/7| + |3/7-0| = 6/7 -> TC = 100 (1 - 3/7)
    assert trade_complementarity([40, 30, 0], [10, 30, 30]) == pytest.approx(400 / 7)
    # shares (4/7, 3/7, 0) and (1/3, 0, 2/3): min sum = 1/3
    assert export_similarity([40, 30, 0], [20, 0, 40]) == pytest.approx(100 / 3)
    assert export_similarity([1, 2], [2, 4]) == pytest.approx(100)
    gl = grubel_lloyd([10, 30, 5], [20, 0, 5])
    np.testing.assert_allclose(gl, [2 / 3, 0, 1])
    # 1 - (10 + 30 + 0) / (30 + 30 + 10)
    assert grubel_lloyd_total([10, 30, 5], [20, 0, 5]) == pytest.approx(1 - 40 / 70)


values = arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(2, 6)),
                elements=st.floats(0, 1e6, allow_nan=False, allow_subnormal=False))


@settings(max_examples=60, deadline=None)
@given(values, st.floats(1e-3, 1e3))
def test_rca_is_scale_invariant(X, scale):
    a, b = k.rca_matrix(X), k.rca_matrix(X * scale)
    np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(0.001, 1e9)))
def test_hhi_bounds_and_shares_sum_to_one(v):
    h = hhi(v)
    assert 1 / len(v) - 1e-12 <= h <= 1 + 1e-12
    assert (v / v.sum()).sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(4, 12), st.integers(4, 15)),
              elements=st.floats(0, 1e4, allow_nan=False, allow_subnormal=False)))
def test_eci_is_mean_pci_of_present_products(X):
    M = k.presence(k.rca_matrix(X))
    r = k.eci_pci(M)
    ok = np.isfinite(r.eci) & np.isfinite(r.eci_std) & (r.eci_std > 1e-9)
    if not ok.any() or np.isnan(r.pci[M.sum(axis=0) > 0]).any():
        return
    mean_pci = (M[ok] * np.nan_to_num(r.pci)).sum(axis=1) / M[ok].sum(axis=1)
    np.testing.assert_allclose(r.eci[ok], mean_pci, atol=1e-6 * max(1, np.abs(mean_pci).max()))


@pytest.mark.parametrize("shape", [(80, 400), (400, 80)])
def test_sparse_and_dense_paths_agree(shape):
    """Sparse M (< 5% full) takes SciPy products, dense M BLAS; either side may be smaller."""
    rng = np.random.default_rng(5)
    M = (rng.random(shape) < 0.03).astype(float)
    M[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = 1.0  # no empty rows
    import scipy.sparse as sp

    a, b = k.eci_pci(M), k.eci_pci(sp.csr_matrix(M))
    np.testing.assert_allclose(a.eci, b.eci, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(a.pci, b.pci, atol=1e-9, equal_nan=True)
    ok = np.isfinite(a.eci)
    mean_pci = (M[ok] @ np.nan_to_num(a.pci)) / M[ok].sum(axis=1)
    np.testing.assert_allclose(a.eci[ok], mean_pci, atol=1e-8)
