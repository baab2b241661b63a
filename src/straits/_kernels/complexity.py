"""Economic-complexity kernels on a country x product matrix (NumPy/SciPy only).

Everything here works on plain arrays: ``X`` is a country x product export matrix (dense
ndarray or SciPy sparse), ``M`` the binary presence matrix. The relational side (which
flows, which years, ISO3 labels) lives in :mod:`straits.metrics`.

The ECI/PCI kernel solves the small symmetric eigenproblem instead of the product x product
one: with ``A = D_c^-1/2 M D_p^-1/2`` the country matrix ``M~cc = D_c^-1 M D_p^-1 M^T`` is
similar to ``A A^T`` and the product matrix ``M~pp`` to ``A^T A``; both share their non-zero
eigenvalues, so the eigenvector of the second-largest eigenvalue of whichever side is smaller
gives the other side by one matrix-vector product. The Gram matrix of that side is formed
with dense BLAS when M is more than a few % full (a 230 x 5000 export year is ~20% full) and
with SciPy sparse products otherwise; ``eigsh`` (ARPACK, k = 2) then extracts the
eigenvector. Normalisation follows the Growth Lab's
``ecomplexity`` (and its Stata original): ECI standardised (population std, ddof 0) with
its sign chosen to correlate positively with diversity, PCI shifted and scaled by the *ECI*
mean and std so that ECI equals the mean PCI of a country's products.

References
----------
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. PNAS
106(26), 10570-10575. Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic
Complexity, MIT Press. Tacchella, A. et al. (2012). A new metrics for countries' fitness and
products' complexity. Scientific Reports 2, 723. Hidalgo, C. A. et al. (2007). The product
space conditions the development of nations. Science 317, 482-487.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh
from scipy.sparse.linalg import eigsh

#: below this size the dense symmetric solver is used (ARPACK needs k < n - 1)
DENSE_MAX = 64
#: above this fill ratio of M the Gram matrix is formed with dense BLAS
SPARSE_MAX = 0.05


def rca_matrix(X) -> np.ndarray:
    """Balassa RCA of a country x product value matrix (dense result).

    ``rca_cp = (x_cp / X_c) / (X_p / X_w)``; rows or columns with no value give NaN.
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    rows, cols, total = X.sum(axis=1), X.sum(axis=0), X.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        # Ratios of shares, not X * total / (rows * cols): the product of two sums can
        # underflow (or overflow) where the shares themselves are well scaled.
        return (X / rows[:, None]) / (cols / total)[None, :]


def rca_sparse(X) -> sp.coo_matrix:
    """RCA of the non-zero cells of a sparse country x product matrix (same pattern)."""
    X = sp.coo_matrix(X, dtype=float)
    rows = np.asarray(X.sum(axis=1)).ravel()
    cols = np.asarray(X.sum(axis=0)).ravel()
    vals = X.data * X.data.sum() / (rows[X.row] * cols[X.col])
    return sp.coo_matrix((vals, (X.row, X.col)), shape=X.shape)


def presence(rca, threshold: float = 1.0):
    """Binary M_cp = 1 where RCA >= threshold (NaN counts as absent).

    Dense in, dense float array out; sparse in, CSR out (the caller keeps its layout).
    """
    if sp.issparse(rca):
        r = sp.csr_matrix(rca)
        out = r >= threshold
        return sp.csr_matrix(out, dtype=float)
    with np.errstate(invalid="ignore"):
        return (np.asarray(rca, dtype=float) >= threshold).astype(float)


class Reflections(NamedTuple):
    """ECI/PCI result: normalised indices, raw eigenvectors and the ECI scale used."""

    eci: np.ndarray
    pci: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    kc: np.ndarray       # raw, sign-aligned country eigenvector (NaN where diversity = 0)
    kp: np.ndarray       # raw, sign-aligned product eigenvector (NaN where ubiquity = 0)
    eci_mean: float
    eci_std: float
    eigenvalue: float    # second-largest eigenvalue of M~cc (= of M~pp)


def _second_eigvec(S) -> tuple[float, np.ndarray]:
    """Eigenpair of the second-largest eigenvalue of a symmetric PSD matrix."""
    n = S.shape[0]
    if n <= DENSE_MAX:
        dense = S.toarray() if sp.issparse(S) else S
        w, v = eigh(dense, subset_by_index=[n - 2, n - 1])
    else:
        v0 = np.random.default_rng(0).random(n) + 0.5  # seeded: results are reproducible
        w, v = eigsh(S, k=2, which="LA", v0=v0, tol=0)
    order = np.argsort(w)
    return float(w[order[0]]), v[:, order[0]]


def eci_pci(M) -> Reflections:
    """ECI and PCI of a presence matrix (method of reflections, eigenvector form).

    Countries with diversity 0 and products with ubiquity 0 get NaN and are left out of the
    eigenproblem and of the standardisation (``ecomplexity`` would turn every value NaN).
    ``pci = (kp - mean(kc)) / std(kc)`` and ``eci = (kc - mean(kc)) / std(kc)`` where ``kc``
    is the eigenvector of the second-largest eigenvalue of ``D_c^-1 M D_p^-1 M^T``, ``kp``
    the matching one of ``D_p^-1 M^T D_c^-1 M`` and ``kc = D_c^-1 M kp``.
    """
    dense = not sp.issparse(M) or M.nnz > SPARSE_MAX * M.shape[0] * M.shape[1]
    M = M.toarray() if dense and sp.issparse(M) else M
    M = np.asarray(M, dtype=float) if dense else sp.csr_matrix(M, dtype=float)
    div_all = np.asarray(M.sum(axis=1)).ravel()
    ubi_all = np.asarray(M.sum(axis=0)).ravel()
    rows, cols = div_all > 0, ubi_all > 0
    if rows.all() and cols.all():
        Mv = M
    else:
        Mv = M[np.ix_(rows, cols)] if dense else M[rows][:, cols]
    div, ubi = div_all[rows], ubi_all[cols]
    if min(Mv.shape) < 2:  # no second eigenvector: nothing to rank
        nan_c, nan_p = np.full(len(div_all), np.nan), np.full(len(ubi_all), np.nan)
        return Reflections(nan_c, nan_p, div_all, ubi_all, nan_c, nan_p, np.nan, np.nan, np.nan)
    rc, rp = div ** -0.5, ubi ** -0.5
    if Mv.shape[0] <= Mv.shape[1]:
        # S = D_c^-1/2 (M D_p^-1 M^T) D_c^-1/2; dense BLAS once M is a few % full
        B = Mv * rp if dense else Mv @ sp.diags(rp)
        G = B @ B.T
        S = (G.toarray() if sp.issparse(G) else G) * np.outer(rc, rc)
        lam, u = _second_eigvec(S)
        kp = (Mv.T @ (u * rc)) / ubi
    else:
        B = Mv * rc[:, np.newaxis] if dense else sp.diags(rc) @ Mv
        G = B.T @ B
        S = (G.toarray() if sp.issparse(G) else G) * np.outer(rp, rp)
        lam, v = _second_eigvec(S)
        kp = v * rp
    kc = (Mv @ kp) / div
    sign = np.sign(np.corrcoef(div, kc)[0, 1]) if len(kc) > 1 and np.ptp(div) > 0 else 1.0
    sign = 1.0 if not np.isfinite(sign) or sign == 0 else sign
    kc, kp = sign * kc, sign * kp
    mean, std = float(kc.mean()), float(kc.std())
    eci = np.full(len(div_all), np.nan)
    pci = np.full(len(ubi_all), np.nan)
    kc_full, kp_full = eci.copy(), pci.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        eci[rows], pci[cols] = (kc - mean) / std, (kp - mean) / std
    kc_full[rows], kp_full[cols] = kc, kp
    return Reflections(eci, pci, div_all, ubi_all, kc_full, kp_full, mean, std, lam)


def proximity(M) -> np.ndarray:
    """Product proximity ``phi_pp' = min(P(p|p'), P(p'|p)) = C_pp' / max(u_p, u_p')``.

    ``C = M^T M`` counts countries exporting both with RCA >= 1; the diagonal is 1 (0 for
    products nobody exports). Hidalgo et al. (2007); as ``ecomplexity`` computes it.
    """
    M = sp.csr_matrix(M, dtype=float)
    co = (M.T @ M).toarray()
    ubi = np.diag(co).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = co / np.maximum.outer(ubi, ubi)
    return np.nan_to_num(phi, nan=0.0)


def density(M, phi: np.ndarray) -> np.ndarray:
    """Density ``d_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'`` (Hidalgo et al. 2007)."""
    M = sp.csr_matrix(M, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = phi.T / phi.sum(axis=1)[np.newaxis, :]
    return np.asarray(M @ np.nan_to_num(w, nan=0.0))


def coi_cog(M, phi: np.ndarray, dens: np.ndarray, r: Reflections) -> tuple[np.ndarray, np.ndarray]:
    """Complexity outlook index (standardised) and outlook gain, Growth Lab definitions.

    ``coi_c = sum_p (1 - M_cp) d_cp kp_p`` then standardised across countries;
    ``cog_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_p'p kp_p' / sum_p'' phi_p'p''``, divided by
    the ECI std. ``kp`` is the raw sign-aligned PCI eigenvector, as in ``ecomplexity``.
    """
    Md = M.toarray() if sp.issparse(M) else np.asarray(M, dtype=float)
    kp = np.nan_to_num(r.kp, nan=0.0)
    coi = ((dens * (1 - Md)) * kp).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.nan_to_num(phi * (kp / phi.sum(axis=1))[:, np.newaxis], nan=0.0)
    cog = (1 - Md) * ((1 - Md) @ w) / r.eci_std
    with np.errstate(divide="ignore", invalid="ignore"):  # one economy: no spread, NaN
        return (coi - coi.mean()) / coi.std(), cog


class Fitness(NamedTuple):
    """Fitness-Complexity result (each normalised to mean 1)."""

    fitness: np.ndarray
    complexity: np.ndarray
    iterations: int
    converged: bool


def fitness_complexity(M, *, tol: float = 1e-9, max_iter: int = 1000) -> Fitness:
    """Fitness and product complexity by the Tacchella et al. (2012) non-linear map.

    ``F~_c = sum_p M_cp Q_p``, ``Q~_p = 1 / sum_c M_cp / F_c``, each then divided by its mean,
    starting from ``F = Q = 1``. Stops when the largest change of F and Q between two
    iterations falls below ``tol`` (convergence criterion) or after ``max_iter`` steps.
    Products nobody exports and countries with no product get NaN.
    """
    M = sp.csr_matrix(M, dtype=float)
    rows = np.asarray(M.sum(axis=1)).ravel() > 0
    cols = np.asarray(M.sum(axis=0)).ravel() > 0
    Mv = M[rows][:, cols]
    Mt = Mv.T.tocsr()
    F, Q = np.ones(Mv.shape[0]), np.ones(Mv.shape[1])
    converged, n = False, 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        while n < max_iter and not converged:  # iterations of the map, not a loop over items
            n += 1
            F_new = Mv @ Q
            Q_new = 1.0 / (Mt @ (1.0 / F))
            F_new, Q_new = F_new / F_new.mean(), Q_new / Q_new.mean()
            converged = max(np.abs(F_new - F).max(), np.abs(Q_new - Q).max()) < tol
            F, Q = F_new, Q_new
    f = np.full(M.shape[0], np.nan)
    q = np.full(M.shape[1], np.nan)
    f[rows], q[cols] = F, Q
    return Fitness(f, q, n, converged)
