"""Chart specs shared by the report and the dashboard: valid Vega-Lite, sourced, with units."""

from __future__ import annotations

import json
import math

import pytest

from straits.charts import Bar, Point, hbar, line
from straits.charts.assets import LICENCES, bundle_path
from straits.charts.render import to_svg


def _bars():
    return hbar([Bar("대한민국 · 흑연", 0.5, "50%", "KOR"), Bar("日本 · x", math.nan, "–", "JPN")],
                title="Share", x_title="share of imports (0–1)", source="Source: CEPII BACI",
                units={"value": "fraction (0-1)"}, x_format=".0%", x_max=1.0)


def _line():
    years = [str(y) for y in range(2017, 2025)]
    return line([Point("A", y, float(i)) for i, y in enumerate(years)]
                + [Point("B", y, None if y == "2020" else 1.0) for y in years],
                title="Trade", y_title="million USD", source="Source: CEPII BACI",
                units={"y": "million current USD"}, x_order=years, dashed=["B"],
                marker=("2019", "controls from Jul 2019"))


@pytest.mark.parametrize("build", [_bars, _line])
def test_spec_is_json_cites_its_source_and_units_and_renders(build):
    spec = build()
    assert json.loads(json.dumps(spec)) == spec  # plain JSON: the dashboard embeds it as is
    meta = spec["usermeta"]["straits"]
    assert meta["source"] == "Source: CEPII BACI" and meta["units"]
    assert spec["title"]["subtitle"] == "Source: CEPII BACI"  # visible on the chart too
    svg = to_svg(spec)
    assert svg.startswith("<svg") and 'class="chart marks"' in svg and 'role="img"' in svg
    assert "Source: CEPII BACI" in svg and "<text" in svg  # text stays text
    assert "http" not in svg.replace("http://www.w3.org", "")  # no external reference


def test_bars_keep_the_order_given_and_mark_missing_values():
    svg = to_svg(_bars())
    assert svg.index("대한민국 · 흑연") < svg.index("日本 · x")
    assert "–" in svg  # the NaN bar prints its text at 0, draws no bar
    with pytest.raises(ValueError, match="unique"):
        hbar([Bar("a", 1, "1"), Bar("a", 2, "2")], title="t", x_title="x", source="s", units={})


def test_bundle_served_from_the_package_with_its_licences(tmp_path):
    path = bundle_path(tmp_path)
    text = path.read_text("utf-8")
    assert len(text) > 100_000 and "vegaEmbed" in text
    assert (path.parent / LICENCES).read_text("utf-8").count("BSD-3-Clause") >= 2
    assert bundle_path(tmp_path) == path  # built once
