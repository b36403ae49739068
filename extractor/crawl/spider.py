"""One spider for every news site: registry-driven, or generic for a site it does not know.

Registry mode: the entry's listings, paged to the end; its feeds and sitemaps; article pages
known by the entry's `article_url` and read with its selectors. Generic mode: from the start
URL, every link within the site, sitemaps (robots.txt's `Sitemap:` lines, else /sitemap.xml)
and RSS feeds the pages announce; each page is told to be an article or a page of links by its
structure (pages.is_article), and listings are paged to the end (pages.next_pages).

Library parts: links from Scrapy's LinkExtractor, sitemaps through scrapy.utils.sitemap and
scrapy.utils.gz (capped decompression), robots.txt through Scrapy's RobotsTxtMiddleware (its
parser, Protego, gives the sitemaps and the Crawl-delay), depth through DepthMiddleware,
duplicates through Scrapy's fingerprint filter (every request, seeds included), URL cleaning
through w3lib. Not CrawlSpider: its rules choose a callback by URL, and here a page's kind is
known only once it is fetched, and every request must first pass the store's seen-set.
"""
from __future__ import annotations

import re
import time
import zlib
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
import scrapy.exceptions
import scrapy.signals
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from ..sources import Source
from .pages import PageLink, is_article, listing_root, next_pages, page_number
from .urls import canonical, same_site

FRONTIER_KINDS = ("article", "listing", "page")   # HTML pages, kept in the store's frontier
MAX_ATTEMPTS = 3      # crawls that may try a failed URL again before it stays failed


class NewsSpider(scrapy.Spider):
    name = "cchc-news"

    def __init__(self, source: Source | None = None, start_url: str | None = None, state=None,
                 max_listing_pages: int = 100, shared_queue: bool = False, **kw):
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
        self.allowed_domains = sorted(h for h in self.hosts if ":" not in h)
        self.robots_seen: set[str] = set()
        # LinkExtractor compares host:port, so a site served on a port is named with it too
        port = urlsplit(start_url or (source.base_url if source else "")).port
        domains = sorted(self.hosts | ({f"{h}:{port}" for h in self.hosts if ":" not in h} if port else set()))
        deny = [*IGNORED_EXTENSIONS, "xml", "gz", "rss", "json"]
        self.links = LinkExtractor(allow_domains=domains, deny_extensions=deny, canonicalize=False, unique=True)
        css = source.listing_links if source is not None else None
        self.listing_links = (LinkExtractor(allow_domains=domains, deny_extensions=deny, canonicalize=False,
                                            unique=True, restrict_css=[c.strip() for c in css.split(",")])
                              if css else None)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=scrapy.signals.spider_idle)
        crawler.signals.connect(spider.on_robots, signal=scrapy.signals.robots_parsed)
        crawler.signals.connect(spider.on_scheduled, signal=scrapy.signals.request_scheduled)
        crawler.signals.connect(spider.on_dropped, signal=scrapy.signals.request_dropped)
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        spider.opened_at = time.monotonic()
        spider.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        return spider

    # ------------------------------------------------------------------ signals
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

    def on_robots(self, robotparser, request):
        """robots.txt was read (once per host, by Scrapy's middleware): its sitemaps, or the
        conventional /sitemap.xml, are queued in generic mode."""
        parts = urlsplit(request.url)
        if self.source is not None or parts.netloc in self.robots_seen or not same_site(request.url, self.hosts):
            return
        self.robots_seen.add(parts.netloc)
        protego = getattr(robotparser, "rp", None)  # Scrapy's ProtegoRobotParser keeps the Protego object here
        maps = [u for u in (getattr(protego, "sitemaps", None) or []) if same_site(u, self.hosts)]
        probe = not maps
        for url in maps or [f"{parts.scheme}://{parts.netloc}/sitemap.xml"]:
            req = self._request(url, "sitemap", 1, probe=probe)
            if req is not None:
                self.crawler.engine.crawl(req)

    def on_scheduled(self, request, spider=None):
        """A page request past the spider middlewares (depth, offsite): into the frontier."""
        st = self.state
        kind = request.meta.get("kind")
        if st is not None and not same_site(request.url, self.hosts):
            # a redirect off the site: Scrapy's OffsiteMiddleware drops it right after this signal
            chain = [canonical(u) for u in request.meta.get("redirect_urls", []) if same_site(u, self.hosts)]
            if chain:
                st.count("offsite_redirects")
                st.settle(chain, "skipped", f"redirected off-site to {request.url}: not followed")
            return
        if st is not None and kind in FRONTIER_KINDS:
            url = canonical(request.url)
            st.store.frontier_add([(url, kind)], source=st.source_name, depth=request.meta.get("depth", 0))
            st.pending.add(url)

    def on_dropped(self, request, spider=None):
        """A request the duplicate filter dropped: when it came from a redirect, its origin
        is settled here (the target was fetched under its own URL, or the redirects loop)."""
        chain = [canonical(u) for u in request.meta.get("redirect_urls", [])]
        if not chain or self.state is None:
            return
        target = canonical(request.url)
        if target in chain:
            reason = "redirect loop (" + " -> ".join(urlsplit(u).path or "/" for u in [*chain, target]) + ")"
            self._fail(chain, reason)
        else:
            self.state.settle(chain, "done", f"redirected to {target}", kind=request.meta.get("kind"))

    def on_closed(self, spider, reason):
        """A crawl that ran out of work leaves no URL it asked for without an outcome."""
        st = self.state
        if st is None or reason != "finished" or self.shared_queue:
            return
        for url in sorted(st.pending):
            row = st.store.frontier_row(url)
            if row and row["status"] == "queued":
                st.error(url, "no outcome recorded for this URL")
                st.store.frontier_done(url, "failed", "no outcome recorded for this URL")

    # ------------------------------------------------------------------ start
    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        st = self.state
        # URLs an earlier crawl queued and did not finish, and failures with attempts left
        for row in st.resume_queue(MAX_ATTEMPTS) if st else []:
            kind = row["kind"] if row["kind"] in FRONTIER_KINDS else "page"
            req = self._request(row["url"], kind, row["depth"] or 0, again=True)
            if req is not None:
                yield req
        # the listings are read again on every crawl: that is where new articles appear
        src = self.source
        for url in self.seed_urls:  # asked for even after failures: a site down for a while comes back
            req = self._request(url, "listing" if src is not None else "page", 0, again=True)
            if req is not None:
                yield req
        if src is not None:
            for url in src.feeds:
                yield self._request(url, "feed", 0)
            for url in src.sitemaps:
                yield self._request(url, "sitemap", 0)

    # ------------------------------------------------------------------ requests
    def _settled(self, url: str) -> bool:
        """An article (or other page that is no listing) done in an earlier crawl, or out of
        attempts: not fetched again. Listings are read again by every crawl."""
        row = self.state.store.frontier_row(url) if self.state else None
        if row is None or row["status"] == "queued" or row["kind"] == "listing":
            return False
        if row["status"] == "failed":
            return row["attempts"] >= MAX_ATTEMPTS
        return True

    def _request(self, url: str, kind: str, depth: int, again: bool = False, **meta):
        """A request for `url`, or None when the store has settled it (`again`: ask anyway)."""
        url = canonical(url)
        st = self.state
        if st is not None and kind in FRONTIER_KINDS and not again and kind != "listing" and self._settled(url):
            if url not in st.settled:
                st.count("already_seen")  # done by an earlier crawl
            return None
        cb = {"article": self.parse_article, "listing": self.parse_listing, "page": self.parse_page,
              "feed": self.parse_feed, "sitemap": self.parse_sitemap}[kind]
        return scrapy.Request(url, callback=cb, errback=self.on_error, meta={"kind": kind, "depth": depth, **meta})

    def _is_article_url(self, url: str) -> bool:
        return self.source is not None and self.source.is_article_url(url)

    def _follow(self, response, links: list[str], kind_of=None):
        depth = response.meta.get("depth", 0)
        for url in dict.fromkeys(links):
            kind = kind_of(url) if kind_of else "page"
            if kind:
                req = self._request(url, kind, depth + 1)
                if req is not None:
                    yield req

    def _paginate(self, response, kind: str, found: list[PageLink] | None = None):
        """The listing's next pages (`found`, else pages.next_pages), at its own depth
        (PaginationDepthMiddleware), numbered along the chain and stopped past --max-listing-pages."""
        depth = response.meta.get("depth", 0)
        here = response.meta.get("page_no") or page_number(response.url)
        links = [link for link in (next_pages(response) if found is None else found) if same_site(link.url, self.hosts)]
        if not links and self.source is not None and self.source.pagination:
            nxt = self._template_next(response.url)  # a listing whose markup names no next page
            links = [PageLink(nxt, None)] if nxt else []
        for link in links:
            n = link.page_no or here + 1
            if 2 <= n <= self.max_listing_pages:
                req = self._request(link.url, kind, depth, pagination=True, page_no=n)
                if req is not None:
                    yield req

    def _template_next(self, url: str) -> str | None:
        """The registry's pagination template ("{listing}?p={n}") applied to this URL, whose
        page number is read back from the URL itself (a resumed crawl pages on from there)."""
        tmpl = self.source.pagination
        pat = "^" + re.escape(tmpl).replace(r"\{listing\}", "(?P<listing>.+?)").replace(r"\{n\}", r"(?P<n>\d+)") + "$"
        m = re.match(pat, url)
        root, n = (m.group("listing"), int(m.group("n"))) if m else (url, 1)
        return tmpl.format(listing=root, n=n + 1)

    # ------------------------------------------------------------------ pages
    def _landed(self, response) -> HtmlResponse | None:
        """Count the page; a gzip body sent without Content-Encoding unpacked (capped at
        DOWNLOAD_MAXSIZE); None (and the URL settled) when it is no HTML page."""
        st = self.state
        if st:
            st.count("pages")
        body = self._unpacked(response.body, self._chain(response), "gzip body")
        if body is None:
            return None
        if body is not response.body:
            response = HtmlResponse(url=response.url, status=response.status, headers=response.headers, body=body,
                                    request=response.request)
        if not isinstance(response, TextResponse):
            if st:
                st.settle(self._chain(response), "skipped", "not a text page")
            return None
        return response

    def _unpacked(self, body: bytes, urls: list[str], what: str) -> bytes | None:
        """A body sent gzipped without Content-Encoding, unpacked up to DOWNLOAD_MAXSIZE (the
        body itself when it is not gzip); None, with the URLs failed, when it cannot be."""
        if body[:3] != b"\x1f\x8b\x08":
            return body
        try:
            return gunzip(body, max_size=self.maxsize)
        except ValueError:  # scrapy's _DecompressionMaxSizeExceeded
            self._fail(urls, f"refused: {what} over {self.maxsize} bytes once decompressed")
        except (OSError, EOFError, zlib.error) as e:  # a bad header, a cut or corrupt stream
            self._fail(urls, f"broken {what} ({e})")
        return None

    def _chain(self, response) -> list[str]:
        """The page's URL, and the URLs that redirected to it (same site)."""
        urls = [*response.meta.get("redirect_urls", []), response.url]
        return list(dict.fromkeys(canonical(u) for u in urls if same_site(u, self.hosts)))

    def _item(self, response) -> dict:
        return {
            "url": canonical(response.url),
            "redirected_from": self._chain(response)[:-1],
            "requested": response.request.url if response.request else response.url,
            "status": response.status,
            "headers": {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "listing_page": False,
        }

    def parse_page(self, response):
        """Generic mode: an article goes to the pipeline and its related links are followed; a
        page of links has its links, feeds and next pages followed."""
        response = self._landed(response)
        if response is None:
            return
        st = self.state
        links = [link.url for link in self.links.extract_links(response)]
        found = next_pages(response)
        pager = {link.url for link in found}
        root = listing_root(response.url)
        # next pages are followed from any page: a listing taken for an article still pages on
        yield from self._paginate(response, "page", found)
        if is_article(response.body):
            yield self._item(response)
            yield from self._follow(response, links)
            return
        if st:
            st.count("listings")
            st.settle(self._chain(response), "done", kind="listing")
        for href in response.xpath("//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href").getall():
            url = response.urljoin(href)
            if same_site(url, self.hosts):
                yield self._request(url, "feed", response.meta.get("depth", 0) + 1)
        # the listing's other pages are followed as pages of it (numbered, capped), not as links
        yield from self._follow(response, [u for u in links if u not in pager and listing_root(u) != root])

    def parse_listing(self, response):
        """Registry mode: a listing's article links (its `listing_links`), its next pages."""
        response = self._landed(response)
        if response is None:
            return
        st = self.state
        if st:
            st.count("listings")
        links = [link.url for link in (self.listing_links or self.links).extract_links(response)]
        if self.listing_links is not None and not any(map(self._is_article_url, links)):
            links = [link.url for link in self.links.extract_links(response)]  # the markup changed: every link
        articles = [u for u in links if self._is_article_url(u)]
        yield from self._follow(response, articles, lambda u: "article")
        if articles:  # an empty page ends the pagination
            yield from self._paginate(response, "listing")
        if st:
            st.settle(self._chain(response), "done", kind="listing")

    def parse_article(self, response):
        """Registry mode: the page goes to the pipeline; its links to other articles (related
        boxes) are followed."""
        response = self._landed(response)
        if response is None:
            return
        yield self._item(response)
        links = [link.url for link in self.links.extract_links(response)]
        yield from self._follow(response, links, lambda u: "article" if self._is_article_url(u) else None)

    def parse_feed(self, response):
        st = self.state
        if st:
            st.count("feeds")
        selector = scrapy.Selector(text=response.text, type="xml") if isinstance(response, TextResponse) else None
        if selector is None:
            return
        selector.remove_namespaces()
        urls = [u.strip() for u in selector.xpath("//item/link/text() | //entry/link/@href").getall()]
        yield from self._follow(response, [u for u in urls if same_site(u, self.hosts)], self._kind_of_listed)

    def parse_sitemap(self, response):
        """A sitemap or a sitemap index (gzipped or not, capped like every body)."""
        st = self.state
        if st:
            st.count("sitemaps")
        body = self._unpacked(response.body, [canonical(response.url)], "gzipped sitemap")
        if body is None:
            return
        try:
            sitemap = Sitemap(body)
        except Exception:  # noqa: BLE001 - lxml's errors on a page that is no XML at all
            return
        since = st.since if st else None
        for entry in sitemap:
            url = entry.get("loc", "")
            if not url.startswith("http") or not same_site(url, self.hosts):
                continue
            if sitemap.type == "sitemapindex":
                yield self._request(url, "sitemap", response.meta.get("depth", 0) + 1)
            elif not (since and entry.get("lastmod", "")[:10] and entry["lastmod"][:10] < since):
                kind = self._kind_of_listed(url)
                if kind:
                    req = self._request(url, kind, 1)
                    if req is not None:
                        yield req

    def _kind_of_listed(self, url: str) -> str | None:
        """A URL a sitemap or feed lists: an article by the registry's pattern, else a page."""
        if self.source is None:
            return "page"
        return "article" if self._is_article_url(url) else None

    # ------------------------------------------------------------------ failures
    def _fail(self, urls: list[str], reason: str) -> None:
        """Failed: every URL of the chain marked so, one error line (for the first, the URL
        the site linked to)."""
        st = self.state
        if st and urls:
            st.error(urls[0], reason)
            st.settle(urls, "failed", reason)

    def on_error(self, failure):
        req = failure.request
        st = self.state
        kind = req.meta.get("kind")
        chain = [canonical(u) for u in [*req.meta.get("redirect_urls", []), req.url] if same_site(u, self.hosts)]
        msg = failure.getErrorMessage()
        response = getattr(failure.value, "response", None)
        if failure.check(scrapy.exceptions.IgnoreRequest) and "robots.txt" in msg:
            if st:
                st.count("robots_forbidden")
                st.settle(chain, "skipped", "disallowed by robots.txt")
            return
        if failure.check(scrapy.exceptions.IgnoreRequest) and "offsite" in msg.lower() and req.meta.get("redirect_urls"):
            if st:
                st.count("offsite_redirects")
                st.settle(chain, "skipped", f"redirected off-site to {req.url}: not followed")
            return
        if req.meta.get("probe"):
            return  # /sitemap.xml tried on a site that may have none: no answer is no error
        if response is not None and response.status in (404, 410):
            # a broken link, the page after a listing's last, a sitemap a site does not have
            if st:
                st.count("not_found")
                st.settle(chain, "skipped", str(response.status))
            return
        if response is not None and 300 <= response.status < 400:
            location = (response.headers.get("Location") or b"").decode("latin-1")
            reason = f"redirect ({response.status}) to {response.urljoin(location) if location else 'nowhere'} refused: only http and https are followed"
        elif failure.check(scrapy.exceptions.IgnoreRequest) and "max redirections" in msg:
            reason = "redirect loop: too many redirects"
        elif failure.check(scrapy.exceptions.IgnoreRequest) and msg.startswith("address refused"):
            reason = f"{'redirect to ' + req.url + ' ' if req.meta.get('redirect_urls') else ''}refused: {msg.split(': ', 1)[1]}"
        elif failure.check(scrapy.exceptions.IgnoreRequest) and "DOWNLOAD_MAXSIZE" in msg:
            reason = f"refused: body over {self.maxsize} bytes once decompressed (a gzip bomb?)"
        else:
            reason = f"{failure.type.__name__}: {msg}"
        self._fail(chain if kind in FRONTIER_KINDS else [canonical(req.url)], reason[:300])
