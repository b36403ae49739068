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
