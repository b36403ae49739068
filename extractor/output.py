"""Writing records: JSON Lines, CSV and a readable terminal table."""
from __future__ import annotations

import csv
import json
from functools import lru_cache
from typing import IO, Any

import regex

from . import records

# every field of every kind (records.py); a field CSV does not carry (the article's body: it is
# in JSON Lines, and a CSV row per article stays readable) is left empty in its kind's rows
CSV_FIELDS = records.csv_fields()
_BLANK = {kind: {s.name for s in records.specs(cls) if not s.csv} for kind, cls in records.KINDS.items()}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# what a spreadsheet may skip before it sees a formula: whitespace of every kind (NBSP, the
# ideographic space…), zero-width characters and byte-order marks, other format characters
_INVISIBLE_LEAD = regex.compile(r"^[\s\p{Cf}\p{Zs}\u180e\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]+")
_FORMULA_FULLWIDTH = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠


def safe_cell(v: Any) -> Any:
    """Neutralize a cell a spreadsheet would execute: one that starts with =, +, -, @ (also
    after leading whitespace, NBSP, a newline, zero-width characters or a BOM), a tab or a
    carriage return. It gets a leading ' so it is shown as text."""
    if not isinstance(v, str) or not v:
        return v
    if v.startswith(_FORMULA):
        return "'" + v
    lead = _INVISIBLE_LEAD.match(v)
    rest = v[lead.end():] if lead else v
    if (lead and rest.startswith(_FORMULA)) or rest.startswith(_FORMULA_FULLWIDTH):
        return "'" + v
    return v


def plain_number(value: float | int | None) -> str:
    """A number as a Vietnamese text writes it, never in scientific notation: 1245 -> "1.245",
    0.72 -> "0,72", 36466.5 -> "36.466,5"."""
    if value is None:
        return "?"
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        return str(value)
    whole, _, frac = f"{abs(v):.6f}".rstrip("0").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return ("-" if v < 0 else "") + grouped + ("," + frac if frac else "")


@lru_cache(maxsize=1)
def _scales() -> list[tuple[float, str]]:
    """The scale words large amounts are written with, largest first (numbers.yaml display_scales)."""
    from .patterns import table

    return sorted(((float(v), w) for w, v in table("display_scales").items()), reverse=True)


def plain_quantity(value: float | int | None, unit: str | None) -> str:
    """A value with its unit, as a reader writes it: "1.245 hồ sơ", "0,72%", "256.341 tỉ đồng"
    (a large amount with the scale word when that loses nothing)."""
    unit = (unit or "").strip()
    if unit == "%":
        return plain_number(value) + "%"
    if value is not None:
        for scale, word in _scales():
            if abs(float(value)) >= scale and round(float(value) / scale, 3) * scale == float(value):
                return f"{plain_number(round(float(value) / scale, 3))} {word} {unit}".strip()
    return f"{plain_number(value)} {unit}".strip()


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(r, ensure_ascii=False), its encoder made once


class Writer:
    def __init__(self, fmt: str, out: IO[str]):
        self.fmt, self.out = fmt, out
        self._csvw = None
        self._table_rows = 0

    def write(self, records: list[dict[str, Any]]) -> None:
        getattr(self, f"_{self.fmt}")(records)

    def _jsonl(self, records):
        # one write an article: unbuffered (PYTHONUNBUFFERED, a pipe) each write is a system call
        self.out.write("".join(_encode(r) + "\n" for r in records))

    def _csv_(self):
        if self._csvw is None:
            self._csvw = csv.DictWriter(self.out, fieldnames=CSV_FIELDS, extrasaction="ignore")
            self._csvw.writeheader()
        return self._csvw

    def _csv(self, records):
        w = self._csv_()
        for r in records:
            blank = _BLANK.get(r["kind"], ())
            row = {k: (None if k in blank else json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                   for k, v in r.items()}
            w.writerow({k: safe_cell(v) for k, v in row.items() if k in CSV_FIELDS})

    def _table(self, records):
        for r in records:
            k = r["kind"]
            if k == "article":
                self.out.write(f"\n== {r.get('title') or r['source']}\n   {r['source']}  "
                               f"{r.get('published') or '?'}  {r.get('author') or ''}  {r.get('province') or ''}\n")
                continue
            if k == "figure":
                tag = f"{r['metric']}{' (target)' if r.get('role') == 'target' else ''}"
                if r.get("total") is not None:
                    value = f"{plain_number(r['value'])}/{plain_quantity(r['total'], r.get('unit'))}"
                else:
                    value = plain_quantity(r["value"], r.get("unit"))
                label = tag
            elif k == "official":
                label, value = "official", f"{r.get('name')} — {', '.join(r.get('titles') or [])}"
            elif k == "award":
                label, value = "award", f"{r.get('award') or ''} {r.get('collectives')} tập thể / {r.get('individuals')} cá nhân"
            elif k == "document":
                label, value = "document", f"{r.get('doc_type') or ''} {r.get('number')} {r.get('issued') or ''}"
            elif k == "ranking":
                fb = r.get("from_bottom")
                pos = f"#{r['rank']}" if r.get("rank") else ("last" if fb == 1 else f"#{fb} from last")
                label, value = "ranking", f"{r.get('index')} {r.get('level') or ''} {pos} {r.get('entity')}"
            elif k == "check":
                label, value = f"check:{r.get('check')}", f"{r.get('status')}: {r.get('message')}"
            else:
                label, value = k, ""
            src = (r.get("text") or "").replace("\n", " ")
            self.out.write(f"   {label:<28} {value:<40} « {src[:70]} »\n")
