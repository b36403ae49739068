"""The dataset as a researcher opens it (pandas), built from real articles: the seeds and the
50 reform articles of tests/data/cchc_sample.jsonl. Places compare by code whatever their
spelling, every figure says where its period comes from, and no cell of the comparison table
is chosen silently."""
from __future__ import annotations

import json
import math
import os
from collections import defaultdict

import pandas as pd
import pytest

from conftest import ROOT, run_cchc

SAMPLE = ROOT / "tests" / "data" / "cchc_sample.jsonl"
HCM = {"tp. hcm", "tp hcm", "tp.hcm", "tphcm", "thành phố hồ chí minh", "tp hồ chí minh", "tp. hồ chí minh", "sài gòn"}
HANOI = {"hà nội", "tp hà nội", "tp. hà nội", "thành phố hà nội", "thủ đô hà nội"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(path of the dataset, the records written beside it)."""
    tmp = tmp_path_factory.mktemp("ds")
    db, out = tmp / "real.sqlite", tmp / "real.jsonl"
    r = run_cchc("extract", str(ROOT / "corpus" / "seeds"), str(SAMPLE), "--db", str(db), "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    return db, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def ds(built):
    from extractor import dataset

    d = dataset.open(str(built[0]))
    yield d
    d.close()


def test_every_placed_figure_has_a_code_and_spellings_agree(ds):
    figs = ds.figures()
    placed = figs[figs.locality.notna()]
    assert len(placed) > 150
    assert ((placed.province_code.notna()) | (placed.unit_level == "national")).all()
    spelling = placed.locality.str.casefold()
    hcm, hanoi = placed[spelling.isin(HCM)], placed[spelling.isin(HANOI)]
    assert hcm.locality.nunique() >= 3 and hanoi.locality.nunique() >= 2  # the corpus does spell them apart
    assert set(hcm.province_code) == {"79"} and set(hanoi.province_code) == {"01"}
    # a district is a district of its province, with its own code
    districts = placed[placed.unit_level == "district"]
    assert len(districts) and districts.district_code.str.fullmatch(r"\d{3}").all()
    assert set(districts.province_code) <= set(figs.province_code.dropna())
    # no junk after a place's name survives as a locality
    assert not placed.locality.isin(["TP Hà Nội Nguyễn", "TP Võ Sĩ"]).any()


def test_articles_officials_and_rankings_carry_codes(ds):
    arts = ds.articles()
    placed = arts[arts.province.notna()]
    assert len(placed) > 20 and placed.province_code.notna().all()
    assert (placed.province_2025_code.notna()).all()
    offs = ds.officials()
    assert offs[offs.locality.notna()].province_code.notna().all()
    ranks = ds.rankings()
    provinces = ranks[ranks.unit_level == "province"]
    assert len(provinces) >= 5 and provinces.province_code.str.fullmatch(r"\d{2}").all()


def test_every_figure_says_where_its_period_comes_from(ds, built):
    figs = ds.figures()
    assert figs.period_source.isin(["stated", "context", "article", "none"]).all()
    assert set(figs.period_source) >= {"stated", "context"}
    assert (figs.period.isna() == (figs.period_source == "none")).all()
    assert str(figs.year.dtype) == "Int64"
    with_period = figs[figs.period.notna()]
    assert (with_period.year == with_period.period.str.extract(r"(\d{4})(?!.*\d{4})")[0].astype(int)).all()
    # JSON Lines carry the same columns
    recs = [r for r in built[1] if r["kind"] == "figure"]
    assert all(r["period_source"] and ("year" in r) for r in recs)


def _groups(records):
    """The comparison groups computed from the records directly (not through pandas)."""
    groups = defaultdict(set)
    for r in records:
        if r["kind"] != "figure" or r["metric"] == "other" or r["role"] != "actual":
            continue
        if not r["province_code"] or not r["period"]:
            continue
        key = (r["province_code"], r["district_code"], r["ward_code"], r["unit_level"], r["year"], r["period"], r["metric"])
        groups[key].add(float(r["value"]))
    return groups


def test_conflicts_lists_exactly_the_groups_with_more_than_one_value(ds, built):
    want = {k: sorted(v) for k, v in _groups(built[1]).items() if len(v) > 1}
    got = ds.conflicts()
    assert len(want) >= 5
    have = {(r.province_code, r.district_code, r.ward_code, r.unit_level, int(r.year), r.period, r.metric): r.values
            for r in got.itertuples()}
    assert have == want
    ids = {r["id"] for r in built[1] if r["kind"] == "figure"}
    assert all(set(f) <= ids and len(f) >= 2 for f in got.figures)
    assert got.place.notna().all()


def test_wide_marks_conflicting_cells_and_never_picks_one(ds, built):
    from extractor.dataset import ConflictError

    groups = _groups(built[1])
    wide = ds.wide()
    assert wide.place.notna().all() and "conflicts" in wide.columns
    checked = marked = 0
    for r in wide.to_dict("records"):
        for metric in wide.columns:
            key = (r["province_code"], r["district_code"], r["ward_code"], r["unit_level"], r["year"], r["period"], metric)
            if key not in groups:
                continue
            checked += 1
            values = groups[key]
            if len(values) > 1:
                marked += 1
                assert math.isnan(r[metric]) and metric in r["conflicts"]
            else:
                assert r[metric] == next(iter(values)) and metric not in r["conflicts"]
    assert checked > 50 and marked == len(ds.conflicts())
    # one row per place and period, whatever the spelling: HCM City is one place
    hcm = wide[(wide.province_code == "79") & (wide.unit_level == "province")]
    assert hcm.place.unique().tolist() == ["TP Hồ Chí Minh"] and not hcm.duplicated(["period"]).any()
    with pytest.raises(ConflictError):
        ds.wide(agg="raise")
    most = ds.wide(agg="max")
    key = ds.conflicts().iloc[0]
    row = most[(most.province_code == key.province_code) & (most.period == key.period)
               & (most.district_code.fillna("") == (key.district_code or ""))].iloc[0]
    assert row[key.metric] == max(key["values"])


def test_wide_export_marks_too(built, tmp_path):
    out = tmp_path / "wide.csv"
    r = run_cchc("export", "--db", str(built[0]), "--wide", "-o", str(out))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out, dtype={"province_code": str, "district_code": str})
    assert "conflicts" in table.columns and table.province_code.str.fullmatch(r"\d{2}").all()
    assert "left empty" in r.stderr.decode()
    r = run_cchc("export", "--db", str(built[0]), "--wide", "--agg", "median", "-o", os.devnull)
    assert r.returncode == 0 and "left empty" not in r.stderr.decode()


def test_chart_tables_compare_like_with_like(ds, tmp_path):
    from extractor.charts import by_province_year, draw, site_name

    figs = ds.figures()
    for metric in ("dossiers_received", "dossiers_online_rate"):
        table = by_province_year(figs, metric)
        f = figs[(figs.metric == metric) & (figs.role == "actual") & (figs.unit_level == "province")]
        if metric == "dossiers_received":
            assert not table.attrs["rate"]
            f = f[f.period == f.year.astype("string")]  # counts: whole years only
        assert table.n.sum() == len(f.dropna(subset=["year"])) and len(table)
        assert "TP Hồ Chí Minh" in set(table.place) or "Hà Nội" in set(table.place)
    assert site_name("corpus/seeds/a.txt", None, None) == "files: seeds"
    assert site_name("data/x.jsonl#7", None, None) == "files: x.jsonl"
    assert site_name("https://www.example.vn/a", "https://www.example.vn/a", None) == "example.vn"
    assert site_name("x", "https://baocantho.com.vn/a.html", None) == "Báo Cần Thơ"  # the registry's name
    paths = draw(ds, str(tmp_path), ["dossiers_received"])
    assert [p.rsplit("/", 1)[1] for p in paths] == ["dossiers_received_by_province_year.png", "figures_per_site.png"]
