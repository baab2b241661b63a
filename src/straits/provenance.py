"""Where a result came from: source, release, years, units and method, attached to it.

Every table Straits returns carries a :class:`Provenance` (as pymrio's ``MRIOMetaData``
does for an IO system): in ``DataFrame.attrs["provenance"]`` for pandas (as a plain dict, so
pandas can write it to Parquet; :func:`of` reads it back), in the schema
metadata (key ``straits.provenance``, JSON) for Arrow and Parquet, and in the envelope of API
responses. The CLI prints its source and method lines under a table; CSV stays bare.

Units follow the column-name convention of the whole project (:func:`unit_of`), so a unit is
stated once, in the name, and read back from there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

#: column-name suffix -> unit, longest suffix first
_SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_kusd", "thousand current USD"),
    ("_musd", "million current USD"),
    ("_usd", "current USD"),
    ("_kg", "kilograms"),
    ("_t", "metric tons"),
    ("_pp", "percentage points"),
    ("_pct", "percent"),
    ("_share", "fraction (0-1)"),
    ("_hhi", "Herfindahl-Hirschman index (0-1)"),
)
_NAME_UNITS = {
    "share": "fraction (0-1)",
    "hhi": "Herfindahl-Hirschman index (0-1)",
    "top_share": "fraction (0-1)",
}

ARROW_KEY = b"straits.provenance"


def unit_of(column: str) -> str | None:
    """The unit a column's name states (``value_kusd`` -> thousand current USD), or None."""
    if column in _NAME_UNITS:
        return _NAME_UNITS[column]
    for suffix, unit in _SUFFIX_UNITS:
        if column.endswith(suffix):
            return unit
    return None


def units_of(columns: Iterable[str]) -> dict[str, str]:
    """Units of every column whose name states one."""
    return {c: u for c in columns if (u := unit_of(c)) is not None}


@dataclass(frozen=True)
class Provenance:
    """Source, coverage, units and method of one result.

    Attributes
    ----------
    source : str
        Full citation, e.g. ``CEPII BACI HS17 V202601 (Gaulier & Zignago 2010, ...)``.
    dataset : str
        ``baci``, ``reporter``, ``eto``, ``wiod`` or ``atlas``.
    release : str or None
        Release or file the rows came from (``V202601``).
    years : tuple of int
        Years the result covers.
    units : dict
        Column -> unit, for the columns that carry one.
    method : str
        One line stating the formula or the rule, with its thresholds.
    notes : tuple of str
        Caveats (coverage gaps, fallbacks, floors applied).
    licence : str or None
        Licence of the data when it restricts use (ETO: CC BY-NC 4.0).
    """

    source: str
    dataset: str = "baci"
    release: str | None = None
    years: tuple[int, ...] = ()
    units: Mapping[str, str] = field(default_factory=dict)
    method: str = ""
    notes: tuple[str, ...] = ()
    licence: str | None = None

    def with_(self, **changes: Any) -> Provenance:
        """A copy with some fields changed (notes appended with ``notes=(...)``)."""
        if "notes" in changes:
            changes["notes"] = (*self.notes, *changes["notes"])
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        d = asdict(self)
        d["years"] = list(self.years)
        d["notes"] = list(self.notes)
        d["units"] = dict(self.units)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Provenance:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "years": tuple(d.get("years", ())), "notes": tuple(d.get("notes", ())),
                      "units": dict(d.get("units", {}))})


def attach(result: Any, prov: Provenance) -> Any:
    """Attach ``prov`` to a DataFrame (attrs) or an Arrow table (schema metadata).

    The units are completed from the result's column names. Returns the result (a new
    object for Arrow, whose tables are immutable).
    """
    is_pandas = hasattr(result, "attrs")
    columns = [str(c) for c in (result.columns if is_pandas else result.column_names)]
    prov = replace(prov, units={**units_of(columns), **prov.units})
    if is_pandas:
        result.attrs["provenance"] = prov.to_dict()  # JSON-ready: pandas writes attrs to Parquet
        result.attrs["source"] = prov.source
        if prov.method:
            result.attrs["method"] = prov.method
        return result
    meta = dict(result.schema.metadata or {})
    meta[ARROW_KEY] = json.dumps(prov.to_dict(), ensure_ascii=False).encode("utf-8")
    return result.replace_schema_metadata(meta)


def of(result: Any) -> Provenance | None:
    """The provenance attached to a DataFrame or Arrow table, if any."""
    attrs = getattr(result, "attrs", None)
    if attrs is not None:
        raw_d = attrs.get("provenance")
        return Provenance.from_dict(raw_d) if raw_d else None
    meta = getattr(getattr(result, "schema", None), "metadata", None) or {}
    raw = meta.get(ARROW_KEY)
    return Provenance.from_dict(json.loads(raw)) if raw else None


class Cited:
    """Mixin of result objects holding a ``provenance``: its method line and citation."""

    provenance: Provenance

    @property
    def method(self) -> str:
        """The method line (definitions and thresholds)."""
        return self.provenance.method

    @property
    def source(self) -> str:
        """The citations of every source used."""
        return self.provenance.source
