"""Readable Vietnamese words for the vocabulary (patterns/metric_labels.yaml): metric labels,
breakdown categories, check kinds and verdicts, for people reading a report or a reason."""
from __future__ import annotations

from functools import lru_cache

from .patterns import load_file


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    data = load_file("metric_labels")
    return {k: dict(data.get(k) or {}) for k in ("labels", "categories", "checks", "statuses")}


def metric_label(metric: str | None) -> str:
    """"dossiers_late_rate" -> "Tỷ lệ hồ sơ trễ hạn"; a breakdown category too
    ("dossiers_on_time:early" -> "Hồ sơ giải quyết trước hạn")."""
    lab = labels()
    return lab["labels"].get(metric or "other") or lab["categories"].get(metric or "", metric or "")
