"""Crawling the news sites with Scrapy (docs/crawl.md).

- `spider.NewsSpider`: one spider for every site. With a registry entry (corpus/sources.yaml)
  it follows the entry's listings, pagination, feeds and sitemaps and reads article pages with
  its selectors; without one (generic mode) it discovers sitemaps (robots.txt, /sitemap.xml),
  RSS links and same-host links, and trafilatura reads the pages.
- `middlewares`: politeness Scrapy lacks (robots.txt Crawl-delay, backoff between retries),
  tracking parameters stripped, the store's seen-set as the duplicate filter.
- `pipeline`: relevance test, extraction, evidence (the page as fetched, in the store and
  optionally in a WARC file), records out.
- `run.crawl(...)`: the function behind `cchc crawl`.

The frontier and the seen-set live in the SQLite store, committed as they change, so a crawl
killed with SIGKILL and started again loses nothing and fetches no finished page twice.
"""
