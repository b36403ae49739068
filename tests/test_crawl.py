"""The crawler against real HTTP servers on 127.0.0.1 serving realistic sites."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.reading import iter_articles
from extractor.reading.html import read_html
from extractor.relevance import is_about_reform
from extractor.sources import get_source

from conftest import ROOT, SEEDS, free_port, kill_when_stored, rss_kb
from sites.generic import news_site
from sites.server import Site, SiteServer, article_page, listing_page, load_articles, slugify

PER_PAGE = 20


def run_crawl(*args, timeout=240):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "extractor.cli", "crawl", *args, "--allow-private"], capture_output=True, env=env,
                          cwd=ROOT, timeout=timeout)


def build_site(entry, reform: int, general: int, crawl_delay: float = 0.05, extras: bool = True):
    """A registry-shaped site: paginated listings, article pages, and the faults a crawl meets."""
    site = Site(robots=f"User-agent: *\nDisallow: /private/\nCrawl-delay: {crawl_delay}\n")
    arts = load_articles("cchc_sample.jsonl", reform) + load_articles("general_sample.jsonl", general)
    listing = "/thoi-su"
    links = []
    for i, a in enumerate(arts):
        path = "/" + slugify(a.get("title") or a["text"][:50], 100000 + i) + ".html"
        site.pages[path] = article_page(entry, a.get("title") or a["text"][:60], a["text"]).encode()
        links.append((path, a.get("title") or "bài"))
    expected = {p for p, _ in links}
    if extras:
        first = links[0][0]
        links.insert(3, (first + "?utm_source=facebook&fbclid=abc", "again, tracked"))
        links.insert(5, ("/private/bi-mat-a999999.html", "secret"))
        site.pages["/private/bi-mat-a999999.html"] = site.pages[first]
        old = "/old-" + links[7][0].lstrip("/")
        site.redirects[old] = links[7][0]
        links.insert(8, (old, "moved"))
        reform_text = arts[1]["text"]
        site.pages["/loi-may-chu-a555001.html"] = article_page(entry, "Cải cách hành chính: máy chủ lỗi", reform_text).encode()
        site.fail_first["/loi-may-chu-a555001.html"] = 2
        links.insert(10, ("/loi-may-chu-a555001.html", "500s"))
        site.hang.add("/khong-tra-loi-a555002.html")
        links.insert(12, ("/khong-tra-loi-a555002.html", "never answers"))
        site.pages["/ma-cu-a555003.html"] = article_page(entry, "Cải cách hành chính ở tỉnh", reform_text,
                                                         charset="windows-1258").encode("cp1258", "ignore")
        links.insert(14, ("/ma-cu-a555003.html", "legacy encoding"))
        site.huge["/trang-rat-lon-a555004.html"] = 50 * 1024 * 1024
        links.insert(16, ("/trang-rat-lon-a555004.html", "50 MB"))
        expected |= {"/loi-may-chu-a555001.html", "/ma-cu-a555003.html"}
    pages = [links[i:i + PER_PAGE] for i in range(0, len(links), PER_PAGE)] + [[]]
    for n, chunk in enumerate(pages, 1):
        path = listing if n == 1 else f"{listing}?p={n}"
        site.pages[path] = listing_page(entry, chunk).encode()
    return site, expected


def relevant_paths(site, expected, entry):
    out = set()
    for path in expected:
        body = site.pages[path]
        try:
            art = read_html(body, path, url="http://x" + path, site_entry=entry)
        except Exception:
            continue
        if is_about_reform(art):
            out.add(path)
    return out


def stored(db):
    con = sqlite3.connect(db)
    rows = [r[0] for r in con.execute("SELECT source FROM articles")]
    con.close()
    from urllib.parse import urlsplit

    return [urlsplit(u).path for u in rows]


@pytest.fixture(scope="module")
def big_crawl(tmp_path_factory):
    entry = get_source("baocantho")
    site, expected = build_site(entry, reform=50, general=170)
    tmp = tmp_path_factory.mktemp("crawl")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with SiteServer(site) as srv:
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "crawl", "--source", "baocantho", "--base-url",
                                 srv.base, "--db", str(tmp / "c.sqlite"), "--delay", "0.05", "--timeout", "1.5",
                                 "-o", str(tmp / "records.jsonl"), "--warc", str(tmp / "pages.warc.gz"), "--allow-private"],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rss = []
        while proc.poll() is None:
            kb = rss_kb(proc.pid)
            if kb:
                rss.append(kb)
            time.sleep(0.25)
        out, err = proc.communicate(timeout=240)
        r = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        secs = time.monotonic() - t0
        log = list(srv.log)
    return dict(r=r, site=site, expected=expected, entry=entry, tmp=tmp, log=log, secs=secs, rss=rss)


def test_memory_stays_flat(big_crawl):
    rss = big_crawl["rss"]
    assert len(rss) > 20
    settled = rss[len(rss) // 4:]  # after start-up (imports, first pages)
    assert max(settled) - min(settled) < 64 * 1024, (min(settled), max(settled))


def test_every_relevant_article_is_extracted(big_crawl):
    c = big_crawl
    want = relevant_paths(c["site"], c["expected"], c["entry"])
    got = stored(c["tmp"] / "c.sqlite")
    assert len(got) == len(set(got)), "an article stored twice"
    assert set(got) == want
    assert len(want) >= 40  # the reform articles, and none of the ordinary news
    assert len([x for x in c["log"] if x[1].endswith(".html")]) >= 200


def test_faults_are_survived_and_reported(big_crawl):
    c = big_crawl
    paths = [p for _, p, _ in c["log"]]
    assert not [p for p in paths if p.startswith("/private/")], "a Disallowed URL was fetched"
    assert paths.count("/loi-may-chu-a555001.html") == 3  # two 500s, then the page
    assert paths.count(c["site"].redirects and next(iter(c["site"].redirects.values()))) == 1
    first = sorted(c["expected"])[0]
    assert not [p for p in paths if "utm_source" in p or "fbclid" in p]
    assert c["r"].returncode == 1  # the page that never answers and the 50 MB page are errors
    err = c["r"].stderr.decode()
    assert "khong-tra-loi" in err and "trang-rat-lon" in err
    assert first


def test_evidence_and_records(big_crawl):
    c = big_crawl
    con = sqlite3.connect(c["tmp"] / "c.sqlite")
    pages = con.execute("SELECT COUNT(*), SUM(status = 200) FROM pages").fetchone()
    arts = con.execute("SELECT COUNT(*) FROM articles WHERE page_id IS NOT NULL").fetchone()[0]
    con.close()
    assert pages[0] == pages[1] == arts > 0
    recs = [json.loads(x) for x in (c["tmp"] / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["source"] for r in recs if r["kind"] == "article"} == {f"{r['source']}" for r in recs if r["kind"] == "article"}
    assert all(r["source"].startswith("http://127.0.0.1:") for r in recs)
    warc = [a for a in iter_articles([str(c["tmp"] / "pages.warc.gz")]) if hasattr(a, "text")]
    assert len(warc) >= arts


@pytest.mark.slow
def test_kill_9_and_resume_lose_nothing_and_fetch_nothing_twice(tmp_path):
    entry = get_source("baocantho")
    site, expected = build_site(entry, reform=30, general=30, extras=False)
    want = relevant_paths(site, expected, entry)
    db = tmp_path / "k.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with SiteServer(site) as srv:
        args = [sys.executable, "-m", "extractor.cli", "crawl", "--source", "baocantho", "--base-url", srv.base,
                "--db", str(db), "--delay", "0.05", "--allow-private"]
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when_stored(proc, db, 10)
        before = list(srv.fetched())
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        r = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, timeout=240)
        after = srv.fetched()[len(before):]
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    got = stored(db)
    assert set(got) == want and len(got) == len(set(got))
    articles_before = [p for p in before if p.endswith(".html")]
    twice = [p for p in after if p.endswith(".html") and p in articles_before]
    assert len(twice) <= 1, twice  # only a page in flight at the kill may be fetched again


def test_generic_mode_finds_the_articles_of_an_unknown_site(tmp_path):
    """No registry entry: robots.txt's sitemap, RSS and same-host links; trafilatura reads."""
    arts = load_articles("cchc_sample.jsonl", 25) + load_articles("general_sample.jsonl", 15)
    site = Site(robots="User-agent: *\nCrawl-delay: 0.02\n")
    entries = []
    for i, a in enumerate(arts):
        path = f"/tin-tuc/{slugify(a.get('title') or 'bai', 200000 + i)}.html"
        paras = "".join(f"<p>{p}</p>" for p in a["text"].split("\n") if p.strip())
        site.pages[path] = (f'<html><head><meta charset="utf-8"><title>{a.get("title")}</title>'
                            f'<meta property="og:title" content="{a.get("title")}">'
                            f'<meta property="article:published_time" content="2024-05-0{i % 9 + 1}T08:00:00+07:00">'
                            f'</head><body><nav><a href="/">Trang chủ</a></nav><article><h1>{a.get("title")}</h1>'
                            f"{paras}</article></body></html>").encode()
        entries.append(path)
    half = len(entries) // 2
    site.pages["/"] = ("<html><body>" + "".join(f'<a href="{p}">x</a>' for p in entries[:half]) + "</body></html>").encode()
    site.robots += "Sitemap: /sitemap.xml\n"
    site.pages["/sitemap.xml"] = ('<?xml version="1.0"?><urlset>' + "".join(f"<url><loc>{{base}}{p}</loc></url>" for p in entries[half:])
                                  + "</urlset>").encode()
    with SiteServer(site) as srv:
        site.pages["/sitemap.xml"] = site.pages["/sitemap.xml"].replace(b"{base}", srv.base.encode())
        site.robots = site.robots.replace("Sitemap: /", f"Sitemap: {srv.base}/")
        r = run_crawl(srv.base + "/", "--db", str(tmp_path / "g.sqlite"), "--delay", "0.02")
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    got = set(stored(tmp_path / "g.sqlite"))
    want = set()
    for p in entries:
        art = read_html(site.pages[p], p)
        if is_about_reform(art):
            want.add(p)
    assert want and got == want


@pytest.mark.parametrize("name", ["thanhuytphcm", "baohaiphong", "baotayninh", "hanoimoi", "baocantho"])
def test_seed_outlets(name, tmp_path):
    """Each seed outlet's registry entry crawls a realistic copy of the site and extracts the
    seed article's figures."""
    entry = get_source(name)
    seeds = {a.source: a for a in iter_articles([str(SEEDS)])}
    pick = {"thanhuytphcm": "000", "baohaiphong": "001", "baotayninh": "002", "hanoimoi": "003", "baocantho": "004"}[name]
    seed = next(a for s, a in seeds.items() if Path(s).name.startswith(pick))
    from urllib.parse import urlsplit

    example = urlsplit(entry.example_article_url).path
    others = load_articles("general_sample.jsonl", 4)
    site = Site(robots="User-agent: *\nCrawl-delay: 0.02\n")
    listing = urlsplit(entry.listings[0]).path
    paths = [example] + [_other_path(entry, example, i) for i in range(4)]
    site.pages[example] = article_page(entry, seed.title, seed.text, author=seed.author or "").encode()
    if name == "baotayninh":  # the stray empty root this site serves
        site.pages[example] = b'<html lang="vi"></html>' + site.pages[example].replace(b"<!DOCTYPE html><html>", b"")
    for p, a in zip(paths[1:], others):
        site.pages[p] = article_page(entry, a.get("title") or "Tin", a["text"]).encode()
    site.pages[listing] = listing_page(entry, [(p, "t") for p in paths]).encode()
    with SiteServer(site) as srv:
        r = run_crawl("--source", name, "--base-url", srv.base, "--db", str(tmp_path / "s.sqlite"), "--delay", "0.02",
                      "-o", str(tmp_path / "r.jsonl"))
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    recs = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert recs, r.stderr.decode()[-2000:]
    got = {(x["metric"], x["value"]) for x in recs if x["kind"] == "figure" and x["metric"] != "other"}
    from extractor.api import safe_extract

    want = {(x["metric"], x["value"]) for x in safe_extract(seed) if x["kind"] == "figure" and x["metric"] != "other"}
    assert got >= want and (want or name == "hanoimoi")
    titles = {x["title"] for x in recs if x["kind"] == "article"}
    assert seed.title in titles


def _other_path(entry, example, i):
    import re

    m = re.search(r"(\d+)(\D*)$", example)
    digits = m.group(1)
    return example[: m.start(1)].rsplit("/", 1)[0] + f"/bai-khac-so-{i}-" + str(int(digits) + i + 1).zfill(len(digits))[-len(digits):] + m.group(2) if "-" in example else example



@pytest.mark.redis
def test_two_workers_share_one_queue_through_redis(tmp_path):
    import shutil

    redis_server = shutil.which("redis-server")
    if not redis_server:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    redis = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        entry = get_source("baocantho")
        site, expected = build_site(entry, reform=30, general=30, crawl_delay=0.02, extras=False)
        want = relevant_paths(site, expected, entry)
        db = tmp_path / "shared.sqlite"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        with SiteServer(site) as srv:
            args = [sys.executable, "-m", "extractor.cli", "crawl", "--source", "baocantho", "--base-url", srv.base,
                    "--db", str(db), "--delay", "0.02", "--redis", f"redis://127.0.0.1:{port}", "--allow-private"]
            workers = []
            for _ in range(2):
                workers.append(subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
                time.sleep(1.5)  # the second worker joins a crawl under way
            outs = [w.communicate(timeout=240) for w in workers]
            log = srv.fetched()
        assert all(w.returncode == 0 for w in workers), [o[1].decode()[-1500:] for o in outs]
        got = stored(db)
        assert set(got) == want and len(got) == len(set(got))
        pages = [p for p in log if p.endswith(".html")]
        assert len(pages) == len(set(pages)) == len(expected)  # every article fetched once, by one worker or the other
        with sqlite3.connect(db) as con:
            runs = [json.loads(c) for (c,) in con.execute("SELECT counts FROM runs WHERE command = 'crawl'")]
        assert len(runs) == 2
        assert all(r.get("pages", 0) > 0 for r in runs), runs  # both workers took pages off the shared queue
    finally:
        redis.terminate()
        redis.wait(10)


def test_extract_a_url_fetches_one_page(tmp_path):
    entry = get_source("baocantho")
    site = Site()
    text = (SEEDS / "004_0e885fd7b4c316d1.txt").read_text(encoding="utf-8")
    site.pages["/bai-viet-a196670.html"] = article_page(entry, "Lấy sự hài lòng của người dân làm trung tâm", text).encode()
    with SiteServer(site) as srv:
        url = srv.base + "/bai-viet-a196670.html"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        r = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", url, srv.base + "/khong-co.html", "-q", "--allow-private"],
                           capture_output=True, env=env, cwd=ROOT, timeout=60)
        fetched = srv.fetched()
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert recs[0]["source"] == url and recs[0]["title"] == "Lấy sự hài lòng của người dân làm trung tâm"
    assert any(x.get("metric") == "online_payment_rate" for x in recs)
    assert r.returncode == 1 and "khong-co.html" in r.stderr.decode() and "404" in r.stderr.decode()
    assert fetched.count("/bai-viet-a196670.html") == 1


# ---------------------------------------------------------------- a site with no registry entry

def reform_paths(g, skip=()) -> set[str]:
    """The articles of a generic site that are about reform, as the HTML reader sees them."""
    import gzip

    def body(p):
        return g.site.pages[p] if p in g.site.pages else gzip.decompress(g.site.raw[p][2])

    return {p for p in g.articles if p not in skip and is_about_reform(read_html(body(p), p))}


def runs_row(db) -> dict:
    with sqlite3.connect(db) as con:
        status, counts = con.execute("SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return {"status": status, **json.loads(counts)}


def frontier(db) -> dict[str, tuple]:
    from urllib.parse import urlsplit

    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT url, status, error, attempts FROM frontier").fetchall()
    return {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else ""): (s, e, n) for u, s, e, n in rows}


CRAWL_DELAY = 0.05


@pytest.fixture(scope="module")
def generic_crawl(tmp_path_factory):
    """`cchc crawl URL` on a site it has no entry for, paced by robots.txt's Crawl-delay alone
    (--delay 0)."""
    g = news_site(crawl_delay=CRAWL_DELAY)
    tmp = tmp_path_factory.mktemp("generic")
    with SiteServer(g.site) as srv:
        r = run_crawl(srv.base + "/", "--db", str(tmp / "g.sqlite"), "--delay", "0", "--max-pages", "400",
                      "-o", str(tmp / "out.jsonl"))
        log = list(srv.log)
    return dict(g=g, r=r, log=log, paths=[p for _, p, _ in log], db=tmp / "g.sqlite", tmp=tmp)


def test_generic_crawl_visits_every_listing_page(generic_crawl):
    c = generic_crawl
    g = c["g"]
    assert len(g.listings) >= 11 and len({p.split("/")[1].split("?")[0] for p in g.listings[1:]}) >= 2
    assert [p for p in g.listings if p not in c["paths"]] == []


def test_generic_crawl_stores_every_reform_article(generic_crawl):
    c = generic_crawl
    want = reform_paths(c["g"])
    got = stored(c["db"])
    assert len(want) >= 20 and set(c["g"].orphans) <= want  # orphans: only related boxes link to them
    assert len(got) == len(set(got)) and set(got) == want
    assert c["r"].returncode == 0, c["r"].stderr.decode()[-2000:]


def test_generic_crawl_obeys_robots_without_calling_it_an_error(generic_crawl):
    c = generic_crawl
    assert [p for p in c["paths"] if p.startswith(c["g"].disallowed)] == []
    err = c["r"].stderr.decode()
    assert "error" not in err.replace("0 errors", "") and "Traceback" not in err
    assert "1 disallowed by robots.txt" in err.splitlines()[-1]
    row = runs_row(c["db"])
    assert row["status"] == "ok" and row["robots_forbidden"] == 1 and row["errors"] == 0


def test_generic_crawl_retries_the_failing_page_and_stores_it(generic_crawl):
    c = generic_crawl
    flaky = c["g"].flaky
    assert flaky in reform_paths(c["g"])
    assert c["paths"].count(flaky) == 2  # a 500, then the page
    assert flaky in stored(c["db"])


def test_generic_crawl_fetches_no_page_twice(generic_crawl):
    from collections import Counter

    c = generic_crawl
    twice = {p: n for p, n in Counter(c["paths"]).items() if n > 1 and p != c["g"].flaky}
    assert twice == {}
    assert not [p for p in c["paths"] if "utm_" in p]
    assert c["paths"].count("/") == c["paths"].count("/robots.txt") == 1
    assert {s for s, _, _ in frontier(c["db"]).values()} <= {"done", "skipped"}  # nothing left queued


def test_crawl_delay_holds(generic_crawl):
    """Scrapy spaces its requests to a site by the Crawl-delay as it sends them (measured: the
    download slot's dispatch times are never closer than the delay). The server sees each
    request a little later than it was sent, by a varying lag (connection set-up, the event loop
    busy with a page), so one gap alone may look shorter; the median gap and every run of 20
    gaps show the delay."""
    times = [t for t, p, _ in generic_crawl["log"] if p != "/robots.txt"]
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    assert len(gaps) >= 90
    median = gaps[len(gaps) // 2]
    assert median >= CRAWL_DELAY * 0.95, median
    k = 20
    spans = [times[i + k] - times[i] for i in range(len(times) - k)]
    assert min(spans) >= k * CRAWL_DELAY - 3 * CRAWL_DELAY, min(spans)  # without the delay: about 0.2 s


def test_generic_crawl_of_a_numbered_pager(tmp_path):
    """Another shape: categories paged by numbered links and "»" only."""
    g = news_site(shape="numbered", reform=10, general=22, per_page=4, crawl_delay=0.01, seed=11)
    with SiteServer(g.site) as srv:
        r = run_crawl(srv.base + "/", "--db", str(tmp_path / "n.sqlite"), "--delay", "0")
        paths = srv.fetched()
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert [p for p in g.listings if p not in paths] == []
    assert set(stored(tmp_path / "n.sqlite")) == reform_paths(g)


def test_max_listing_pages_bounds_the_pagination(tmp_path):
    g = news_site(reform=8, general=22, per_page=4, crawl_delay=0.01)
    with SiteServer(g.site) as srv:
        r = run_crawl(srv.base + "/", "--db", str(tmp_path / "m.sqlite"), "--delay", "0", "--max-listing-pages", "3")
        paths = srv.fetched()
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert "/thoi-su/trang-3" in paths and "/kinh-te?page=3" in paths
    assert "/thoi-su/trang-4" not in paths and "/kinh-te?page=4" not in paths


# ---------------------------------------------------------------- hostile and broken answers (issue 15)

@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    from sites.hostile import hostile_site, sitemap_gz

    g, target = hostile_site()
    tmp = tmp_path_factory.mktemp("hostile")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with SiteServer(g.site) as srv:
        g.site.robots += f"Sitemap: {srv.base}/sitemap.xml.gz\nSitemap: {srv.base}/bom-sitemap.xml.gz\n"
        g.site.raw["/sitemap.xml.gz"] = (200, [("Content-Type", "application/octet-stream")], sitemap_gz(srv.base))
        proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "crawl", srv.base + "/", "--db", str(tmp / "h.sqlite"),
                                 "--delay", "0", "--allow-private"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        rss = []
        while proc.poll() is None:
            rss.append(rss_kb(proc.pid) or 0)
            time.sleep(0.1)
        out, err = proc.communicate(timeout=240)
        paths = srv.fetched()
    return dict(g=g, target=target, code=proc.returncode, err=err.decode(), paths=paths, db=tmp / "h.sqlite", rss=rss)


def test_hostile_answers_each_get_one_clear_line(hostile_crawl):
    from sites.hostile import EXPECT

    c = hostile_crawl
    lines = [x for x in c["err"].splitlines() if x.startswith("cchc: error:")]
    assert "Traceback" not in c["err"] and "[[[" not in c["err"], c["err"][-3000:]
    for path, (_, words) in EXPECT.items():
        if words:
            hits = [x for x in lines if f"{path}:" in x]
            assert len(hits) == 1 and words in hits[0], (path, hits)
    assert "Ignoring non-200 response" not in c["err"]
    assert c["code"] == 1  # the loop, file:// and the bombs failed


def test_hostile_answers_leave_nothing_queued(hostile_crawl):
    from sites.hostile import EXPECT

    c = hostile_crawl
    rows = frontier(c["db"])
    assert [u for u, (s, _, _) in rows.items() if s == "queued"] == []
    for path, (status, _) in EXPECT.items():
        assert rows[path][0] == status, (path, rows[path])
    assert rows["/bai-cu-chuyen-huong"][1].startswith("redirected to ")
    assert "off-site" in rows["/sieu-du-lieu"][1] and "off-site" in rows["/ra-ngoai"][1]
    assert rows["/json-ld-sau.html"][0] in ("done", "skipped", "failed")  # read, or one error line


def test_hostile_site_good_pages_are_still_read(hostile_crawl):
    c = hostile_crawl
    got = set(stored(c["db"]))
    want = reform_paths(c["g"], skip={"/json-ld-sau.html"})  # read or not, the crawl's business is one line
    assert {"/chi-trong-sitemap.html", "/bai-nen.html", c["target"]} <= want  # gzip sitemap, gzip page, 301 target
    assert want <= got
    assert c["paths"].count(c["target"]) == 1
    assert not [p for p in c["paths"] if "169.254" in p or "meta-data" in p]


def test_gzip_bombs_are_capped(hostile_crawl):
    rss = [k for k in hostile_crawl["rss"] if k]
    assert rss and max(rss) < 600 * 1024, max(rss)  # 3 bombs of 40 MB each, none held whole


def test_a_pipeline_crash_is_one_error_and_settles_the_url(tmp_path, monkeypatch):
    """Any exception out of reading or extraction: the URL (and those that redirected to it)
    marked failed with one line, the crawl goes on. Scrapy's pipeline called as Scrapy calls it."""
    from types import SimpleNamespace

    from extractor.crawl import pipeline as pl
    from extractor.crawl.run import CrawlState
    from extractor.store import Store

    def boom(article):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pl, "safe_extract", boom)
    store = Store.open(tmp_path / "p.sqlite")
    st = CrawlState(store=store, run_id=store.begin_run("crawl"), source=None, source_name="x")
    store.frontier_add([("http://x.vn/moi.html", "page"), ("http://x.vn/cu", "page")], source="x")
    pipe = pl.ArticlePipeline(SimpleNamespace(spider=SimpleNamespace(state=st)))
    entry = get_source("baocantho")
    text = (SEEDS / "004_0e885fd7b4c316d1.txt").read_text(encoding="utf-8")
    item = {"url": "http://x.vn/moi.html", "redirected_from": ["http://x.vn/cu"], "status": 200, "headers": {},
            "body": article_page(entry, "Cải cách hành chính", text).encode(), "fetched_at": "2026-01-01T00:00:00+00:00"}
    out = pipe.process_item(item)
    assert "RecursionError" in out["failed"] and "body" not in out
    rows = {r["url"]: r for r in map(dict, store.db.execute("SELECT * FROM frontier"))}
    assert rows["http://x.vn/moi.html"]["status"] == rows["http://x.vn/cu"]["status"] == "failed"
    assert rows["http://x.vn/moi.html"]["attempts"] == 1
    assert st.errors == ["http://x.vn/moi.html: extraction failed (RecursionError: maximum recursion depth exceeded)"]
    store.close()


def test_failed_urls_are_retried_a_bounded_number_of_times_and_listings_reread(tmp_path):
    """A page that always fails: tried by three crawls (Scrapy's retries within each), then left
    failed; every crawl reads the listings again, so an article published in between is found."""
    g = news_site(reform=4, general=4, orphans=0, per_page=4, crawl_delay=0.01)
    broken = g.articles[1]
    g.site.fail_first[broken] = 10 ** 6
    db = str(tmp_path / "r.sqlite")
    codes, fetched = [], []
    with SiteServer(g.site) as srv:
        for n in range(4):
            if n == 1:  # a new article on the first page of a category
                new = load_articles("cchc_sample.jsonl", 20)[19]
                g.site.pages["/thoi-su/bai-moi-a999.html"] = article_page(get_source("baocantho"), new["title"], new["text"]).encode()
                g.site.pages["/thoi-su"] = g.site.pages["/thoi-su"].replace(
                    b'<div class="list-news">', b'<div class="list-news"><h3><a href="/thoi-su/bai-moi-a999.html">Tin</a></h3>')
            before = len(srv.log)
            r = run_crawl(srv.base + "/", "--db", db, "--delay", "0")
            codes.append(r.returncode)
            fetched.append([p for _, p, _ in srv.log[before:]])
    assert codes == [1, 1, 1, 0]
    assert [f.count(broken) for f in fetched] == [4, 4, 4, 0]  # 1 + 3 retries per crawl, then no more
    assert frontier(db)[broken][0] == "failed" and frontier(db)[broken][2] == 3
    assert all("/thoi-su" in f and "/" in f for f in fetched)  # the listings, read by every crawl
    assert "/thoi-su/bai-moi-a999.html" in stored(db)
    done_once = [p for p in fetched[0] if p.endswith(".html")]
    assert not [p for p in fetched[3] if p in done_once]  # articles are never fetched again


def test_crawl_refuses_private_addresses_unless_allowed(tmp_path):
    g = news_site(reform=2, general=2, orphans=0, per_page=4)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CCHC_ALLOW_PRIVATE", None)
    with SiteServer(g.site) as srv:
        r = subprocess.run([sys.executable, "-m", "extractor.cli", "crawl", srv.base + "/", "--db", str(tmp_path / "a.sqlite")],
                           capture_output=True, env=env, cwd=ROOT, timeout=120)
        assert srv.fetched() == []  # not even robots.txt
    err = r.stderr.decode()
    assert r.returncode == 1 and "127.0.0.1 is a loopback address" in err and "--allow-private" in err
    t = time.monotonic()
    r = run_crawl("http://169.254.169.254/latest/meta-data/", "--db", str(tmp_path / "b.sqlite"), "--timeout", "5")
    assert r.returncode == 1 and "169.254.169.254 is a link-local address" in r.stderr.decode()
    assert time.monotonic() - t < 60


# ---------------------------------------------------------------- cchc extract URL

def _extract(*args, allow=True):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CCHC_ALLOW_PRIVATE", None)
    return subprocess.run([sys.executable, "-m", "extractor.cli", "extract", *args, "-q", *(["--allow-private"] if allow else [])],
                          capture_output=True, env=env, cwd=ROOT, timeout=120)


def test_extract_url_refuses_what_it_must_not_fetch():
    entry = get_source("baocantho")
    site = Site()
    text = (SEEDS / "004_0e885fd7b4c316d1.txt").read_text(encoding="utf-8")
    site.pages["/bai-viet-a196670.html"] = article_page(entry, "Lấy sự hài lòng của người dân làm trung tâm", text).encode()
    site.redirects["/sieu-du-lieu"] = "http://169.254.169.254/latest/meta-data/"
    site.redirects["/tep"] = "file:///etc/passwd"
    with SiteServer(site) as srv:
        r = _extract(srv.base + "/bai-viet-a196670.html", allow=False)
        assert srv.fetched() == []
        err = r.stderr.decode()
        assert r.returncode == 1 and "127.0.0.1 is a loopback address" in err and "--allow-private" in err
        r = _extract(srv.base + "/sieu-du-lieu", srv.base + "/tep", srv.base + "/bai-viet-a196670.html")
    err = r.stderr.decode().splitlines()
    assert r.returncode == 1 and "Traceback" not in r.stderr.decode()
    assert [x for x in err if "/sieu-du-lieu" in x and "redirect to http://169.254.169.254/latest/meta-data/ refused" in x
            and "link-local" in x]
    assert [x for x in err if "/tep" in x and "redirect (301) to file:///etc/passwd refused: only http and https" in x]
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert recs and recs[0]["title"] == "Lấy sự hài lòng của người dân làm trung tâm"  # the good input beside


def _slow_server():
    """A server that sends its page a byte a second (and one that never stops sending)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if self.path == "/slow":
                self.send_header("Content-Length", "100000")
                self.end_headers()
                chunk, pause = b"x", 1.0
            else:  # /endless: chunked, fast, forever
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk, pause = b"10000\r\n" + b"y" * 0x10000 + b"\r\n", 0
            try:
                while True:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                return

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def test_fetch_url_has_a_total_deadline_and_a_size_cap():
    from extractor.reading.fetch import DeadlineExceeded, TooLarge, fetch_url

    srv = _slow_server()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        t = time.monotonic()
        with pytest.raises(DeadlineExceeded, match="within 2 s"):
            fetch_url(base + "/slow", timeout=2, allow_private=True)
        assert time.monotonic() - t < 4
        with pytest.raises(TooLarge, match="over the 1048576-byte limit"):
            fetch_url(base + "/endless", timeout=20, max_bytes=1024 * 1024, allow_private=True)
    finally:
        srv.shutdown()
        srv.server_close()


def test_extract_url_of_a_slow_server_ends_with_one_line(tmp_path):
    """The CLI's fetch: a byte a second never finishes within the deadline; one error line."""
    srv = _slow_server()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        env = dict(os.environ, PYTHONPATH=str(ROOT), CCHC_FETCH_DEADLINE="3")
        t = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", base + "/slow", "-q", "--allow-private"],
                           capture_output=True, env=env, cwd=ROOT, timeout=120)
        secs = time.monotonic() - t
    finally:
        srv.shutdown()
        srv.server_close()
    err = r.stderr.decode()
    assert r.returncode == 1 and "/slow" in err and "no complete answer within 3 s" in err and "Traceback" not in err
    assert secs < 30


# ---------------------------------------------------------------- pages told apart (offline, Scrapy responses)

def _response(url, body):
    from scrapy.http import HtmlResponse

    return HtmlResponse(url=url, body=body, encoding="utf-8")


@pytest.mark.parametrize("name,article", [
    ("baocantho.com.vn.article.html", True), ("baolaocai.vn.article.html", True), ("vtcnews.vn.article.html", True),
    ("znews.vn.article.html", True), ("baocantho.com.vn.category-thoi-su.html", False), ("vtcnews.vn.home.html", False)])
def test_real_pages_are_told_apart_by_structure(name, article):
    from extractor.crawl.pages import is_article

    assert is_article((ROOT / "corpus" / "pages" / name).read_bytes()) is article


def test_generic_site_pages_are_told_apart_by_structure():
    from extractor.crawl.pages import is_article

    g = news_site()
    assert all(is_article(g.site.pages[p]) for p in g.articles)
    assert not any(is_article(g.site.pages[p]) for p in g.listings)
    assert not is_article(g.site.pages["/gioi-thieu"])  # no date, no body
    sapo = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2025 và triển khai nhiệm vụ năm 2026."
    teasers = "".join(f'<p><a href="/tin-{i}.html">Tin số {i} về cải cách</a> {sapo}</p>' for i in range(8))
    assert not is_article(f"<html><body><h1>Cải cách hành chính</h1><p>ngày 05/01/2026</p>{teasers}</body></html>")
    body = "".join(f"<p>{sapo} {sapo}</p>" for _ in range(3))
    assert is_article(f"<html><body><h1>Tổng kết</h1><span>Thứ Hai, ngày 5 tháng 1 năm 2026</span>{body}</body></html>")


def test_next_pages_of_a_listing():
    from extractor.crawl.pages import next_pages

    g = news_site()
    base = "http://bao.vn"
    first = next_pages(_response(base + "/thoi-su", g.site.pages["/thoi-su"]))
    assert [(x.url, x.page_no) for x in first] == [(base + "/thoi-su/trang-2", None)]
    last = g.listings[[i for i, p in enumerate(g.listings) if p.startswith("/thoi-su")][-1]]
    assert next_pages(_response(base + last, g.site.pages[last])) == []  # the previous page is no next page
    assert next_pages(_response(base + "/", g.site.pages["/"])) == []    # "Xem thêm" to a section is a link
    n = news_site(shape="numbered")
    pages = {(x.url, x.page_no) for x in next_pages(_response(base + "/kinh-te?page=2", n.site.pages["/kinh-te?page=2"]))}
    assert {(base + "/kinh-te?page=3", 3), (base + "/kinh-te?page=4", 4)} <= pages
    rel = b'<html><head><link rel="next" href="/tin?from=20"></head><body><a href="/tin?from=20">2</a></body></html>'
    assert [x.url for x in next_pages(_response(base + "/tin", rel))] == [base + "/tin?from=20"]
    plain = '<html><body><a href="/thoi-su/{}">Trang sau ›</a><a href="/the-thao">Xem thêm »</a></body></html>'
    assert [x.url for x in next_pages(_response(base + "/thoi-su", plain.format(2)))] == [base + "/thoi-su/2"]
    assert [x.url for x in next_pages(_response(base + "/thoi-su/2", plain.format(3)))] == [base + "/thoi-su/3"]


def test_canonical_urls_drop_tracking_but_keep_pagination():
    from extractor.crawl.urls import canonical

    assert canonical("http://Bao.vn/a.html?utm_source=fb&fbclid=x#top") == "http://bao.vn/a.html"
    assert canonical("http://bao.vn/tin?ref=20&from=40&page=3&utm_medium=box") == "http://bao.vn/tin?from=40&page=3&ref=20"


def test_a_page_read_with_a_warning_says_so_and_is_stored(tmp_path, capsys):
    """What the HTML reader repaired or ignored on a crawled page (here a charset it does not
    know) is one warning line naming the URL, counted in the crawl's summary; the page is
    stored as any other (it was silently dropped before)."""
    from types import SimpleNamespace

    from extractor.crawl import pipeline as pl
    from extractor.crawl.run import CrawlState
    from extractor.store import Store

    store = Store.open(tmp_path / "w.sqlite")
    st = CrawlState(store=store, run_id=store.begin_run("crawl"), source=None, source_name="x")
    store.frontier_add([("http://x.vn/la.html", "page")], source="x")
    pipe = pl.ArticlePipeline(SimpleNamespace(spider=SimpleNamespace(state=st)))
    text = (SEEDS / "004_0e885fd7b4c316d1.txt").read_text(encoding="utf-8")
    page = article_page(get_source("baocantho"), "Cải cách hành chính", text)
    page = page.replace("<head>", '<head><meta charset="x-chua-biet">', 1)
    assert "x-chua-biet" in page
    item = {"url": "http://x.vn/la.html", "status": 200, "headers": {}, "body": page.encode(),
            "fetched_at": "2026-01-01T00:00:00+00:00"}
    assert pipe.process_item(item)["status"] == "done"
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if x.startswith("cchc: warning:")]
    assert "http://x.vn/la.html" in line and "x-chua-biet" in line and "(the article is read)" in line
    assert st.counts["warnings"] == 1 and st.errors == []
    assert store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    st.report(final=True)
    assert "0 errors, 1 page read with a warning" in capsys.readouterr().err
    store.close()
