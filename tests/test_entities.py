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
    assert find_documents(ex["text"]) == []


@pytest.mark.parametrize("rule,ex", pattern_examples("awards", "positive"))
def test_award_patterns_positive(rule, ex):
    m = patterns.compile_pattern(rule["regex"]).search(ex["text"])
    assert m
    for k, v in ex["expect"].items():
        key = {"award": "award", "conferred_by": "by"}[k]
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
    assert award["year"] == 2022


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


def test_documents_one_per_number_enriched_by_later_mentions():
    text = ("Thực hiện Kế hoạch số 214/KH-UBND của UBND thành phố. Theo Kế hoạch 214/KH-UBND ngày 18-8-2023, "
            "các đơn vị phải báo cáo.")
    (doc,) = _records(text, "document")
    assert doc["number"] == "214/KH-UBND" and doc["issued"] == "2023-08-18" and doc["issuer"] == "UBND thành phố"
