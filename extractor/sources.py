"""The news-source registry (corpus/sources.yaml): sites as data, not code.

Every CSS selector of an entry (`selectors`, `strip`, `listing_links`) is compiled when the
registry is loaded, with cssselect, the engine lxml and Scrapy apply them with: a selector it
cannot read is an error naming the source, not a page that silently loses its body."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import regex

FIELDS = {"name", "site", "province", "base_url", "hosts", "listings", "pagination", "feeds", "sitemaps",
          "article_url", "listing_links", "selectors", "strip", "date_format", "relevance", "example_article_url"}
SELECTORS = {"title", "date", "author", "lead", "body"}


@dataclass(frozen=True)
class Source:
    name: str
    base_url: str
    site: str | None = None
    province: str | None = None
    hosts: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    pagination: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_url: str | None = None
    listing_links: str | None = None
    selectors: dict = field(default_factory=dict)
    strip: tuple[str, ...] = ()
    date_format: str | None = None
    relevance: tuple[str, ...] = ()
    example_article_url: str | None = None

    def is_article_url(self, url: str) -> bool:
        return bool(self.article_url and regex.search(self.article_url, urlsplit(url).path))


class RegistryError(ValueError):
    pass


def registry_path() -> Path:
    env = os.environ.get("CCHC_SOURCES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "corpus" / "sources.yaml"
    if here.exists():
        return here
    return Path(str(resources.files("cchc_corpus") / "sources.yaml"))


def parse(data: dict, where: str = "sources.yaml") -> list[Source]:
    from cssselect import HTMLTranslator, SelectorError  # here: an article's reading imports this module, not it

    out = []
    seen_hosts: dict[str, str] = {}
    for i, e in enumerate((data or {}).get("sources") or []):
        name = e.get("name") or f"#{i}"
        unknown = set(e) - FIELDS
        if unknown:
            raise RegistryError(f"{where}: source {name}: unknown keys {sorted(unknown)}")
        for req in ("name", "base_url"):
            if not e.get(req):
                raise RegistryError(f"{where}: source {name}: missing {req}")
        bad_sel = set(e.get("selectors") or {}) - SELECTORS
        if bad_sel:
            raise RegistryError(f"{where}: source {name}: unknown selectors {sorted(bad_sel)}")
        css = [*(e.get("selectors") or {}).values(), *(e.get("strip") or ()),
               *([e["listing_links"]] if e.get("listing_links") else [])]
        for sel in css:
            try:
                HTMLTranslator().css_to_xpath(sel)
            except (SelectorError, TypeError) as err:
                raise RegistryError(f"{where}: source {name}: bad CSS selector {sel!r} ({err})") from None
        if e.get("article_url"):
            try:
                regex.compile(e["article_url"])
            except regex.error as err:
                raise RegistryError(f"{where}: source {name}: bad article_url regex ({err})") from None
        hosts = tuple(e.get("hosts") or [urlsplit(e["base_url"]).hostname])
        for h in hosts:
            if h in seen_hosts:
                raise RegistryError(f"{where}: host {h} in both {seen_hosts[h]} and {name}")
            seen_hosts[h] = name
        out.append(Source(
            name=e["name"], base_url=e["base_url"], site=e.get("site"), province=e.get("province"), hosts=hosts,
            listings=tuple(e.get("listings") or ()), pagination=e.get("pagination"), feeds=tuple(e.get("feeds") or ()),
            sitemaps=tuple(e.get("sitemaps") or ()), article_url=e.get("article_url"),
            listing_links=e.get("listing_links"), selectors=dict(e.get("selectors") or {}),
            strip=tuple(e.get("strip") or ()), date_format=e.get("date_format"),
            relevance=tuple(e.get("relevance") or ()), example_article_url=e.get("example_article_url")))
    return out


@lru_cache(maxsize=4)
def load_sources(path: str | None = None) -> tuple[Source, ...]:
    from .patterns import yaml_file

    p = Path(path) if path else registry_path()
    return tuple(parse(yaml_file(p.read_bytes()), str(p)))


def source_for_url(url: str | None, sources: tuple[Source, ...] | None = None) -> Source | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for s in sources if sources is not None else load_sources():
        if host in s.hosts or host.removeprefix("www.") in s.hosts:
            return s
    return None


def get_source(name: str) -> Source:
    for s in load_sources():
        if s.name == name:
            return s
    raise KeyError(f"no source named {name!r} in {registry_path()}")
