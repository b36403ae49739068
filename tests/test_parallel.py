"""All cores: extract_many / `cchc extract --jobs N` give exactly what one process gives, in
input order, streaming through a bounded window (never the whole corpus in memory)."""
from __future__ import annotations

import itertools
import json

import pytest
from conftest import ROOT, SEEDS, run_cchc

from extractor.model import Article, ReadError
from extractor.parallel import extract_many
from extractor.reading import iter_articles

REFORM = ROOT / "tests" / "data" / "cchc_sample.jsonl"  # 50 articles of /work/shared/corpus/cchc.jsonl


def comparable(results):
    """ReadErrors are exceptions (compared by identity): compare them by what they say."""
    return [("error", r.source, r.reason) if isinstance(r, ReadError) else r for r in results]


def inputs(tmp_path):
    return [str(SEEDS), str(REFORM), str(tmp_path / "missing.txt")]


def test_jobs_2_equals_jobs_1_in_order(tmp_path):
    one = comparable(extract_many(iter_articles(inputs(tmp_path)), 1))
    assert len(one) == 56 and one[-1] == ("error", str(tmp_path / "missing.txt"), one[-1][2])
    assert sum(len(r) for r in one if isinstance(r, list)) > 56  # not only article records
    for jobs, chunksize in ((2, 1), (2, 3), (2, 64), (3, 8)):
        got = comparable(extract_many(iter_articles(inputs(tmp_path)), jobs, chunksize=chunksize))
        assert got == one, (jobs, chunksize)


def test_a_failing_article_is_its_own_error_not_the_runs():
    good = Article(source="ok", text="Năm 2024, tỉnh tiếp nhận 1.245 hồ sơ thủ tục hành chính.")
    bad = Article(source="bad", text="hồ sơ")
    bad.text = None  # extraction of this one raises inside the worker
    got = list(extract_many([good, bad, good], 2, chunksize=1))
    assert isinstance(got[1], ReadError) and got[1].source == "bad" and "extraction failed" in got[1].reason
    assert got[0] == got[2] and got[0][0]["kind"] == "article"


def test_streams_with_a_bounded_window():
    """An endless input: the first results come back after a bounded number of articles is taken."""
    taken = 0
    text = (SEEDS / min(p.name for p in SEEDS.glob("*.txt"))).read_text(encoding="utf-8")

    def endless():
        nonlocal taken
        for n in itertools.count():
            taken += 1
            yield Article(source=f"a{n}", text=text)

    first = list(itertools.islice(extract_many(endless(), 2, chunksize=4, window=3), 5))
    assert [r[0]["source"] for r in first] == [f"a{n}" for n in range(5)]
    assert taken <= 4 * 3 + 4 * 2  # window × chunksize, plus the chunks refilled while yielding


def test_cli_jobs_2_equals_jobs_1(tmp_path):
    help_text = run_cchc("extract", "--help").stdout.decode()
    if "--jobs" not in help_text:
        pytest.skip("cchc extract has no --jobs option yet")
    missing = str(tmp_path / "missing.jsonl")  # a bad input: named, the rest still extracted
    args = ("extract", str(SEEDS), missing, str(REFORM), "--format", "jsonl", "-q")
    a = run_cchc(*args, "--jobs", "1", timeout=120)
    b = run_cchc(*args, "--jobs", "2", timeout=120)
    assert a.returncode == b.returncode != 0, b.stderr.decode()
    assert missing in b.stderr.decode()
    assert a.stdout == b.stdout
    kinds = [json.loads(ln)["kind"] for ln in a.stdout.decode().splitlines() if ln.strip()]
    assert kinds.count("article") == 55 and len(kinds) > 55


@pytest.mark.timeout(120)
def test_a_killed_worker_is_an_error_not_a_hang():
    import multiprocessing
    import os
    import signal

    text = (SEEDS / min(p.name for p in SEEDS.glob("*.txt"))).read_text(encoding="utf-8")

    def articles():
        for n in range(200):
            if n == 20:  # the OOM killer takes a worker
                os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
            yield Article(source=f"a{n}", text=text)

    with pytest.raises(RuntimeError, match="worker process died"):
        list(extract_many(articles(), 2, chunksize=2))
