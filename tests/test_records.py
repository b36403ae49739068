"""One schema per record kind (extractor/records.py): JSON Lines, CSV, the README, the store,
pandas and Datasette all name the same fields, because all of them come from it."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from extractor import records
from extractor.store import Store

from conftest import ROOT, SEEDS, run_cchc


@pytest.fixture(scope="module")
def seed_records():
    r = run_cchc("extract", str(SEEDS), "-q")
    assert r.returncode == 0, r.stderr
    return [json.loads(x) for x in r.stdout.decode().splitlines()]


def _fields(kind):
    return [s.name for s in records.specs(records.KINDS[kind])]


def test_generated_docs_are_current():
    """README's data-contract table and docs/records.md are what `python -m extractor.records
    --write` writes (run it after changing a record class)."""
    for path, want in records.targets(ROOT):
        assert path.read_text(encoding="utf-8") == want, f"{path.name} is stale: python -m extractor.records --write"


def test_every_kind_is_in_the_seed_output(seed_records):
    assert {r["kind"] for r in seed_records} == set(records.KINDS)


def test_jsonl_readme_and_csv_name_the_same_fields(seed_records):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m.group(1): re.findall(r"`(\w+)`", m.group(2))
             for m in re.finditer(r"^\| `(\w+)` \| (.*) \|$", readme, re.M) if m.group(1) in records.KINDS}
    assert set(table) == set(records.KINDS)
    csv_out = run_cchc("extract", str(SEEDS), "--format", "csv", "-q").stdout.decode()
    header = next(csv.reader(io.StringIO(csv_out)))
    assert len(header) == len(set(header))
    seen = set()
    for r in seed_records:
        kind = r["kind"]
        want = [n for n in _fields(kind) if not (n in records.KINDS[kind]._omit and r.get(n) is None)]
        assert list(r) == ["kind", *want], kind  # the declared fields, in the declared order
        if kind not in seen:
            seen.add(kind)
            assert ["article_id", "source", *table[kind]] == _fields(kind), kind
            assert set(_fields(kind)) <= set(header), kind
    assert set(header) == {"kind"} | {n for k in records.KINDS for n in _fields(k)}
    rows = list(csv.DictReader(io.StringIO(csv_out)))
    assert rows[0]["kind"] == "article" and rows[0]["text"] == ""   # csv=False: the body stays in JSONL
    assert any(r["kind"] == "figure" and r["sentence_start"] for r in rows)


def test_the_store_keeps_every_field(seed_db, seed_records):
    """Records read back from the store are the records extract wrote (plus their run)."""
    r = run_cchc("export", "--db", str(seed_db), "--format", "jsonl")
    back = [json.loads(x) for x in r.stdout.decode().splitlines()]
    for rec in back:
        if rec["kind"] != "article":
            assert rec.pop("run_id") == 1
    def key(r):
        return json.dumps(r, ensure_ascii=False)

    assert sorted(back, key=key) == sorted(seed_records, key=key)
    assert all(list(b) == list(a) for a, b in zip(sorted(seed_records, key=key), sorted(back, key=key)))


def test_store_columns_and_datasette_descriptions_come_from_the_records(seed_db):
    from extractor.commands.browse import metadata
    from extractor.store import STORE_COLUMNS

    con = sqlite3.connect(seed_db)
    tables = metadata()["databases"]["cchc"]["tables"]
    for kind, cls in records.KINDS.items():
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({cls.table})")]
        stored = set(_fields(kind)) - ({"source"} if kind != "article" else set())
        assert stored <= set(cols) and set(cols) - stored <= set(STORE_COLUMNS), kind
        described = tables[cls.table]["columns"]
        assert set(cols) <= set(described) and all(described[c] for c in cols), kind
        if kind != "article":
            assert tables[f"current_{cls.table}"]["columns"] == described


def test_pandas_dtypes_come_from_the_records(seed_db):
    from extractor import dataset

    ds = dataset.open(seed_db)
    frames = {"figure": ds.figures(), "award": ds.awards(), "ranking": ds.rankings(), "official": ds.officials(),
              "check": ds.checks(), "document": ds.documents(), "article": ds.articles()}
    for kind, df in frames.items():
        assert len(df), kind
        for s in records.specs(records.KINDS[kind]):
            assert str(df[s.name].dtype) == s.column.dtype, (kind, s.name)
            if s.name in records.list_fields():
                assert all(isinstance(v, list) for v in df[s.name]), (kind, s.name)


def test_an_older_file_gets_the_new_columns(tmp_path):
    """A dataset written before a field existed opens, gains the column (empty) and takes new records."""
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE figures (run_id INTEGER NOT NULL, article_id TEXT NOT NULL, id TEXT NOT NULL, "
                "metric TEXT, value REAL, PRIMARY KEY (run_id, id))")
    con.execute("INSERT INTO figures VALUES (1, 'a', 'a:f1', 'dossiers_received', 12)")
    con.commit()
    con.close()
    from extractor.api import extract_text

    recs = extract_text("Bộ phận Một cửa tiếp nhận 1.245 hồ sơ.", source="note", prefilter=False)
    with Store.open(path) as st:
        st.save(recs, run_id=st.begin_run("test"))
        cols = [r[1] for r in st.db.execute("PRAGMA table_info(figures)")]
        assert set(_fields("figure")) - {"source"} <= set(cols)
        old = dict(st.db.execute("SELECT * FROM figures WHERE id = 'a:f1'").fetchone())
        assert old["value"] == 12 and old["sentence_start"] is None
        new = st.db.execute("SELECT sentence_start, sentence_end FROM figures WHERE id != 'a:f1'").fetchone()
        assert tuple(new) == (recs[1]["sentence_start"], recs[1]["sentence_end"])


def test_a_record_is_its_declared_fields():
    f = records.Figure(article_id="a", source="s", id="a:f1", metric="other", value=3)
    assert list(f.to_dict()) == ["kind", *_fields("figure")]
    with pytest.raises(TypeError):
        records.Figure(article_id="a", source="s", colour="red")  # no undeclared field slips in
    a = records.Article(article_id="a", source="s", text="t")
    assert "province_2025" not in a.to_dict()   # left out while unknown, as JSON Lines always had it
    assert records.Article(article_id="a", source="s", text="t", province_2025="Hà Nội").to_dict()["province_2025"]
