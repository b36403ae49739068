"""Cheap relevance prefilter: an article with no reform vocabulary never reaches the NLP."""
from __future__ import annotations

import regex

from .model import Article

# Terms that any administrative-reform report uses; kept short so the scan is one pass.
_TERMS = regex.compile(
    r"cải\s+cách\s+hành\s+chính|thủ\s+tục\s+hành\s+chính|\bTTHC\b|\bCCHC\b|hồ\s+sơ|"
    r"dịch\s+vụ\s+công|một\s+cửa|PAR\s+Index|SIPAS|chỉ\s+số\s+hài\s+lòng|"
    r"chính\s+quyền\s+(?:điện\s+tử|số)|biên\s+chế|khen\s+thưởng|bằng\s+khen|chuyển\s+đổi\s+số",
    regex.IGNORECASE,
)


def is_relevant(article: Article) -> bool:
    return bool(_TERMS.search(article.text) or (article.title and _TERMS.search(article.title)))
