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


# ---------------------------------------------------------------- codes

@pytest.mark.parametrize("written", ["TP. HCM", "TP HCM", "TP.HCM", "TPHCM", "Tp. HCM", "Thành phố Hồ Chí Minh",
                                     "thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "TP. Hồ Chí Minh", "Sài Gòn", "Hồ Chí Minh"])
def test_every_spelling_of_hcm_city_is_79(written):
    from extractor.places import place_codes, resolve_locality

    found = resolve_locality(written)
    assert found is not None and found.written == written
    codes = place_codes(found)
    assert (codes["province_code"], codes["unit_level"], codes["province_2025_code"]) == ("79", "province", "79")


@pytest.mark.parametrize("written", ["Hà Nội", "TP Hà Nội", "TP. Hà Nội", "Thành phố Hà Nội", "thành phố Hà Nội",
                                     "Thủ đô Hà Nội"])
def test_every_spelling_of_ha_noi_is_01(written):
    from extractor.places import place_codes, resolve_locality

    assert place_codes(resolve_locality(written))["province_code"] == "01"


def test_strings_that_are_no_place_are_no_locality():
    from extractor.places import resolve_locality

    assert resolve_locality("TP Võ Sĩ") is None          # "UBND TP Võ Sĩ …": a person after the unit word
    assert resolve_locality("Thái Bình Dương") is None
    assert resolve_locality("Bộ Tư pháp") is None
    # a place followed by a person's name keeps the place's words only
    assert resolve_locality("TP Hà Nội Nguyễn").written == "TP Hà Nội"
    assert resolve_locality("TP Thủ Đức Hoàng Tùng").written == "TP Thủ Đức"


def test_district_and_commune_codes():
    from extractor.places import place_codes, resolve_locality

    q1 = place_codes(resolve_locality("Quận 1"))
    assert (q1["province_code"], q1["district_code"], q1["ward_code"], q1["unit_level"]) == ("79", "760", None, "district")
    kt = place_codes(resolve_locality("huyện Kiến Thụy"))
    assert (kt["province_code"], kt["district_code"], kt["unit_level"], kt["province_2025"]) == ("31", "314", "district", "Hải Phòng")
    # communes repeat across the country: read only inside a known province
    assert resolve_locality("phường Bến Nghé") is None
    bn = place_codes(resolve_locality("phường Bến Nghé", "79"))
    assert (bn["province_code"], bn["district_code"], bn["ward_code"], bn["unit_level"]) == ("79", "760", "26740", "commune")
    # "Phường 14" exists in several districts of the city: a commune of 79, district and ward unknown
    p14 = place_codes(resolve_locality("Phường 14", "79"))
    assert (p14["province_code"], p14["district_code"], p14["ward_code"], p14["unit_level"]) == ("79", None, None, "commune")
    # ... unless the article's district says which
    p14q3 = place_codes(resolve_locality("Phường 14", "79", "770"))
    assert (p14q3["district_code"], p14q3["ward_code"]) == ("770", "27127")
    # a district name found in several provinces: the article's province decides
    assert resolve_locality("huyện Châu Thành") is None  # several provinces have one: none is guessed
    assert place_codes(resolve_locality("huyện Châu Thành", "82"))["province_code"] == "82"


def test_the_whole_country_is_national():
    from extractor.places import place_codes, resolve_locality

    codes = place_codes(resolve_locality("cả nước"))
    assert codes["unit_level"] == "national" and codes["province_code"] is None


def test_records_carry_the_codes_of_their_place():
    from extractor.api import extract_text

    text = ("UBND TP. HCM tổ chức hội nghị cải cách hành chính.\n\n"
            "Năm 2022, Bộ phận Một cửa UBND quận Tân Bình tiếp nhận 12.345 hồ sơ.\n\n"
            "Phó Chánh Văn phòng UBND TP Võ Sĩ cho biết, năm 2022 có 68.281 hồ sơ giải quyết trễ hạn.\n\n"
            "Bộ phận Một cửa tiếp nhận 1.245 hồ sơ.")
    recs = extract_text(text, title="TP. HCM: cải cách hành chính", published="2023-01-05")
    art = recs[0]
    assert (art["locality"], art["province_code"], art["unit_level"], art["province_2025_code"]) == ("TP. HCM", "79", "province", "79")
    figs = {r["value"]: r for r in recs if r["kind"] == "figure"}
    assert (figs[12345]["locality"], figs[12345]["district_code"], figs[12345]["unit_level"]) == ("quận Tân Bình", "766", "district")
    assert (figs[68281]["locality"], figs[68281]["province_code"]) == ("TP. HCM", "79")   # not "TP Võ Sĩ"
    assert (figs[1245]["locality"], figs[1245]["province_code"]) == ("TP. HCM", "79")


def test_rankings_of_provinces_carry_their_codes():
    from extractor.api import extract_text

    text = ("Công bố Chỉ số cải cách hành chính năm 2022 (PAR Index 2022).\n\n"
            "Năm 2022, Chỉ số cải cách hành chính của tỉnh Quảng Ninh xếp thứ 1/63 tỉnh, thành phố; Hải Phòng xếp thứ 2.")
    rks = [r for r in extract_text(text) if r["kind"] == "ranking"]
    codes = {r["entity"]: (r["province_code"], r["unit_level"]) for r in rks}
    assert codes and all(c == ("22", "province") for e, c in codes.items() if "Quảng Ninh" in e)
    assert all(c == ("31", "province") for e, c in codes.items() if "Hải Phòng" in e)


def _cpu_ratio(fn, big, small, rounds: int = 5) -> float:
    """Least CPU time of fn(*big) over least of fn(*small), the two taking turns: the speed of
    a shared machine moves within seconds, and all of one then all of the other once put such a
    change into the ratio (6.2 for a scan that is 4 on a quiet machine)."""
    import time

    best = {0: float("inf"), 1: float("inf")}
    for _ in range(rounds):
        for k, args in ((0, big), (1, small)):
            t = time.process_time()
            fn(*args)
            best[k] = min(best[k], time.process_time() - t)
    return best[0] / max(best[1], 1e-6)


@pytest.mark.parametrize("unit", [
    "UBND huyện Kiến Thụy, TP. HCM và Hà Nội, Sài Gòn. ",     # repeated places
    "Huyện Kiến Thụy\n",                                          # a 200k-line text
    "TP Võ Sĩ Thái Bình Dương TP. H ",                            # unit words whose name is no unit
    "tỷ lệ 12,5% tại Hà Nội và TP Vinh ",                         # one long line
])
def test_places_are_linear_in_the_text(unit):
    """Four times the text, about four times the CPU time (a quadratic scan would be sixteen)."""
    from extractor.places import locate

    small = unit * (125_000 // len(unit))
    locate("", small[:1000])  # warm up the gazetteer and the automaton
    ratio = _cpu_ratio(locate, ("", small * 4), ("", small))
    assert ratio < 6, ratio


def test_an_article_about_the_whole_country_has_no_province():
    """places.yaml `national_scope`: a national ranking, a round-up, a central-government article."""
    from extractor.api import extract_text

    def province(title, text):
        return extract_text(text, title=title, prefilter=False)[0]["province"]

    ranking = ("Chỉ số cải cách hành chính năm 2022: Quảng Ninh tiếp tục dẫn đầu, sau đó là Hải Phòng với 90,2, "
               "Hà Nội 89,8. Đứng cuối bảng xếp hạng là tỉnh Lai Châu.\n\nBộ Nội vụ công bố kết quả tại Hà Nội.")
    assert province("Quảng Ninh dẫn đầu chỉ số cải cách hành chính 2022", ranking) is None
    round_up = ("Nhiều địa phương đã triển khai tốt: Bắc Giang, Quảng Trị, Hải Phòng, Cần Thơ đều có trung tâm "
                "hành chính công. Bắc Giang tiếp nhận 10.000 hồ sơ.")
    assert province("Trung tâm hành chính công ở các địa phương", round_up) is None
    local = ("UBND tỉnh Bắc Giang tổ chức hội nghị cải cách hành chính. Năm 2022, tỉnh Bắc Giang xếp thứ 5/63 "
             "tỉnh, thành phố về Chỉ số cải cách hành chính; tỉnh đã học tập kinh nghiệm của Quảng Ninh.")
    assert province("Bắc Giang sơ kết cải cách hành chính", local) == "Bắc Giang"


def test_every_province_lists_its_communes():
    """vietnamadminunits' table has gaps (NaN for a ward's name): they are skipped, not fatal."""
    from extractor.gazetteer import communes, provinces

    for unit in provinces().values():
        assert isinstance(communes(unit.code), dict)


def test_the_gazetteer_read_back_from_the_cache_is_the_one_made_from_its_data(tmp_path, monkeypatch):
    """Its tables are kept on disk (rulecache) keyed by the data files' size and time: read back they
    are the same, and data that changes is read afresh, never an old copy."""
    import json
    import shutil

    from extractor import gazetteer, rulecache

    def fresh_process():
        rulecache._caches.clear()
        gazetteer._tables.cache_clear()

    data = tmp_path / "data"
    shutil.copytree(gazetteer._data_dir(), data, ignore=shutil.ignore_patterns("*.db"))
    monkeypatch.setattr(gazetteer, "_data_dir", lambda: data)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "cache"))
    fresh_process()
    made = gazetteer._tables()
    assert len(made["provinces"]) == 63 and made["since_2025"]["79"] == ("TP Hồ Chí Minh", "79")
    assert rulecache.save()
    fresh_process()
    parses, loads = [], json.loads
    monkeypatch.setattr(gazetteer.json, "loads", lambda raw: parses.append(1) or loads(raw))
    assert gazetteer._tables() == made and parses == []  # from the cache, not the JSON
    legacy = loads((data / "parser_legacy.json").read_bytes())
    legacy["DICT_PROVINCE"]["thanhphohanoi"]["provinceShort"] = "Hà Nội mới"
    (data / "parser_legacy.json").write_text(json.dumps(legacy, ensure_ascii=False), encoding="utf-8")
    fresh_process()
    changed = gazetteer._tables()
    assert parses and changed["provinces"]["thanhphohanoi"][1] == "Hà Nội mới"
    fresh_process()  # what the rest of the suite sees: the cache and tables of its own data
