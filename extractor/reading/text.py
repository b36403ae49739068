"""Plain-text articles: what a copy-paste of a news page gives.

Date lines, breadcrumbs, the title, a kicker, the lead, captions, the body, the byline, then
site furniture. `read_text` finds title, date, author and body; the body is what the
`article` record's `text` holds and what every offset refers to.
"""
from __future__ import annotations

import regex

from ..model import Article, ReadError
from ..normalize import normalize_text
from ..patterns import compile_pattern, load_file
from .dates import find_date

_WORD = regex.compile(r"\w+")
# the agency after an author's name is no part of it: "Chu Thanh Vân (TTXVN)"
_AGENCY = regex.compile(r"\s*\([^()]{1,40}\)\s*$")
_LEAD_MARK = regex.compile(r"^\s*(?:\([^()\n]{1,40}\)\s*[-–—]|[\p{Lu}\d.]{2,15}\s*[-–—]\s)")


def _layout():
    """The furniture, breadcrumb and byline rules of patterns/layout.yaml, compiled."""
    data = load_file("layout")
    return {r["id"]: compile_pattern(r["regex"]) for r in data["rules"]}


_RULES: dict | None = None


def rules() -> dict:
    global _RULES
    if _RULES is None:
        _RULES = _layout()
    return _RULES


def is_furniture_start(line: str) -> bool:
    """A line after which nothing belongs to the article ("Tin khác", "Chia sẻ bài viết"…)."""
    return bool(rules()["layout.furniture_start"].fullmatch(line.strip()))


def _is_drop_line(line: str) -> bool:
    s = line.strip()
    return bool(rules()["layout.drop_line"].fullmatch(s))


def _is_breadcrumb(line: str) -> bool:
    return bool(rules()["layout.breadcrumb"].search(line))


def _is_byline(line: str) -> bool:
    s = line.strip()
    return bool(s) and bool(rules()["layout.byline"].fullmatch(s))


def _is_date_line(line: str) -> tuple[bool, str | None, str | None]:
    """(is a date line, iso date, text before the date: a byline on some sites)."""
    s = line.strip()
    if len(s) > 80:
        return False, None, None
    found = find_date(s)
    if not found:
        return False, None, None
    before, after = s[:found.start].strip(), s[found.end:].strip(" -|,()GMT+7")
    if len(_WORD.findall(before)) > 6 or len(_WORD.findall(after)) > 3:
        return False, None, None
    return True, found.iso, before or None


def _byline_before_captions_or_inline(lines: list[str], tail: int, head: int) -> tuple[str | None, list[str]]:
    """A byline that is not the last line: one followed only by a few photo captions
    ("Hoàng Thuỳ" / "Chủ tịch … phát biểu tại …"), or written at the end of the last paragraph
    ("… điện tử. Tuấn Ngọc"). The byline leaves the body; the captions stay."""
    from ..normalize import fold
    from ..gazetteer import place_names

    filled = [i for i in range(head + 1, tail) if lines[i]]
    for k in range(len(filled) - 2, max(0, len(filled) - 6), -1):  # at most four captions after it
        i, before = filled[k], lines[filled[k - 1]]
        captions = [lines[j] for j in filled[k + 1:]]
        if _is_byline(lines[i]) and fold(lines[i]) not in place_names() and before[-1:] in '.!?"”…:' \
                and all(len(c) < 220 for c in captions[1:]):
            return _AGENCY.sub("", lines[i]), lines[:i] + [""] + lines[i + 1:]
    if filled:
        last = filled[-1]
        m = rules()["layout.byline_inline"].search(lines[last])
        if m and fold(m.group("name") or "") not in place_names():
            by = m.group("name") or m.group("initials")
            return by, lines[:last] + [lines[last][:m.start()].rstrip()] + lines[last + 1:]
    return None, lines


def read_text(raw: str, source: str, **meta) -> Article:
    """Read a plain-text article. `meta` may preset url, site, title, published, author."""
    text = normalize_text(raw)
    lines = [ln.strip() for ln in text.split("\n")]
    if not any(lines):
        raise ReadError(source, "empty file")

    # 1. cut the furniture tail: the first furniture line after the head
    end = len(lines)
    for i, ln in enumerate(lines):
        if i > 2 and ln and is_furniture_start(ln):
            end = i
            break
    lines = lines[:end]

    # 2. the head: lines before the lead (first long paragraph or one with a "(XYZ) -" mark)
    first_para = next((i for i, ln in enumerate(lines)
                       if len(ln) > 160 or (_LEAD_MARK.match(ln) and len(ln) > 60)), len(lines))
    published = meta.get("published")
    author = meta.get("author")
    title = meta.get("title")
    title_idx = None
    drop: set[int] = set()
    candidates = []
    for i in range(first_para):
        ln = lines[i]
        if not ln:
            continue
        is_date, iso, before = _is_date_line(ln)
        if is_date:
            drop.add(i)
            published = published or iso
            if before and not author and _is_byline(before):
                author = before
            continue
        if _is_breadcrumb(ln) or _is_drop_line(ln):
            drop.add(i)
            continue
        if ln.endswith(":"):  # a kicker: "Ông Trần Việt Trường, Chủ tịch UBND TP Cần Thơ:"
            drop.add(i)
            continue
        candidates.append(i)
    if title is None and candidates:
        title_idx = next((i for i in candidates if len(_WORD.findall(lines[i])) >= 5), candidates[0])
        title = lines[title_idx]
    if title_idx is not None:
        drop.update(i for i in candidates if i < title_idx)  # category labels above the title
        drop.add(title_idx)

    # 3. the tail: trailing ads and drop lines, then the byline
    tail = len(lines)
    while tail > 0 and (not lines[tail - 1] or _is_drop_line(lines[tail - 1])):
        tail -= 1
    if tail > 0 and _is_byline(lines[tail - 1]) and tail - 1 > (title_idx or 0):
        if not author:
            author = lines[tail - 1]
        tail -= 1
    elif not author:
        author, lines = _byline_before_captions_or_inline(lines, tail, title_idx or 0)
    if title_idx is not None and not any(ln for i, ln in enumerate(lines[:tail]) if i not in drop):
        # one paragraph and nothing else: that is the body, not a title
        drop.discard(title_idx)
        title = meta.get("title")
    body_lines = [ln for i, ln in enumerate(lines[:tail]) if ln and i not in drop and not _is_drop_line(ln)]
    body = "\n\n".join(body_lines).strip()
    if not body:
        raise ReadError(source, "no article text found")
    if published is None:  # a date in the first body lines ("15:18 04/07/2022" after the title)
        for ln in body_lines[:3]:
            ok, iso, _ = _is_date_line(ln)
            if ok:
                published = iso
                break
    return Article(source=source, text=body, title=title, published=published, author=author,
                   url=meta.get("url"), site=meta.get("site"))
