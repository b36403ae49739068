"""Middlewares for what Scrapy does not do by itself.

- `PolitenessMiddleware`: robots.txt `Crawl-delay` per host, read through Scrapy's supported
  interface (the `robots_parsed` signal and `RobotParser.crawl_delay`, Scrapy >= 2.18) and held
  as the host's download-slot delay; and a growing pause before each retry (backoff), as a timer.
- `BackoffRetryMiddleware`: Scrapy's retries, tagging each retry with its backoff delay.
- `AddressGuardMiddleware`: no request (a link, a redirect) to a link-local address, nor to a
  loopback, private or reserved one unless `--allow-private` (reading.fetch.address_refusal).
- `PaginationDepthMiddleware`: Scrapy's DepthMiddleware, with a listing's next page at the depth
  of the listing, so DEPTH_LIMIT bounds how far links lead and `--max-listing-pages` how far
  a listing is paged.
"""
from __future__ import annotations

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor, task

from ..reading.fetch import address_refusal


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx answers and timeouts, waiting base * 2^(n-1) seconds before the n-th retry."""

    def _retry(self, request, reason):
        new = super()._retry(request, reason)
        if new is not None:
            n = new.meta.get("retry_times", 1)
            base = self.crawler.settings.getfloat("CCHC_RETRY_BACKOFF", 1.0)
            new.meta["backoff_delay"] = base * (2 ** (n - 1))
        return new


class PolitenessMiddleware:
    """Honour robots.txt Crawl-delay per host and the retry backoff, as timers."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.scale = crawler.settings.getfloat("CCHC_DELAY_SCALE", 1.0)
        self.floor = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.delays: dict[str, float] = {}   # download-slot key (the host) -> Crawl-delay
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def robots_parsed(self, robotparser, request):
        delay = robotparser.crawl_delay(self.user_agent) or 0.0
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.delays[key] = delay
        if delay > self.floor:
            # a slot made later for this host (after Scrapy's idle-slot cleanup) starts with it too
            downloader.per_slot_settings.setdefault(key, {}).update(delay=delay)
            self._hold(key)

    def _hold(self, key: str) -> None:
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None and slot.delay < self.delays[key]:
            slot.delay = self.delays[key]

    async def process_request(self, request, spider=None):
        key = self.crawler.engine.downloader.get_slot_key(request)
        if self.delays.get(key, 0.0) > self.floor:
            self._hold(key)
            # AutoThrottle never lowers a slot's delay below DOWNLOAD_DELAY; a longer Crawl-delay
            # is kept from it by this documented meta key
            request.meta["autothrottle_dont_adjust_delay"] = True
        wait = float(request.meta.get("backoff_delay", 0.0)) * self.scale
        if wait > 0:
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return None


class AddressGuardMiddleware:
    """Refuse requests whose host resolves to an address cchc must not fetch (SSRF): checked
    with the crawl's own DNS cache, the one the download then connects with."""

    def __init__(self, crawler):
        self.allow_private = crawler.settings.getbool("CCHC_ALLOW_PRIVATE")
        self.known: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        host = urlparse_cached(request).hostname or ""
        if host not in self.known:
            try:
                ip = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - unresolvable: the download reports it as it always did
                return None
            self.known[host] = address_refusal(ip, self.allow_private)
        why = self.known[host]
        if why:
            raise IgnoreRequest(f"address refused: {why}")
        return None


class PaginationDepthMiddleware(DepthMiddleware):
    def get_processed_request(self, request, response):
        if response is not None and request.meta.get("pagination"):
            request.meta.pop("depth_reset", None)
            request.meta["depth"] = response.meta.get("depth", 0)
            return request
        return super().get_processed_request(request, response)
