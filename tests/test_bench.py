"""The benchmark command runs and prints its figures (speed is measured, not asserted)."""
from __future__ import annotations

import re

from conftest import ROOT, run_cchc

SAMPLE = ROOT / "tests" / "data" / "general_sample.jsonl"
REFORM = ROOT / "tests" / "data" / "cchc_sample.jsonl"
NUMBER = r"[\d,.]+"
SUMMARY = [  # the rows of the side-by-side table, measured in one run
    rf"ordinary news, extract --only-relevant \(per CPU s\)\s+{NUMBER} articles/s\s+>= 5,000",
    rf"  prefilter pass rate\s+{NUMBER}% \({NUMBER}/{NUMBER}\)",
    rf"reform articles, extract \(per CPU s\)\s+{NUMBER} articles/s\s+>= 300",
    rf"start-up, extract of one text \(CPU, start to finish\)\s+{NUMBER} s\s+< 0.5 s",
    rf"  first run: no compiled rules on disk yet\s+{NUMBER} s",
    rf"saved pages, extract \(per CPU s\)\s+{NUMBER} pages/s",
    rf"  reference: trafilatura alone on the same pages\s+{NUMBER} pages/s",
    rf"--jobs 2 vs 1, \d+ reform articles \(wall\)\s+{NUMBER} s -> {NUMBER} s = {NUMBER}x\s+>= 1.6x",
    rf"--jobs 2 vs 1, {NUMBER} ordinary, --only-relevant \(wall\)\s+{NUMBER} s -> {NUMBER} s = {NUMBER}x\s+>= 1.6x",
    r"  output byte-identical across --jobs\s+yes\s+yes\s+met",
]
STAGES = ("read (JSON parse)", "normalize", "relevance prefilter", "places", "NLP (sentences)", "figures", "officials",
          "awards", "documents", "rankings", "checks")


def targets(out: str) -> list[str]:
    return re.findall(r"^  (?:met    |NOT MET)  (.*)$", out, re.MULTILINE)


def test_bench_prints_the_table_the_stages_and_memory():
    r = run_cchc("bench", "--general", str(SAMPLE), "--reform", str(REFORM), "--limit", "100", "--articles", "50",
                 "--no-naive", "--memory", "2000")
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    for line in SUMMARY:  # output byte-identical across --jobs is checked, not only printed
        assert re.search(line, out), line
    for stage in STAGES:
        assert re.search(rf"reform: {re.escape(stage)}\s+[\d,]+\s+[\d.]+\n", out), stage
    assert re.search(r"peak memory of this process: [\d,]+ MB", out)
    assert len(re.findall(r"articles\s+RSS [\d,]+ MB", out)) == 2  # every max(1000, N/10) articles
    assert len(targets(out)) == 7 and "memory flat while streaming (growth < 20 MB)" in targets(out)


def test_bench_corpus_option_and_the_naive_reference():
    """--corpus picks the reform corpus by prefilter pass rate; the naive NER baseline runs
    beside it and is printed as a ratio; the targets are listed (met or not: speed is not asserted)."""
    r = run_cchc("bench", "--corpus", str(REFORM), "--corpus", str(SAMPLE), "--limit", "60", "--articles", "50",
                 "--no-stages")
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "general general_sample.jsonl (60 articles)" in out and "reform cchc_sample.jsonl (50 articles" in out
    assert re.search(r"machine: \d+ cores, load average [\d.]+", out)
    assert "bytecode and compiled rules cached" in out
    assert re.search(rf"reference: naive pipeline \(underthesea ner on every sentence\)\s+{NUMBER} articles/s", out)
    assert re.search(rf"  cchc / naive, reform articles\s+{NUMBER}x\s+>= 10x", out)
    assert "per stage" not in out
    assert len(targets(out)) == 7
