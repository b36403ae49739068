"""Officials, awards, documents: every example of their pattern files, run through the
extractors, plus the forms the seeds and real articles use."""
from __future__ import annotations

import pytest

from conftest import pattern_examples

from extractor import patterns
from extractor.api import extract_text
from extractor.entities.documents import find_documents
from extractor.entities.officials import mentions




@pytest.mark.parametrize("rule,ex", pattern_examples("officials", "positive"))
def test_official_positive(rule, ex):
    t = ex["text"]
    got = [(m.name, m.titles) for m in mentions(t, 0, len(t))]
    assert (ex["expect"]["name"], ex["expect"]["titles"]) in got, got


@pytest.mark.parametrize("rule,ex", pattern_examples("officials", "negative"))
def test_official_negative(rule, ex):
    t = ex["text"]
    assert mentions(t, 0, len(t)) == []


@pytest.mark.parametrize("rule,ex", pattern_examples("documents", "positive"))
def test_document_positive(rule, ex):
    docs = find_documents(ex["text"])
    assert len(docs) == 1
    for k, v in ex["expect"].items():
        assert docs[0][k] == v, (k, docs[0])


@pytest.mark.parametrize("rule,ex", pattern_examples("documents", "negative"))
def test_document_negative(rule, ex):
    docs = find_documents(ex["text"])
    if "number" in ex:  # this reading of the number must not come out
        assert ex["number"] not in [d["number"] for d in docs], docs
    else:
        assert docs == []


@pytest.mark.parametrize("rule,ex", pattern_examples("awards", "positive"))
def test_award_patterns_positive(rule, ex):
    m = patterns.compile_pattern(rule["regex"]).search(ex["text"])
    assert m
    for k, v in ex["expect"].items():
        key = {"award": "award", "conferred_by": "by", "field": "field"}[k]
        got = m.group(key) or (m.groupdict().get("by2") if key == "by" else None)
        assert got.strip() == v


@pytest.mark.parametrize("rule,ex", pattern_examples("awards", "negative"))
def test_award_patterns_negative(rule, ex):
    assert patterns.compile_pattern(rule["regex"]).search(ex["text"]) is None


def _records(text, kind):
    return [r for r in extract_text(text, prefilter=False) if r["kind"] == kind]


def test_award_record_agrees_with_figures():
    text = ("Dịp này, có 15 tập thể và 23 cá nhân đạt thành tích tiêu biểu trong thực hiện CCHC được nhận "
            "Bằng khen của Chủ tịch UBND TP Cần Thơ.")
    recs = extract_text(text, prefilter=False)
    (award,) = [r for r in recs if r["kind"] == "award"]
    figs = {r["metric"]: r["value"] for r in recs if r["kind"] == "figure"}
    assert (award["collectives"], award["individuals"]) == (figs["awards_collectives"], figs["awards_individuals"]) == (15, 23)
    assert award["award"] == "Bằng khen" and award["conferred_by"] == "Chủ tịch UBND TP Cần Thơ"
    assert recs[0]["text"][award["start"]:award["end"]] == award["text"]


def test_award_without_a_named_distinction():
    (award,) = _records("Dịp này, hội nghị khen thưởng 19 tập thể và 34 cá nhân có nhiều thành tích xuất sắc "
                        "trong công tác cải cách hành chính năm 2022.", "award")
    assert award["award"] is None and (award["collectives"], award["individuals"]) == (19, 34)
    assert award["year"] == 2022 and award["field"] == "cải cách hành chính"


def test_one_official_record_per_person_with_the_fullest_titles():
    text = ("Đồng chí Hoàng Tùng trao giấy khen đến các cá nhân.\n\nHội nghị do đồng chí Hoàng Tùng, Phó Bí thư "
            "Thành ủy, Chủ tịch UBND, Trưởng Ban Chỉ đạo Cải cách hành chính TP Thủ Đức chủ trì. Phát biểu chỉ đạo, "
            "đồng chí Hoàng Tùng cho biết.")
    (off,) = _records(text, "official")
    assert off["name"] == "Hoàng Tùng" and len(off["titles"]) == 3
    assert off["organization"] == "Thành ủy"


def test_bylines_and_photo_credits_are_not_officials():
    text = ("Bộ phận một cửa của UBND phường Đồng Tâm bố trí đủ trang thiết bị. Ảnh: Quang Thái\n\n"
            "UBND Thành phố ký kết hợp tác với Viettel Tây Ninh.\n\nAnh Lê Thanh Nhật cho biết thủ tục rất nhanh.\n\nLinh Thùy")
    assert _records(text, "official") == []


def test_document_date_from_the_sentence_it_opens():
    text = ("Ngày 5/10, Thủ tướng Chính phủ ký ban hành Nghị định số 136/2018/NĐ-CP về sửa đổi điều kiện kinh doanh. "
            "Trước đó, ngày 14/8, Bộ trưởng đã ký Thông tư số 03/TT-BTNMT. Ngày 20/12, UBND tỉnh ban hành "
            "Quyết định số 55/QĐ-UBND.")
    recs = [r for r in extract_text(text, published="2018-11-02", prefilter=False) if r["kind"] == "document"]
    got = {r["number"]: r["issued"] for r in recs}
    # the number's year; the article's year (14/8 is before its date); unknown (20/12 is after it)
    assert got == {"136/2018/NĐ-CP": "2018-10-05", "03/TT-BTNMT": "2018-08-14", "55/QĐ-UBND": None}


def test_documents_one_per_number_enriched_by_later_mentions():
    text = ("Thực hiện Kế hoạch số 214/KH-UBND của UBND thành phố. Theo Kế hoạch 214/KH-UBND ngày 18-8-2023, "
            "các đơn vị phải báo cáo.")
    (doc,) = _records(text, "document")
    assert doc["number"] == "214/KH-UBND" and doc["issued"] == "2023-08-18" and doc["issuer"] == "UBND thành phố"


# --- rankings: every example of patterns/rankings.yaml through the ranking stage's own parts ---

from extractor.entities import rankings as _rk  # noqa: E402


@pytest.mark.parametrize("rule,ex", pattern_examples("rankings", "positive"))
def test_ranking_pattern_positive(rule, ex):
    t, want = ex["text"], ex["expect"]
    indices, levels, *_ = _rk._res()
    if rule["id"] == "rankings.index":
        assert _rk._last(indices, t)[0] == want["index"]
        assert int(_rk._YEAR.search(t).group(1)) == want["year"]
    elif rule["id"] == "rankings.level":
        assert _rk._last(levels, t)[0] == want["level"]
    elif rule["id"] == "rankings.next":
        recs = sorted(_records(t, "ranking"), key=lambda r: r["start"])
        assert [r["entity"] for r in recs if r["rank"] and r["rank"] > 1] == want["ranks"]
        assert [r["rank"] for r in recs] == list(range(1, len(recs) + 1))
    else:
        pos = _rk._positions(t, 0, len(t))[0]  # the first position the example states
        rank, from_bottom = pos.ranks[0]
        assert rank == want.get("rank") and from_bottom == want.get("from_bottom")
        assert pos.previous == want.get("previous")


@pytest.mark.parametrize("rule,ex", pattern_examples("rankings", "negative"))
def test_ranking_pattern_negative(rule, ex):
    t = ex["text"]
    indices, levels, *_ = _rk._res()
    if rule["id"] == "rankings.index":
        assert _rk._last(indices, t) is None
    elif rule["id"] == "rankings.level":
        assert _rk._last(levels, t) is None
    elif rule["id"] == "rankings.next":
        assert [r for r in _records(t, "ranking") if r["rank"] and r["rank"] > 1] == []
    else:
        assert _rk._positions(t, 0, len(t)) == []


def _rankings(text):
    return {(r["index"], r["level"], r["entity"], r["rank"], r["from_bottom"], r["year"]) for r in _records(text, "ranking")}


def test_rankings_shared_head_list_and_respectively():
    got = _rankings("Về kết quả Chỉ số CCHC năm 2023, đối với cấp sở, Sở Tư pháp đứng đầu bảng xếp hạng; "
                    "các Sở: Khoa học và Công nghệ, Văn hóa, Thể thao và Du lịch lần lượt xếp thứ 2, thứ 3.")
    assert got == {("PAR Index", "sở", "Sở Tư pháp", 1, None, 2023),
                   ("PAR Index", "sở", "Sở Khoa học và Công nghệ", 2, None, 2023),
                   ("PAR Index", "sở", "Sở Văn hóa, Thể thao và Du lịch", 3, None, 2023)}


def test_rankings_from_the_bottom_and_out_of_n():
    got = _rankings("Kết quả Chỉ số cải cách hành chính năm 2022 của 63 tỉnh, thành phố: tỉnh Quảng Ninh đứng thứ 2/63; "
                    "đứng cuối bảng xếp hạng là tỉnh Điện Biên.")
    assert ("PAR Index", "tỉnh", "tỉnh Quảng Ninh", 2, None, 2022) in got
    assert ("PAR Index", "tỉnh", "tỉnh Điện Biên", None, 1, 2022) in got


def test_rankings_national_forms():
    got = _rankings("Kết quả chấm điểm Chỉ số cải cách hành chính năm 2017: Ngân hàng Nhà nước dẫn đầu khối bộ, ngành. "
                    "Bộ Y tế đứng áp chót và Ủy ban Dân tộc đứng \"đội sổ\" với 72,13 điểm.\n\n"
                    "Quảng Ninh là địa phương dẫn đầu Chỉ số cải cách hành chính năm 2017. Xếp thứ hai là TP Hà Nội.")
    assert {("PAR Index", "bộ", "Ngân hàng Nhà nước", 1, None, 2017), ("PAR Index", "bộ", "Bộ Y tế", None, 2, 2017),
            ("PAR Index", "bộ", "Ủy ban Dân tộc", None, 1, 2017), ("PAR Index", "tỉnh", "Quảng Ninh", 1, None, 2017),
            ("PAR Index", "tỉnh", "TP Hà Nội", 2, None, 2017)} <= got


def test_rankings_satisfaction_and_pci():
    got = _rankings("Về kết quả đo lường sự hài lòng của người dân, tổ chức năm 2023, đối với cấp huyện, "
                    "huyện Phong Điền đứng đầu bảng xếp hạng.\n\nTheo PCI 2018, đứng thứ hai bảng xếp hạng là Đồng Tháp.")
    assert ("SIPAS", "huyện", "huyện Phong Điền", 1, None, 2023) in got
    assert ("PCI", "tỉnh", "Đồng Tháp", 2, None, 2018) in got


def test_a_sentence_ranks_by_the_index_only_where_it_goes_on_from_it():
    assert _rankings("Năm 2022, Chỉ số CCHC của tỉnh Bắc Ninh xếp thứ 10/63.\n\nVề thu hút đầu tư nước ngoài, "
                     "tỉnh Bắc Ninh đứng thứ 2 cả nước.") == {("PAR Index", "tỉnh", "tỉnh Bắc Ninh", 10, None, 2022)}
    assert _rankings("Chỉ số cải cách hành chính năm 2022 được công bố.\n\nTỉnh Hà Giang có nhiều cải tiến.\n\n"
                     "Đội bóng tỉnh Nam Định đứng đầu bảng xếp hạng V-League.") == set()
    # in the paragraph of the index, or right after a ranking, it does
    got = _rankings("Chỉ số CCHC năm 2017: Quảng Ninh dẫn đầu với 89,45 điểm.\n\nXếp thứ hai là TP Hà Nội.")
    assert ("PAR Index", "tỉnh", "TP Hà Nội", 2, None, 2017) in got


def test_ranking_said_of_both_indices():
    got = _rankings("Năm 2023, Quảng Ninh tiếp tục đoạt vị trí quán quân ở cả hai bảng xếp hạng: Chỉ số cải cách "
                    "hành chính (PAR Index) và Chỉ số hài lòng của người dân (SIPAS).")
    assert {(i, e, r) for i, _, e, r, _, _ in got} == {("PAR Index", "Quảng Ninh", 1), ("SIPAS", "Quảng Ninh", 1)}


def test_no_ranking_without_a_reform_index_or_a_real_position():
    assert _rankings("Theo bảng xếp hạng Chính phủ điện tử do LHQ công bố năm 2016, Việt Nam đứng thứ 89/193 nước.") == set()
    assert _rankings("Chỉ số cải cách hành chính năm 2017: Hà Nội là một trong ba địa phương đứng đầu cả nước về đầu tư. "
                     "Tổ công tác do Bộ trưởng Mai Tiến Dũng dẫn đầu đã làm việc với TP Hà Nội.") == set()


# --- officials: more real forms ---

def test_official_full_ministry_name_keeps_its_and():
    (m,) = mentions(t := "ông Nguyễn Thành Hưng, thứ trưởng Bộ Thông tin và truyền thông, cho biết", 0, len(t))
    assert m.titles == ["thứ trưởng Bộ Thông tin và truyền thông"]
    (m,) = mentions(t := "bà Phan Lan Tú, Giám đốc Sở Thông tin và Truyền thông Hà Nội cho biết", 0, len(t))
    assert m.titles == ["Giám đốc Sở Thông tin và Truyền thông Hà Nội"]


def test_official_heading_and_standing_titles():
    (m,) = mentions(t := "Ông Trần Việt Trường, Chủ tịch UBND TP Cần Thơ:", 0, len(t))
    assert (m.name, m.titles) == ("Trần Việt Trường", ["Chủ tịch UBND TP Cần Thơ"])
    (m,) = mentions(t := "Phó Thủ tướng Thường trực Chính phủ Trương Hòa Bình, Trưởng ban Chỉ đạo cải cách hành chính của Chính phủ đã chủ trì", 0, len(t))
    assert m.titles[0] == "Phó Thủ tướng Thường trực Chính phủ" and len(m.titles) == 2


def test_company_heads_are_not_officials():
    for t in ("Ông Phạm Anh Tuấn - Chủ tịch Hội đồng thành viên Tổng công ty Bưu điện Việt Nam cam kết",
              "Theo ông Trương Gia Bình - chủ tịch hội đồng quản trị FPT, vấn đề cần đặt ra"):
        assert mentions(t, 0, len(t)) == []


def test_two_documents_joined_by_and_each_keep_their_issuer():
    docs = find_documents("theo Thông tư số 219/2013/TT-BTC ngày 31/12/2013 của Bộ Tài chính và Nghị định số "
                          "209/2013/NĐ-CP ngày 18/12/2013 của Chính phủ.")
    assert [(d["number"], d["issued"], d["issuer"]) for d in docs] == [
        ("219/2013/TT-BTC", "2013-12-31", "Bộ Tài chính"), ("209/2013/NĐ-CP", "2013-12-18", "Chính phủ")]


def test_award_kind_is_the_one_named_before_the_counts_and_canonical():
    (award,) = _records("Đơn vị được tặng danh hiệu Anh hùng (năm 2019), Huân chương Chiến công hạng Nhất (năm 2023), "
                        "dịp này khen thưởng 9 tập thể, 5 cá nhân.", "award")
    assert award["award"] == "Huân chương" and (award["collectives"], award["individuals"]) == (9, 5)
    (award,) = _records("Chủ tịch UBND thành phố tặng giấy khen cho 2 tập thể và 7 cá nhân.", "award")
    assert award["award"] == "Giấy khen" and award["conferred_by"] == "Chủ tịch UBND thành phố"


def test_official_locality_local_from_the_article_national_none():
    text = ("UBND TP Cần Thơ tổ chức hội nghị cải cách hành chính.\n\nPhó Chủ tịch UBND thành phố Nguyễn Văn Hồng "
            "và Thứ trưởng Bộ Nội vụ Nguyễn Trọng Thừa cùng dự.\n\nBộ trưởng Khoa học và Công nghệ Chu Ngọc Anh phát biểu.")
    recs = _records(text, "official")
    loc = {r["name"]: r["locality"] for r in recs}
    assert loc == {"Nguyễn Văn Hồng": "TP Cần Thơ", "Nguyễn Trọng Thừa": None, "Chu Ngọc Anh": None}
    assert next(r for r in recs if r["name"] == "Chu Ngọc Anh")["titles"] == ["Bộ trưởng Khoa học và Công nghệ"]



def test_ranking_of_the_articles_own_province():
    recs = [r for r in extract_text("Năm 2022, Chỉ số CCHC của tỉnh xếp hạng 12/63 tỉnh, thành phố, tăng 3 bậc.",
                                     province="Hậu Giang", prefilter=False) if r["kind"] == "ranking"]
    assert [(r["index"], r["level"], r["entity"], r["rank"], r["year"]) for r in recs] == \
        [("PAR Index", "tỉnh", "Hậu Giang", 12, 2022)]
    # a position with no body and no province to fall back on is left alone
    assert _rankings("Năm 2022, Chỉ số CCHC của tỉnh xếp hạng 12/63 tỉnh, thành phố.") == set()
