"""check records (issue 4). Placeholder stage: checks nothing yet."""
from __future__ import annotations


def check_article(ctx) -> list[dict]:
    return []
