"""URL hygiene: one canonical form per page, so the same article under tracking parameters
is fetched once, while parameters that select content (`page`, `p`, `ref`, `from`, `offset`)
are kept."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# parameters that only say where a click came from; a name ending in "_" is a prefix.
# `ref` and `from` are not here: some CMSs page their listings with them (?from=20).
TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "zarsrc", "zbclid", "mc_cid", "mc_eid", "_ga", "_gl",
            "refresh_ce", "gidzl", "cmpid", "icid", "spm", "igshid", "yclid")


def is_tracking(key: str) -> bool:
    k = key.lower()
    return any(k == t or (t.endswith("_") and k.startswith(t)) for t in TRACKING)


def canonical(url: str) -> str:
    """Tracking parameters and the fragment dropped (w3lib's url_query_cleaner), then w3lib's
    canonical form: lowercase scheme and host, sorted query, normalised percent-encoding."""
    keys = [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if is_tracking(k)]
    if keys:
        url = url_query_cleaner(url, keys, remove=True, unique=False, keep_fragments=False)
    return canonicalize_url(url)


def same_site(url: str, hosts: set[str]) -> bool:
    h = (urlsplit(url).hostname or "").lower()
    return h in hosts or h.removeprefix("www.") in hosts or f"www.{h}" in hosts
