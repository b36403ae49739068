"""Places: locality as written, province (63-province structure) and province_2025."""
from __future__ import annotations

import pytest

from extractor import patterns
from extractor.places import locate, resolve_unit


@pytest.mark.parametrize("title,text,want", [
    ("Huyện Kiến Thụy tăng cường cải cách hành chính", "UBND huyện Kiến Thụy đã chỉ đạo.", ("Huyện Kiến Thụy", "Hải Phòng", "Hải Phòng")),
    ("Nâng cao trách nhiệm người đứng đầu", "UBND TP Thủ Đức tổ chức hội nghị tổng kết tại TP Thủ Đức.", ("TP Thủ Đức", "TP Hồ Chí Minh", "TP Hồ Chí Minh")),
    ("TP. Tây Ninh: Sơ kết công tác cải cách hành chính", "UBND thành phố Tây Ninh tổ chức hội nghị.", ("TP. Tây Ninh", "Tây Ninh", "Tây Ninh")),
    ("Hội nghị của tỉnh", "UBND tỉnh Hậu Giang tổ chức hội nghị; tỉnh Hậu Giang đạt kết quả tốt.", ("tỉnh Hậu Giang", "Hậu Giang", "Cần Thơ")),
    ("Tin tức", "Không nói đến nơi nào cả.", (None, None, None)),
])
def test_locate(title, text, want):
    assert locate(title, text) == want


def test_old_structure_keeps_districts():
    u = resolve_unit("huyện", "Kiến Thụy")
    assert (u.kind, u.province) == ("Huyện", "Hải Phòng")
    assert resolve_unit("TP", "Cần Thơ").kind == "province"
    assert resolve_unit("thành phố", "Tây Ninh").kind == "Thành phố"


@pytest.mark.parametrize("polarity", ["positive", "negative"])
def test_place_pattern_examples(polarity):
    for rule in patterns.load_file("places")["rules"]:
        pat = patterns.compile_pattern(rule["regex"])
        for ex in rule["examples"][polarity]:
            m = pat.search(ex["text"])
            if polarity == "negative":
                assert m is None, ex["text"]
            else:
                assert m and {k: m.group(k) for k in ex["expect"]} == ex["expect"]


def test_figures_of_an_unnamed_city_take_the_article_locality():
    from extractor.api import extract_text

    recs = extract_text("UBND thành phố Tây Ninh tổ chức hội nghị.\n\nBộ phận Một cửa Thành phố tiếp nhận 1.245 hồ sơ.",
                        title="TP. Tây Ninh: Sơ kết cải cách hành chính")
    fig = next(r for r in recs if r["kind"] == "figure")
    assert fig["subject"] == "Bộ phận Một cửa Thành phố" and fig["locality"] == "TP. Tây Ninh"
    assert recs[0]["province"] == "Tây Ninh"


def test_a_province_name_inside_a_persons_name_is_not_a_place():
    assert locate("Phó Thủ tướng Trương Hòa Bình: Xây dựng Chính phủ điện tử", "Phó Thủ tướng Trương Hòa Bình chủ trì.") == (None, None, None)
    assert locate("Tin", "Sáng nay, Hòa Bình tổ chức hội nghị.")[1] == "Hòa Bình"


def test_abbreviated_provinces_and_districts():
    assert locate("'Lôi kéo' từng người dùng dịch vụ công trực tuyến",
                  "Ông Lê Văn Thinh, chủ tịch UBND Q. Bình Tân, cho biết. Dịch vụ công TP. HCM đã có 55 thủ tục.") == \
        ("Q. Bình Tân", "TP Hồ Chí Minh", "TP Hồ Chí Minh")
    assert locate("Người Sài Gòn có thể ngồi nhà xin giấy phép", "Sở Xây dựng cho biết.")[1] == "TP Hồ Chí Minh"


def test_provinces_named_alike_give_no_place():
    assert locate("Nhiều người đi đăng ký kết hôn phải đóng tiền", "Tại TPHCM, Hà Nội, Quảng Ninh, người dân phản ánh.") == (None, None, None)


def test_the_news_sources_province_breaks_ties_and_fills_silence():
    text = "Tại Hà Nội và Hải Phòng, người dân phản ánh."
    assert locate("Tin", text) == (None, None, None)
    assert locate("Tin", text, hint="Hải Phòng")[1] == "Hải Phòng"
    assert locate("Tin", "Không nói đến nơi nào cả.", hint="Cần Thơ") == (None, "Cần Thơ", "Cần Thơ")
    # the reader's province is kept; the locality is looked for inside it
    assert locate("Tin", "UBND huyện Kiến Thụy và TP Cần Thơ.", hint="Cần Thơ", fixed=True)[:2] == ("TP Cần Thơ", "Cần Thơ")
    assert locate("Tin", "Hội nghị ở TP Hồ Chí Minh.", hint="TP Hồ Chí Minh")[1] == "TP Hồ Chí Minh"


def test_registry_hint_for_a_url():
    from extractor.api import extract_text

    art = extract_text("Hội nghị tổng kết công tác cải cách hành chính, giải quyết 1.245 hồ sơ.",
                       url="https://baocantho.com.vn/tin-a1.html", prefilter=False)[0]
    assert art["province"] == "Cần Thơ"


def test_names_that_contain_a_province_are_no_place():
    assert locate("Tuyên bố chung", "hợp tác vì hòa bình ở châu Á - Thái Bình Dương và thế giới.") == (None, None, None)
