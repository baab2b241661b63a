"""The one definition of *dependence* used by mutual, shared-dependence, the report and the API.

An importer **depends on** a partner for a product when the partner supplies at least
:data:`MIN_SHARE` of the importer's imports of that product (BACI values, the importer a
country or a bloc with its internal trade left out). Above :data:`ONE_COUNTRY_SHARE` the
dependence is also flagged ``over_50``: the single-supplier rule of Korea's supply-chain
early-warning system, and the ``one_country_50`` flag of the dependency screen.

Why 10%: a partner whose loss would remove a tenth of an import is a material risk to a
buyer (below that, other suppliers' ordinary year-to-year swings are of the same size);
at most ten partners can pass it, so the word keeps a meaning; and it is the materiality
threshold the early-warning rules already use for a supplier's drop
(:func:`straits.security.watch.watch`, ``min_share``). A rank rule ("among the top three
suppliers") is not used: it calls a 0.6% third supplier a dependence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from straits.warehouse.security_sql import TOP_SHARE_MIN

if TYPE_CHECKING:
    import pandas as pd

#: Smallest partner share of an importer's imports of a product that counts as dependence.
MIN_SHARE = 0.10
#: Above this share the dependence is on one country for more than half (``over_50``).
ONE_COUNTRY_SHARE = TOP_SHARE_MIN


def rule(min_share: float = MIN_SHARE) -> str:
    """The definition in one line, with its thresholds, for method lines and reports."""
    return (f"dependent = the partner supplies >= {min_share * 100:g}% of the importer's "
            f"imports of the product; over_50 = more than {ONE_COUNTRY_SHARE * 100:g}%")


def flag(shares: pd.DataFrame, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Rows of a supplier-share table (column ``share``) that are dependence, with ``over_50``.

    ``shares`` has one row per importer, product and supplier (as
    :func:`straits.warehouse.security_sql.supplier_shares` returns); the result keeps the
    rows with ``share >= min_share`` and adds the boolean ``over_50``.
    """
    out = shares[shares["share"] >= min_share].copy()
    out["over_50"] = out["share"] > ONE_COUNTRY_SHARE
    return out
