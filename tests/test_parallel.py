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
    assert a.stderr == b.stderr  # nothing more from the workers or their server (a warning, a traceback)
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


SAMPLE = ROOT / "tests" / "data" / "general_sample.jsonl"  # 300 ordinary news articles


def _by_article(stdout: bytes) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for ln in stdout.decode().splitlines():
        r = json.loads(ln)
        out.setdefault(r["article_id"], []).append(r)
    return out


def test_cli_only_relevant_writes_only_what_the_prefilter_keeps():
    """--only-relevant: nothing for a dropped article (counted in the summary line); a kept
    article has exactly the records it has without the flag; the same bytes for any --jobs."""
    args = ("extract", str(SEEDS), str(SAMPLE), str(REFORM), "--format", "jsonl")
    full = run_cchc(*args, "-q", timeout=300)
    one = run_cchc(*args, "--only-relevant", "--jobs", "1", timeout=300)
    two = run_cchc(*args, "--only-relevant", "--jobs", "2", timeout=300)
    assert full.returncode == one.returncode == two.returncode == 0, two.stderr.decode()
    assert one.stdout == two.stdout
    kept, everything = _by_article(one.stdout), _by_article(full.stdout)
    assert len(everything) == 355 and len(kept) == 59  # 5 seeds + 50 reform + 4 of 300 ordinary
    assert all(everything[aid] == recs for aid, recs in kept.items())
    dropped = [recs for aid, recs in everything.items() if aid not in kept]
    assert all(len(recs) == 1 and recs[0]["kind"] == "article" for recs in dropped)  # nothing was lost
    summary = one.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("cchc: 59 articles, 296 dropped by the prefilter, "), summary


def test_jsonl_line_numbers_and_order_for_any_jobs(tmp_path):
    """Bad lines of a JSON Lines file (plain or gzipped) are named by their real line number,
    in order, the same for any number of workers, with or without --only-relevant."""
    lines = (SAMPLE.read_text(encoding="utf-8").splitlines()[:120]
             + REFORM.read_text(encoding="utf-8").splitlines()[:20])
    lines[7] = "{not json"
    lines[70] = '{"title": "no text"}'
    lines[130] = ""
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import gzip

    gz = tmp_path / "mixed.jsonl.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    from extractor.parallel import extract_inputs

    for path in (src, gz):
        one = comparable(extract_inputs([str(path)], 1))
        errors = [r for r in one if isinstance(r, tuple)]
        assert [e[1] for e in errors] == [f"{path}:8", f"{path}:71"]
        assert len(one) == 139 and one == comparable(extract_inputs([str(path)], 2))
        relevant = comparable(extract_inputs([str(path)], 2, only_relevant=True))
        assert len(relevant) == 139 and [r for r in relevant if isinstance(r, tuple)] == errors
        kept = [i for i, r in enumerate(relevant) if isinstance(r, list) and r]
        assert len(kept) == 19 and all(relevant[i] == one[i] for i in kept)  # the reform lines but the blank one


def test_slices_follow_the_workers_pace():
    """A slice holds what took the workers about SLICE_SECONDS so far: many cheap lines (ordinary
    news the prefilter drops), few dear ones (reform articles), never over ITEMS_PER_SLICE; the
    pace of JSON lines and of articles is learnt apart (a line is mostly news the prefilter
    drops, an article parsed here one it kept), from slices of one kind only."""
    from extractor.parallel import ITEMS_PER_SLICE, SLICE_SECONDS, _item_slices, _Pace
    from extractor.reading.jsonl import RawLine

    pace = _Pace(8)
    slices = _item_slices((Article(source=f"a{n}", text="x") for n in itertools.count()), pace)
    assert len(next(slices)[1]) == 8  # nothing known yet
    pace.observe(8 * SLICE_SECONDS / 200, {Article: 8})  # 200 of these make a slice's work
    assert len(next(slices)[1]) == 200
    pace.observe(200 * SLICE_SECONDS / 5, {Article: 200})  # far dearer: the estimate moves most of the way
    assert 5 <= len(next(slices)[1]) < 20
    pace.observe(1.0, {RawLine: 3, Article: 3})  # both kinds: nothing learnt
    assert 5 <= len(next(slices)[1]) < 20
    lines = _item_slices((RawLine(b"{}", "f", n) for n in itertools.count(1)), pace)
    assert len(next(lines)[1]) == 8  # the lines' pace is not the articles'
    pace.observe(8 * SLICE_SECONDS / 100, {RawLine: 8})
    assert len(next(lines)[1]) == 100 and 5 <= len(next(slices)[1]) < 20
    mixed = _item_slices(itertools.cycle([RawLine(b"{}", "f", 1), None, None]), pace)
    assert len(next(mixed)[1]) == 298  # 100 lines, the dropped articles between them free
    fresh = _Pace(8)
    fresh.observe(0.0, {Article: 10})  # faster than the clock's tick
    assert len(next(_item_slices(itertools.repeat(Article(source="a", text="x")), fresh))[1]) == ITEMS_PER_SLICE


def test_this_process_parses_lines_while_the_workers_are_busy(tmp_path, monkeypatch):
    """With --jobs 2, while every slice in flight is still out (the workers' server starting),
    this process parses the next JSON lines itself instead of waiting; the output is the same."""
    from extractor.parallel import extract_inputs
    from extractor.reading import jsonl

    src = tmp_path / "news.jsonl"
    src.write_text("\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:300]
                             + REFORM.read_text(encoding="utf-8").splitlines()[:10]) + "\n", encoding="utf-8")
    one = comparable(extract_inputs([str(src)], 1, only_relevant=True))
    here = []
    parse = jsonl.parse_line
    monkeypatch.setattr(jsonl, "parse_line", lambda line, name, n, keep=None: here.append(n) or parse(line, name, n, keep))
    assert comparable(extract_inputs([str(src)], 2, only_relevant=True)) == one
    assert len(here) > 8  # not only the first line (which shows the file is JSON Lines)


def test_pages_and_warc_records_are_parsed_by_the_workers(tmp_path):
    """With several jobs, pages, text files and the records of a WARC file travel unparsed
    (`Unparsed`) and are parsed where they are extracted: the same articles, warnings and errors
    in the same order as one process reads them, for any jobs, with or without --only-relevant."""
    from test_warc import build_warc

    from extractor.parallel import extract_inputs
    from extractor.reading.inputs import Unparsed

    pages = tmp_path / "pages"
    pages.mkdir()
    for p in sorted((ROOT / "corpus" / "pages").glob("*.html")):  # articles and listing pages (errors)
        (pages / p.name).write_bytes(p.read_bytes())
    (pages / "a-empty.html").write_bytes(b"   \n")
    article = (ROOT / "corpus" / "pages" / "baolaocai.vn.article.html").read_bytes()
    (pages / "b-charset.html").write_bytes(b'<meta charset="x-unknown">' + article)  # read with a warning
    for p in sorted(SEEDS.glob("*.txt"))[:2]:
        (pages / p.name).write_bytes(p.read_bytes())
    build_warc(tmp_path / "crawl.warc.gz")
    inputs = [str(pages), str(tmp_path / "crawl.warc.gz")]

    read = list(iter_articles(inputs))
    deferred = list(iter_articles(inputs, unparsed=True))
    assert sum(isinstance(x, Unparsed) for x in deferred) >= 20
    assert comparable(x for d in deferred for x in (d.parse() if isinstance(d, Unparsed) else [d])) == comparable(read)
    assert any(isinstance(x, ReadError) and "x-unknown" in x.reason for x in read)  # the warning travels too

    one = comparable(extract_inputs(inputs, 1))
    assert len(one) == len(read) and one == comparable(extract_inputs(inputs, 2))
    assert comparable(extract_inputs(inputs, 1, only_relevant=True)) == comparable(extract_inputs(inputs, 2, only_relevant=True))
