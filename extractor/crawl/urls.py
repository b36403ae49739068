"""URL hygiene: one canonical form per page, so the same article under tracking parameters
is fetched once."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = ("utm_", "fbclid", "gclid", "zarsrc", "zbclid", "mc_cid", "mc_eid", "_ga", "ref", "refresh_ce", "gidzl",
            "cmpid", "icid", "spm", "from")


def is_tracking(key: str) -> bool:
    k = key.lower()
    return any(k == t or (t.endswith("_") and k.startswith(t)) for t in TRACKING)


def canonical(url: str) -> str:
    """Drop tracking parameters and the fragment, lowercase the host, sort what remains."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    host = (parts.hostname or "").lower()
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(sorted(query)), ""))


def same_site(url: str, hosts: set[str]) -> bool:
    h = (urlsplit(url).hostname or "").lower()
    return h in hosts or h.removeprefix("www.") in hosts or f"www.{h}" in hosts
