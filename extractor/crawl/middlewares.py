"""Downloader middlewares for the politeness Scrapy does not give by itself.

- `PolitenessMiddleware`: robots.txt `Crawl-delay` per host (Scrapy reads robots.txt for
  Allow/Disallow only) and a growing pause before each retry (backoff), without blocking the
  reactor: the request waits on a timer.
- `BackoffRetryMiddleware`: Scrapy's retries, tagging each retry with its backoff delay.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task


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
        self.user_agent = crawler.settings.get("USER_AGENT")
        self.scale = crawler.settings.getfloat("CCHC_DELAY_SCALE", 1.0)
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _robots(self) -> RobotsTxtMiddleware | None:
        mws = self.crawler.engine.downloader.middleware.middlewares
        return next((m for m in mws if isinstance(m, RobotsTxtMiddleware)), None)

    def crawl_delay(self, netloc: str) -> float:
        if netloc in self.delays:
            return self.delays[netloc]
        robots = self._robots()
        parser = robots._parsers.get(netloc) if robots else None
        if parser is None or not hasattr(parser, "crawl_delay"):
            return 0.0  # robots.txt not read (yet): no delay is known
        delay = parser.crawl_delay(self.user_agent) or 0.0
        self.delays[netloc] = delay
        return delay

    async def process_request(self, request, spider=None):
        if request.url.endswith("/robots.txt"):
            return None
        netloc = urlsplit(request.url).netloc
        gap = self.crawl_delay(netloc)
        if gap:
            # Scrapy's download slot spaces requests by its delay: make it the Crawl-delay, and
            # keep AutoThrottle from lowering it
            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            slot = downloader.slots.get(key)
            if slot is not None and slot.delay < gap:
                slot.delay = gap
            request.meta["autothrottle_dont_adjust_delay"] = True
        wait = float(request.meta.get("backoff_delay", 0.0)) * self.scale
        if wait > 0:
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return None
