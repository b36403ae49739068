"""Crawling the news sites with Scrapy (docs/crawl.md).

- `spider.NewsSpider`: one spider for every site. With a registry entry (corpus/sources.yaml)
  it follows the entry's listings (paged to the end), feeds and sitemaps and reads article pages
  with its selectors; without one (generic mode) it follows every link within the site, the
  sitemaps robots.txt names (else /sitemap.xml) and the RSS feeds pages announce, and tells
  articles from pages of links by their structure (`pages`); trafilatura reads the articles.
- `pages`: article or page of links, and a listing's next pages.
- `urls`: one canonical form per page (w3lib), tracking parameters dropped.
- `middlewares`: what Scrapy lacks: Crawl-delay held per host, backoff between retries, the
  address rules (no link-local, no private targets unless allowed), pagination exempt from
  the depth limit.
- `pipeline`: relevance test, extraction, evidence (the page as fetched, in the store and
  optionally in a WARC file), records out; a page that breaks any stage is one error.
- `run.crawl(...)`: the function behind `cchc crawl`.

The frontier and the seen-set live in the SQLite store, committed as they change, so a crawl
killed with SIGKILL and started again loses nothing and fetches no finished article twice.
"""
