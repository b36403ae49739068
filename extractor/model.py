"""What the readers produce: an `Article`, or a `ReadError`; and the metric vocabulary.

Extraction turns an Article into records (their fields are declared once, in records.py;
docs/records.md lists them), handed out as plain `dict`s of the data contract (SPEC.md), which
is what every output format, the store and the scorer consume.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from . import records

KINDS = tuple(records.KINDS)

METRICS = (
    "dossiers_received", "dossiers_received_online", "dossiers_received_postal",
    "dossiers_resolved", "dossiers_on_time", "dossiers_late", "dossiers_pending",
    "dossiers_online_processed", "dossiers_resolved_rate", "dossiers_on_time_rate",
    "dossiers_late_rate", "dossiers_online_rate", "procedures_total",
    "procedures_online_total", "procedures_online_full", "procedures_online_partial",
    "procedures_info_only", "procedure_fields", "procedures_simplified", "targets_total",
    "targets_completed", "tasks_total", "tasks_completed", "tasks_completion_rate",
    "tasks_unfinished", "tasks_unfinished_rate", "online_payment_rate", "e_identity_rate",
    "e_documents_rate", "digital_signature_rate", "public_units_reduced",
    "public_units_reduced_rate", "staff_cut", "par_units_excellent", "par_units_good",
    "par_units_fair", "par_units_average", "par_units_poor", "par_index_score",
    "satisfaction_rate", "awards_collectives", "awards_individuals", "outreach_sessions",
    "feedback_received", "other",
)
QUALIFIERS = ("exact", "approx", "more_than", "less_than", "at_least", "at_most", "range_low", "range_high")
ROLES = ("actual", "target")


def article_id_for(source: str, text: str) -> str:
    """Stable id: the same input gives the same id on every run and machine."""
    h = hashlib.sha1()
    h.update(source.encode("utf-8"))
    h.update(b"\0")
    h.update(text.encode("utf-8"))
    return h.hexdigest()[:16]


@dataclass
class Article:
    """One article as read from an input, text already normalized."""

    source: str                      # the input exactly as given (path, URL, FILE#id)
    text: str                        # normalized body; every offset refers to it
    title: str | None = None
    published: str | None = None     # ISO 8601 date or datetime
    author: str | None = None
    url: str | None = None
    site: str | None = None
    locality: str | None = None
    province: str | None = None
    province_2025: str | None = None
    codes: dict[str, Any] = field(default_factory=dict)   # the place's codes (records.PLACE, places.resolve)
    article_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)   # reader-specific (lead, tags, page id…)

    def __post_init__(self) -> None:
        if not self.article_id:
            self.article_id = article_id_for(self.source, self.text)

    def record(self) -> dict[str, Any]:
        """The `article` record of the data contract."""
        return records.Article(
            article_id=self.article_id, source=self.source, text=self.text, title=self.title,
            published=self.published, author=self.author, url=self.url, site=self.site, locality=self.locality,
            province=self.province, province_2025=self.province_2025,
            **{k: self.codes.get(k) for k in records.PLACE if k != "province_2025"}).to_dict()


class ReadError(Exception):
    """An input that could not be read; the message names the input and says why."""

    kind = "error"   # how its stderr line names it

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):  # pickles (worker processes, Spark) with both arguments
        return (type(self), (self.source, self.reason))

    def line(self) -> str:
        """The stderr line for it, always one: "cchc: error: SOURCE: REASON" ("warning" for a
        ReadWarning, whose article was still read)."""
        text = " ".join(str(self).split("\n"))
        return f"cchc: {self.kind}: {text}"
