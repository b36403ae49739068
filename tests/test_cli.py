"""The CLI as a user runs it: formats, stdin, failures, help."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import ROOT, SEEDS, run_cchc

SEED0 = str(next(SEEDS.glob("000_*.txt")))


def test_jsonl_records_follow_the_contract():
    r = run_cchc("extract", SEED0, "-q")
    assert r.returncode == 0
    recs = [json.loads(line) for line in r.stdout.decode().splitlines()]
    art = recs[0]
    assert art["kind"] == "article" and art["source"] == SEED0
    for k in ("url", "site", "title", "published", "author", "locality", "province", "text"):
        assert k in art
    figs = [x for x in recs if x["kind"] == "figure"]
    assert len(figs) > 20
    for f in figs:
        for k in ("id", "metric", "value", "unit", "qualifier", "total", "role", "subject", "locality", "period",
                  "text", "start", "end", "sentence", "pattern", "article_id", "source"):
            assert k in f, k
        assert art["text"][f["start"]:f["end"]] == f["text"]
        assert f["text"] in f["sentence"]
    received = next(f for f in figs if f["metric"] == "dossiers_received")
    assert received["value"] == 36466 and received["period"] == "2022" and received["unit"] == "hồ sơ"


def test_table_and_csv():
    t = run_cchc("extract", SEED0, "--format", "table", "-q")
    out = t.stdout.decode()
    # numbers as the article writes them (Vietnamese grouping and decimal comma), never 3.6466e+04
    assert re.search(r"dossiers_received +36\.466 hồ sơ +« 36\.466 hồ sơ »", out) and "0,63%" in out and "e+" not in out
    c = run_cchc("extract", SEED0, "--format", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(c.stdout.decode())))
    assert rows[0]["kind"] == "article"
    assert any(r["metric"] == "dossiers_late_rate" and r["value"] == "0.63" for r in rows)


def test_table_says_where_a_ranking_is_counted_from():
    text = ("Về Chỉ số cải cách hành chính (Chỉ số CCHC) năm 2023, huyện Phong Điền đứng đầu bảng xếp hạng; "
            "huyện Vĩnh Thạnh xếp áp chót, trong khi quận Ninh Kiều xếp cuối bảng.")
    out = run_cchc("extract", "-", "--format", "table", "-q", input=text.encode()).stdout.decode()
    rows = [line.split("«")[0] for line in out.splitlines() if line.strip().startswith("ranking")]
    assert any("#1 huyện Phong Điền" in r for r in rows), out
    assert any("#2 from last huyện Vĩnh Thạnh" in r for r in rows), out
    assert any(" last quận Ninh Kiều" in r for r in rows), out


def test_stdin_and_output_file(tmp_path):
    out = tmp_path / "o.jsonl"
    text = "Kết quả, bộ phận Một cửa tiếp nhận 1.245 hồ sơ, trong đó trễ hạn 3 hồ sơ."
    r = run_cchc("extract", "-", "-o", str(out), "-q", input=text.encode())
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert {(x.get("metric"), x.get("value")) for x in recs} >= {("dossiers_received", 1245), ("dossiers_late", 3)}
    assert recs[0]["source"] == "-"


def test_unreadable_input_is_named_rest_processed_exit_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = run_cchc("extract", str(empty), str(tmp_path / "nope.html"), SEED0, "-q")
    assert r.returncode == 1
    err = r.stderr.decode().strip().splitlines()
    assert len(err) == 2
    assert str(empty) in err[0] and "empty" in err[0]
    assert "nope.html" in err[1] and "no such file" in err[1]
    assert any(json.loads(x)["source"] == SEED0 for x in r.stdout.decode().splitlines())


def test_help_is_fast_and_lists_every_command():
    from extractor.cli import COMMANDS

    r = run_cchc("--help")
    assert r.returncode == 0
    out = r.stdout.decode()
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("name", ["extract", "evaluate"])
def test_command_documented(name):
    r = run_cchc(name, "--help")
    assert r.returncode == 0 and len(r.stdout.decode()) > 100


def test_general_news_rarely_yields_reform_metrics(tmp_path):
    """Ordinary news (the bundled sample of general.jsonl.gz) must not light up reform metrics."""
    sample = ROOT / "tests" / "data" / "general_sample.jsonl"
    r = run_cchc("extract", str(sample), "-q")
    assert r.returncode == 0
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    arts = sum(1 for x in recs if x["kind"] == "article")
    labelled = [x for x in recs if x["kind"] == "figure" and x["metric"] != "other"]
    assert arts == 300
    assert len(labelled) <= 3, [(x["metric"], x["text"], x["sentence"][:120]) for x in labelled]
