"""`crawl(...)`: the function behind `cchc crawl` — settings, state, one Scrapy process."""
from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from ..model import ReadError
from ..reading.fetch import MAX_BODY, USER_AGENT, allow_private_default
from ..sources import Source


QUIET_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.httpcompression",
                 "scrapy.core.downloader.handlers.http11", "scrapy.core.downloader.handlers.http2")


def polite_settings(delay: float = 1.0, timeout: float = 30.0, max_pages: int | None = None,
                    http_cache: str | None = None, redis: str | None = None, max_depth: int = 5,
                    allow_private: bool = False) -> dict[str, Any]:
    s: dict[str, Any] = {
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": MAX_BODY,      # also the cap on a decompressed body (gzip bombs)
        "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
        "DEPTH_LIMIT": max_depth,          # links from a start page; a listing's next pages do not count
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "CCHC_RETRY_BACKOFF": max(delay, 0.05),
        "CCHC_ALLOW_PRIVATE": allow_private,
        "REDIRECT_ENABLED": True,
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "LOG_INSTALL_ROOT_HANDLER": True,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DOWNLOADER_MIDDLEWARES": {
            "extractor.crawl.middlewares.AddressGuardMiddleware": 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "extractor.crawl.middlewares.BackoffRetryMiddleware": 550,
            "extractor.crawl.middlewares.PolitenessMiddleware": 150,
        },
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "extractor.crawl.middlewares.PaginationDepthMiddleware": 900,
        },
        "ITEM_PIPELINES": {"extractor.crawl.pipeline.ArticlePipeline": 300},
    }
    if max_pages:
        s["CLOSESPIDER_PAGECOUNT"] = max_pages
    if http_cache:
        s.update(HTTPCACHE_ENABLED=True, HTTPCACHE_DIR=http_cache, HTTPCACHE_EXPIRATION_SECS=0)
    if redis:
        s.update(SCHEDULER="scrapy_redis.scheduler.Scheduler", DUPEFILTER_CLASS="scrapy_redis.dupefilter.RFPDupeFilter",
                 SCHEDULER_PERSIST=True, REDIS_URL=redis, SCHEDULER_IDLE_BEFORE_CLOSE=2)
    return s


class WarcOut:
    """Fetched pages as WARC response records (warcio)."""

    def __init__(self, path: str):
        from warcio.warcwriter import WARCWriter

        self.f = open(path, "ab")
        self.w = WARCWriter(self.f, gzip=path.endswith(".gz"))

    def write(self, item: dict) -> None:
        import io

        from warcio.statusandheaders import StatusAndHeaders

        headers = [(k, v) for k, v in item["headers"].items() if k.lower() not in ("content-encoding", "transfer-encoding")]
        hh = StatusAndHeaders(f"{item['status']} OK", headers, protocol="HTTP/1.1")
        rec = self.w.create_warc_record(item["url"], "response", payload=io.BytesIO(item["body"]), http_headers=hh,
                                        warc_headers_dict={"WARC-Date": item["fetched_at"].replace("+00:00", "Z")})
        self.w.write_record(rec)
        self.f.flush()

    def close(self) -> None:
        self.f.close()


@dataclass
class CrawlState:
    """What the spider and the pipeline share for one crawl."""

    store: Any
    run_id: int
    source: Source | None
    source_name: str
    out: IO[str] | None = None
    warc: WarcOut | None = None
    since: str | None = None
    progress_every: int = 25
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    resumed: bool = False
    pending: set[str] = field(default_factory=set)   # frontier URLs asked for in this crawl, no outcome yet
    settled: set[str] = field(default_factory=set)   # frontier URLs given an outcome by this crawl

    def settle(self, urls: list[str], status: str, error: str | None = None, kind: str | None = None) -> None:
        """The outcome of URLs (a page and those that redirected to it) in the frontier."""
        for url in dict.fromkeys(urls):
            self.store.frontier_done(url, status, error, kind=kind)
            self.pending.discard(url)
            self.settled.add(url)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n
        if what == "pages" and self.counts["pages"] % self.progress_every == 0:
            self.report()

    def error(self, url: str, reason: str) -> None:
        """A page that failed: one line on stderr as it happens, and in the run's errors."""
        self.errors.append(f"{url}: {reason}")
        self.counts["errors"] += 1
        print(ReadError(url, reason).line(), file=sys.stderr, flush=True)

    def warn(self, warning) -> None:
        """A page read with something repaired or ignored (reading.warning_of): one line on
        stderr, counted; the page is still stored."""
        self.counts["warnings"] += 1
        print(warning.line(), file=sys.stderr, flush=True)

    def report(self, final: bool = False) -> None:
        c = self.counts
        secs = time.monotonic() - self.started
        print(f"cchc crawl{' done' if final else ''}: {c['pages']} pages ({c['listings']} listings), {c['articles']} articles, "
              f"{c['figures']} figures, {c['irrelevant']} not about reform, {c['robots_forbidden']} disallowed by robots.txt, "
              f"{c['errors']} errors" + (f", {c['warnings']} page{'s' if c['warnings'] != 1 else ''} read with a warning"
                                        if c["warnings"] else "")
              + f" ({secs:.0f} s)", file=sys.stderr, flush=True)

    def resume_queue(self, max_attempts: int) -> list[dict]:
        """URLs an earlier crawl of this source queued and did not finish, and those that
        failed fewer than `max_attempts` times (nothing on a fresh crawl)."""
        rows = self.store.frontier_next(100000, source=self.source_name, retry_below=max_attempts)
        self.resumed = bool(rows)
        return rows


def crawl(*, source: Source | None = None, url: str | None = None, db: str, out_path: str | None = None,
          warc: str | None = None, since: str | None = None, max_pages: int | None = None, delay: float = 1.0,
          timeout: float = 30.0, http_cache: str | None = None, redis: str | None = None,
          max_listing_pages: int = 100, max_depth: int = 5, base_url: str | None = None,
          allow_private: bool | None = None) -> CrawlState:
    """Crawl one registry source (or one URL in generic mode) into the store `db`."""
    from scrapy.crawler import CrawlerProcess

    from ..store import Store
    from .spider import NewsSpider

    if source is not None and base_url:
        source = rebase(source, base_url)
    store = Store.open(db)
    name = source.name if source else (url or "")
    run_id = store.begin_run("crawl", [name])
    if source is not None:
        store.add_source(source.name, source.site, source.province, source.base_url)
    state = CrawlState(store=store, run_id=run_id, source=source, source_name=name, since=since,
                       out=open(out_path, "a", encoding="utf-8") if out_path else None,
                       warc=WarcOut(warc) if warc else None)
    if allow_private is None:
        allow_private = allow_private_default()
    settings = polite_settings(delay=delay, timeout=timeout, max_pages=max_pages, http_cache=http_cache, redis=redis,
                               max_depth=max_depth, allow_private=allow_private)
    process = CrawlerProcess(settings)  # configures logging: levels are set after it
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    for name in QUIET_LOGGERS:  # what they warn about is reported once, as a cchc error line
        logging.getLogger(name).setLevel(logging.CRITICAL)
    process.crawl(NewsSpider, source=source, start_url=url, state=state, max_listing_pages=max_listing_pages,
                  shared_queue=bool(redis))
    try:
        process.start()
    finally:
        state.report(final=True)
        counts = {k: state.counts[k] for k in ("pages", "listings", "articles", "robots_forbidden", "errors")}
        store.finish_run(run_id, counts=counts | dict(state.counts), status="failed" if state.errors else "ok",
                         errors=state.errors[:1000])
        store.close()
        if state.out:
            state.out.close()
        if state.warc:
            state.warc.close()
    return state


def rebase(source: Source, base_url: str) -> Source:
    """The same site served from another address (a mirror or a local copy): every URL of the
    entry moved to `base_url`, the hosts replaced by its host."""
    from dataclasses import replace
    from urllib.parse import urlsplit, urlunsplit

    new = urlsplit(base_url)

    def move(u: str) -> str:
        p = urlsplit(u)
        return urlunsplit((new.scheme, new.netloc, p.path, p.query, p.fragment))

    return replace(source, base_url=base_url, hosts=(new.hostname or "",) + ((new.netloc,) if new.port else ()),
                   listings=tuple(move(u) for u in source.listings), feeds=tuple(move(u) for u in source.feeds),
                   sitemaps=tuple(move(u) for u in source.sitemaps))
