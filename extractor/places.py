"""Article locality and province (issue 3 completes this with vietnamadminunits)."""
from __future__ import annotations


def resolve(ctx) -> list[dict]:
    return []
