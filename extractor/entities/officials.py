"""officials records (issue 3). Placeholder stage: finds nothing yet."""
from __future__ import annotations


def extract(ctx) -> list[dict]:
    return []
