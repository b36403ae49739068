"""Vietnamese publication dates, day first, always.

Forms seen on the sites: "Thứ Bảy, ngày 10 tháng 6 năm 2023", "15:18 04/07/2022",
"Cập nhật ngày: 13/04/2024 - 19:42", "Hoài Thu 21/09/2023 - 18:50", "28/02/2024 - 23:05",
"Thứ hai, 29/12/2025, 15:50 (GMT+7)", ISO 8601 ("2026-01-08T10:00:00+07:00",
"2025-12-29T15:50:00.000Z"), RFC 2822 ("Fri, 19 Jul 2024 19:00:00 +0700").
Times without an offset are Vietnam time (+07:00).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import regex

VN_TZ = timezone(timedelta(hours=7))

_TIME = r"(?P<H>[01]?\d|2[0-3])\s*[:hg]\s*(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
_DMY_NUM = r"(?P<d>0?[1-9]|[12]\d|3[01])\s*[/.-]\s*(?P<m>0?[1-9]|1[0-2])\s*[/.-]\s*(?P<y>(?:19|20)\d\d)"
_DMY_WORDS = (r"(?:ngày\s+)?(?P<d>0?[1-9]|[12]\d|3[01])\s+tháng\s+(?P<m>0?[1-9]|1[0-2])\s+năm\s+"
              r"(?P<y>(?:19|20)\d\d)")

DATE_FORMS = [
    regex.compile(_DMY_WORDS + r"(?:\D{0,12}" + _TIME + r")?", regex.I),
    regex.compile(_DMY_NUM + r"(?:\s*(?:[-,|]\s*)?(?:lúc\s+)?" + _TIME + r")?", regex.I),
    regex.compile(_TIME + r"(?:\s*(?:ngày\s*)?[-,|]?\s*)" + _DMY_NUM, regex.I),
]
_ISO = regex.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)"
                     r"(?::(?P<S>[0-5]\d)(?:\.\d+)?)?(?P<tz>Z|[+-]\d\d:?\d\d)?)?")


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
    for form in DATE_FORMS:
        m = form.search(text)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, form)
    if best is None:
        return None
    m = best[0]
    g = m.groupdict()
    iso = _iso(int(g["y"]), int(g["m"]), int(g["d"]), g.get("H"), g.get("M"), g.get("S"))
    return FoundDate(iso, m.start(), m.end()) if iso else None


def parse_date(value: str | None) -> str | None:
    """Any date string a page or feed carries -> ISO 8601 (date or datetime), else None."""
    if not value:
        return None
    value = str(value).strip()
    m = _ISO.match(value)
    if m:
        g = m.groupdict()
        return _iso(int(g["y"]), int(g["m"]), int(g["d"]), g["H"], g["M"], g["S"], g["tz"])
    if regex.match(r"^[A-Z][a-z]{2},\s+\d", value):  # RFC 2822 (RSS, JSONL `published`)
        try:
            return parsedate_to_datetime(value).isoformat()
        except (TypeError, ValueError):
            pass
    found = find_date(value)
    if found:
        return found.iso
    try:  # last resort: dateparser, Vietnamese, day first
        import dateparser  # noqa: PLC0415

        # a date line with no year ("Thứ Hai, 10/3") never gets the current year
        dt = dateparser.parse(value, languages=["vi"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                                                                 "REQUIRE_PARTS": ["day", "month", "year"]})
    except Exception:  # pragma: no cover
        dt = None
    return dt.isoformat() if dt else None
