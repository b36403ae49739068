"""What a fetched page is, told by its structure: an article (a heading, a date, a body of
consecutive paragraphs) or a page of links (home, section, listing, tag page), and which of a
listing's links lead to its next pages.

Hand-written because no installed library answers either question: trafilatura and Readability
extract a main text from any page (a listing's teasers too), Scrapy's LinkExtractor gives links
without their role, and pagination markup has no standard beyond a rarely used rel="next".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from lxml import html as lxml_html

# furniture: never an article body (tags, and class/id words)
_FURNITURE_TAGS = {"header", "footer", "nav", "aside", "form", "script", "style", "noscript", "template", "select"}
_FURNITURE = re.compile(r"(?:^|[\s_-])(?:footer|header|menu|navbar|nav|sidebar|copyright|breadcrumbs?|comments?)(?:$|[\s_-])",
                        re.I)
_BLOCKS = {"div", "section", "td", "article", "main", "blockquote"}
_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*"(?:News|Reportage|Analysis)?Article"|"@type"\s*:\s*"BlogPosting"')
_DATE = re.compile(r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)(?!\d)"
                   r"|tháng\s+\d{1,2}\s*(?:,|năm|/)\s*(?:19|20)\d\d", re.I)

# a body: at least two consecutive paragraphs of 300 characters, or one of 600; with an
# explicit article type (JSON-LD, og:type) 150 characters are enough
MIN_BODY, MIN_SINGLE, MIN_DECLARED = 300, 600, 150
MIN_PARAGRAPH = 40

# the words of a "next page" link, alone or with arrows: "Trang sau ›", "Tiếp »", "Xem thêm", "›"
NEXT_WORDS = re.compile(r"^(?:trang\s+(?:sau|tiếp(?:\s+theo)?|kế(?:\s+tiếp)?)|tiếp(?:\s+theo)?|sau|kế\s+tiếp|xem\s+(?:thêm|tiếp)"
                        r"|tin\s+cũ\s+hơn|cũ\s+hơn|next(?:\s+page)?|older(?:\s+posts)?|more)?\s*[›»>→]*$", re.I)
_PAGER = re.compile(r"pag|phan-?trang|phantrang|pager|pages", re.I)
# where a listing URL keeps its page number (four digits at most: longer numbers are article ids)
PAGE_IN_URL = (re.compile(r"(?i)(?P<pre>[?&](?:page|p|trang|pg|paged|pi|pageindex|page_no)=)(?P<n>\d{1,4})(?![\d])"),
               re.compile(r"(?i)(?P<pre>[/-](?:trang|page|p)[/-]?)(?P<n>\d{1,4})(?=(?:\.html?|/)?(?:$|[?#]))"))


@dataclass
class PageLink:
    url: str
    page_no: int | None   # the page number a numbered pager link names (None: the page after this one)


def _visible(el) -> bool:
    for a in el.iterancestors():
        if a.tag in _FURNITURE_TAGS or _FURNITURE.search(f"{a.get('class') or ''} {a.get('id') or ''}"):
            return False
    return True


def _own_text(el) -> str:
    return " ".join(filter(None, [(el.text or "").strip()] + [(c.tail or "").strip() for c in el]))


def longest_body(doc) -> tuple[int, int]:
    """(characters, paragraphs) of the longest run of consecutive paragraphs that no link
    outside a paragraph interrupts: an article's body is one such run, a listing's teasers are
    runs of one, each cut off by the next title link."""
    best = (0, 0)
    run = [0, 0]
    in_par: set = set()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in _FURNITURE_TAGS:
            continue
        if tag == "a" and el.get("href") is not None:
            if not any(a in in_par for a in el.iterancestors()):
                run = [0, 0]  # a link between paragraphs: the run is over
            continue
        if tag == "p" and not (el.text or "").strip() and len(el) and el[0].tag == "a" and el[0].get("href"):
            run = [0, 0]  # a paragraph that opens with a link is a teaser ("<p><a>Title</a> sapo</p>")
            continue
        if tag == "p" or (tag in _BLOCKS and len(_own_text(el)) >= 2 * MIN_PARAGRAPH):
            text = el.text_content() if tag == "p" else _own_text(el)
            n = len(" ".join(text.split()))
            linked = sum(len(a.text_content().strip()) for a in el.iter("a")) if tag == "p" else 0
            if n >= MIN_PARAGRAPH and linked < n / 2 and _visible(el):
                in_par.add(el)
                run = [run[0] + n, run[1] + 1]
                if run[0] > best[0]:
                    best = (run[0], run[1])
    return best


def is_article(body: bytes | str) -> bool:
    """An article page: a title (h1 or og:title), a date, and a body of paragraphs."""
    try:
        doc = lxml_html.fromstring(body)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return False
    head = doc.xpath("//h1") or doc.xpath("//meta[@property='og:title']")
    if not head:
        return False
    og = " ".join(doc.xpath("//meta[@property='og:type']/@content")).lower()
    declared = "article" in og or any(_ARTICLE_TYPES.search(s) for s in doc.xpath("//script[@type='application/ld+json']/text()"))
    dated = bool(doc.xpath("//meta[contains(@property, 'published_time')] | //time | //*[@itemprop='datePublished']")
                 or declared or _DATE.search(doc.text_content()))
    if not dated:
        return False
    chars, paragraphs = longest_body(doc)
    if declared and chars >= MIN_DECLARED:
        return True
    return (chars >= MIN_BODY and paragraphs >= 2) or chars >= MIN_SINGLE


def page_number(url: str) -> int:
    """The page number a listing URL carries (1 when it carries none)."""
    for pat in PAGE_IN_URL:
        m = None
        for m in pat.finditer(url):
            pass
        if m:
            return int(m.group("n"))
    return 1


def listing_root(url: str) -> str:
    """The URL with its page number taken out: the same for every page of one listing."""
    for pat in PAGE_IN_URL:
        url = pat.sub(lambda m: "?" if m.group("pre").startswith("?") else "", url)
    return url.replace("?&", "?").rstrip("?&/")


def _stem(url: str) -> str:
    """The path without a last segment that is a small number ("/thoi-su/2" -> "/thoi-su")."""
    return re.sub(r"/\d{1,4}/?$", "", urlsplit(url).path).rstrip("/")


def _without_page(url: str) -> str:
    for pat in PAGE_IN_URL:
        url = pat.sub(lambda m: m.group("pre") + "N", url)
    return url


def next_pages(response) -> list[PageLink]:
    """The links of a listing to its following pages: rel="next", a link whose class says
    "next", a link whose words are "Trang sau", "Tiếp", "Xem thêm", "»", the numbered links of
    a pager, and a link to this URL with its page number plus one."""
    here = response.url
    n_here = page_number(here)
    shape = _without_page(here)
    out: dict[str, int | None] = {}

    def add(href: str | None, n: int | None = None, sure: bool = False) -> None:
        if not href or href.strip().startswith(("#", "javascript:", "mailto:")):
            return
        url = response.urljoin(href.strip())
        if url.split("#")[0] == here.split("#")[0]:
            return
        # a "next" that leads elsewhere ("Xem thêm" from the home page to a section) is a link
        if sure or _stem(url) == _stem(here) or listing_root(url) == listing_root(here) or page_number(url) > n_here:
            out.setdefault(url, n)

    for href in response.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href").getall():
        add(href, sure=True)
    for a in response.xpath("//a[@href]"):
        href = a.attrib.get("href")
        words = " ".join(" ".join(a.xpath(".//text()").getall()).split())
        label = " ".join(filter(None, [a.attrib.get("aria-label"), a.attrib.get("title")]))
        rel = f" {a.attrib.get('rel', '')} ".lower()
        cls = f"{a.attrib.get('class', '')} {a.attrib.get('id', '')}".lower()
        if " next " in rel:
            add(href, sure=True)
        elif re.search(r"(?:^|[\s_-])next(?:$|[\s_-])", cls):
            add(href)
        elif words and NEXT_WORDS.match(words) and not words.isdigit():
            add(href)
        elif not words and label and NEXT_WORDS.match(label.strip()):
            add(href)
        elif words.isdigit() and a.xpath("ancestor::*[position() <= 3][@class or @id]") and any(
                _PAGER.search(f"{x.attrib.get('class', '')} {x.attrib.get('id', '')}")
                for x in a.xpath("ancestor::*[position() <= 3]")):
            add(href, int(words))
        else:
            url = response.urljoin(href or "")
            if _without_page(url) == shape and page_number(url) == n_here + 1 and _same_query_keys(url, here):
                add(href)
    return [PageLink(u, n) for u, n in out.items()]


def _same_query_keys(a: str, b: str) -> bool:
    ka = {k for k, _ in parse_qsl(urlsplit(a).query)}
    kb = {k for k, _ in parse_qsl(urlsplit(b).query)}
    return ka <= kb | {m.group("pre").strip("?&=") for m in PAGE_IN_URL[0].finditer(a)}
