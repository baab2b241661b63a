"""Dense linear algebra for input-output tables (NumPy/SciPy only, no pandas).

The Leontief side is factorised once (LAPACK ``getrf``) and the inverse is solved from that
factorisation (``getrs`` against I); the Ghosh inverse needs no second inversion because
G = x̂⁻¹ L x̂ when every zero-output industry is isolated (zero row and column in Z), as in
WIOD. A supply cut changes one row segment of A (and of B), a rank-k update handled with the
Sherman–Morrison–Woodbury identity in O(n·k) once L and G are known.

References
----------
Miller, R. E. and Blair, P. D. (2009), *Input-Output Analysis: Foundations and Extensions*,
2nd ed., Cambridge University Press (ch. 2 Leontief, ch. 12 Ghosh, 12.2 supply-side model).
Miller, R. E. and Lahr, M. L. (2001), "A taxonomy of extractions", in Lahr and Miller (eds.),
*Regional Science Perspectives in Economic Analysis*, Elsevier, 407-441.
Hager, W. W. (1989), "Updating the inverse of a matrix", SIAM Review 31(2), 221-239.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack, lu_solve


def _safe_inverse(x: np.ndarray) -> np.ndarray:
    """1/x with 0 where x is 0 (zero-output industries buy and sell nothing)."""
    out = np.zeros_like(x, dtype=float)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def technical_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A = Z x̂⁻¹: input from i per unit of output of j (columns scaled)."""
    return Z * _safe_inverse(x)[None, :]


def allocation_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """B = x̂⁻¹ Z: share of i's output sold to j as input (rows scaled)."""
    return Z * _safe_inverse(x)[:, None]


@dataclass(frozen=True, eq=False)
class IOCore:
    """Core quantities of one table, computed once.

    Attributes: ``A`` technical coefficients, ``B`` allocation coefficients, ``L`` = (I−A)⁻¹
    Leontief inverse, ``G`` = (I−B)⁻¹ Ghosh inverse, ``x`` output, ``f`` = x − Zι final demand
    consistent with x, ``v`` = x − ιᵀZ value added, ``lu``/``piv`` the LU factors of (I−A)ᵀ.
    """

    A: np.ndarray
    B: np.ndarray
    L: np.ndarray
    G: np.ndarray
    x: np.ndarray
    f: np.ndarray
    v: np.ndarray
    lu: np.ndarray
    piv: np.ndarray

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """(I − A)⁻¹ rhs from the cached factorisation (no new inversion).

        ``lu``/``piv`` factorise (I − A)ᵀ, hence ``trans=1``.
        """
        return lu_solve((self.lu, self.piv), rhs, trans=1, check_finite=False)


def compute_core(Z: np.ndarray, x: np.ndarray) -> IOCore:
    """A, B, L, G, f and v of a table with intermediate flows Z and output x.

    Parameters
    ----------
    Z : ndarray (n, n)
        Intermediate flows, supplier rows by user columns.
    x : ndarray (n,)
        Gross output.

    Returns
    -------
    IOCore

    Notes
    -----
    A = Z x̂⁻¹, B = x̂⁻¹ Z, L = (I − A)⁻¹ (one ``getrf``, then ``getrs`` against I), and
    G = (I − B)⁻¹ = x̂⁻¹ L x̂ since B = x̂⁻¹ A x̂ (zeros of x replaced by 1, valid when those
    industries are isolated; otherwise G is factorised on its own).
    """
    Z = np.asarray(Z, dtype=float)
    x = np.asarray(x, dtype=float)
    n = len(x)
    A = technical_coefficients(Z, x)
    B = allocation_coefficients(Z, x)
    # Factorise (I − A)ᵀ: its memory is the Fortran-ordered view of C-ordered I − A, so
    # LAPACK works in place (a C-ordered argument costs a transposed copy, ~2x slower).
    Mt = (-A).T
    Mt[np.diag_indices(n)] += 1.0
    lu, piv, info = lapack.dgetrf(Mt, overwrite_a=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"I - A is singular (getrf info={info})")
    # Inverse by solving against I (getrs: two large triangular solves). getri does fewer
    # flops but many small multithreaded BLAS calls, which degrade badly on a busy machine.
    Lt, info = lapack.dgetrs(lu, piv, np.eye(n, order="F"), overwrite_b=True)
    if info != 0:  # pragma: no cover - getrf already succeeded
        raise np.linalg.LinAlgError(f"I - A solve failed (getrs info={info})")
    L = Lt.T  # ((I − A)ᵀ)⁻¹ᵀ = (I − A)⁻¹, C-ordered view
    zero = x == 0
    if not zero.any() or (not Z[zero].any() and not Z[:, zero].any()):
        d = np.where(zero, 1.0, x)
        G = L * (1.0 / d)[:, None] * d[None, :]
    else:  # pragma: no cover - not the case in WIOD
        G = np.linalg.inv(np.eye(n) - B)
    f = x - Z.sum(axis=1)
    v = x - Z.sum(axis=0)
    return IOCore(A=A, B=B, L=L, G=G, x=x, f=f, v=v, lu=lu, piv=piv)


def backward_extraction_loss(
    core: IOCore, rows: np.ndarray, cols: np.ndarray, cut: float
) -> np.ndarray:
    """Output lost, x − x′, when A[rows, cols] is scaled by (1 − cut), final demand fixed.

    Notes
    -----
    I − A′ = (I − A) + U Vᵀ with U = E_R and Vᵀ = cut·A[R, C] E_Cᵀ, so by
    Sherman–Morrison–Woodbury x − x′ = L[:, R] (I_k + Vᵀ L[C, R])⁻¹ (cut·A[R, C] x[C]):
    O(n·k) with L cached.
    """
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    Vt = cut * core.A[np.ix_(rows, cols)]  # (k, c)
    cap = np.eye(len(rows)) + Vt @ core.L[np.ix_(cols, rows)]
    w = np.linalg.solve(cap, Vt @ core.x[cols])
    return core.L[:, rows] @ w


def forward_extraction_loss(
    core: IOCore, rows: np.ndarray, cols: np.ndarray, cut: float
) -> np.ndarray:
    """Output lost, x − x′, when B[rows, cols] is scaled by (1 − cut), value added fixed.

    Notes
    -----
    x′ᵀ = vᵀ(I − B′)⁻¹ with I − B′ = (I − B) + E_R Wᵀ, Wᵀ = cut·B[R, C] E_Cᵀ; SMW gives
    (x − x′)ᵀ = x[R]ᵀ (I_k + Wᵀ G[C, R])⁻¹ Wᵀ G[C, :].
    """
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    Wt = cut * core.B[np.ix_(rows, cols)]  # (k, c)
    WG = Wt @ core.G[cols, :]  # (k, n)
    cap = np.eye(len(rows)) + WG[:, rows]
    a = np.linalg.solve(cap.T, core.x[rows])
    return a @ WG


def backward_extraction_direct(
    core: IOCore, rows: np.ndarray, cols: np.ndarray, cut: float
) -> np.ndarray:
    """Reference re-solve of the backward extraction (O(n³)); for tests and benchmarks."""
    A2 = core.A.copy()
    A2[np.ix_(rows, cols)] *= 1.0 - cut
    x2 = np.linalg.solve(np.eye(len(core.x)) - A2, core.f)
    return core.x - x2


def forward_extraction_direct(
    core: IOCore, rows: np.ndarray, cols: np.ndarray, cut: float
) -> np.ndarray:
    """Reference re-solve of the forward (Ghosh) extraction (O(n³)); for tests and benchmarks."""
    B2 = core.B.copy()
    B2[np.ix_(rows, cols)] *= 1.0 - cut
    x2 = np.linalg.solve((np.eye(len(core.x)) - B2).T, core.v)
    return core.x - x2
