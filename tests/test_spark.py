"""The Spark job (`python -m extractor.spark_job`) in local[2] over a WARC and a Parquet
article table: its Parquet output holds exactly the records one process extracts.

Needs Java (CI: Debian openjdk-17-jre-headless, installed by .ci/run) and pyspark (extra `spark`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from test_warc import build_warc

from extractor.api import safe_extract
from extractor.model import ReadError
from extractor.reading import iter_articles
from extractor.reading.jsonl import article_from_obj
from extractor.reading.warc import iter_warc

REFORM = ROOT / "tests" / "data" / "cchc_sample.jsonl"

pytestmark = pytest.mark.spark


def single_process(items):
    recs, errors = [], []
    for item in items:
        res = item if isinstance(item, ReadError) else safe_extract(item)
        if isinstance(res, ReadError):
            errors.append(res.source)
        else:
            recs.extend(res)
    return recs, errors


def test_spark_job_cli_equals_single_process(tmp_path):
    if not shutil.which("java"):
        pytest.skip("Java is not installed (.ci/run installs openjdk-17-jre-headless)")
    pytest.importorskip("pyspark")
    import pyarrow as pa
    import pyarrow.parquet as pq

    warc = tmp_path / "in" / "crawl.warc.gz"
    warc.parent.mkdir()
    build_warc(warc)
    rows = [json.loads(ln) for ln in REFORM.read_text(encoding="utf-8").splitlines()[:20] if ln.strip()]
    table = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(rows), table)
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    r = subprocess.run([sys.executable, "-m", "extractor.spark_job", "--input", str(warc.parent),
                        "--input", str(table), "--input", str(jsonl), "--output", str(out), "--master", "local[2]", "--partitions", "2"],
                       capture_output=True, env=env, cwd=tmp_path, timeout=240, check=False)
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    assert "wrote" in r.stderr.decode()

    got = pq.read_table(out).to_pylist()  # hive partitions site=…/year=… come back as columns
    want, want_errors = single_process(iter_warc(str(warc)))
    want += single_process(iter_articles([str(jsonl)]))[0]  # what `cchc extract articles.jsonl` gives
    # the Parquet table's rows, through the reader function the CLI's JSONL reader uses
    want += single_process(article_from_obj(row, str(table), n) for n, row in enumerate(rows, 1))[0]
    key = lambda rec: (rec["kind"], rec["article_id"], json.dumps(rec, ensure_ascii=False, sort_keys=True))
    got_recs = sorted((json.loads(x["record"]) for x in got if x["kind"] != "error"), key=key)
    want = sorted(want, key=key)
    assert len(got_recs) == len(want) and len(want) > 49
    for g, w in zip(got_recs, want):
        assert g == w  # field by field
    assert sorted(x["source"] for x in got if x["kind"] == "error") == sorted(want_errors)
    assert "https://archive.example/corrupt.html" in want_errors

    # partitioned by site and year; the columns agree with the record they sit beside
    assert {p.name.split("=")[0] for p in out.iterdir() if p.is_dir()} == {"site"}
    for x in got:
        if x["kind"] == "article":
            rec = json.loads(x["record"])
            assert str(x["year"]) == (rec.get("published") or "0")[:4].lstrip("0") or x["year"] == 0
            assert x["article_id"] == rec["article_id"] and x["source"] == rec["source"]
    years = {int(x["year"]) for x in got if x["kind"] == "article"}
    assert 2024 in years and len(years) > 1
