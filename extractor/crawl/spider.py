"""One spider for every news site: registry-driven, or generic for a site it does not know."""
from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
import scrapy.exceptions
import scrapy.signals

from ..sources import Source
from .urls import canonical, same_site

# generic mode: what an article URL usually looks like on Vietnamese news sites
GENERIC_ARTICLE = re.compile(r"(?:-\d{4,}|[-/](?:a|ar|post|event)\d+|/\d{6,}|\d{5,})(?:\.html?|\.ldo|/)?$|/[\w-]{25,}\.html?$")
SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|rar|mp[34]|css|js|ico|xml\.gz)$", re.I)


class NewsSpider(scrapy.Spider):
    name = "cchc-news"

    def __init__(self, source: Source | None = None, start_url: str | None = None, state=None,
                 max_listing_pages: int = 50, shared_queue: bool = False, **kw):
        super().__init__(**kw)
        self.source = source
        self.shared_queue = shared_queue  # scrapy-redis: several workers, one queue and seen-set
        self.state = state            # run.CrawlState: store, counters, options
        self.max_listing_pages = max_listing_pages
        if source is not None:
            self.hosts = {h.lower() for h in source.hosts}
            self.seed_urls = list(source.listings) or [source.base_url]
        else:
            host = (urlsplit(start_url).hostname or "").lower()
            self.hosts = {host, host.removeprefix("www."), f"www.{host.removeprefix('www.')}"}
            self.seed_urls = [start_url]
        self.allowed_domains = sorted(self.hosts)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=scrapy.signals.spider_idle)
        spider.opened_at = time.monotonic()
        return spider

    def on_idle(self, *args, **kwargs):
        """With a shared queue (scrapy-redis), an idle worker waits for the others' requests:
        while the shared queue holds any, and for a grace period after it started."""
        if not self.shared_queue:
            return
        grace = self.crawler.settings.getfloat("CCHC_SHARED_IDLE", 8.0)
        queue = getattr(self.crawler.engine._slot.scheduler, "queue", None) if self.crawler.engine._slot else None
        pending = len(queue) if queue is not None else 0
        if pending or time.monotonic() - self.opened_at < grace:
            raise scrapy.exceptions.DontCloseSpider

    # ------------------------------------------------------------------ start
    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        st = self.state
        resumed = st.resume_queue() if st else []
        if resumed:
            self.logger.info("resuming: %d queued URLs from the store", len(resumed))
            for row in resumed:
                cb = self.parse_article if row["kind"] == "article" else self.parse_listing
                yield scrapy.Request(row["url"], callback=cb, errback=self.on_error,
                                     meta={"kind": row["kind"], "depth": row["depth"] or 0})
            return
        src = self.source
        seeds: list[tuple[str, str]] = [(u, "listing") for u in self.seed_urls]
        if src is not None:
            seeds += [(u, "feed") for u in src.feeds] + [(u, "sitemap") for u in src.sitemaps]
        else:
            root = f"{urlsplit(self.seed_urls[0]).scheme}://{urlsplit(self.seed_urls[0]).netloc}"
            seeds += [(root + "/robots.txt", "robots"), (root + "/sitemap.xml", "sitemap")]
        for url, kind in seeds:
            # with a shared queue the seeds go through the shared duplicate filter: one fetch
            yield self._request(url, kind, depth=0, force=not self.shared_queue)

    # ------------------------------------------------------------------ helpers
    def _request(self, url: str, kind: str, depth: int, force: bool = False):
        url = canonical(url)
        st = self.state
        if kind == "article" and st is not None:
            if st.store.seen(url):
                st.count("already_seen")
                return None
            st.store.frontier_add([(url, "article")], source=st.source_name, depth=depth)
        elif st is not None and kind == "listing":
            st.store.frontier_add([(url, "listing")], source=st.source_name, depth=depth)
        cb = {"article": self.parse_article, "listing": self.parse_listing, "feed": self.parse_feed,
              "sitemap": self.parse_sitemap, "robots": self.parse_robots}[kind]
        return scrapy.Request(url, callback=cb, errback=self.on_error, dont_filter=force,
                              meta={"kind": kind, "depth": depth})

    def _is_article(self, url: str) -> bool:
        if self.source is not None and self.source.article_url:
            return self.source.is_article_url(url)
        return bool(GENERIC_ARTICLE.search(urlsplit(url).path))

    def _links(self, response, css: str | None = None) -> list[str]:
        css = ", ".join(f"{part.strip()}::attr(href)" for part in (css or "a").split(","))
        sel = response.css(css)
        out = []
        for href in sel.getall():
            href = href.strip()
            if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
                continue
            url = urljoin(response.url, href)
            if url.startswith("http") and same_site(url, self.hosts) and not SKIP_EXT.search(urlsplit(url).path):
                out.append(url)
        return out

    # ------------------------------------------------------------------ callbacks
    def parse_listing(self, response):
        st = self.state
        depth = response.meta.get("depth", 0)
        if st:
            st.count("pages")
            st.count("listings")
        if not hasattr(response, "text"):
            if st:
                st.store.frontier_done(canonical(response.url), "skipped", "not a text page")
            return
        # a listing URL may itself be an article (generic mode, or a site's home page)
        if depth == 0 and self.source is None and self._is_article(response.url):
            yield from self.parse_article(response)
            return
        links = self._links(response, self.source.listing_links if self.source else None)
        if self.source is not None and self.source.listing_links and not links:
            links = self._links(response)  # the markup changed: fall back to every link
        for url in dict.fromkeys(links):
            if self._is_article(url):
                req = self._request(url, "article", depth + 1)
                if req is not None:
                    yield req
            elif self.source is None and depth < 2:
                yield self._request(url, "listing", depth + 1)
        if self.source is not None and any(self._is_article(u) for u in links):
            nxt = self._next_page(response)  # an empty page ends the pagination
            if nxt:
                yield self._request(nxt, "listing", depth + 1)
        if st:
            st.store.frontier_done(canonical(response.url), "done")

    def _next_page(self, response) -> str | None:
        """The next listing page: a rel=next link, else the registry's pagination template
        ("{listing}?p={n}"), whose page number is read back from the URL itself (so a
        resumed crawl paginates on from where it was)."""
        href = response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').get()
        if href:
            return urljoin(response.url, href)
        tmpl = self.source.pagination if self.source else None
        if not tmpl:
            return None
        pat = "^" + re.escape(tmpl).replace(r"\{listing\}", "(?P<listing>.+?)").replace(r"\{n\}", r"(?P<n>\d+)") + "$"
        m = re.match(pat, response.url)
        root, n = (m.group("listing"), int(m.group("n"))) if m else (response.url, 1)
        if n >= self.max_listing_pages:
            return None
        return tmpl.format(listing=root, n=n + 1)

    def parse_feed(self, response):
        st = self.state
        if st:
            st.count("pages")
        for url in response.xpath("//item/link/text() | //entry/link/@href").getall():
            url = url.strip()
            if same_site(url, self.hosts) and self._is_article(url):
                req = self._request(url, "article", 1)
                if req is not None:
                    yield req

    def parse_sitemap(self, response):
        st = self.state
        if st:
            st.count("pages")
        body = response.body
        if body[:2] == b"\x1f\x8b":
            import gzip

            body = gzip.decompress(body)
        locs = re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", body)
        for raw in locs:
            url = raw.decode("utf-8", "replace").replace("&amp;", "&")
            if not same_site(url, self.hosts):
                continue
            if re.search(r"sitemap[^/]*\.xml(?:\.gz)?$", url, re.I):
                yield self._request(url, "sitemap", 1, force=False)
            elif self._is_article(url) or self.source is None:
                req = self._request(url, "article", 1)
                if req is not None:
                    yield req

    def parse_robots(self, response):
        for line in response.text.splitlines():
            if line.lower().startswith("sitemap:"):
                url = line.split(":", 1)[1].strip()
                if same_site(url, self.hosts):
                    yield self._request(url, "sitemap", 0, force=True)

    def parse_article(self, response):
        st = self.state
        if st:
            st.count("pages")
        yield {
            "url": canonical(response.url),
            "requested": response.request.url if response.request else response.url,
            "status": response.status,
            "headers": {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "listing_page": False,
        }

    def on_error(self, failure):
        req = failure.request
        url = canonical(req.url)
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        st = self.state
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 404 and req.meta.get("kind") in ("listing", "sitemap", "feed", "robots"):
            # the page after the last listing page, a sitemap or feed a site does not have: no error
            if st:
                st.store.frontier_done(url, "skipped", "404")
            return
        if st:
            st.error(url, reason)
            st.store.frontier_done(url, "failed", reason)
        self.logger.warning("cchc: %s: %s", req.url, reason)
