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
