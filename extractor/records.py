"""The records of the data contract, declared once.

One class per kind — `Article`, `Figure`, `Official`, `Award`, `Document`, `Ranking`, `Check`
(as Scrapy declares items and price-parser its `Price`) — and each field declared once with its
Python type, SQL type, pandas dtype, a one-line description and whether CSV carries it. The
stages construct these; everything else is derived from them:

- JSON Lines: `record.to_dict()` (fields in declaration order, `kind` first);
- the store's tables (`store.SCHEMA`, `store.COLUMNS`), the CSV header (`output.CSV_FIELDS`),
  the pandas dtypes (`dataset.py`), the Datasette column descriptions (`cchc browse`);
- the data-contract table of README.md and the field reference docs/records.md, written by
  `python -m extractor.records --write` (tests/test_records.py fails when they differ).

A new field is one line in its class; SPEC.md's fields may be added to, never renamed or dropped.
"""
# no `from __future__ import annotations`: the field types are read at run time for the docs
import dataclasses
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class Column:
    """How a field is stored and typed outside Python."""

    sql: str            # SQLite column type
    dtype: str          # pandas dtype of the column in extractor.dataset
    json: bool = False  # stored as JSON text (lists; values of more than one type)


TEXT = Column("TEXT", "str")
INTEGER = Column("INTEGER", "Int64")
REAL = Column("REAL", "float64")
COUNT = Column("REAL", "Int64")                     # a count read as a figure's value
DATETIME = Column("TEXT", "datetime64[us, UTC]")   # ISO 8601 text in SQLite
LIST = Column("TEXT", "object", json=True)          # a list: JSON text in SQLite and CSV, a list in pandas
JSON = Column("TEXT", "str", json=True)             # a number or a list: JSON text everywhere but JSON Lines


def col(column: Column, doc: str, *, csv: bool = True, omit_none: bool = False) -> Any:
    """A field of a record: `csv=False` leaves its cell empty in CSV; `omit_none` leaves the
    key out of JSON Lines while the value is unknown."""
    return field(default=None, metadata={"column": column, "doc": doc, "csv": csv, "omit_none": omit_none})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    column: Column
    doc: str
    csv: bool
    omit_none: bool


def _type_name(t: Any) -> str:
    return (t if isinstance(t, str) else getattr(t, "__name__", None) if not getattr(t, "__args__", None)
            else str(t)).replace("typing.", "").replace("NoneType", "None")


# where a record is: the national codes of the unit its place names (gazetteer.codes), its level
# and the province since July 2025; declared once here, added to each kind that has a place
PLACE: dict[str, tuple[Column, str]] = {
    "province_code": (TEXT, 'national code of the province, 63-province structure ("79" Hồ Chí Minh City, '
                            '"01" Hà Nội), the same whatever the spelling'),
    "district_code": (TEXT, 'national code of the district ("760" Quận 1), for a district or a commune in one'),
    "ward_code": (TEXT, "national code of the commune (phường, xã, thị trấn), for a commune"),
    "unit_level": (TEXT, "national, province, district or commune"),
    "province_2025": (TEXT, "the province the place belongs to since July 2025"),
    "province_2025_code": (TEXT, "national code of that province"),
}


def placed(cls):
    """Class decorator (under @dataclass): the PLACE fields a kind does not declare itself, last."""
    for name, (column, doc) in PLACE.items():
        if name not in cls.__dict__.get("__annotations__", {}):
            cls.__annotations__[name] = str | None
            setattr(cls, name, col(column, doc))
    return cls


@dataclass(kw_only=True, slots=True)
class Record:
    """What every record has: its kind, the article it belongs to and the input it came from."""

    kind: ClassVar[str]
    table: ClassVar[str]               # the store's table of this kind
    _names: ClassVar[tuple[str, ...]]
    _omit: ClassVar[frozenset[str]]

    article_id: str = col(TEXT, "stable id of the article: a hash of its source and text")
    source: str = col(TEXT, "the input exactly as given (path, URL, FILE#id)")

    def to_dict(self) -> dict[str, Any]:
        """The JSON Lines record: `kind`, then the fields in declaration order."""
        d: dict[str, Any] = {"kind": self.kind}
        omit = self._omit
        for n in self._names:
            v = getattr(self, n)
            if v is None and n in omit:
                continue
            d[n] = v
        return d


@dataclass(kw_only=True, slots=True)
class Span(Record):
    """A record read from a span of the article: `text == article.text[start:end]`."""

    text: str | None = col(TEXT, "the exact text the record was read from")
    start: int | None = col(INTEGER, "offset of `text` in the article's text (code points)")
    end: int | None = col(INTEGER, "end offset of `text` (exclusive)")


@dataclass(kw_only=True, slots=True)
@placed
class Article(Record):
    kind = "article"
    table = "articles"

    text: str = col(TEXT, "the normalized body every offset refers to (left empty in CSV)", csv=False)
    title: str | None = col(TEXT, "the headline")
    published: str | None = col(DATETIME, "ISO 8601 publication date or datetime (read day first)")
    author: str | None = col(TEXT, "the byline")
    url: str | None = col(TEXT, "the page's URL, when known")
    site: str | None = col(TEXT, "the news site (registry name or host)")
    locality: str | None = col(TEXT, "the place the article is about, as written")
    province: str | None = col(TEXT, "its province in the 63-province structure of the time")
    province_2025: str | None = col(TEXT, "the province it belongs to since July 2025 (absent when unknown)",
                                    omit_none=True)


@dataclass(kw_only=True, slots=True)
@placed
class Figure(Span):
    kind = "figure"
    table = "figures"

    id: str = col(TEXT, "unique id: the article id and the figure's number (`…:f14`)")
    metric: str = col(TEXT, "the metric of the vocabulary, or `other` for a number no rule labels")
    value: int | float = col(REAL, "the value as a number (36.466 -> 36466; 95,31% -> 95.31)")
    unit: str | None = col(TEXT, "the counted noun (hồ sơ, thủ tục, …) or %")
    qualifier: str = col(TEXT, "exact, approx, more_than, less_than, at_least, at_most, range_low or range_high")
    total: int | float | None = col(REAL, "the whole when the text writes a/b (36.075/36.466 hồ sơ)")
    role: str = col(TEXT, "actual, or target for a goal or quota")
    subject: str | None = col(TEXT, "whose figure (Bộ phận Một cửa phường, xã; cấp xã)")
    locality: str | None = col(TEXT, "the place it is about, as written (its subject's, else the article's)")
    province: str | None = col(TEXT, "the province of that place (else the article's)")
    period: str | None = col(TEXT, "2022, 2024-Q1, 2022-H1, 2023-M03, 2015/2023; else the article's year")
    year: int | None = col(INTEGER, "the year the period ends in (2015/2023 -> 2023)")
    period_source: str | None = col(TEXT, "stated (its sentence or paragraph names the period), context (an earlier "
                                          "paragraph does), article (the article's year by default) or none")
    sentence: str | None = col(TEXT, "the sentence it was read from")
    pattern: str | None = col(TEXT, "the rule that labelled it (patterns/figures.yaml)")
    about: str | None = col(TEXT, "for a rate that follows a count, the id of that count")
    sentence_start: int | None = col(INTEGER, "offset of the sentence in the article's text")
    sentence_end: int | None = col(INTEGER, "end offset of the sentence")


@dataclass(kw_only=True, slots=True)
@placed
class Official(Span):
    kind = "official"
    table = "officials"

    name: str = col(TEXT, "the person's name as written")
    titles: list[str] = col(LIST, "the titles held, as written (a list)")
    organization: str | None = col(TEXT, "the body of the first title that names one")
    locality: str | None = col(TEXT, "the place of the office (else the article's, for a local title)")


@dataclass(kw_only=True, slots=True)
class Award(Span):
    kind = "award"
    table = "awards"

    award: str | None = col(TEXT, "the distinction (Bằng khen, Giấy khen, Cờ thi đua, …)")
    conferred_by: str | None = col(TEXT, "who gives it")
    collectives: int | float | None = col(COUNT, "how many collectives receive it")
    individuals: int | float | None = col(COUNT, "how many individuals receive it")
    year: int | None = col(INTEGER, "the year of the figures it rests on")
    field: str | None = col(TEXT, "the field it rewards (… trong công tác cải cách hành chính)")
    figures: list[str] = col(LIST, "ids of the awards_* figures it rests on")


@dataclass(kw_only=True, slots=True)
class Document(Span):
    kind = "document"
    table = "documents"

    doc_type: str | None = col(TEXT, "Quyết định, Công văn, Kế hoạch, Nghị quyết, Chỉ thị, …")
    number: str = col(TEXT, "the number without spaces (769/QĐ-UBND)")
    issued: str | None = col(TEXT, "ISO date of issue, or null")
    issuer: str | None = col(TEXT, "the issuing body, when written")
    pattern: str | None = col(TEXT, "the rule that read it (patterns/documents.yaml)")


@dataclass(kw_only=True, slots=True)
@placed
class Ranking(Span):
    kind = "ranking"
    table = "rankings"

    index: str = col(TEXT, "PAR Index, SIPAS, PCI, PAPI, DDCI")
    level: str | None = col(TEXT, "the level ranked: sở, bộ, huyện, tỉnh, xã")
    year: int | None = col(INTEGER, "the index's year")
    rank: int | None = col(INTEGER, "position from the top (1 = first), or null")
    from_bottom: int | None = col(INTEGER, "position from the bottom (1 = last), or null")
    entity: str = col(TEXT, "the body ranked, as written")


@dataclass(kw_only=True, slots=True)
class Check(Span):
    kind = "check"
    table = "checks"

    check: str = col(TEXT, "rate, sum, target or conflict")
    status: str = col(TEXT, "ok, rounding or mismatch; unchecked when the structure is there but a part is missing")
    figures: list[str] = col(LIST, "ids of the figures it rests on")
    expected: Any = col(JSON, "what the figures give")
    reported: Any = col(JSON, "what the article states (for a conflict, the values reported)")
    message: str = col(TEXT, "one sentence a person can act on (\"not checked: …\" when unchecked)")
    reason: str | None = col(TEXT, "why the check applied: which figures belong together and what says so")
    reported_figure: str | None = col(TEXT, "id of the figure whose stated value the check is about")


KINDS: dict[str, type[Record]] = {c.kind: c for c in (Article, Figure, Official, Award, Document, Ranking, Check)}
RECORD_KINDS = tuple(k for k in KINDS if k != "article")   # the kinds a stage produces


def specs(cls: type[Record]) -> list[FieldSpec]:
    """The fields of a kind, in order (without `kind`)."""
    return [FieldSpec(f.name, _type_name(f.type), f.metadata["column"], f.metadata["doc"], f.metadata["csv"],
                      f.metadata["omit_none"]) for f in dataclasses.fields(cls)]


for _cls in KINDS.values():
    _cls._names = tuple(f.name for f in dataclasses.fields(_cls))
    _cls._omit = frozenset(f.name for f in dataclasses.fields(_cls) if f.metadata["omit_none"])


def names(kind: str) -> list[str]:
    return list(KINDS[kind]._names)


def csv_fields() -> list[str]:
    """The CSV header: the common fields, each kind's own fields, the span fields last."""
    span = [f.name for f in dataclasses.fields(Span) if f.name not in ("article_id", "source")]
    out = ["kind", "article_id", "source"]
    for cls in (*(KINDS[k] for k in RECORD_KINDS), Article):
        out += [s.name for s in specs(cls) if s.name not in out and s.name not in span]
    return out + span


def dtypes() -> dict[str, str]:
    """The pandas dtype of every field, over all kinds (a name has one dtype in every kind)."""
    out: dict[str, str] = {}
    for cls in KINDS.values():
        for s in specs(cls):
            if out.get(s.name, s.column.dtype) != s.column.dtype:
                raise TypeError(f"field {s.name!r} has two dtypes across kinds")
            out[s.name] = s.column.dtype
    return out


def list_fields() -> set[str]:
    """Fields that hold a list (Python lists in the pandas DataFrames)."""
    return {s.name for cls in KINDS.values() for s in specs(cls) if s.column is LIST}


# ---------------------------------------------------------------- generated docs

README_BEGIN = "<!-- records-table: generated by `python -m extractor.records --write` -->"
README_END = "<!-- /records-table -->"
ROOT = Path(__file__).resolve().parent.parent


def readme_table() -> str:
    rows = ["| kind | fields |", "|---|---|"]
    for kind, cls in KINDS.items():
        rows.append(f"| `{kind}` | " + ", ".join(f"`{s.name}`" for s in specs(cls)
                                                 if s.name not in ("article_id", "source")) + " |")
    return "\n".join(rows) + "\n"


def reference() -> str:
    """docs/records.md: every field of every kind with its types and meaning."""
    out = ["# Records: the field reference", "",
           "<!-- generated by `python -m extractor.records --write` from extractor/records.py; do not edit -->", "",
           "Every record is one JSON object per line with `kind` first, then the fields below in this",
           "order. The store keeps one table per kind (`articles`, `figures`, …) with these columns, plus",
           "`run_id` and, for kinds without an id, `n` (the record's place among its kind in the article).",
           "Lists and JSON values are JSON text in SQLite and CSV; in pandas a list is a list.", ""]
    for kind, cls in KINDS.items():
        out += [f"## `{kind}` (table `{cls.table}`)", "", "| field | type | SQL | pandas | CSV | meaning |",
                "|---|---|---|---|---|---|"]
        for s in specs(cls):
            sql = s.column.sql + (" (JSON)" if s.column.json else "")
            csv = "yes" if s.csv else "empty"
            typ = s.type.replace("|", "\\|")  # a pipe inside a table cell
            out.append(f"| `{s.name}` | `{typ}` | {sql} | {s.column.dtype} | {csv} | {s.doc} |")
        out.append("")
    return "\n".join(out)


def generated_readme(readme: str) -> str:
    """README.md with its data-contract table regenerated."""
    head, sep, rest = readme.partition(README_BEGIN)
    if not sep or README_END not in rest:
        raise ValueError(f"README.md has no {README_BEGIN} … {README_END} block")
    _, _, tail = rest.partition(README_END)
    return head + README_BEGIN + "\n" + readme_table() + README_END + tail


def targets(root: Path = ROOT) -> Iterator[tuple[Path, str]]:
    """(file, what it must contain) for every generated document."""
    readme = root / "README.md"
    yield readme, generated_readme(readme.read_text(encoding="utf-8"))
    yield root / "docs" / "records.md", reference()


def main(argv: list[str]) -> int:
    """`python -m extractor.records [--write]`: say which generated docs are stale (or rewrite them)."""
    stale = 0
    for path, want in targets():
        have = path.read_text(encoding="utf-8") if path.exists() else None
        if have != want:
            stale += 1
            if "--write" in argv:
                path.write_text(want, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
            else:
                print(f"stale: {path.relative_to(ROOT)} (run python -m extractor.records --write)")
    return 1 if stale and "--write" not in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
