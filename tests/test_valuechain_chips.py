"""ETO semiconductor supply chain: shares, chokepoints, downstream paths, country pairs.

Figures are recomputed here independently from the published CSVs with plain pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from straits.errors import ParameterError, UnknownCodeError
from straits.valuechain import chips


@pytest.fixture(scope="module")
def eto(shared):
    d = shared / "eto-semiconductor-supply-chain"
    prov = pd.read_csv(d / "provision.csv")
    providers = pd.read_csv(d / "providers.csv").drop_duplicates("provider_id")
    return prov.merge(providers[["provider_id", "provider_type", "country"]], on="provider_id")


def test_missing_shares_stay_missing(eto):
    df = chips.chain()
    assert len(df) == len(eto) == 1300
    assert df["share"].isna().sum() == eto["share_provided"].isna().sum() == 246
    photo = chips.chain(input="Photoresists")
    assert len(photo) == 17 and photo["share"].isna().all()
    assert "never zero" in df.attrs["missing"]
    assert "CC BY-NC 4.0" in df.attrs["source"] and "Emerging Technology Observatory" in df.attrs["source"]


def test_chain_country_rows(eto):
    kor = chips.chain(country="Korea")
    assert (kor["provider_country"] == "KOR").all()
    # every KOR country row and every firm with country KOR in the CSV
    expected = eto[(eto["provider_name"] == "KOR") | (eto["country"] == "KOR")]
    assert len(kor) == len(expected)
    mem = kor[(kor["input_id"] == "N5") & (kor["provider_type"] == "country")]["share"].item()
    raw = eto[(eto["provider_name"] == "KOR") & (eto["provided_id"] == "N5")]["share_provided"].item()
    assert mem == pytest.approx(raw / 100) == pytest.approx(0.60)
    assert {"input_id", "input", "stage", "type", "share", "year", "source"} <= set(kor.columns)


def test_chokepoints_recomputed(eto):
    known = eto[eto["share_provided"].notna()]
    countries = known[(known["provider_type"] == "country") & ~known["provider_id"].isin(["P5", "P312"])]
    top_country = countries.groupby("provided_id")["share_provided"].max()
    firms = known[known["provider_type"] == "organization"]
    top3 = firms.groupby("provided_id")["share_provided"].apply(lambda s: s.nlargest(3).sum())
    expected = set(top_country[top_country >= 65].index) | set(top3[top3 >= 90].index)
    got = chips.chokepoints()
    assert set(got["input_id"]) == expected
    euv = got.set_index("input_id").loc["N20"]
    assert euv["top_country"] == "NLD" and euv["top_country_share"] == pytest.approx(1.0)
    row = got.set_index("input_id")
    for i in expected:
        assert row.loc[i, "top3_firm_share"] == pytest.approx(top3.get(i, np.nan) / 100, nan_ok=True)
    # a stricter threshold keeps a subset
    strict = chips.chokepoints(country_threshold=0.9, firm_top3_threshold=0.99)
    assert set(strict["input_id"]) < expected


def test_downstream_paths(shared):
    seq = pd.read_csv(shared / "eto-semiconductor-supply-chain" / "sequence.csv")
    nxt = set(seq.loc[seq["input_id"] == "N31", "goes_into_id"].dropna()) | set(
        seq.loc[seq["input_id"] == "N31", "is_type_of_id"].dropna())
    p = chips.downstream("Photoresists")
    assert len(p) >= 1 and (p["input_id"] == "N31").all()
    assert {s.split(" > ")[1] for s in p["path_ids"]} == nxt
    assert (p["end_id"] == "N99").all()  # everything ends at the finished logic chip
    assert p["path"].str.startswith("Photoresists > ").all()


def test_chain_pair_korea_japan(eto):
    df = chips.chain_pair("KOR", "JPN").set_index("input_id")
    mem = df.loc["N5"]  # memory chip design: KOR 60%, JPN 7%
    assert (mem["share_a"], mem["share_b"], mem["leader"]) == (0.6, 0.07, "KOR")
    assert mem["joint_share"] == pytest.approx(0.67) and mem["joint_dominance"]
    euv = df.loc["N20"]  # EUV: neither listed, NLD 100%
    assert np.isnan(euv["share_a"]) and np.isnan(euv["share_b"]) and euv["both_weak"]
    assert euv["third_country"] == "NLD" and euv["third_share"] == 1.0


def test_errors():
    with pytest.raises(UnknownCodeError, match="not an ETO input"):
        chips.chain(input="Flux capacitor")
    with pytest.raises(UnknownCodeError, match="not a provider"):
        chips.chain(country="Atlantis")
    with pytest.raises(ParameterError, match="country_threshold"):
        chips.chokepoints(country_threshold=1.5)


def test_session_shortcuts(session):
    assert len(session.chain(country="KOR")) > 0
    assert len(session.chokepoints()) > 0
    assert len(session.chain_pair("KOR", "JPN")) > 0
    shock = session.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.1)
    assert shock["country"].iloc[-1] == "WORLD"


def test_malformed_eto_file_rejected(tmp_path, shared):
    import shutil

    from straits.errors import InputFileError
    from straits.sources.eto import load_eto

    src = shared / "eto-semiconductor-supply-chain"
    for f in src.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    lines = (tmp_path / "provision.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",2.4,", ",abc,", 1)  # row 2: ACM Research, 2.4 percent
    (tmp_path / "provision.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="provision.csv line 2, column share_provided"):
        load_eto(tmp_path)
