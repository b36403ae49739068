"""The benchmark command runs and prints its figures (speed is measured, not asserted)."""
from __future__ import annotations

import re

from conftest import ROOT, run_cchc


def test_bench_prints_per_stage_figures():
    sample = ROOT / "tests" / "data" / "general_sample.jsonl"
    reform = ROOT / "tests" / "data" / "cchc_sample.jsonl"
    r = run_cchc("bench", "--general", str(sample), "--reform", str(reform), "--limit", "100", "--no-naive",
                 "--memory", "2000")
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    for stage in ("read (JSON parse)", "normalize", "relevance prefilter", "NLP (sentences)", "figures", "officials",
                  "rankings", "checks"):
        assert re.search(rf"reform: {re.escape(stage)}\s+[\d,]+\s+[\d.]+", out), stage
    assert re.search(r"end to end, reform articles: [\d,]+ articles/s/core", out)
    assert re.search(r"peak memory: [\d,]+ MB", out)
    assert len(re.findall(r"articles\s+RSS [\d,]+ MB", out)) == 2  # every max(1000, N/10) articles


def test_bench_corpus_option_and_targets_table():
    """--corpus picks the reform corpus by prefilter pass rate; the naive NER baseline runs
    beside it and is printed as a ratio; the targets are listed (met or not: speed is not asserted)."""
    sample = ROOT / "tests" / "data" / "general_sample.jsonl"
    reform = ROOT / "tests" / "data" / "cchc_sample.jsonl"
    r = run_cchc("bench", "--corpus", str(reform), "--corpus", str(sample), "--limit", "60")
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "general general_sample.jsonl (60 articles" in out and "reform cchc_sample.jsonl (50 articles" in out
    assert re.search(r"stage\s+articles/s/core\s+ms/article", out)
    for corpus in ("general", "reform"):
        for stage in ("read (JSON parse)", "normalize", "relevance prefilter", "NLP (sentences)", "places",
                      "figures", "officials", "awards", "documents", "rankings", "checks"):
            assert re.search(rf"{corpus}: {re.escape(stage)}\s+[\d,]+\s+[\d.]+\n", out), (corpus, stage)
    assert re.search(r"naive \(underthesea ner on every sentence\): [\d,.]+ articles/s/core \(\d+ sentences\)", out)
    assert re.search(r"ratio cchc / naive: [\d,.]+x", out)
    assert re.search(r"prefilter alone, ordinary:\s+[\d,]+ articles/s/core", out)
    assert len(re.findall(r"^  (met    |NOT MET)  ", out, re.MULTILINE)) == 3
