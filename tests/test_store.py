"""The SQLite dataset: idempotent re-runs, runs and re-extraction, evidence, kill -9 safety,
exports, the notebook API as the docs show it, Datasette and the summary."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from extractor.store import Store, StoreError

from conftest import ROOT, free_port, kill_when_stored, run_cchc


def counts(db):
    with Store.open(db) as st:
        c = st.counts()
    c.pop("runs")
    return c


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "x.sqlite"
    r = run_cchc("extract", str(ROOT / "corpus"), "--db", str(path), "-o", os.devnull, "-q")
    assert r.returncode in (0, 1), r.stderr  # corpus/ also holds a listing page, which is not an article
    return path


def test_same_input_twice_same_rows(db):
    first = counts(db)
    assert first["articles"] >= 5 and first["figures"] >= 64
    run_cchc("extract", str(ROOT / "corpus"), "--db", str(db), "-o", os.devnull, "-q")
    assert counts(db) == first
    with Store.open(db) as st:
        runs = [dict(r) for r in st.db.execute("SELECT id, status, command FROM runs")]
    assert [r["command"] for r in runs] == ["extract", "extract"]


def test_reextract_records_a_run_and_diffs(db, tmp_path):
    r = run_cchc("reextract", "--db", str(db))
    assert r.returncode == 0 and "unchanged" in r.stderr.decode()
    with Store.open(db) as st:
        assert st.db.execute("SELECT command FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] == "reextract"
        # a pattern change shows up as a new run's rows beside the old ones
        st.db.execute("UPDATE extractions SET digest = 'stale'")
    r = run_cchc("reextract", "--db", str(db))
    with Store.open(db) as st:
        run = st.db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        assert st.db.execute("SELECT COUNT(DISTINCT run_id) FROM figures").fetchone()[0] == 2
        diff = st.diff_runs(1, run)
        assert diff == {"removed": [], "added": []}  # same patterns: same rows
        assert st.db.execute("SELECT COUNT(*) FROM current_figures").fetchone()[0] == counts(db)["figures"] // 2


def test_pages_are_kept_as_evidence(tmp_path):
    path = tmp_path / "p.sqlite"
    body = (ROOT / "corpus" / "seeds" / "000_ea26a468587495bb.txt").read_bytes()
    from extractor.api import extract_text

    recs = extract_text(body.decode(), source="https://example.org/a")
    with Store.open(path) as st:
        run = st.begin_run("test")
        st.save(recs, run_id=run, page={"url": "https://example.org/a", "status": 200, "headers": {"a": "b"}, "body": body})
        st.finish_run(run)
        (page,) = list(st.iter_pages())
        assert page["body"] == body and page["status"] == 200
        art = next(st.iter_articles())
        assert art["page_id"] == page["id"]


def test_records_round_trip_through_the_store(db):
    r = run_cchc("export", "--db", str(db), "--format", "jsonl")
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    arts = {a["article_id"]: a for a in recs if a["kind"] == "article"}
    figs = [x for x in recs if x["kind"] == "figure"]
    assert figs and all(arts[f["article_id"]]["text"][f["start"]:f["end"]] == f["text"] for f in figs)
    off = next(x for x in recs if x["kind"] == "official")
    assert isinstance(off["titles"], list)


def test_parquet_round_trip(db, tmp_path):
    out = tmp_path / "f.parquet"
    assert run_cchc("export", "--db", str(db), "--format", "parquet", "-o", str(out)).returncode == 0
    back = pd.read_parquet(out)
    from extractor import dataset

    want = dataset.open(str(db)).figures()
    pd.testing.assert_frame_equal(back, want, check_dtype=True)


def test_csv_neutralizes_formulas(tmp_path):
    path = tmp_path / "f.sqlite"
    from extractor.api import extract_text

    recs = extract_text("Bộ phận Một cửa tiếp nhận 1.245 hồ sơ.", source="=1+1", title="=1+1", prefilter=False)
    with Store.open(path) as st:
        st.save(recs, run_id=st.begin_run("test"))
    out = run_cchc("export", "--db", str(path), "--table", "articles", "--format", "csv").stdout.decode()
    assert "'=1+1" in out and ",=1+1" not in out
    figs = run_cchc("export", "--db", str(path), "--format", "csv").stdout.decode()
    assert ",1245.0," in figs


def test_wide_table(db):
    from extractor import dataset

    wide = dataset.open(str(db)).wide()
    row = wide[(wide.place == "Thành phố Thủ Đức, TP Hồ Chí Minh") & (wide.period == "2022")].iloc[0]
    assert (row["province_code"], row["district_code"], row["unit_level"], row["year"]) == ("79", "769", "district", 2022)
    assert row["dossiers_received"] == 36466 and row["dossiers_late_rate"] == 0.63


def test_dataset_example_in_the_docs_runs(db, tmp_path, monkeypatch):
    """The notebook example exactly as README.md shows it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- dataset-example -->\s*```python\n(.*?)```", readme, re.S)
    assert block, "README.md lost its dataset example"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cchc.sqlite").write_bytes(Path(db).read_bytes())
    scope: dict = {}
    exec(block.group(1), scope)  # noqa: S102 - our own documentation
    figs = scope["figs"]
    assert len(figs) >= 64 and figs["value"].dtype == "float64" and str(figs["start"].dtype) == "Int64"
    assert str(figs["published"].dtype).startswith("datetime64")


@pytest.mark.slow
def test_kill_9_leaves_a_consistent_file_that_completes_on_rerun(tmp_path):
    data = tmp_path / "many.jsonl"
    lines = (ROOT / "tests" / "data" / "cchc_sample.jsonl").read_text(encoding="utf-8").splitlines()
    rows = []
    for rep in range(6):
        for line in lines:
            obj = json.loads(line)
            obj["id"] = f"{obj['id']}-{rep}"
            obj.pop("url", None)
            rows.append(json.dumps(obj, ensure_ascii=False))
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    killed = tmp_path / "killed.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", str(data), "--db", str(killed),
                             "-o", os.devnull, "-q"], env=env, cwd=ROOT)
    kill_when_stored(proc, killed, 20, timeout=60)
    con = sqlite3.connect(killed)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    con.close()
    assert 0 < partial < len(rows)
    r = run_cchc("extract", str(data), "--db", str(killed), "-o", os.devnull, "-q")
    assert r.returncode == 0
    clean = tmp_path / "clean.sqlite"
    run_cchc("extract", str(data), "--db", str(clean), "-o", os.devnull, "-q")
    assert counts(killed) == counts(clean)
    with Store.open(killed) as st:
        statuses = [r[0] for r in st.db.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "ok"]


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.mark.browser
def test_browse_serves_facets_and_canned_queries(db, tmp_path):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "browse", "--db", str(db), "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/cchc"
    try:
        for _ in range(100):
            try:
                _get(base + ".json")
                break
            except OSError:
                time.sleep(0.2)
        figs = _get(base + "/current_figures.json?_facet=metric&_facet=province&_facet=period")
        facets = figs["facet_results"]
        facets = facets.get("results", facets)
        assert {"metric", "province", "period"} <= set(facets)
        meta_cols = _get(f"http://127.0.0.1:{port}/-/metadata.json")["databases"]["cchc"]["tables"]["figures"]["columns"]
        assert {"province_code", "district_code", "unit_level", "year", "period_source"} <= set(meta_cols)
        metrics = {x["value"] for x in facets["metric"]["results"]}
        assert "dossiers_received" in metrics
        late = _get(base + "/late_dossier_rates_by_district.json?_shape=array")
        assert any(r["late_rate_percent"] == 0.72 for r in late)
        assert late and all(r["district_code"] for r in late)  # districts only, never a province or city row
        provinces = _get(base + "/late_dossier_rates_by_province.json?_shape=array")
        assert all(r["province_code"] and r["late_rate_percent"] != 0.72 for r in provinces)
        received = _get(base + "/metric_by_place.json?metric=dossiers_received&unit_level=district&_shape=array")
        assert received and all(r["unit_level"] == "district" and r["district_code"] for r in received)
        from extractor import dataset

        clashes = _get(base + "/conflicting_values.json?_shape=array")
        assert len(clashes) == len(dataset.open(str(db)).conflicts())
        mism = _get(base + "/every_mismatch.json?_shape=array")
        assert len(mism) == 1 and "0,72" in mism[0]["message"]
        meta = _get(f"http://127.0.0.1:{port}/-/metadata.json")
        assert "figures" in meta["databases"]["cchc"]["tables"]
        chromium = "/usr/bin/chromium"
        if os.path.exists(chromium):
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                      "--no-first-run", "--disable-background-networking"])
                page = b.new_page()
                page.goto(base + "/current_figures?_facet=metric")
                assert page.locator("table.rows-and-columns").count() == 1
                page.screenshot(path=str(tmp_path / "browse.png"))
                b.close()
            assert (tmp_path / "browse.png").stat().st_size > 10_000
    finally:
        proc.terminate()
        proc.wait(10)


def test_summary_prints_coverage_and_writes_charts(db, tmp_path):
    r = run_cchc("summary", "--db", str(db), "--charts", str(tmp_path / "charts"))
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "figures by metric" in out and "dossiers_received" in out and "checks by verdict" in out
    assert re.search(r"with a place code +\d+ of \d+", out) and re.search(r"stated in its sentence/paragraph +\d+ of", out)
    assert re.search(r"conflicting values \(groups\) +\d+", out)
    for name in ("dossiers_on_time_rate_by_province_year.png", "dossiers_received_by_province_year.png",
                 "figures_per_site.png"):
        png = tmp_path / "charts" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_full_text_search_of_the_articles(db, tmp_path):
    """The articles' title and text are indexed (FTS5, by sqlite-utils): words with their tone
    marks, any order, user input taken as words; an older file gets the index when opened."""
    from extractor import dataset

    with Store.open(db) as st:
        hits = st.search("Thủ Đức hồ sơ")
        assert hits and all({"article_id", "source", "title"} <= set(h) for h in hits)
        assert st.search("thủ đức HỒ SƠ") == hits           # case folds
        assert st.search("hổ sợ") == []                      # tone marks count
        assert st.search('"hồ sơ" OR (') == []               # FTS syntax in the input: plain words, no error
        texts = {a["article_id"]: a["text"] for a in st.iter_articles()}
        assert all("hồ sơ" in texts[h["article_id"]].lower() for h in st.search("hồ sơ"))
    assert list(dataset.open(str(db)).search("Thủ Đức hồ sơ").article_id) == [h["article_id"] for h in hits]
    unindexed = tmp_path / "unindexed.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(unindexed)
    src.backup(dst)
    src.close()
    dst.close()
    import sqlite_utils

    sqlite_utils.Database(unindexed)["articles"].disable_fts()
    with pytest.raises(LookupError, match="no full-text index"):
        dataset.open(str(unindexed)).search("hồ sơ")
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.execute("CREATE TABLE articles (article_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT, text TEXT NOT NULL)")
    con.execute("INSERT INTO articles VALUES ('a', 's', 'Cải cách hành chính', 'tiếp nhận 12 hồ sơ')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a cchc dataset"):  # read as it is, it would read wrong
        dataset.open(str(old))
    with Store.open(old) as st:
        assert [h["article_id"] for h in st.search("cải cách")] == ["a"]
        st.db.execute("UPDATE articles SET text = 'giải quyết đúng hạn' WHERE article_id = 'a'")
        assert st.search("hồ sơ") == [] and st.search("đúng hạn")  # kept current by triggers


def test_a_source_is_registered_once_and_updated(tmp_path):
    """`add_source` (a crawl registers its site) inserts a row, and registering the same name
    again updates it instead of adding a second one; the file read back by a new connection."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.add_source("baocantho", "baocantho.com.vn", "Cần Thơ", "https://baocantho.com.vn")
    store.add_source("baocantho", "baocantho.com.vn", None, "https://baocantho.com.vn/tin")
    store.add_source("other")
    store.close()
    rows = sqlite3.connect(path).execute("SELECT name, site, province, base_url FROM sources ORDER BY name").fetchall()
    assert rows == [("baocantho", "baocantho.com.vn", None, "https://baocantho.com.vn/tin"), ("other", None, None, None)]


def test_a_quoted_column_name_keeps_a_double_quote_inside_it(tmp_path):
    from extractor.store import _q

    db = sqlite3.connect(tmp_path / "q.db")
    name = 'say "hi"'
    db.execute(f"CREATE TABLE t ({_q(name)} INTEGER)")
    db.execute(f"INSERT INTO t ({_q(name)}) VALUES (1)")
    assert [r[1] for r in db.execute("PRAGMA table_info(t)")] == [name]
    assert db.execute(f"SELECT {_q(name)} FROM t").fetchone() == (1,)
    db.close()
