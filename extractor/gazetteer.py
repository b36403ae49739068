"""Vietnamese administrative units (the 63-province structure before July 2025), from the
offline data that vietnamadminunits ships, loaded once on first use."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .normalize import fold


@dataclass(frozen=True)
class Unit:
    kind: str          # "province" or the district type ("Quận", "Huyện", "Thành phố", "Thị xã")
    name: str          # full name: "Huyện Kiến Thụy"
    short: str         # "Kiến Thụy"
    province: str      # the province's short name: "Hải Phòng"


def province_label(short: str) -> str:
    """How a province is written in records: its short name, but "TP Hồ Chí Minh", since
    "Hồ Chí Minh" alone names the man, not the city."""
    return "TP Hồ Chí Minh" if short == "Hồ Chí Minh" else short


@lru_cache(maxsize=1)
def _data() -> dict:
    path = resources.files("vietnamadminunits") / "data" / "parser_legacy.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def provinces() -> dict[str, Unit]:
    out = {}
    for p in _data()["DICT_PROVINCE"].values():
        u = Unit("province", p["province"], p["provinceShort"], p["provinceShort"])
        out[fold(u.short)] = u
    return out


@lru_cache(maxsize=1)
def districts() -> dict[str, list[Unit]]:
    """Districts by folded short name (a name may exist in several provinces)."""
    short_of = {k: v["provinceShort"] for k, v in _data()["DICT_PROVINCE"].items()}
    out: dict[str, list[Unit]] = {}
    for pkey, ds in _data()["DICT_PROVINCE_DISTRICT"].items():
        for d in ds.values():
            u = Unit(d["districtType"], d["district"], d["districtShort"], short_of[pkey])
            out.setdefault(fold(u.short), []).append(u)
    return out


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Folded short names of every province and district."""
    return frozenset(provinces()) | frozenset(districts())
