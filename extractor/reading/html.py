"""Saved or fetched HTML pages: metadata in a fixed order (JSON-LD, meta tags, the source
registry's selectors, then trafilatura for sites cchc does not know) and the article body
without site furniture.

Site quirks live in corpus/sources.yaml; the only repair done here is structural and general:
a page that starts with an empty `<html…></html>` before its real head (seen on baotayninh.vn)
would otherwise lose its content in lxml.
"""
from __future__ import annotations

import codecs
import json
import logging
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import regex

from ..model import Article, ReadError
from ..normalize import normalize_text
from .dates import parse_date
from .inputs import DEFAULT_LIMITS, Limits, bom_encoding, clean_text, gunzip, kind_of, nul_offset

# trafilatura and its helpers log through `logging`; with no handler configured Python prints
# their warnings on stderr (one line per odd page). cchc reports problems itself.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", regex.I)
_STRAY_ROOT = regex.compile(r"^\s*(?:<!DOCTYPE[^>]*>\s*)?<html\b[^>]*>\s*</html>\s*", regex.I)
_JUNK = ("script", "style", "noscript", "iframe", "form", "button", "svg", "nav", "footer", "header", "aside",
         "template", "select", "input", "ins")
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "li", "blockquote", "figcaption", "pre", "td"}
NEWS_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "WebPage"}


# codecs a page may not choose: they turn escape sequences in the bytes into arbitrary text
_UNSAFE_CODECS = {"unicode_escape", "raw_unicode_escape", "utf_7", "punycode", "idna", "undefined"}


def _codec(declared: str | None) -> str | None:
    """The Python codec of a declared charset, or None when Python has no such (text) codec."""
    if not declared:
        return None
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _UNSAFE_CODECS:
        return None
    if info.name.startswith(("utf-16", "utf-32")):  # a declaration we could read in ASCII is no UTF-16
        return "utf-8"  # (browsers do the same)
    return info.name


def decode(data: bytes | str, source: str, limits: Limits = DEFAULT_LIMITS, warnings: list[str] | None = None) -> str:
    """Bytes as the page declares them; gzip bodies are unpacked (under the caps); a page that
    cannot be decoded is a ReadError, and so is a charset cchc does not know unless the bytes
    are plain UTF-8 anyway (then the unknown charset is reported in `warnings`). The text that
    comes out is safe to store and print."""
    if isinstance(data, str):
        return clean_text(data, controls=True)[0]
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, source, limits)
    if len(data) > limits.max_size:
        raise ReadError(source, limits.too_big(len(data), "page"))
    if not data.strip():
        raise ReadError(source, "empty page")
    bom = bom_encoding(data)
    if bom:
        try:
            return clean_text(data.decode(bom), controls=True)[0]
        except UnicodeDecodeError as e:
            raise ReadError(source, f"not valid {bom.upper()} although it starts with its byte-order mark "
                                    f"({e.reason} at offset {e.start})") from None
    at = nul_offset(data)
    if at is not None and data.count(b"\0", 0, 65536) > 16:
        raise ReadError(source, f"a binary file, not a page (NUL bytes from offset {at})")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    codec = _codec(declared)
    for enc in [e for e in (codec, "utf-8") if e]:
        try:
            text = clean_text(data.decode(enc), controls=True)[0]
        except UnicodeDecodeError:
            continue
        if declared and not codec and warnings is not None:
            warnings.append(f"declares charset {declared[:40]!r}, which cchc does not know: read as UTF-8")
        return text
    if declared and not codec:
        raise ReadError(source, f"declares charset {declared!r}, which cchc cannot decode (the page is not UTF-8 "
                                "either); convert it to UTF-8 first")
    if declared:
        raise ReadError(source, f"cannot decode the page: not {declared} as it declares, nor UTF-8")
    try:  # legacy Vietnamese pages that declare nothing
        return clean_text(data.decode("windows-1258"), controls=True)[0]
    except UnicodeDecodeError:
        raise ReadError(source, "cannot decode the page (no charset declared; not UTF-8 nor windows-1258)") from None



def _str(v: Any) -> str | None:
    """A JSON-LD value as text: a string, the first string of a list, or an object's name;
    anything else (a number, null, a nested structure) is None."""
    if isinstance(v, list):
        v = next((x for x in v if isinstance(x, (str, dict))), None)
    if isinstance(v, dict):
        v = v.get("name") if isinstance(v.get("name"), str) else v.get("@id")
    if not isinstance(v, str) or not v.strip():
        return None
    return clean_text(v, controls=True)[0].strip()[:2000] or None


_SCALAR = (bool, int, float)


def _field(it: dict, key: str, warnings: list[str]) -> str | None:
    """`it[key]` as text; a value of a type that cannot be text (a number, a list of numbers,
    an object whose name is a number) is ignored with a warning. Empty values, and objects
    without a name, are simply empty: the web is full of them."""
    v = it.get(key)
    got = _str(v)
    inner = v.get("name", v.get("@id")) if isinstance(v, dict) else None
    if got is None and (isinstance(v, _SCALAR) or isinstance(inner, (*_SCALAR, list, dict))
                        or (isinstance(v, list) and v and all(isinstance(x, _SCALAR) for x in v))):
        warnings.append(f"JSON-LD `{key}` is {kind_of(v)} "
                        f"{json.dumps(v)[:40]}, not text: ignored")
    return got


def _types(it: dict, warnings: list[str]) -> set[str]:
    t = it.get("@type")
    if t is not None and not isinstance(t, (str, list)):
        warnings.append(f"JSON-LD `@type` is {kind_of(t)}: ignored")
    return {x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def _ld_items(data: Any, warnings: list[str]) -> list[dict]:
    """The objects of one JSON-LD block: a list, a @graph, or the object itself."""
    if isinstance(data, list):
        return [x for x in data if isinstance(x, dict)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            return [x for x in graph if isinstance(x, dict)]
        if isinstance(graph, dict):
            return [graph]
        if graph is not None:
            warnings.append(f"JSON-LD `@graph` is {kind_of(graph)}: ignored")
        return [data]
    return []


def _json_ld(doc, warnings: list[str]) -> dict[str, Any]:
    """Title, date, author and URL from the page's JSON-LD news object. Blocks that are not
    JSON are ignored (common on the web); values of the wrong type are ignored field by field
    and reported in `warnings`, and so is JSON nested too deeply to read."""
    best: dict[str, Any] = {}
    found: list[str] = []
    for el in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(el.text or "")
        except RecursionError:
            warnings.append("JSON-LD nested too deeply: ignored")
            continue
        except ValueError:
            continue
        for it in _ld_items(data, found):
            types = _types(it, found)
            if types & NEWS_TYPES and (_str(it.get("headline")) or _str(it.get("datePublished")) or _str(it.get("name"))):
                if best and "WebPage" in types:
                    continue
                best = it
    if not best:
        warnings.extend(dict.fromkeys(found))
        return {}
    url_v = best.get("url")
    url = _url(_field(best, "url", found))
    if url_v is not None and isinstance(url_v, str) and url is None and url_v.strip():
        found.append("JSON-LD `url` is not an http(s) URL: ignored")
    page = best.get("mainEntityOfPage")
    url = url or _url(_str(page))
    out = {"title": _field(best, "headline", found) or _str(best.get("name")),
           "published": _field(best, "datePublished", found), "author": _field(best, "author", found), "url": url}
    warnings.extend(dict.fromkeys(found))
    return out


def _url(v: str | None) -> str | None:
    """An absolute http(s) URL, or None (a page may declare anything)."""
    if not v or len(v) > 2000 or not v.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(v)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    return v if parts.hostname else None


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


def _junk_paragraph(text: str) -> bool:
    """Site furniture by its first words (patterns/layout.yaml `layout.html_junk_paragraph`)."""
    from .text import rules

    return bool(rules()["layout.html_junk_paragraph"].match(text))


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
        if t and not _junk_paragraph(t):
            paras.append(t)
    return paras


def read_html(data: bytes | str, source: str, url: str | None = None, site_entry=None, fetched_at: str | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Article:
    """Read one page. `site_entry` (a registry Source) overrides the lookup by URL, for a site
    served from another address (a mirror, a test server). `fetched_at` (ISO 8601) is when the
    page was fetched: a relative date on it ("3 giờ trước", "hôm qua") is resolved against
    that time, and is left empty when the time is not known."""
    try:
        return _read_html(data, source, url, site_entry, fetched_at, limits)
    except ReadError:
        raise
    except RecursionError:
        raise ReadError(source, "markup or JSON-LD nested too deeply: page skipped") from None
    except Exception as e:  # noqa: BLE001 - a page lxml or trafilatura chokes on: named, never raised
        raise ReadError(source, f"unreadable page ({e.__class__.__name__}: {e})") from None


def _read_html(data, source, url, site_entry, fetched_at, limits) -> Article:
    import lxml.html

    from ..sources import source_for_url

    warnings: list[str] = []
    html = decode(data, source, limits, warnings)
    html = _STRAY_ROOT.sub("", html, count=1)
    if not regex.search(r"<(?:body|p|div|article)\b", html, regex.I):
        raise ReadError(source, "not an HTML page (no body)")
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception as e:  # lxml's own errors on truncated markup
        raise ReadError(source, f"unparseable HTML ({e.__class__.__name__}: {e})") from None
    ld, meta = _json_ld(doc, warnings), _meta(doc)
    page_url = url or ld.get("url") or _url(meta.get("url"))
    src = site_entry or (source_for_url(page_url) if _url(page_url) else None)
    if src is not None and _url(page_url) and src.article_url and not src.is_article_url(page_url) \
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
    site = (src.site if src else None) or meta.get("site") or (urlsplit(page_url).hostname if _url(page_url) else None)
    if author and site and author.strip().lower() in (site.lower(), (meta.get("site") or "").lower()):
        author = None  # "Báo Lào Cai điện tử" is the publisher, not the byline
    # registry selectors
    if sel.get("title") and not title:
        els = _select(doc, sel["title"])
        title = _text(els[0]) if els else None
    if sel.get("date"):
        els = _select(doc, sel["date"])
        found = parse_date(_text(els[0]), fetched_at) if els else None
        declared = parse_date(published, fetched_at)
        if found and (not declared or (len(declared) <= 10 and found[:10] == declared[:10])):
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
        paras = _trafilatura(html, _url(page_url), paras)
        if not title or not published:
            tm = _trafilatura_meta(html, _url(page_url))
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
    return Article(source=source, text=text, title=title or None, published=parse_date(published, fetched_at),
                   author=normalize_text(author).strip() if author else None, url=page_url, site=site,
                   province=src.province if src else None, extra={"warnings": warnings} if warnings else {})


def _trafilatura(html: str, url: str | None, lead: list[str]) -> list[str]:
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True,
                               deduplicate=False) or ""  # True keeps a process-wide cache: a page read twice would differ
    paras = [p.strip() for p in text.split("\n") if p.strip() and not _junk_paragraph(p.strip())]
    return lead + [p for p in paras if p not in lead]


def _trafilatura_meta(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    try:
        m = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # metadata is a bonus; the body was read already
        return {}
    return {"title": m.title, "date": m.date, "author": m.author} if m else {}
