"""Vietnamese administrative units (the 63-province structure before July 2025) with their
national codes, from the offline data that vietnamadminunits ships, loaded once on first use.

Codes are the General Statistics Office's, as vietnamadminunits gives them: "79" Hồ Chí
Minh City, "01" Hà Nội, "760" Quận 1, "26734" Phường Bến Nghé. Communes (phường, xã, thị
trấn) are indexed per province, on first use.
"""
from __future__ import annotations

import hashlib
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


def _data_dir() -> Path:
    """vietnamadminunits' data files, found without importing the package (its import pulls in
    geopy and more: 0.6 s of start-up for data that parses in 0.08 s)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed (pip install vietnamadminunits)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


_FILES = ("parser_legacy.json", "parser_from_2025.json", "converter_2025.json")
_TABLES = ("provinces", "districts", "wards", "since_2025")  # what `_slim` makes of them


def _text(value):
    """A name of the data, or None where vietnamadminunits' table has a gap (NaN)."""
    return value if isinstance(value, str) else None


def _slim(legacy: dict, from_2025: dict, converter: dict) -> dict:
    """What this module uses of vietnamadminunits' data, as plain tuples (its JSON also holds
    keywords, coordinates and other spellings: 4 MB that took 0.08 s to parse at each start):
    provinces and districts by the data's own keys, communes by province and district key,
    and each old province code's province since July 2025. The 2025 reform merged whole
    provinces, so the old province alone decides (as vietnamadminunits' converter does: its
    DICT_PROVINCE lists the old provinces of each new one)."""
    provinces = {k: (p["province"], p["provinceShort"], p["provinceCode"]) for k, p in legacy["DICT_PROVINCE"].items()}
    districts = {pk: {dk: (d["districtType"], d["district"], d["districtShort"], d["districtCode"]) for dk, d in ds.items()}
                 for pk, ds in legacy["DICT_PROVINCE_DISTRICT"].items()}
    wards = {pk: {dk: [tuple(_text(w.get(f)) for f in ("wardType", "ward", "wardShort", "wardCode")) for w in ws.values()]
                  for dk, ws in ds.items()}
             for pk, ds in legacy["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"].items()}
    new = from_2025["DICT_PROVINCE"]
    code_of = {k: p[2] for k, p in provinces.items()}
    since_2025 = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            if old_key in code_of and new_key in new:
                since_2025[code_of[old_key]] = (province_label(new[new_key]["provinceShort"]), new[new_key]["provinceCode"])
    return dict(zip(_TABLES, (provinces, districts, wards, since_2025)))


@lru_cache(maxsize=1)
def _tables() -> dict:
    """`_slim` of the data files, kept on disk between runs (rulecache.files()), keyed by this
    module's source and each file's size and modification time, as Python keys its bytecode
    (reading the 4 MB to digest them was a tenth of the warm-up): new data or a change here
    makes them afresh."""
    from . import rulecache

    d = _data_dir()
    h = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16)
    for name in _FILES:
        st = (d / name).stat()
        h.update(f"\0{name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    k = h.hexdigest()
    found = rulecache.files().get(k)
    if isinstance(found, dict) and set(found) == set(_TABLES):
        return found
    tables = _slim(*(json.loads((d / name).read_bytes()) for name in _FILES))
    rulecache.files().put(k, tables)
    return tables


def _provinces_2025() -> dict[str, tuple[str, str]]:
    """Old province code -> (label, code) of its province since July 2025."""
    return _tables()["since_2025"]


@lru_cache(maxsize=1)
def provinces() -> dict[str, Unit]:
    out = {}
    for name, short, code in _tables()["provinces"].values():
        u = Unit("province", name, short, short, code, code, None, "province")
        out[fold(u.short)] = u
    return out


@lru_cache(maxsize=1)
def _province_by_key() -> dict[str, Unit]:
    """The data's own province keys ("thanhphohanoi") to units."""
    by_short = {u.short: u for u in provinces().values()}
    return {k: by_short[short] for k, (_, short, _) in _tables()["provinces"].items()}


@lru_cache(maxsize=1)
def _district_units() -> dict[tuple[str, str], Unit]:
    """(province key, district key) -> unit."""
    out = {}
    for pkey, ds in _tables()["districts"].items():
        prov = _province_by_key()[pkey]
        for dkey, (kind, name, short, code) in ds.items():
            out[(pkey, dkey)] = Unit(kind, name, short, prov.short, code, prov.code, code, "district")
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
    for dkey, wards in (_tables()["wards"].get(pkey) or {}).items():
        district = _district_units().get((pkey, dkey))
        if district is None:
            continue
        for kind, name, short, code in wards:
            if name is None or short is None:
                continue  # a gap in vietnamadminunits' table
            kind = kind if kind is not None else name.rsplit(" ", 1)[0]
            u = Unit(kind, name, short, prov.short, code, prov.code, district.code, "commune")
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
