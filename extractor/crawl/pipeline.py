"""What happens to a fetched article page: read, relevance, extract, keep the evidence."""
from __future__ import annotations

import json

from ..pipeline import safe_extract
from ..model import ReadError
from ..reading.html import read_html
from ..relevance import is_about_reform


class ArticlePipeline:
    """Scrapy item pipeline: one fetched page in, records stored and written out."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        st = self.crawler.spider.state
        url = item["url"]
        if st.warc is not None:
            st.warc.write(item)
        try:
            article = read_html(item["body"], url, url=url, site_entry=st.source)
        except ReadError as e:
            st.store.frontier_done(url, "skipped", e.reason)
            st.count("not_articles")
            return item
        if st.since and article.published and article.published[:10] < st.since:
            st.store.frontier_done(url, "skipped", f"published {article.published[:10]}, before --since")
            st.count("too_old")
            return item
        if not is_about_reform(article):
            st.store.frontier_done(url, "skipped", "not about administrative reform")
            st.count("irrelevant")
            return item
        records = safe_extract(article)
        if isinstance(records, ReadError):
            st.error(url, records.reason)
            st.store.frontier_done(url, "failed", records.reason)
            return item
        page = {k: item[k] for k in ("url", "status", "headers", "body", "fetched_at")}
        st.store.save(records, run_id=st.run_id, page=page)
        st.store.frontier_done(url, "done")
        if st.out is not None:
            for r in records:
                st.out.write(json.dumps(r, ensure_ascii=False) + "\n")
            st.out.flush()
        st.count("articles")
        st.count("figures", sum(1 for r in records if r["kind"] == "figure" and r["metric"] != "other"))
        return item
