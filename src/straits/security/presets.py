"""Presets for real export-control events, with their HS6 codes and sources.

Each preset names the restricting economy, the products (HS2017 six-digit codes as used by
BACI HS17), and the month the measure took effect. Annual replays treat the start year as
partial; monthly replays use it as month zero.

Sources
-------
- jp-kr-2019: Japan, Ministry of Economy, Trade and Industry, "Update of METI's licensing
  policies and procedures on exports of controlled items to the Republic of Korea"
  (1 July 2019; individual licences required from 4 July 2019) for fluorinated polyimide,
  resist (photoresist) and hydrogen fluoride. Fluorinated polyimide has no HS6 code of its own;
  392099 (other plates/sheets/film of plastics) is the usual proxy.
- cn-gallium-germanium-2023: China, MOFCOM/GAC Announcement No. 23 of 2023 (3 July 2023),
  licences from 1 August 2023; gallium and germanium are in HS 811292.
- cn-graphite-2023: China, MOFCOM/GAC Announcement No. 39 of 2023 (20 October 2023), from
  1 December 2023: natural flake graphite 250410, artificial graphite 380110, and related
  natural (250490) and carbon/graphite preparations (380190).
- cn-antimony-2024: China, MOFCOM/GAC Announcement No. 33 of 2024 (14 August 2024), from
  15 September 2024: antimony unwrought and powders 811010.
"""

from __future__ import annotations

from dataclasses import dataclass

from straits.errors import ParameterError, UnknownCodeError
from straits.params import split_list


@dataclass(frozen=True)
class Preset:
    """One real restriction: who restricted what, from when, and the default importer."""

    name: str
    title: str
    exporter: str
    products: tuple[str, ...]
    start: str  # YYYY-MM
    importer: str
    notes: tuple[str, ...] = ()
    source: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "jp-kr-2019",
            "Japan's 2019 export controls on Korea (photoresist, hydrogen fluoride, "
            "fluorinated polyimide)",
            "JPN",
            ("370790", "281111", "392099"),
            "2019-07",
            "KOR",
            ("392099 is a proxy: fluorinated polyimide has no HS6 code of its own.",),
            "METI, 1 July 2019 announcement; licences required from 4 July 2019",
        ),
        Preset(
            "cn-gallium-germanium-2023",
            "China's gallium and germanium export licensing",
            "CHN",
            ("811292",),
            "2023-08",
            "KOR",
            ("811292 also covers hafnium, indium, niobium, rhenium and vanadium.",),
            "MOFCOM/GAC Announcement No. 23 of 2023, effective 1 August 2023",
        ),
        Preset(
            "cn-graphite-2023",
            "China's graphite export licensing",
            "CHN",
            ("250410", "380110", "250490", "380190"),
            "2023-12",
            "KOR",
            (),
            "MOFCOM/GAC Announcement No. 39 of 2023, effective 1 December 2023",
        ),
        Preset(
            "cn-antimony-2024",
            "China's antimony export controls",
            "CHN",
            ("811010",),
            "2024-09",
            "KOR",
            (),
            "MOFCOM/GAC Announcement No. 33 of 2024, effective 15 September 2024",
        ),
    )
}


def get_preset(name: str) -> Preset:
    """Look up a preset by name; the error lists the known ones."""
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise UnknownCodeError(
            f"Unknown event preset {name!r}; expected one of {', '.join(PRESETS)}."
        ) from None


def event_preset(preset: str | None, *, exporter: str | None = None,
                 products: str | list[str] | None = None, start: str | None = None,
                 importer: str | None = None, func: str = "event") -> Preset:
    """A preset with explicit fields overriding its own, or a custom one from the fields.

    Without a preset, ``exporter``, ``products`` and ``start`` are all required; the
    importer defaults to Korea.
    """
    base = get_preset(preset) if preset is not None else None
    exporter = exporter or (base.exporter if base else None)
    codes = tuple(split_list(products) or ()) or (base.products if base else ())
    start = start or (base.start if base else None)
    if not exporter or not codes or not start:
        raise ParameterError(
            f"{func} needs a preset ({', '.join(PRESETS)}), or an exporter, products and a "
            "start month together.")
    from straits.reference.blocs import resolve_party

    imp = importer or (base.importer if base else "KOR")
    if set(resolve_party(imp).codes) & set(resolve_party(exporter).codes):
        raise ParameterError(
            f"The 'importer' and 'exporter' parameters of {func} must name different economies. "
            f"Got {imp!r} and {exporter!r} instead.")
    if base is not None and (exporter, codes, start) == (base.exporter, base.products, base.start):
        return base if importer is None else Preset(**{**base.__dict__, "importer": importer})
    return Preset(base.name if base else "custom",
                  base.title if base else f"{exporter} restriction on {', '.join(codes)}",
                  exporter, codes, start, importer or (base.importer if base else "KOR"),
                  base.notes if base else (), base.source if base else "")
