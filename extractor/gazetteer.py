"""Vietnamese administrative units (the 63-province structure before July 2025) with their
national codes, from the offline data that vietnamadminunits ships, loaded once on first use.

Codes are the General Statistics Office's, as vietnamadminunits gives them: "79" Hồ Chí
Minh City, "01" Hà Nội, "760" Quận 1, "26734" Phường Bến Nghé. Communes (phường, xã, thị
trấn) are indexed per province, on first use.
"""
from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalize import fold


@dataclass(frozen=True)
class Unit:
    kind: str          # "province", the district type ("Quận", "Huyện", "Thành phố", "Thị xã") or the commune type
    name: str          # full name: "Huyện Kiến Thụy"
    short: str         # "Kiến Thụy"
    province: str      # the province's short name: "Hải Phòng"
    code: str = ""                 # its own code: "01", "760", "26734"
    province_code: str = ""
    district_code: str | None = None   # a district's own code, or a commune's district
    level: str = "province"        # province, district or commune

    @property
    def ward_code(self) -> str | None:
        return (self.code or None) if self.level == "commune" else None


def province_label(short: str) -> str:
    """How a province is written in records: its short name, but "TP Hồ Chí Minh", since
    "Hồ Chí Minh" alone names the man, not the city."""
    return "TP Hồ Chí Minh" if short == "Hồ Chí Minh" else short


def _read(name: str) -> dict:
    """One data file of vietnamadminunits, read without importing the package (its import
    pulls in geopy and more: 0.6 s of start-up for data that parses in 0.03 s)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed (pip install vietnamadminunits)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _data() -> dict:
    return _read("parser_legacy.json")


@lru_cache(maxsize=1)
def _provinces_2025() -> dict[str, tuple[str, str]]:
    """Old province code -> (label, code) of its province since July 2025. The 2025 reform
    merged whole provinces, so the old province alone decides (as vietnamadminunits'
    converter does: its DICT_PROVINCE lists the old provinces of each new one)."""
    new = _read("parser_from_2025.json")["DICT_PROVINCE"]
    out = {}
    for new_key, old_keys in _read("converter_2025.json")["DICT_PROVINCE"].items():
        for old_key in old_keys:
            old = _province_by_key().get(old_key)
            if old is not None and new_key in new:
                out[old.code] = (province_label(new[new_key]["provinceShort"]), new[new_key]["provinceCode"])
    return out


@lru_cache(maxsize=1)
def provinces() -> dict[str, Unit]:
    out = {}
    for p in _data()["DICT_PROVINCE"].values():
        code = p["provinceCode"]
        u = Unit("province", p["province"], p["provinceShort"], p["provinceShort"], code, code, None, "province")
        out[fold(u.short)] = u
    return out


@lru_cache(maxsize=1)
def _province_by_key() -> dict[str, Unit]:
    """The data's own province keys ("thanhphohanoi") to units."""
    by_short = {u.short: u for u in provinces().values()}
    return {k: by_short[v["provinceShort"]] for k, v in _data()["DICT_PROVINCE"].items()}


@lru_cache(maxsize=1)
def _district_units() -> dict[tuple[str, str], Unit]:
    """(province key, district key) -> unit."""
    out = {}
    for pkey, ds in _data()["DICT_PROVINCE_DISTRICT"].items():
        prov = _province_by_key()[pkey]
        for dkey, d in ds.items():
            out[(pkey, dkey)] = Unit(d["districtType"], d["district"], d["districtShort"], prov.short,
                                     d["districtCode"], prov.code, d["districtCode"], "district")
    return out


@lru_cache(maxsize=1)
def districts() -> dict[str, list[Unit]]:
    """Districts by folded short name (a name may exist in several provinces)."""
    out: dict[str, list[Unit]] = {}
    for u in _district_units().values():
        out.setdefault(fold(u.short), []).append(u)
    return out


@lru_cache(maxsize=64)
def communes(province_code: str) -> dict[str, list[Unit]]:
    """The communes (phường, xã, thị trấn) of one province by folded short name; a numbered
    ward ("Phường 14") under its number too ("14")."""
    pkey = next((k for k, u in _province_by_key().items() if u.code == province_code), None)
    out: dict[str, list[Unit]] = {}
    if pkey is None:
        return out
    prov = _province_by_key()[pkey]
    for dkey, wards in (_data()["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"].get(pkey) or {}).items():
        district = _district_units().get((pkey, dkey))
        if district is None:
            continue
        for w in wards.values():
            if not isinstance(w.get("ward"), str) or not isinstance(w.get("wardShort"), str):
                continue  # a gap in vietnamadminunits' table (NaN where a name should be)
            kind = w.get("wardType")
            kind = kind if isinstance(kind, str) else w["ward"].rsplit(" ", 1)[0]
            u = Unit(kind, w["ward"], w["wardShort"], prov.short, w["wardCode"], prov.code, district.code, "commune")
            key = fold(u.short)
            out.setdefault(key, []).append(u)
            prefix = fold(kind) + " "
            if key.startswith(prefix):  # "phường 14" is also "14"
                out.setdefault(key[len(prefix):], []).append(u)
    return out


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Unit]:
    out = {u.code: u for u in provinces().values()}
    out.update({u.code: u for u in _district_units().values()})
    return out


def unit_by_code(code: str | None) -> Unit | None:
    """The province or district with this code (communes: see `commune_by_code`)."""
    return _by_code().get(code) if code else None


def commune_by_code(province_code: str, code: str) -> Unit | None:
    for units in communes(province_code).values():
        for u in units:
            if u.code == code:
                return u
    return None


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Folded short names of every province and district."""
    return frozenset(provinces()) | frozenset(districts())


def province_2025(unit: Unit) -> tuple[str | None, str | None]:
    """(label, code) of the province `unit` belongs to since July 2025, or (None, None)."""
    return _provinces_2025().get(unit.province_code, (None, None))


def codes(unit: Unit | None, national: bool = False) -> dict[str, str | None]:
    """The place columns of a record: province_code, district_code, ward_code, unit_level,
    province_2025, province_2025_code."""
    if unit is None:
        return {"province_code": None, "district_code": None, "ward_code": None,
                "unit_level": "national" if national else None, "province_2025": None, "province_2025_code": None}
    p2025, p2025_code = province_2025(unit)
    return {"province_code": unit.province_code, "district_code": unit.district_code, "ward_code": unit.ward_code,
            "unit_level": unit.level, "province_2025": p2025, "province_2025_code": p2025_code}


@lru_cache(maxsize=4096)
def place_label(province_code: str | None, district_code: str | None = None, ward_code: str | None = None) -> str | None:
    """One name per place, whatever the spelling of the text: "TP Hồ Chí Minh",
    "Quận 1, TP Hồ Chí Minh", "Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"."""
    prov = unit_by_code(province_code)
    if prov is None:
        return None
    parts = [province_label(prov.short)]
    district = unit_by_code(district_code)
    if district is not None:
        parts.insert(0, district.name)
    ward = commune_by_code(province_code, ward_code) if ward_code else None
    if ward is not None:
        parts.insert(0, ward.name)
    return ", ".join(parts)
