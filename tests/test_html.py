"""Saved pages of real Vietnamese news sites (trafilatura-style: must / must not contain)."""
from __future__ import annotations

import gzip

import pytest

from extractor.model import Article, ReadError
from extractor.reading import iter_articles
from extractor.reading.html import read_html
from extractor.sources import RegistryError, load_sources, parse

from conftest import ROOT

PAGES = ROOT / "corpus" / "pages"

CASES = {
    "baocantho.com.vn.article.html": dict(
        title="Tập trung triển khai các đợt thanh tra, kiểm tra có trọng tâm, trọng điểm nhất là các lĩnh vực có nguy cơ",
        published="2026-01-08T18:21:00+07:00", author="Tin, ảnh: P.Y", province="Cần Thơ",
        must=["(CTO) - Ngày 8-1, Phó Thủ tướng Thường trực Nguyễn Hòa Bình", "trong sạch, liêm chính"],
        must_not=["Chia sẻ bài viết", "Từ khóa", "BÌNH LUẬN", "Đọc nhiều", "Tiêu điểm"]),
    "baolaocai.vn.article.html": dict(
        title="Sống đẹp từ những điều giản dị", published="2025-06-17T13:43:02+07:00", author="Anh Dũng",
        must=["Thiếu tá Đoàn Thị Hạnh"], must_not=["Tin cùng chuyên mục", "Báo Lào Cai điện tử"]),
    "vtcnews.vn.article.html": dict(
        title="Mở rộng đường hơn 2.000 tỷ đồng 'giải cứu' kẹt xe ở cửa ngõ phía Đông TP.HCM",
        published="2025-12-24T09:30:00+07:00", must=["đường Nguyễn Thị Định"], must_not=["Tin liên quan"]),
    "znews.vn.article.html": dict(
        title="Giá vàng thế giới cao nhất mọi thời đại", published="2025-12-23T09:02:07+07:00",
        must=["4.489 USD/ounce"], must_not=["Đọc nhiều"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_saved_article_pages(name):
    case = CASES[name]
    (art,) = list(iter_articles([str(PAGES / name)]))
    assert isinstance(art, Article), art
    assert art.title == case["title"]
    assert art.published == case["published"]
    if "author" in case:
        assert art.author == case["author"]
    if "province" in case:
        assert art.province == case["province"]
    for s in case["must"]:
        assert s in art.text, s
    for s in case["must_not"]:
        assert s not in art.text, s


@pytest.mark.parametrize("name", ["baocantho.com.vn.category-thoi-su.html", "vtcnews.vn.home.html"])
def test_listing_pages_are_not_articles(name):
    (err,) = list(iter_articles([str(PAGES / name)]))
    assert isinstance(err, ReadError) and "listing" in err.reason


def test_stray_empty_root_is_repaired():
    body = "<p>" + "Kết quả, bộ phận Một cửa Thành phố tiếp nhận 1.245 hồ sơ, trễ hạn 3 hồ sơ. " * 3 + "</p>"
    html = ('<html lang="vi"></html><head><meta charset="utf-8"><title>TP. Tây Ninh</title>'
            '<meta property="og:title" content="TP. Tây Ninh: Sơ kết cải cách hành chính"></head>'
            f'<body><div class="content-detail">{body}</div></body></html>')
    art = read_html(html.encode(), "x.html", url="https://baotayninh.vn/tp-tay-ninh-so-ket-a172001.html")
    assert art.title == "TP. Tây Ninh: Sơ kết cải cách hành chính" and "1.245 hồ sơ" in art.text
    assert art.site == "Báo Tây Ninh" and art.province == "Tây Ninh"


def test_legacy_encoding_and_gzip():
    html = ('<html><head><meta charset="windows-1258"><title>x</title></head><body><article><p>'
            + "Hội nghị tổng kết công tác cải cách hành chính của tỉnh diễn ra sáng nay tại hội trường. " * 2
            + "</p></article></body></html>")
    # windows-1258 writes tones as combining marks: decoded and normalized, the text is NFC again
    import unicodedata

    data = unicodedata.normalize("NFD", html).encode("cp1258", "ignore")
    art = read_html(data, "legacy.html")
    assert "cải cách hành chính" in art.text
    art2 = read_html(gzip.compress(html.encode("utf-8").replace(b"windows-1258", b"utf-8")), "g.html")
    assert "cải cách hành chính" in art2.text


@pytest.mark.parametrize("data,why", [(b"", "empty"), (b"<html><head></head></html>", "no body"),
                                      ("<html><body><p>Ngắn.</p></body></html>".encode(), "no article text")])
def test_bad_pages_are_clear_errors(data, why):
    with pytest.raises(ReadError) as e:
        read_html(data, "bad.html")
    assert why in e.value.reason


def test_truncated_page_is_best_effort():
    full = (PAGES / "baocantho.com.vn.article.html").read_bytes()
    art = read_html(full[: len(full) // 2], "half.html")
    assert art.title and "(CTO)" in art.text


def test_registry():
    sources = load_sources()
    assert len(sources) >= 15
    names = {s.name for s in sources}
    assert {"thanhuytphcm", "baohaiphong", "baotayninh", "hanoimoi", "baocantho"} <= names
    for s in sources:
        assert s.is_article_url(s.example_article_url), s.name
        for listing in s.listings:
            assert not s.is_article_url(listing), (s.name, listing)
    with pytest.raises(RegistryError, match="unknown keys"):
        parse({"sources": [{"name": "x", "base_url": "https://x.vn", "colour": "red"}]})
    with pytest.raises(RegistryError, match="host"):
        parse({"sources": [{"name": "a", "base_url": "https://x.vn"}, {"name": "b", "base_url": "https://x.vn"}]})
    for entry in ({"selectors": {"body": "div.content[["}}, {"strip": [".share >"]}, {"listing_links": "h3 a!"}):
        with pytest.raises(RegistryError, match="source x: bad CSS selector"):   # named when loaded, not a lost body
            parse({"sources": [{"name": "x", "base_url": "https://x.vn", **entry}]})
