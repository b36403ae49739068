"""A provincial-newspaper site with no registry entry, for the generic crawl.

`news_site(...)` builds it from the sample articles: a home page with a menu and the latest
news; categories paged 8 items a page with a "Trang sau ›" link (one paged by path, one by
`?page=N`, article URLs with and without numbers); article pages with a date, a body, and a
"Tin liên quan" box whose links carry `?utm_` parameters, some of them leading to articles no
listing shows; a menu link under /noi-bo/, which robots.txt disallows; one article that fails
once with a 500. `shape="numbered"` pages the categories with a numbered pager and "»" only.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from .server import Site, load_articles, slugify

CATEGORIES = (("thoi-su", "Thời sự"), ("kinh-te", "Kinh tế"))
MENU_EXTRA = (("/noi-bo/dang-nhap", "Nội bộ"), ("/gioi-thieu", "Giới thiệu"), ("/lien-he", "Liên hệ"))
UTM = "?utm_source=lienquan&utm_medium=box&utm_campaign=tin-lien-quan"


@dataclass
class GenericSite:
    site: Site
    listings: list[str] = field(default_factory=list)      # home and every page of every category
    articles: list[str] = field(default_factory=list)      # every article path
    orphans: list[str] = field(default_factory=list)       # articles only related boxes link to
    flaky: str = ""                                        # the article that fails once
    disallowed: str = "/noi-bo/"


def _menu(active: str = "") -> str:
    items = [("/", "Trang chủ")] + [(f"/{c}", name) for c, name in CATEGORIES] + list(MENU_EXTRA)
    links = "".join(f'<li{" class=active" if p == active else ""}><a href="{p}">{html.escape(t)}</a></li>' for p, t in items)
    return f'<header class="site-header"><div class="logo"><a href="/">Báo Sông Hương</a></div><nav class="main-menu"><ul>{links}</ul></nav></header>'


FOOTER = ('<footer class="site-footer"><p>Cơ quan chủ quản: Tỉnh ủy. Tổng biên tập: Nguyễn Văn A</p>'
          '<p>Giấy phép số 123/GP-BTTTT cấp ngày 02-12-2021. Địa chỉ: 24 Lê Lợi, TP Huế</p>'
          '<p>Ghi rõ nguồn "Báo Sông Hương" khi phát hành lại thông tin từ website này</p></footer>')


def _page(title: str, body: str, active: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)} - Báo Sông Hương</title>'
            f'<meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/css/main.css"></head>'
            f'<body>{_menu(active)}<main class="container">{body}</main>{FOOTER}</body></html>').encode()


def news_site(*, reform: int = 24, general: int = 56, per_page: int = 8, orphans: int = 3, crawl_delay: float = 0.02,
              shape: str = "next", seed: int = 7) -> GenericSite:
    rnd = random.Random(seed)
    arts = load_articles("cchc_sample.jsonl", reform + orphans) + load_articles("general_sample.jsonl", general)
    listed, hidden = arts[orphans:], arts[:orphans]  # the first reform articles: in related boxes only
    rnd.shuffle(listed)
    g = GenericSite(site=Site(robots=f"User-agent: *\nDisallow: /noi-bo/\nCrawl-delay: {crawl_delay}\n", lenient_query=True))
    site = g.site
    path_of: dict[int, str] = {}
    cat_of: dict[int, str] = {}
    for i, a in enumerate(arts):
        cat = CATEGORIES[i % 2][0] if a not in hidden else CATEGORIES[0][0]
        slug = slugify(a.get("title") or a["text"][:50], 300000 + i)
        path_of[i] = f"/{cat}/{slug}.html" if cat == "thoi-su" else f"/tin/{slug.rsplit('-a', 1)[0]}-{chr(97 + i % 26)}"
        cat_of[i] = cat
    index = {id(a): i for i, a in enumerate(arts)}
    by_cat = {c: [index[id(a)] for a in listed if cat_of[index[id(a)]] == c] for c, _ in CATEGORIES}

    # article pages: every third carries an orphan in its related box
    related_pool = [index[id(a)] for a in listed]
    for n, (i, a) in enumerate((index[id(a)], a) for a in arts):
        title = a.get("title") or a["text"][:60]
        day = 1 + i % 28
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in a["text"].split("\n") if p.strip())
        rel = rnd.sample([j for j in related_pool if j != i], 3)
        if hidden and n % 3 == 0:
            rel[0] = index[id(hidden[(n // 3) % len(hidden)])]
        box = "".join(f'<li><a href="{path_of[j]}{UTM}">{html.escape(arts[j].get("title") or "Tin")}</a></li>' for j in rel)
        body = (f'<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/{cat_of[i]}">{dict(CATEGORIES)[cat_of[i]]}</a></div>'
                f'<article class="detail"><h1 class="detail-title">{html.escape(title)}</h1>'
                f'<div class="meta"><span class="date">Thứ Hai, {day:02d}/01/2026 08:{i % 60:02d}</span>'
                f'<span class="author">Minh Anh</span></div>'
                f'<div class="detail-content">{paras}</div>'
                f'<div class="related"><h3>Tin liên quan</h3><ul>{box}</ul></div></article>'
                f'<div class="share"><a href="https://www.facebook.com/sharer.php?u={path_of[i]}">Chia sẻ</a></div>')
        site.pages[path_of[i]] = _page(title, body, f"/{cat_of[i]}")
        g.articles.append(path_of[i])
    g.orphans = [path_of[index[id(a)]] for a in hidden]

    # category listings, paged
    for k, (cat, name) in enumerate(CATEGORIES):
        items = by_cat[cat]
        chunks = [items[j:j + per_page] for j in range(0, len(items), per_page)]
        for n, chunk in enumerate(chunks, 1):
            def url(m, cat=cat, k=k):
                if m == 1:
                    return f"/{cat}"
                return f"/{cat}/trang-{m}" if k == 0 else f"/{cat}?page={m}"
            teasers = "".join(
                f'<div class="story"><a class="thumb" href="{path_of[i]}"><img src="/anh/{i}.jpg" alt=""></a>'
                f'<h3 class="story-title"><a href="{path_of[i]}">{html.escape(arts[i].get("title") or "Tin")}</a></h3>'
                f'<p class="sapo">{html.escape(arts[i]["text"][:170])}…</p><span class="time">{1 + i % 28:02d}/01/2026</span></div>'
                for i in chunk)
            if shape == "numbered":
                nums = "".join(f'<a href="{url(m)}">{m}</a>' if m != n else f"<span>{m}</span>"
                               for m in range(max(1, n - 2), min(len(chunks), n + 2) + 1))
                last = f'<a href="{url(len(chunks))}">»</a>' if n < len(chunks) else ""
                pager = f'<div class="pagination">{nums}{last}</div>'
            else:
                prev = f'<a class="prev-page" href="{url(n - 1)}">‹ Trang trước</a>' if n > 1 else ""
                nxt = f'<a class="next-page" href="{url(n + 1)}">Trang sau ›</a>' if n < len(chunks) else ""
                pager = f'<div class="paging">{prev} <span class="current">Trang {n}</span> {nxt}</div>'
            body = f'<h1 class="cat-title">{name}</h1><div class="list-news">{teasers}</div>{pager}'
            site.pages[url(n)] = _page(f"{name} - trang {n}", body, f"/{cat}")
            g.listings.append(url(n))

    # home: the latest of each category, and a "Xem thêm" to each category
    latest = "".join(
        f'<section class="box-cat"><h2><a href="/{cat}">{name}</a></h2>'
        + "".join(f'<h3><a href="{path_of[i]}">{html.escape(arts[i].get("title") or "Tin")}</a></h3>' for i in by_cat[cat][:4])
        + f'<a class="more" href="/{cat}">Xem thêm</a></section>'
        for cat, name in CATEGORIES)
    site.pages["/"] = _page("Trang chủ", f'<h1 class="sr-only">Báo Sông Hương</h1>{latest}')
    g.listings.insert(0, "/")
    about = ("Báo Sông Hương là cơ quan ngôn luận của Đảng bộ tỉnh, tiếng nói của chính quyền và nhân dân. "
             "Báo phát hành hằng ngày và cập nhật tin tức liên tục trên trang điện tử.")
    site.pages["/gioi-thieu"] = _page("Giới thiệu", f"<h1>Giới thiệu</h1><p>{about}</p>")
    site.pages["/lien-he"] = _page("Liên hệ", "<h1>Liên hệ</h1><p>Tòa soạn: 24 Lê Lợi, TP Huế. Điện thoại: 0234 3823 000</p>")
    site.pages["/noi-bo/dang-nhap"] = _page("Đăng nhập", "<h1>Đăng nhập</h1><form><input name=u></form>")

    g.flaky = path_of[orphans]  # the first reform article a listing shows
    site.fail_first[g.flaky] = 1
    return g
