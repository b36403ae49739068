"""The Vietnamese number reader, as a table of inputs (dateparser style)."""
from __future__ import annotations

import pytest

from extractor.numbers import find_quantities, parse_number, parse_spelled

PARSE = [
    ("36.466", {}, 36466), ("95,31", {"percent": True}, 95.31), ("98.93", {"percent": True}, 98.93),
    ("1.245", {"count": True}, 1245), ("03", {}, 3), ("4.776", {"count": True}, 4776),
    ("1,2", {"scaled": True}, 1.2), ("2.463.339", {}, 2463339), ("1.234,5", {}, 1234.5),
    ("1,245", {"count": True}, 1245), ("0,72", {"percent": True}, 0.72), ("17,6", {"percent": True}, 17.6),
    ("12.5", {"percent": True}, 12.5), ("1,245.5", {}, 1245.5),
]


@pytest.mark.parametrize("s,kw,want", PARSE)
def test_parse_number(s, kw, want):
    assert parse_number(s, **kw) == pytest.approx(want)


# Duckling's Vietnamese numeral corpus (facebook/duckling Duckling/Numeral/VI/Corpus.hs), the
# spelled rows, plus our own: the value and every way it is written.
SPELLED = [
    (0, ["không"]), (1, ["một"]), (2, ["hai"]), (33, ["ba mươi ba"]), (14, ["mười bốn"]),
    (16, ["mười sáu"]), (17, ["mười bảy"]), (18, ["mười tám"]), (5000, ["năm nghìn", "năm ngàn"]),
    (200000, ["hai trăm nghìn"]), (1000000000, ["một tỷ", "một tỉ"]),
    (21011, ["hai mươi mốt nghìn không trăm mười một"]),
    (721012, ["bảy trăm hai mươi mốt nghìn không trăm mười hai"]),
    (10, ["mười"]), (25, ["hai mươi lăm", "hai mươi nhăm"]), (0.5, ["một nửa"]),
    (105, ["một trăm linh năm", "một trăm lẻ năm"]), (3000, ["ba nghìn"]), (9, ["chín"]),
    (21, ["hai mươi mốt"]), (24, ["hai mươi tư", "hai mươi bốn"]), (120, ["một trăm hai mươi"]),
    (1005, ["một nghìn không trăm linh năm"]), (2300000, ["hai triệu ba trăm nghìn"]),
]


@pytest.mark.parametrize("want,s", [(v, w) for v, ws in SPELLED for w in ws])
def test_parse_spelled(s, want):
    assert parse_spelled(s) == want


@pytest.mark.parametrize("s", ["mốt", "lăm", "hai mốt mươi x", "một cửa"])
def test_not_spelled(s):
    assert parse_spelled(s) is None


def quantities(text):
    return [(q.value, q.total, q.unit, q.qualifier) for q in find_quantities(text)]


FOUND = [
    ("tiếp nhận 36.466 hồ sơ", [(36466, None, "hồ sơ", "exact")]),
    ("đạt tỷ lệ 95,31%", [(95.31, None, "%", "exact")]),
    ("đạt tỷ lệ 98.93%", [(98.93, None, "%", "exact")]),
    ("tiếp nhận 1.245 hồ sơ", [(1245, None, "hồ sơ", "exact")]),
    ("có 03 thủ tục hành chính", [(3, None, "thủ tục", "exact")]),
    ("và 4.776 người làm việc", [(4776, None, "người", "exact")]),
    ("đã giải quyết: 36.075/36.466 hồ sơ", [(36075, 36466, "hồ sơ", "exact")]),
    ("tuyên truyền hơn 100 lượt", [(100, None, "lượt", "more_than")]),
    ("khoảng 50 người", [(50, None, "người", "approx")]),
    ("gần 4.000 bộ hồ sơ quá hạn", [(4000, None, "hồ sơ", "approx")]),
    ("dưới 5% hồ sơ", [(5, None, "%", "less_than")]),
    ("ít nhất 20 nhiệm vụ", [(20, None, "nhiệm vụ", "at_least")]),
    ("tối thiểu 80% số kiến nghị", [(80, None, "%", "at_least")]),
    ("mười nhiệm vụ trọng tâm", [(10, None, "nhiệm vụ", "exact")]),
    ("hai mươi lăm hồ sơ", [(25, None, "hồ sơ", "exact")]),
    ("tiếp nhận 1,2 triệu hồ sơ", [(1200000, None, "hồ sơ", "exact")]),
    ("tiếp nhận 14 triệu hồ sơ", [(14000000, None, "hồ sơ", "exact")]),
    ("cả nước là 80,90% người", [(80.9, None, "%", "exact")]),
    ("tỉ lệ hài lòng đạt từ 90% trở lên", [(90, None, "%", "at_least")]),
    # qualifiers: the longest written one wins
    ("ít hơn 5% hồ sơ bị trễ hạn", [(5, None, "%", "less_than")]),
    ("không ít hơn 5% hồ sơ", [(5, None, "%", "at_least")]),
    ("không quá 10 hồ sơ mỗi ngày", [(10, None, "hồ sơ", "at_most")]),
    ("tối đa 3 thủ tục", [(3, None, "thủ tục", "at_most")]),
    ("không tới 2% hồ sơ", [(2, None, "%", "less_than")]),
    ("chưa đến 500 hồ sơ", [(500, None, "hồ sơ", "less_than")]),
    ("từ 5 hồ sơ trở xuống", [(5, None, "hồ sơ", "at_most")]),
    ("hơn 1.200 dịch vụ công", [(1200, None, "dịch vụ công", "more_than")]),
    # decimals said in words
    ("đạt hai phẩy 23%", [(2.23, None, "%", "exact")]),
    ("tiếp nhận hai phẩy năm triệu hồ sơ", [(2500000, None, "hồ sơ", "exact")]),
]


@pytest.mark.parametrize("text,want", FOUND)
def test_found(text, want):
    assert quantities(text) == [(pytest.approx(v), t, u, q) for v, t, u, q in want]


NOT_FIGURES = [
    "Ngày 7/3, UBND TP Thủ Đức tổ chức hội nghị",
    "Ngày 12.4, UBND thành phố Tây Ninh tổ chức hội nghị",
    "Ngày 28-2, ông Trần Việt Trường chủ trì",
    "Kế hoạch số 214/KH-UBND ngày 18-8-2023 của UBND thành phố",
    "hội nghị sơ kết công tác cải cách hành chính quý I.2024",
    "Trong 6 tháng đầu năm 2022, bộ phận tiếp nhận trả kết quả",
    "Chỉ số cải cách hành chính giai đoạn 2020 - 2025",
    "Quyết định số 769/QĐ-UBND ngày 28/1/2022",
    "theo tiêu chuẩn quốc gia TCVN ISO 9001:2015",
    "dịch vụ công trực tuyến mức độ 3, 4",
    "huyện Vĩnh Thạnh xếp thứ 2 trong bảng xếp hạng",
    "tuyến đường thanh toán không dùng tiền mặt đường Cách Mạng Tháng Tám",
    "triển khai hiệu quả Đề án 06 trên địa bàn",
    "hằng năm TP tiếp nhận hàng chục triệu hồ sơ",
    "cung cấp dịch vụ công trực tuyến một phần",
    "thực hiện cơ chế một cửa, một cửa liên thông",
    "trong thời hạn 07 ngày làm việc kể từ ngày tiếp nhận hồ sơ",
    "phòng, chống dịch Covid-19 trên địa bàn",
    "Văn bản số 3276 / UBND – KSTTCNC gửi các sở ngành",
    "trong tháng 01/2025 và tháng 3/2017",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text):
    assert quantities(text) == []


def _readers():
    from extractor.patterns import load_file

    return [pytest.param(r, ex, id=f"{r['id']}:{ex['text'][:40]}")
            for r in load_file("numbers")["readers"] for pol in ("positive", "negative")
            for ex in r["examples"][pol]]


# what each reader of numbers.yaml reads: a negative example of it gives no such quantity
READS = {
    "numbers.range": lambda q: q.qualifier in ("range_low", "range_high"),
    "numbers.spelled": lambda q: not any(ch.isdigit() for ch in q.raw),   # a number in words
    "numbers.bare_score": lambda q: q.unit is None,                       # a bare decimal score
}


@pytest.mark.parametrize("reader,ex", _readers())
def test_reader_examples(reader, ex):
    """numbers.yaml `readers`: a positive example gives exactly its quantities, a negative one
    gives no quantity of the kind the reader reads."""
    qs = find_quantities(ex["text"], **reader.get("call", {}))
    if "expect" in ex:
        assert [(q.value, q.unit, q.qualifier) for q in qs] == [(pytest.approx(v), u, q) for v, u, q in ex["expect"]]
    else:
        assert not [q for q in qs if READS[reader["id"]](q)], qs


def test_every_reader_says_what_it_reads():
    from extractor.patterns import load_file

    assert {r["id"] for r in load_file("numbers")["readers"]} == set(READS)


def test_bare_numbers_in_a_breakdown_take_the_unit_of_the_count():
    qs = quantities("tiếp nhận 12.345 hồ sơ, trong đó trước hạn 1.000, đúng hạn 10.000, trễ hạn 45.")
    assert qs == [(12345, None, "hồ sơ", "exact"), (1000, None, "hồ sơ", "exact"), (10000, None, "hồ sơ", "exact"),
                  (45, None, "hồ sơ", "exact")]
    assert quantities("tiếp nhận 12.345 hồ sơ trong năm 2023, đúng hạn.") == [(12345, None, "hồ sơ", "exact")]
    assert quantities("khen thưởng 25 tập thể, cá nhân") == [(25, None, "tập thể, cá nhân", "exact")]


def test_offsets_point_at_the_number():
    text = "Bộ phận Một cửa phường, xã tiếp nhận 5.032 hồ sơ, quá hạn 9 hồ sơ."
    qs = find_quantities(text)
    assert [text[q.num_start:q.num_end] for q in qs] == ["5.032", "9"]
    assert [text[q.start:q.end] for q in qs] == ["5.032 hồ sơ", "9 hồ sơ"]


@pytest.mark.parametrize("value,decimals,want", [
    (36466, None, "36.466"), (0.24, None, "0,24"), (98.5, None, "98,5"), (1234567.891, None, "1.234.567,891"),
    (1 / 3, None, "0,3333"), (0.1 + 0.2, None, "0,3"), (1e-05, None, "0"), (2.99999, None, "3"),
    (98.333, 3, "98,333"), (12.0, 2, "12,00"), (10 ** 17 + 1, 0, "100.000.000.000.000.001"),
])
def test_numbers_are_written_back_the_vietnamese_way(value, decimals, want):
    """One formatter for reports and check messages (numbers.format_number)."""
    from extractor.numbers import format_number

    assert format_number(value, decimals) == want


def test_a_check_message_trims_its_decimals_without_a_dangling_comma():
    from extractor.checks import _n
    from extractor.report import vn_number

    assert (_n(12.003), _n(1234.5), _n(36466)) == ("12", "1.234,5", "36.466")
    assert (vn_number(None), vn_number(1e-05)) == ("—", "0")
