"""Reading articles: the seeds' title, date, author and body boundaries; JSON Lines; bad input."""
from __future__ import annotations

import gzip
import json

import pytest

from extractor.model import Article, ReadError
from extractor.normalize import normalize_text
from extractor.reading import iter_articles
from extractor.reading.dates import parse_date

from conftest import SEEDS

SEED_META = {
    "000": ("Nâng cao trách nhiệm người đứng đầu trong công tác cải cách hành chính", "2023-06-10", "Chí Lộc",
            "Đồng chí Hoàng Tùng trao giấy khen", "cải cách hành chính năm 2022."),
    "001": ("Huyện Kiến Thụy tăng cường cải cách hành chính", "2022-07-04", "LIÊM ĐOÀN",
            "Thời gian qua, công tác cải cách hành chính", "trên địa bàn huyện."),
    "002": ("TP. Tây Ninh: Sơ kết công tác cải cách hành chính 3 tháng đầu năm", "2024-04-13", "Linh Thùy",
            "BTNO - Ngày 12.4", "báo cáo lãnh đạo UBND Thành phố."),
    "003": ("Minh bạch giải quyết thủ tục hành chính, vì sự hài lòng của người dân", "2023-09-21", "Hoài Thu",
            "Văn phòng UBND thành phố Hà Nội vừa có Công văn", "của Thủ tướng Chính phủ."),
    "004": ("Lấy sự hài lòng của người dân, doanh nghiệp làm trung tâm phục vụ", "2024-02-28", "Q. THÁI",
            "(CT) - Ngày 28-2", "Bằng khen của Chủ tịch UBND TP Cần Thơ."),
}
FURNITURE = ["Ý kiến bạn đọc", "Tin khác", "Từ khóa", "captcha", "Chia sẻ bài viết", "Dầu gội", "Google News",
             "Bình luận", "Đừng bỏ lỡ", "Không sao chép", "hanh-chinh.jpg", "Liên kết hữu ích"]


@pytest.mark.parametrize("prefix", sorted(SEED_META))
def test_seed_article(prefix):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    (art,) = list(iter_articles([str(path)]))
    assert isinstance(art, Article)
    title, date, author, first, last = SEED_META[prefix]
    assert art.title == title
    assert art.published[:10] == date
    assert art.author == author
    assert art.text.startswith(first)
    assert art.text.endswith(last)
    for junk in FURNITURE:
        assert junk not in art.text
    assert art.source == str(path)
    assert art.text == normalize_text(art.text)


def test_seed_004_normalizes_eth_to_d():
    path = next(SEEDS.glob("004_*.txt"))
    assert "Ð" in path.read_text(encoding="utf-8")
    (art,) = list(iter_articles([str(path)]))
    assert "Ð" not in art.text and "Đối với cấp sở" in art.text


@pytest.mark.parametrize("s,iso", [
    ("Thứ Bảy, ngày 10 tháng 6 năm 2023", "2023-06-10"),
    ("15:18 04/07/2022", "2022-07-04T15:18:00+07:00"),
    ("Cập nhật ngày: 13/04/2024 - 19:42", "2024-04-13T19:42:00+07:00"),
    ("Hoài Thu 21/09/2023 - 18:50", "2023-09-21T18:50:00+07:00"),
    ("28/02/2024 - 23:05", "2024-02-28T23:05:00+07:00"),
    ("Thứ hai, 29/12/2025, 15:50 (GMT+7)", "2025-12-29T15:50:00+07:00"),
    ("2026-01-08T10:00:00+0700", "2026-01-08T10:00:00+07:00"),
    ("Fri, 19 Jul 2024 19:00:00 +0700", "2024-07-19T19:00:00+07:00"),
    ("03/04/2024", "2024-04-03"),  # day first, always
    ("20210409", "2021-04-09"),  # ISO 8601 basic, as a feed's `published` (cchc.jsonl) has it
    ("20211304", None),  # no month 13
    ("202104091", None),  # not a date
    # dateparser's Vietnamese rows (scrapinghub/dateparser tests)
    ("Thứ Năm, ngày 8 tháng 1 năm 2015", "2015-01-08"),
    ("Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00"),
    ("ngày 12 tháng 4 năm 1939", "1939-04-12"),
    ("Thứ Hai, 10/3", None),  # no year written: no year invented from the clock
    ("Thứ hai, 10 tháng 3", None),
])
def test_dates_day_first(s, iso):
    assert parse_date(s) == iso


def test_jsonl_sources_and_errors(tmp_path):
    p = tmp_path / "arts.jsonl"
    rows = [
        {"id": "a1", "url": "https://baotayninh.vn/x-a1.html", "title": "T", "published": "2024-04-13", "text": "tiếp nhận 1.245 hồ sơ"},
        {"id": "a2", "title": "Không URL", "text": "Cải cách hành chính"},
        {"id": "a3", "title": "rỗng", "text": ""},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{not json\n", encoding="utf-8")
    got = list(iter_articles([str(p)]))
    assert [type(x).__name__ for x in got] == ["Article", "Article", "ReadError", "ReadError"]
    assert got[0].source == "https://baotayninh.vn/x-a1.html"
    assert got[1].source == f"{p}#a2"
    assert "no `text`" in got[2].reason and got[2].source == f"{p}:3"
    assert "not JSON" in got[3].reason


def test_jsonl_gz_and_truncated_gz(tmp_path):
    good = tmp_path / "a.jsonl.gz"
    data = (json.dumps({"id": 1, "text": "tiếp nhận 12 hồ sơ"}) + "\n") * 50
    good.write_bytes(gzip.compress(data.encode()))
    assert sum(isinstance(a, Article) for a in iter_articles([str(good)])) == 50
    bad = tmp_path / "b.jsonl.gz"
    bad.write_bytes(gzip.compress(data.encode())[:-30])
    got = list(iter_articles([str(bad)]))
    assert isinstance(got[-1], ReadError) and "unreadable" in got[-1].reason
    assert all(isinstance(a, Article) for a in got[:-1])


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin = tmp_path / "legacy.txt"
    latin.write_bytes(b"H\xf4i ngh\xec t\xf4\xf2ng k\xea\xf3t c\xe3i c\xe1ch h\xe0nh ch\xednh")  # windows-1258
    good = next(SEEDS.glob("000_*.txt"))
    got = list(iter_articles([str(empty), str(tmp_path / "missing.txt"), str(latin), str(good)]))
    assert [type(x).__name__ for x in got] == ["ReadError", "ReadError", "ReadError", "Article"]
    assert "empty" in got[0].reason
    assert "no such file" in got[1].reason
    assert "not UTF-8" in got[2].reason


def test_folder_walk_skips_annotations(tmp_path):
    (tmp_path / "x.gold.jsonl").write_text('{"doc": "a"}\n')
    (tmp_path / "a.txt").write_text("Tiêu đề bài viết về cải cách hành chính\n\nUBND tiếp nhận 12 hồ sơ.\n")
    got = list(iter_articles([str(tmp_path)]))
    assert len(got) == 1 and isinstance(got[0], Article)


def test_stdin_is_sniffed():
    import io

    data = json.dumps({"id": "s", "text": "tiếp nhận 12 hồ sơ"}).encode()
    (art,) = list(iter_articles(["-"], stdin=io.BytesIO(data)))
    assert art.source == "-#s"
