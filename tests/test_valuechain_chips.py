"""ETO semiconductor supply chain: shares, chokepoints, downstream paths, country pairs.

Figures are recomputed here independently from the published CSVs with plain pandas; the
engine reads the same data from the default warehouse (embedded ETO release).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from straits import provenance
from straits.errors import ParameterError, UnknownCodeError
from straits.valuechain import chips


@pytest.fixture(scope="module")
def eto(shared):
    d = shared / "eto-semiconductor-supply-chain"
    prov = pd.read_csv(d / "provision.csv")
    providers = pd.read_csv(d / "providers.csv").drop_duplicates("provider_id")
    return prov.merge(providers[["provider_id", "provider_type", "country"]], on="provider_id")


def test_missing_shares_stay_missing(wh, eto):
    df = chips.chain(wh)
    assert len(df) == len(eto) == 1300
    assert df["share"].isna().sum() == eto["share_provided"].isna().sum() == 246
    photo = chips.chain(wh, input="Photoresists")
    assert len(photo) == 17 and photo["share"].isna().all()
    prov = provenance.of(df)
    assert any("never zero" in n for n in prov.notes)
    assert prov.licence.startswith("CC BY-NC 4.0") and prov.dataset == "eto"
    assert "Emerging Technology Observatory" in prov.source
    assert prov.years == (2019, 2021, 2022, 2025)  # the share years, from the catalog


def test_chain_country_rows(wh, eto):
    kor = chips.chain(wh, country="Korea")
    assert (kor["provider_country"] == "KOR").all()
    # every KOR country row and every firm with country KOR in the CSV
    expected = eto[(eto["provider_name"] == "KOR") | (eto["country"] == "KOR")]
    assert len(kor) == len(expected)
    mem = kor[(kor["input_id"] == "N5") & (kor["provider_type"] == "country")]["share"].item()
    raw = eto[(eto["provider_name"] == "KOR") & (eto["provided_id"] == "N5")]["share_provided"].item()
    assert mem == pytest.approx(raw / 100) == pytest.approx(0.60)
    assert {"input_id", "input", "stages", "type", "share", "year", "source"} <= set(kor.columns)
    # stages are a list column: an input feeding several stages lists each once
    assert all(isinstance(v, list) for v in kor["stages"])


def test_chokepoints_recomputed(wh, eto):
    known = eto[eto["share_provided"].notna()]
    countries = known[(known["provider_type"] == "country") & ~known["provider_id"].isin(["P5", "P312"])]
    top_country = countries.groupby("provided_id")["share_provided"].max()
    # "Various companies" (P370) is a group, not a firm: it never ranks among the top three
    firms = known[(known["provider_type"] == "organization") & (known["provider_id"] != "P370")]
    top3 = firms.groupby("provided_id")["share_provided"].apply(lambda s: s.nlargest(3).sum())
    expected = set(top_country[top_country >= 65].index) | set(top3[top3 >= 90].index)
    got = chips.chokepoints(wh)
    assert set(got["input_id"]) == expected
    euv = got.set_index("input_id").loc["N20"]
    assert euv["top_country"] == "NLD" and euv["top_country_share"] == pytest.approx(1.0)
    row = got.set_index("input_id")
    for i in expected:
        assert row.loc[i, "top3_firm_share"] == pytest.approx(top3.get(i, np.nan) / 100, nan_ok=True)
    top3_names = firms.sort_values(["share_provided", "provider_name"], ascending=[False, True])
    n9 = top3_names[top3_names["provided_id"] == "N9"]["provider_name"].head(3).tolist()
    assert row.loc["N9", "top3_firms"] == n9  # a list column, largest first
    # a stricter threshold keeps a subset
    strict = chips.chokepoints(wh, country_threshold=0.9, firm_top3_threshold=0.99)
    assert set(strict["input_id"]) < expected


def test_downstream_paths(wh, shared):
    seq = pd.read_csv(shared / "eto-semiconductor-supply-chain" / "sequence.csv")
    nxt = set(seq.loc[seq["input_id"] == "N31", "goes_into_id"].dropna()) | set(
        seq.loc[seq["input_id"] == "N31", "is_type_of_id"].dropna())
    p = chips.downstream(wh, "Photoresists")
    assert len(p) >= 1 and (p["input_id"] == "N31").all()
    assert {ids[1] for ids in p["path_ids"]} == nxt
    assert (p["end_id"] == "N99").all()  # everything ends at the finished logic chip
    assert all(path[0] == "Photoresists" and len(path) == len(ids)
               for path, ids in zip(p["path"], p["path_ids"], strict=True))


def test_chain_pair_korea_japan(wh, eto):
    df = chips.chain_pair(wh, "KOR", "JPN").set_index("input_id")
    mem = df.loc["N5"]  # memory chip design: KOR 60%, JPN 7%
    assert (mem["share_a"], mem["share_b"], mem["larger_share_country"]) == (0.6, 0.07, "KOR")
    assert (mem["top_country"], mem["top_country_share"]) == ("KOR", 0.6)
    assert mem["joint_share"] == pytest.approx(0.67) and mem["joint_dominance"]
    euv = df.loc["N20"]  # EUV: neither listed, NLD 100%
    assert np.isnan(euv["share_a"]) and np.isnan(euv["share_b"]) and euv["both_weak"]
    assert euv["third_country"] == "NLD" and euv["third_share"] == 1.0
    assert pd.isna(euv["larger_share_country"])


def test_chain_pair_counts_recomputed(wh, eto):
    """Top country and larger-of-pair counts, as the report's chip finding quotes them."""
    known = eto[eto["share_provided"].notna() & (eto["provider_type"] == "country")]
    real = known[~known["provider_id"].isin(["P5", "P312"])]  # groups never rank
    inputs = known.loc[~known["provided_id"].str.startswith("S"), "provided_id"].unique()
    top = real.loc[real.groupby("provided_id")["share_provided"].idxmax()]
    top = top[top["provided_id"].isin(inputs)]
    wide = real.pivot_table(index="provided_id", columns="provider_name", values="share_provided")
    wide = wide.reindex(inputs)
    j, k = wide["JPN"].fillna(-1), wide["KOR"].fillna(-1)
    df = chips.chain_pair(wh, "KOR", "JPN")
    df = df[df["type"] != "stage"]
    assert len(df) == len(inputs) == 93
    assert int((df["top_country"] == "JPN").sum()) == int((top["provider_name"] == "JPN").sum()) == 25
    assert int((df["larger_share_country"] == "JPN").sum()) == int((j > k).sum()) == 70
    assert int((df["larger_share_country"] == "KOR").sum()) == int((k > j).sum())


def test_errors(wh):
    with pytest.raises(UnknownCodeError, match="not an ETO input"):
        chips.chain(wh, input="Flux capacitor")
    with pytest.raises(UnknownCodeError, match="not a provider"):
        chips.chain(wh, country="BRA")
    with pytest.raises(UnknownCodeError, match="not blocs"):
        chips.chain(wh, country="EU27")
    with pytest.raises(ParameterError, match="country_threshold"):
        chips.chokepoints(wh, country_threshold=1.5)
    with pytest.raises(ParameterError, match="different economies"):
        chips.chain_pair(wh, "KOR", "Korea")


def test_session_shortcuts(session):
    assert len(session.chain(country="KOR")) > 0
    assert len(session.chokepoints()) > 0
    assert len(session.chain_pair("KOR", "JPN")) > 0
    shock = session.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.1)
    assert shock["country"].iloc[-1] == "WORLD"


def test_no_eto_tables_is_a_clear_error(tmp_path):
    import straits
    from straits.errors import DataNotLoadedError

    with straits.open(tmp_path / "empty.duckdb") as s:
        with pytest.raises(DataNotLoadedError, match="straits ingest FOLDER"):
            s.chain()


def _fingerprint(con) -> list:
    return [con.execute(f"SELECT count(*), sum(hash(t::VARCHAR)) FROM {name} AS t").fetchall()
            for name in ("eto_shares", "eto_nodes", "eto_providers", "releases", "meta")]


def test_user_eto_folder_ingested(tmp_path, shared):
    """A user's ETO folder replaces the ETO tables: the engine answers from it."""
    import shutil

    import straits

    src = shared / "eto-semiconductor-supply-chain"
    mine = tmp_path / "eto"
    shutil.copytree(src, mine)
    lines = (mine / "provision.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ",N20," not in ln]  # drop EUV rows
    (mine / "provision.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    with straits.open(tmp_path / "w.duckdb") as s:
        out = s.ingest(mine)
        assert set(out["dataset"]) == {"eto"} and out["rows"].sum() == len(keep) - 1
        assert "N20" not in set(s.chain()["input_id"])
        assert s.years("eto") == sorted(out["year"])


@pytest.mark.parametrize(("edit", "match"), [
    (lambda t: t.replace(",2.4,", ",abc,", 1), "provision.csv line 2, column share_provided"),
    (lambda t: t.replace(",2.4,", ",240,", 1), "provision.csv line 2, column share_provided"),
    (lambda t: t.replace("P313", "P9999", 1), "provision.csv line 2, column provider_id"),
])
def test_malformed_eto_file_rejected(tmp_path, shared, edit, match):
    import shutil

    import straits
    from straits.errors import InputFileError

    src = shared / "eto-semiconductor-supply-chain"
    good, bad = tmp_path / "good", tmp_path / "bad"
    shutil.copytree(src, good)
    shutil.copytree(src, bad)
    lines = (bad / "provision.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = edit(lines[1])  # row 2: ACM Research, 2.4 percent
    (bad / "provision.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with straits.open(tmp_path / "w.duckdb") as s:
        s.ingest(good)
        before = _fingerprint(s.con)
        with pytest.raises(InputFileError, match=match):
            s.ingest(bad)
        assert _fingerprint(s.con) == before  # nothing stored, nothing lost
