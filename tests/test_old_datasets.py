"""A dataset written by an older cchc (record tables without the columns added since: place
codes, period_source): the read-only commands and the notebook API refuse it with one clear
message naming the columns and the command that brings it up to date, and leave it unchanged;
`cchc reextract` does bring it up to date."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from extractor import dataset
from extractor.store import Store, StoreError, schema_gaps

from conftest import ROOT, free_port, run_cchc

# what the older cchc lacked: table -> columns
DROPPED = {"figures": ("province_code", "period_source"), "officials": ("province_code",),
           "rankings": ("province_code",)}


def older(seed_db, folder, name="old.sqlite", dropped=DROPPED):
    """A copy of `seed_db` as an older cchc left it: the `dropped` columns missing, and the
    stored digests those of records without them (so they differ from this cchc's)."""
    path = folder / name
    src, dst = sqlite3.connect(seed_db), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    for table, cols in dropped.items():
        for col in cols:
            dst.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    dst.execute("UPDATE extractions SET digest = 'older cchc'")
    dst.commit()
    dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, as a copied dataset is
    dst.close()
    return path


def sha1(path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def export_records(path) -> list[dict]:
    """`cchc export --format jsonl` of a dataset, without the run ids (they differ by file)."""
    r = run_cchc("export", "--db", str(path), "--format", "jsonl")
    assert r.returncode == 0, r.stderr.decode()
    return [{k: v for k, v in json.loads(line).items() if k != "run_id"} for line in r.stdout.decode().splitlines()]


def run_bounded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """run_cchc in a session of its own, all of it ended after `timeout`: a `cchc browse` that
    started serving (instead of refusing) would otherwise leave its Datasette running."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("args", [
    ("export", "--format", "jsonl"), ("export",), ("export", "--wide"), ("export", "--table", "officials"),
    ("export", "--format", "parquet", "-o", "OUT"), ("summary",), ("browse", "--port", "PORT"),
], ids=lambda a: " ".join(a))
def test_read_only_commands_refuse_an_older_dataset(seed_db, tmp_path, args):
    old = older(seed_db, tmp_path)
    before = sha1(old)
    args = [str(tmp_path / "out.parquet") if a == "OUT" else str(free_port()) if a == "PORT" else a for a in args]
    r = run_bounded(*args, "--db", str(old))
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith(f"cchc: error: {old}: ")
    assert "written by an older cchc" in err
    assert "figures lacks period_source, province_code" in err
    assert "officials lacks province_code" in err and "rankings lacks province_code" in err
    assert f"cchc reextract --db {old}" in err
    assert r.stdout == b""
    assert sha1(old) == before  # nothing written: not the columns, not the schema


def test_notebook_api_refuses_an_older_dataset(seed_db, tmp_path):
    old = older(seed_db, tmp_path)
    before = sha1(old)
    with pytest.raises(StoreError, match=r"figures lacks period_source, province_code.*cchc reextract --db"):
        dataset.open(old)
    with pytest.raises(StoreError, match="officials lacks province_code"):
        Store.open(old, readonly=True)
    assert sha1(old) == before


def test_a_missing_record_table_is_named(seed_db, tmp_path):
    old = older(seed_db, tmp_path, dropped={})
    con = sqlite3.connect(old)
    con.execute("DROP VIEW current_rankings")
    con.execute("DROP TABLE rankings")
    con.commit()
    con.close()
    r = run_cchc("export", "--format", "jsonl", "--db", str(old))
    assert r.returncode == 1 and "Traceback" not in r.stderr.decode()
    assert "written by an older cchc: no table rankings." in r.stderr.decode()


def test_reextract_brings_an_older_dataset_up_to_date(seed_db, tmp_path):
    old = older(seed_db, tmp_path)
    r = run_cchc("reextract", "--db", str(old))
    assert r.returncode == 0, r.stderr.decode()
    con = sqlite3.connect(old)
    assert schema_gaps(con) == []
    con.close()
    assert export_records(old) == export_records(seed_db)  # the new columns filled, as a new file has them
    for args in (("summary",), ("export", "--wide")):
        r = run_cchc(*args, "--db", str(old))
        assert r.returncode == 0, r.stderr.decode()


def test_an_up_to_date_dataset_opens_as_before(seed_db):
    con = sqlite3.connect(seed_db)
    assert schema_gaps(con) == []
    con.close()
    before = sha1(seed_db)
    assert dataset.open(seed_db).figures().province_code.notna().any()
    with Store.open(seed_db, readonly=True) as st:
        assert any(r.get("period_source") for r in st.records())
    assert sha1(seed_db) == before
