"""Saved or fetched HTML pages: metadata in a fixed order (JSON-LD, meta tags, the source
registry's selectors, then trafilatura for sites cchc does not know) and the article body
without site furniture.

Site quirks live in corpus/sources.yaml; the only repair done here is structural and general:
a page that starts with an empty `<html…></html>` before its real head (seen on baotayninh.vn)
would otherwise lose its content in lxml.
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import regex

from ..model import Article, ReadError
from ..normalize import normalize_text
from .dates import parse_date

_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", regex.I)
_STRAY_ROOT = regex.compile(r"^\s*(?:<!DOCTYPE[^>]*>\s*)?<html\b[^>]*>\s*</html>\s*", regex.I)
_JUNK = ("script", "style", "noscript", "iframe", "form", "button", "svg", "nav", "footer", "header", "aside",
         "template", "select", "input", "ins")
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "li", "blockquote", "figcaption", "pre", "td"}
_JUNK_TEXT = regex.compile(r"^(?:Chia sẻ|Từ khóa|Tags?|BÌNH LUẬN|Bình luận|Tin liên quan|Tin cùng chuyên mục|"
                           r"Bài liên quan|Đọc nhiều|Xem thêm|Tiêu điểm)\b", regex.I)
NEWS_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "WebPage"}


def decode(data: bytes | str, source: str) -> str:
    """Bytes as the page declares them; gzip bodies are unpacked; undecodable is an error."""
    if isinstance(data, str):
        return data
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise ReadError(source, f"broken gzip body ({e})") from None
    if not data.strip():
        raise ReadError(source, "empty page")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    for enc in [e for e in (declared, "utf-8") if e]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    try:  # legacy Vietnamese pages that declare nothing
        return data.decode("windows-1258")
    except UnicodeDecodeError:
        raise ReadError(source, f"cannot decode the page (declared charset {declared or 'none'})") from None


def _json_ld(doc) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for el in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(el.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for it in items:
            if not isinstance(it, dict):
                continue
            t = it.get("@type")
            types = set(t) if isinstance(t, list) else {t}
            if types & NEWS_TYPES and (it.get("headline") or it.get("datePublished") or it.get("name")):
                if best and "WebPage" in types:
                    continue
                best = it
    if not best:
        return {}
    author = best.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    page = best.get("mainEntityOfPage")
    url = best.get("url") or (page.get("@id") if isinstance(page, dict) else page if isinstance(page, str) else None)
    return {"title": best.get("headline") or best.get("name"), "published": best.get("datePublished"),
            "author": author if isinstance(author, str) else None, "url": url}


def _meta(doc) -> dict[str, Any]:
    def first(*xps):
        for xp in xps:
            for v in doc.xpath(xp):
                if v and v.strip():
                    return v.strip()
        return None

    return {
        "title": first("//meta[@property='og:title']/@content", "//meta[@name='twitter:title']/@content"),
        "published": first("//meta[@property='article:published_time']/@content",
                           "//meta[@itemprop='datePublished']/@content", "//meta[@name='pubdate']/@content",
                           "//time[@itemprop='datePublished']/@datetime"),
        "url": first("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"),
        "site": first("//meta[@property='og:site_name']/@content"),
        "author": first("//meta[@name='author']/@content", "//meta[@property='article:author']/@content"),
    }


def _text(el) -> str:
    return regex.sub(r"\s+", " ", el.text_content() or "").strip()


@lru_cache(maxsize=512)
def _selector(css: str):
    from lxml.cssselect import CSSSelector

    return CSSSelector(css, translator="html")


def _select(doc, css: str | None):
    """The elements a registry selector picks (sources.py checked it compiles)."""
    return _selector(css)(doc) if css else []


def _body_text(el) -> list[str]:
    """Paragraphs of a body element: its block elements' text, in order."""
    paras: list[str] = []
    blocks = [b for b in el.iter() if isinstance(b.tag, str) and b.tag in _BLOCKS]
    if not blocks:
        return [p.strip() for p in regex.split(r"\n\s*\n|\n", el.text_content() or "") if p.strip()]
    for b in blocks:
        if any(isinstance(a.tag, str) and a.tag in _BLOCKS for a in b.iterancestors() if a is not el and el in a.iterancestors()):
            continue  # a block inside a block: its text is in the outer one
        t = _text(b)
        if t and not _JUNK_TEXT.match(t):
            paras.append(t)
    return paras


def read_html(data: bytes | str, source: str, url: str | None = None, site_entry=None) -> Article:
    """Read one page. `site_entry` (a registry Source) overrides the lookup by URL, for a site
    served from another address (a mirror, a test server)."""
    import lxml.html

    from ..sources import source_for_url

    html = decode(data, source)
    html = _STRAY_ROOT.sub("", html, count=1)
    if not regex.search(r"<(?:body|p|div|article)\b", html, regex.I):
        raise ReadError(source, "not an HTML page (no body)")
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception as e:  # lxml's own errors on truncated markup
        raise ReadError(source, f"unparseable HTML ({e.__class__.__name__}: {e})") from None
    ld, meta = _json_ld(doc), _meta(doc)
    page_url = url or ld.get("url") or meta.get("url")
    src = site_entry or source_for_url(page_url)
    if src is not None and page_url and src.article_url and not src.is_article_url(page_url) \
            and not (ld.get("published") or meta.get("published")):
        raise ReadError(source, f"a listing or section page of {src.name}, not an article ({page_url})")
    for el in doc.xpath("//*[self::%s]" % " or self::".join(_JUNK)):
        el.drop_tree()
    sel = dict(src.selectors) if src else {}
    for css in (src.strip if src else ()):
        for el in _select(doc, css):
            el.drop_tree()

    title = ld.get("title") or meta.get("title")
    published = ld.get("published") or meta.get("published")
    author = ld.get("author") or meta.get("author")
    site = (src.site if src else None) or meta.get("site") or (urlsplit(page_url).hostname if page_url else None)
    if author and site and author.strip().lower() in (site.lower(), (meta.get("site") or "").lower()):
        author = None  # "Báo Lào Cai điện tử" is the publisher, not the byline
    # registry selectors
    if sel.get("title") and not title:
        els = _select(doc, sel["title"])
        title = _text(els[0]) if els else None
    if sel.get("date"):
        els = _select(doc, sel["date"])
        found = parse_date(_text(els[0])) if els else None
        if found and (not published or (len(str(parse_date(published) or "")) <= 10 and found[:10] == str(parse_date(published))[:10])):
            published = found
    if sel.get("author"):
        els = _select(doc, sel["author"])
        if els:
            author = _text(els[-1]) or author
            els[-1].drop_tree()
    paras: list[str] = []
    if sel.get("lead"):
        els = _select(doc, sel["lead"])
        if els:
            paras.append(_text(els[0]))
    body_els = _select(doc, sel.get("body"))
    if body_els:
        for p in _body_text(body_els[0]):
            if p not in paras:
                paras.append(p)
    else:
        paras = _trafilatura(html, page_url, paras)
        if not title or not published:
            tm = _trafilatura_meta(html, page_url)
            title = title or tm.get("title")
            published = published or tm.get("date")
            author = author or tm.get("author")
    if author and paras and normalize_text(paras[-1]).strip() == normalize_text(author).strip():
        paras.pop()
    elif paras and len(paras) > 2:
        from .text import _is_byline  # the trailing byline paragraph ("Anh Dũng")

        if _is_byline(normalize_text(paras[-1])):
            author = author or paras[-1]
            paras.pop()
    text = normalize_text("\n\n".join(paras)).strip()
    if len(text) < 80:
        raise ReadError(source, "no article text found (a listing, an index or an empty page?)")
    if title:
        title = normalize_text(regex.sub(r"\s+", " ", title)).strip()
    return Article(source=source, text=text, title=title or None, published=parse_date(published),
                   author=normalize_text(author).strip() if author else None, url=page_url, site=site,
                   province=src.province if src else None)


def _trafilatura(html: str, url: str | None, lead: list[str]) -> list[str]:
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True,
                               deduplicate=False) or ""  # True keeps a process-wide cache: a page read twice would differ
    paras = [p.strip() for p in text.split("\n") if p.strip() and not _JUNK_TEXT.match(p.strip())]
    return lead + [p for p in paras if p not in lead]


def _trafilatura_meta(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    try:
        m = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # metadata is a bonus; the body was read already
        return {}
    return {"title": m.title, "date": m.date, "author": m.author} if m else {}
