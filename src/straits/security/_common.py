"""Shared plumbing of the security engine: parties (blocs) as a member map, years, labels.

A *party* is one economy or bloc as the security commands see it (``KOR``, ``EU27``,
``KOR+JPN``). The SQL builders receive the parties of a query as a small Arrow table,
``pmap(member, party, label)``, attached to the :class:`~straits.warehouse.query.Query`
(never as SQL text): a party with one BACI code keeps it, a bloc (or an economy with several
historic codes) gets a synthetic negative code, and the builders sum its members' flows
under that code and drop the trade among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits import resolve
from straits.errors import ParameterError
from straits.provenance import Provenance
from straits.reference.blocs import Party

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from straits.warehouse.protocol import Warehouse


def parties(spec: str | Sequence[str], *, name: str, func: str) -> list[Party]:
    """Economies or blocs named in ``spec``, each once, no economy in two of them.

    ``KOR,KR`` is one party (a repetition is dropped after resolution); ``KOR,KOR+JPN``
    names Korea twice in different parties and is an error.
    """
    out = resolve.parties(spec)
    if (clash := shared_member(out)) is not None:
        raise ParameterError(
            f"The {name!r} parameter of {func} names {clash[1]} and {clash[2]}, which share "
            "an economy; name each economy once (a bloc counts as one).")
    return out


def shared_member(group: Sequence[Party]) -> tuple[int, str, str] | None:
    """The first economy code in two different parties, with both labels, or None."""
    owner: dict[int, str] = {}
    for party in group:
        for code in party.codes:
            if owner.setdefault(code, party.label) != party.label:
                return code, owner[code], party.label
    return None


def party_code(group: Sequence[Party], index: int) -> int:
    """The SQL code of ``group[index]``: its BACI code, or ``-(index + 1)`` for a bloc."""
    party = group[index]
    return -(index + 1) if len(party.codes) > 1 else party.codes[0]


def party_table(group: Sequence[Party]) -> pa.Table:
    """``member, party, label`` rows of the parties that merge several codes (blocs).

    Parties with a single BACI code need no row: the builders use the code itself and label
    it with the ``countries`` table. Raises when one economy sits in two parties.
    """
    if (clash := shared_member(group)) is not None:
        code, first, second = clash
        raise ParameterError(f"Economy code {code} belongs to both {first} and {second}; an "
                             "economy can be in one party of a query only.")
    blocs = [(i, p) for i, p in enumerate(group) if len(p.codes) > 1]
    return member_table([(c, party_code(group, i), p.label) for i, p in blocs for c in p.codes])


def member_table(rows: Sequence[tuple[int, int, str]]) -> pa.Table:
    """``member, party, label`` (int32, int32, string) from ``(member, party, label)`` rows.

    Built from buffers: ``pa.array`` on Python lists would import pandas (see
    :mod:`straits._arrow`), which the CLI's screens and shocks never need.
    """
    import pyarrow as pa

    from straits import _arrow

    members, codes, labels = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    return pa.Table.from_arrays([_arrow.ints(members, bits=32), _arrow.ints(codes, bits=32),
                                 _arrow.strings(labels)], names=["member", "party", "label"])


def window_years(wh: Warehouse, year: int, n: int = 3) -> list[int]:
    """The last ``n`` loaded years up to and including ``year``."""
    return [y for y in wh.years() if y <= year][-n:]


def describe(df: pd.DataFrame, wh: Warehouse, column: str = "product") -> pd.DataFrame:
    """Add the loaded release's product description beside ``column`` (as ``description``)."""
    df["description"] = df[column].map(resolve.descriptions(wh))
    return df


def baci_provenance(wh: Warehouse, years: Sequence[int], method: str,
                    notes: Sequence[str] = ()) -> Provenance:
    """The provenance of a result computed from the loaded BACI release."""
    return Provenance(source=wh.citation(), dataset="baci", years=tuple(sorted(set(years))),
                      method=method, notes=tuple(notes))


def codes_of(group: Sequence[Party]) -> list[int]:
    """Every BACI code of ``group``, each once, sorted."""
    return sorted({c for p in group for c in p.codes})
