"""What happens to a fetched article page: read, relevance, extract, keep the evidence."""
from __future__ import annotations

import json

from ..pipeline import safe_extract
from ..model import ReadError
from ..reading import warning_of
from ..reading.html import read_html
from ..relevance import is_about_reform


class ArticlePipeline:
    """Scrapy item pipeline: one fetched page in, records stored and written out. A page that
    makes any stage fail is one error naming its URL; the crawl goes on."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        st = self.crawler.spider.state
        urls = [*item.get("redirected_from", []), item["url"]]
        try:
            outcome = self._process(item, st)
        except Exception as e:  # noqa: BLE001 - one page must not stop the crawl; its error is recorded
            reason = f"extraction failed ({e.__class__.__name__}: {str(e)[:200]})"
            st.error(item["url"], reason)
            st.settle(urls, "failed", reason, kind="article")
            return {"url": item["url"], "failed": reason}
        st.settle(urls, *outcome, kind="article")
        return {"url": item["url"], "status": outcome[0]}

    def _process(self, item, st) -> tuple[str, str | None]:
        url = item["url"]
        if st.warc is not None:
            st.warc.write(item)
        try:
            article = read_html(item["body"], url, url=url, site_entry=st.source, fetched_at=item.get("fetched_at"))
        except ReadError as e:
            st.count("not_articles")
            return "skipped", e.reason
        if st.since and article.published and article.published[:10] < st.since:
            st.count("too_old")
            return "skipped", f"published {article.published[:10]}, before --since"
        if not is_about_reform(article):
            st.count("irrelevant")
            return "skipped", "not about administrative reform"
        warning = warning_of(article)
        if warning is not None:
            st.warn(warning)
        records = safe_extract(article)
        if isinstance(records, ReadError):
            st.error(url, records.reason)
            return "failed", records.reason
        page = {k: item[k] for k in ("url", "status", "headers", "body", "fetched_at")}
        st.store.save(records, run_id=st.run_id, page=page)
        if st.out is not None:
            for r in records:
                st.out.write(json.dumps(r, ensure_ascii=False) + "\n")
            st.out.flush()
        st.count("articles")
        st.count("figures", sum(1 for r in records if r["kind"] == "figure" and r["metric"] != "other"))
        return "done", None
