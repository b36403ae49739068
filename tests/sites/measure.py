"""Crawl a generic test site and print what the crawl did (figures, not a test):

    cd tests && python3 -m sites.measure [--shape next|numbered|hostile] [--crawl-delay 0.05] [--delay 0]

Listing pages visited, reform articles stored, requests robots.txt disallows, pages fetched
twice, the exit code, and the gaps between requests as the server saw them; with `--dispatch`,
also the gaps between Scrapy's dispatches of those requests (its download slot's own clock).
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .generic import news_site
from .server import SiteServer

ROOT = Path(__file__).resolve().parents[2]

DISPATCH_PATCH = '''
import atexit, json, os, time
from scrapy.core import downloader as d
rec, orig = [], d.Downloader._wait_for_download
async def wrapped(self, slot, request, queue_dfd):
    rec.append((slot.lastseen, request.url))
    return await orig(self, slot, request, queue_dfd)
d.Downloader._wait_for_download = wrapped
atexit.register(lambda: json.dump(rec, open(os.environ["CCHC_DISPATCH_LOG"], "w")))
'''


def gaps(times: list[float]) -> dict:
    g = sorted(b - a for a, b in zip(times, times[1:]))
    k = 20
    spans = [times[i + k] - times[i] for i in range(len(times) - k)]
    return {"n": len(g), "min": round(g[0], 4), "p10": round(g[len(g) // 10], 4), "median": round(statistics.median(g), 4),
            "mean": round(statistics.fmean(g), 4), f"min span of {k} gaps": round(min(spans), 4) if spans else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="next", choices=["next", "numbered", "hostile"])
    ap.add_argument("--crawl-delay", type=float, default=0.05)
    ap.add_argument("--delay", default="0")
    ap.add_argument("--dispatch", action="store_true")
    a = ap.parse_args()
    from extractor.reading.html import read_html
    from extractor.relevance import is_about_reform

    if a.shape == "hostile":
        from .hostile import hostile_site, sitemap_gz

        g, _ = hostile_site(crawl_delay=a.crawl_delay)
    else:
        g = news_site(shape=a.shape, crawl_delay=a.crawl_delay)
    tmp = Path(tempfile.mkdtemp(prefix="cchc-measure-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), CCHC_DISPATCH_LOG=str(tmp / "dispatch.json"))
    cmd = [sys.executable, "-m", "extractor.cli"]
    if a.dispatch:
        (tmp / "dispatch_patch.py").write_text(DISPATCH_PATCH)
        env["PYTHONPATH"] += os.pathsep + str(tmp)
        cmd = [sys.executable, "-c", "import dispatch_patch; from extractor.cli import main; main()"]
    with SiteServer(g.site) as srv:
        if a.shape == "hostile":
            g.site.robots += f"Sitemap: {srv.base}/sitemap.xml.gz\nSitemap: {srv.base}/bom-sitemap.xml.gz\n"
            g.site.raw["/sitemap.xml.gz"] = (200, [("Content-Type", "application/octet-stream")], sitemap_gz(srv.base))
        args = ["crawl", srv.base + "/", "--db", str(tmp / "m.sqlite"), "--delay", a.delay, "--max-pages", "400",
                "--allow-private"]
        r = subprocess.run(cmd + args, cwd=ROOT, env=env, capture_output=True)
        log = list(srv.log)
    paths = [p for _, p, _ in log]
    with sqlite3.connect(tmp / "m.sqlite") as con:
        got = {urlsplit(u).path for (u,) in con.execute("SELECT source FROM articles")}
        status, counts = con.execute("SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        queued = con.execute("SELECT COUNT(*) FROM frontier WHERE status = 'queued'").fetchone()[0]
    pages = {**g.site.pages, **{p: v[2] for p, v in g.site.raw.items()}}

    def reform(p):
        import gzip

        body = pages[p] if p in g.site.pages else gzip.decompress(pages[p])
        try:
            return is_about_reform(read_html(body, p))
        except RecursionError:
            return False

    want = {p for p in g.articles if reform(p)}
    counted = Counter(paths)
    out = {
        "command": " ".join(["cchc", *args]),
        "exit code": r.returncode,
        "requests": len(paths),
        "listing pages visited": f"{sum(p in counted for p in g.listings)} of {len(g.listings)}",
        "reform articles stored": f"{len(want & got)} of {len(want)}" + (f" (+{len(got - want)} others)" if got - want else ""),
        "disallowed requests": sum(1 for p in paths if p.startswith(g.disallowed)),
        "pages fetched twice": {p: n for p, n in counted.items() if n > 1},
        "failing page": f"{g.flaky} fetched {counted[g.flaky]} times, {'stored' if g.flaky in got else 'not stored'}",
        "run": {"status": status, **json.loads(counts)},
        "left queued": queued,
        "server gaps (s)": gaps([t for t, p, _ in log if p != "/robots.txt"]),
        "summary line": r.stderr.decode().strip().splitlines()[-1] if r.stderr.strip() else "",
    }
    if a.dispatch:
        rec = json.loads((tmp / "dispatch.json").read_text())
        out["dispatch gaps (s)"] = gaps([t for t, u in rec if not u.endswith("/robots.txt")])
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
