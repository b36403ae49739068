"""Sentences: where underthesea's splitter is right and where cchc mends it."""
from __future__ import annotations

import pytest

from extractor.nlp import split_sentences


@pytest.mark.parametrize("text,want", [
    # a sentence may start with a number when the one before ends a word with its full stop
    ("Kết quả thể hiện qua các chỉ tiêu mà VCCI đã nghiên cứu. 75% doanh nghiệp hài lòng. 25% thì không.",
     ["Kết quả thể hiện qua các chỉ tiêu mà VCCI đã nghiên cứu.", "75% doanh nghiệp hài lòng.", "25% thì không."]),
    # after an abbreviation, a date or a year the sentence goes on
    ("Sở có trụ sở tại TP. 3 người đến làm việc.", ["Sở có trụ sở tại TP. 3 người đến làm việc."]),
    ("Ngày 12.4. 3 hồ sơ được trả.", ["Ngày 12.4. 3 hồ sơ được trả."]),
    ("Sơ kết quý I.2024, tỉnh tiếp nhận 500 hồ sơ.", ["Sơ kết quý I.2024, tỉnh tiếp nhận 500 hồ sơ."]),
])
def test_sentence_breaks(text, want):
    got = split_sentences(text)
    assert [s.text for s in got] == want
    assert all(text[s.start:s.end] == s.text for s in got)


def test_a_paragraph_the_splitter_would_give_back_whole_is_not_handed_to_it():
    """Half of a reform article's paragraphs hold no sentence end but their last character:
    they skip underthesea's splitter, which would return them whole (its own end characters
    decide), and the sentences are the same. Checked on every paragraph of the bundled seeds,
    dev articles and sample of reform news."""
    from conftest import DEV, ROOT, SEEDS
    from extractor import nlp
    from extractor.reading import iter_articles

    tokenize, ends = nlp._splitter()
    assert ends is not None  # the splitter's end characters were found: the shortcut is on
    arts = [a for a in iter_articles([str(SEEDS), str(DEV), str(ROOT / "tests" / "data" / "cchc_sample.jsonl")])
            if hasattr(a, "text")]
    skipped = checked = 0
    for a in arts:
        for s, e in nlp.paragraphs(a.text):
            para = a.text[s:e]
            checked += 1
            if nlp._one_sentence(para, ends):
                skipped += 1
                assert [p.strip() for p in tokenize(para) if p.strip()] == [para.strip()], para
    assert checked > 1000 and skipped > checked // 3
    assert not nlp._one_sentence("Sở tiếp nhận hồ sơ. Tỷ lệ đạt 98%.", ends)
    assert nlp._one_sentence("Sở tiếp nhận 120 hồ sơ trực tuyến.  ", ends)
