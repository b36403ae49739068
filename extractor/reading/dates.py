"""Vietnamese publication dates, day first, always.

Forms seen on the sites: "Thứ Bảy, ngày 10 tháng 6 năm 2023", "15:18 04/07/2022",
"Cập nhật ngày: 13/04/2024 - 19:42", "Hoài Thu 21/09/2023 - 18:50", "28/02/2024 - 23:05",
"Thứ hai, 29/12/2025, 15:50 (GMT+7)", ISO 8601 ("2026-01-08T10:00:00+07:00",
"2025-12-29T15:50:00.000Z"; the basic form "20210409" of a feed's date field), RFC 2822
("Fri, 19 Jul 2024 19:00:00 +0700").
Times without an offset are Vietnam time (+07:00).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import regex

VN_TZ = timezone(timedelta(hours=7))


@lru_cache(maxsize=1)
def date_forms() -> list[regex.Pattern]:
    """The day-first date forms of patterns/layout.yaml (`date_forms`), compiled."""
    from ..patterns import compile_pattern, load_file

    return [compile_pattern(src) for src in load_file("layout")["date_forms"]]


_ISO = regex.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)"
                     r"(?::(?P<S>[0-5]\d)(?:\.\d+)?)?(?P<tz>Z|[+-]\d\d:?\d\d)?)?")
_ISO_BASIC = regex.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)")  # the whole value, nothing else


@dataclass(frozen=True)
class FoundDate:
    iso: str
    start: int
    end: int


def _iso(y: int, m: int, d: int, H: str | None = None, M: str | None = None, S: str | None = None,
         tz: str | None = None) -> str | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if H is None:
        return day.isoformat()
    offset = VN_TZ
    if tz:
        if tz == "Z":
            offset = timezone.utc
        else:
            sign = -1 if tz[0] == "-" else 1
            hh, mm = int(tz[1:3]), int(tz[-2:])
            offset = timezone(sign * timedelta(hours=hh, minutes=mm))
    return datetime(y, m, d, int(H), int(M), int(S or 0), tzinfo=offset).isoformat()


def find_date(text: str) -> FoundDate | None:
    """The first day-first date (with its time, if written) in `text`."""
    best = None
    for form in date_forms():
        m = form.search(text)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, form)
    if best is None:
        return None
    m = best[0]
    g = m.groupdict()
    iso = _iso(int(g["y"]), int(g["m"]), int(g["d"]), g.get("H"), g.get("M"), g.get("S"))
    return FoundDate(iso, m.start(), m.end()) if iso else None


def parse_date(value: str | None, relative_to: str | datetime | None = None) -> str | None:
    """Any date string a page or feed carries -> ISO 8601 (date or datetime), else None.

    A relative date ("3 giờ trước", "hôm qua", "2 ngày trước") is resolved against
    `relative_to`, the time the page was fetched, and is None when that is not known: the
    run's own clock never decides a date, so reading the same input twice gives the same
    result. A date missing its year ("15 tháng 6") is None for the same reason."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 200:
        return None
    m = _ISO.match(value)
    if m:
        g = m.groupdict()
        return _iso(int(g["y"]), int(g["m"]), int(g["d"]), g["H"], g["M"], g["S"], g["tz"])
    m = _ISO_BASIC.fullmatch(value)
    if m:
        return _iso(int(m["y"]), int(m["m"]), int(m["d"]))
    if regex.match(r"^[A-Z][a-z]{2},\s+\d", value):  # RFC 2822 (RSS, JSONL `published`)
        from email.utils import parsedate_to_datetime  # here: its import (socket, email) is 6 ms of every start

        try:
            return parsedate_to_datetime(value).isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    found = find_date(value)
    if found:
        return found.iso
    return _dateparser(value, relative_to)


def _fetch_time(value: str | datetime | None) -> datetime | None:
    """The fetch time as a naive Vietnam-time datetime (what dateparser's RELATIVE_BASE wants)."""
    if value is None:
        return None
    if isinstance(value, str):
        iso = parse_date(value)
        if not iso or "T" not in iso:
            return None
        value = datetime.fromisoformat(iso)
    if value.tzinfo is not None:
        value = value.astimezone(VN_TZ).replace(tzinfo=None)
    return value


def _dateparser(value: str, relative_to: str | datetime | None) -> str | None:
    """dateparser, Vietnamese, day first: absolute dates with a day, month and year only, then
    (when the fetch time is known) relative ones against it."""
    try:
        from dateparser.date import DateDataParser  # noqa: PLC0415

        # a date line with no year ("Thứ Hai, 10/3") never gets the current year
        settings = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
                    "PARSERS": ["timestamp", "custom-formats", "absolute-time"]}
        data = DateDataParser(languages=["vi"], settings=settings).get_date_data(value)
        if data.date_obj is not None:
            return data.date_obj.isoformat()
        base = _fetch_time(relative_to)
        if base is None:
            return None
        settings = {"DATE_ORDER": "DMY", "PARSERS": ["relative-time"], "RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": True}
        data = DateDataParser(languages=["vi"], settings=settings).get_date_data(value)
    except Exception:  # noqa: BLE001 - dateparser on odd input: no date, never a crash  # pragma: no cover
        return None
    dt = data.date_obj
    if dt is None:
        return None
    if data.period == "time":  # "3 giờ trước": a moment
        return dt.replace(microsecond=0, tzinfo=VN_TZ).isoformat()
    return dt.date().isoformat()  # "hôm qua", "2 ngày trước": a day
