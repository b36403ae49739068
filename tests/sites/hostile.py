"""A small news site with the network faults of issue 15 built in, for the crawl.

`hostile_site()` is `generic.news_site` plus, linked from the home page or named in robots.txt:
a same-site 301 to an article, a redirect loop, an off-site redirect, a redirect to the
link-local metadata address, a redirect to file://, an article whose JSON-LD is nested 100,000
deep, a sitemap and an article served gzipped without Content-Encoding, two such articles whose
gzip is cut off or corrupt, and three gzip bombs
(40 MB of zeros: a sitemap, a page with Content-Encoding, a page without). `EXPECT` lists, per
path, what the crawl must say about it.
"""
from __future__ import annotations

import gzip
import html

from .generic import _page, news_site
from .server import load_articles

BOMB = 40 * 1024 * 1024  # decompressed bytes, twice the crawl's 20 MB cap

# path -> (frontier status, words the crawl's message about it must hold; None: no message)
EXPECT = {
    "/bai-cu-chuyen-huong": ("done", None),
    "/vong-lap-1": ("failed", "redirect loop"),
    "/ra-ngoai": ("skipped", None),
    "/sieu-du-lieu": ("skipped", None),
    "/tep-noi-bo": ("failed", "file:///etc/passwd refused: only http and https are followed"),
    "/bom.html": ("failed", "refused: body over 20971520 bytes once decompressed"),
    "/bom-khong-header.html": ("failed", "refused: gzip body over 20971520 bytes once decompressed"),
    "/bom-sitemap.xml.gz": ("failed", "refused: gzipped sitemap over 20971520 bytes once decompressed"),
    "/nen-cut.html": ("failed", "broken gzip body (Compressed file ended before the end-of-stream marker"),
    "/nen-hong.html": ("failed", "broken gzip body (Error -3 while decompressing data"),
}


def _article(title: str, text: str, head: str = "") -> bytes:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return _page(title, f'{head}<article><h1>{html.escape(title)}</h1><span class="date">05/01/2026 09:00</span>'
                        f'<div class="content">{paras}</div></article>')


def hostile_site(crawl_delay: float = 0.01):
    g = news_site(reform=6, general=4, orphans=0, per_page=4, crawl_delay=crawl_delay)
    site = g.site
    extra = load_articles("cchc_sample.jsonl", 12)[8:12]
    target = g.articles[1]  # a reform article (articles[0] is the page that fails once)
    site.redirects["/bai-cu-chuyen-huong"] = target
    site.redirects["/vong-lap-1"] = "/vong-lap-2"
    site.redirects["/vong-lap-2"] = "/vong-lap-1"
    site.redirects["/ra-ngoai"] = "http://example.invalid/tin-tuc/bai-viet-a1.html"
    site.redirects["/sieu-du-lieu"] = "http://169.254.169.254/latest/meta-data/"
    site.redirects["/tep-noi-bo"] = "file:///etc/passwd"
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    site.pages["/json-ld-sau.html"] = _article(extra[0]["title"], extra[0]["text"], head=deep)
    zeros = gzip.compress(b"\0" * BOMB, 9)
    site.raw["/bom.html"] = (200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")], zeros)
    site.raw["/bom-khong-header.html"] = (200, [("Content-Type", "text/html; charset=utf-8")], zeros)
    site.raw["/bom-sitemap.xml.gz"] = (200, [("Content-Type", "application/x-gzip")], zeros)
    site.raw["/bai-nen.html"] = (200, [("Content-Type", "text/html; charset=utf-8")],
                                 gzip.compress(_article(extra[1]["title"], extra[1]["text"])))
    packed = gzip.compress(_article(extra[3]["title"], extra[3]["text"]))
    html_type = [("Content-Type", "text/html; charset=utf-8")]
    # gzip cut off before any byte of the page (cut later, Scrapy's gunzip keeps what it read)
    site.raw["/nen-cut.html"] = (200, html_type, packed[:12])
    site.raw["/nen-hong.html"] = (200, html_type, packed[:10] + bytes(range(40)) + packed[50:])  # corrupt stream
    site.pages["/chi-trong-sitemap.html"] = _article(extra[2]["title"], extra[2]["text"])
    links = ["/bai-cu-chuyen-huong", "/vong-lap-1", "/ra-ngoai", "/sieu-du-lieu", "/tep-noi-bo", "/json-ld-sau.html",
             "/bom.html", "/bom-khong-header.html", "/bai-nen.html", "/nen-cut.html", "/nen-hong.html"]
    home = site.pages["/"].decode()
    menu = "".join(f'<li><a href="{p}">Mục {i}</a></li>' for i, p in enumerate(links))
    site.pages["/"] = home.replace("</main>", f'<ul class="more-links">{menu}</ul></main>').encode()
    g.articles += ["/json-ld-sau.html", "/bai-nen.html", "/chi-trong-sitemap.html"]
    return g, target


def sitemap_gz(base: str) -> bytes:
    """The site's sitemap, gzipped and served without Content-Encoding: one article no page links to."""
    xml = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           f"<url><loc>{base}/chi-trong-sitemap.html</loc><lastmod>2026-01-05</lastmod></url></urlset>")
    return gzip.compress(xml.encode())
