"""Blocs: named groups of economies (``EU27``) and ad-hoc ones (``KOR+JPN``).

A bloc is analysed as one economy: trade among its members is internal and is dropped, so
a bloc's imports are its extra-bloc imports (the EU's own convention for its dependency
screens, European Commission 2021, SWD(2021) 352). Named blocs live in ``blocs.tsv`` (one row
per bloc, members as ``|``-separated ISO3 codes); any ``+``-joined list of countries or blocs
is a bloc too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from straits.errors import ParameterError
from straits.reference.lookup import read_tsv, resolve_country


@dataclass(frozen=True)
class Party:
    """One economy or bloc: its label (``KOR``, ``EU27``, ``KOR+JPN``) and BACI codes."""

    label: str
    codes: tuple[int, ...]
    members: tuple[str, ...]

    @property
    def is_bloc(self) -> bool:
        """True when the party groups more than one economy."""
        return len(self.members) > 1


@lru_cache(maxsize=1)
def blocs() -> tuple[dict[str, str], ...]:
    """The named blocs: bloc, name, members (``|``-separated ISO3), as_of, source."""
    return tuple(read_tsv("blocs.tsv"))


@lru_cache(maxsize=1)
def _members() -> dict[str, tuple[str, ...]]:
    return {b["bloc"].upper(): tuple(b["members"].split("|")) for b in blocs()}


def _named(label: str) -> tuple[str, ...] | None:
    return _members().get(label.strip().upper())


def resolve_party(spec: str) -> Party:
    """Resolve ``"KOR"``, ``"EU27"`` or ``"KOR+JPN"`` (members may be blocs) to a Party.

    Raises
    ------
    UnknownCodeError
        A member is neither a known bloc nor a country.
    ParameterError
        The spec is empty or holds a comma (several economies are joined with ``+``).
    """
    text = str(spec).strip()
    if not text or "," in text:
        raise ParameterError(
            f"Expected one economy or bloc such as 'KOR', 'EU27' or 'KOR+JPN'. Got {spec!r} "
            "instead."
        )
    parts = [p.strip() for p in text.split("+") if p.strip()]
    members: list[str] = []
    codes: list[int] = []
    for part in parts:
        named = _named(part)
        for iso in named or (part,):
            country = resolve_country(iso)
            if country.iso3 not in members:
                members.append(country.iso3)
                codes.extend(country.codes)
    if len(parts) == 1 and _named(parts[0]):
        label = parts[0].upper()
    elif len(parts) == 1:
        label = members[0]
    else:
        label = "+".join(p.upper() if _named(p) else resolve_country(p).iso3 for p in parts)
    return Party(label=label, codes=tuple(sorted(set(codes))), members=tuple(members))


def resolve_parties(spec: str | list[str] | tuple[str, ...]) -> list[Party]:
    """Several parties: ``"KOR,JPN"`` is two importers, ``"KOR+JPN"`` one bloc."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out = [resolve_party(i) for i in items if str(i).strip()]
    if not out:
        raise ParameterError(f"Expected at least one economy or bloc. Got {spec!r} instead.")
    return out
