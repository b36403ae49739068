"""Hostile and broken input (issue 15): each input gets one clear line on stderr that names it
(no traceback), the exit status is 1, time and memory stay bounded, and the good input beside
it is still read. The inputs are generated here into tmp paths (the big ones cost nothing on
disk: sparse or compressed).

Rows of issue 15's table covered here: 1, 2, 3, 4, 5, 6, 8 (files, pages, WARC records), 9,
13, 14, 15, 17, 18, 19, 20, and the small items (browse's temporary folder, the position in a
truncated JSON line's message).
"""
from __future__ import annotations

import csv
import ctypes
import gzip
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, free_port, run_cchc

from extractor.model import Article, ReadError

GOOD = str(next(SEEDS.glob("000_*.txt")))
GOOD_TEXT = Path(GOOD).read_text(encoding="utf-8")
TEXT = "Bộ phận Một cửa tiếp nhận 1.245 hồ sơ, giải quyết đúng hạn 1.242 hồ sơ, trễ hạn 3 hồ sơ."


def cchc(*args, timeout=120, **kw):
    """The real CLI in a subprocess, with a tighter time bound."""
    return run_cchc(*args, timeout=timeout, **kw)


def err_lines(r) -> list[str]:
    err = r.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return [ln for ln in err.splitlines() if ln.strip()]


def about(r, name: str) -> list[str]:
    """The stderr lines that name `name`."""
    return [ln for ln in err_lines(r) if name in ln]


def records(r) -> list[dict]:
    return [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]  # strict UTF-8: output is valid


def good_read(r) -> bool:
    return any(x["kind"] == "article" and x["source"] == GOOD for x in records(r))


def page(body: str = "", head: str = "", charset: str = "utf-8") -> str:
    paras = "".join(f"<p>{x}</p>" for x in GOOD_TEXT.split("\n") if x.strip()) if not body else body
    return (f'<html><head><meta charset="{charset}"><title>Trang</title>{head}</head>'
            f"<body><article>{paras}</article></body></html>")


def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def line(**kw) -> str:
    return json.dumps({"id": "x", "text": TEXT, **kw}, ensure_ascii=False)


# ---------------------------------------------------------------- one run over the small hostile files

# name, content, words the one stderr line about it must hold, whether its article is still read
# (or the source it is read under)
SMALL = [
    # 1: UTF-16 with a BOM and an odd byte count; with a lone surrogate
    ("utf16_odd.txt", b"\xff\xfe" + "Hội nghị cải cách hành chính".encode("utf-16-le") + b"\x00",
     ["not valid UTF-16"], False),
    ("utf16_surrogate.txt", b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le"),
     ["not valid UTF-16"], False),
    # 2: JSONL fields of the wrong type
    ("url_number.jsonl", line(url=7), [":1:", "`url` is a number", "skipped"], False),
    ("url_list.jsonl", line(url=["https://a.vn/x"]), [":1:", "`url` is a list"], False),
    ("url_object.jsonl", line(url={"href": "https://a.vn"}), [":1:", "`url` is an object"], False),
    ("author_object.jsonl", line(author={"x": 1}), [":1:", "`author` is an object", "warning"], True),
    ("site_number.jsonl", line(site=12), [":1:", "`site` is a number", "warning"], True),
    ("text_number.jsonl", line(text=12), [":1:", "`text` is a number"], False),
    ("not_object.jsonl", "[1, 2, 3]", [":1:", "not a JSON object"], False),
    # 3: an escaped lone surrogate in text and title: replaced, said once
    ("surrogate.jsonl", '{"id": "s", "title": "T\\udfff", "text": "ti\\ud800' + TEXT + '"}',
     [":1:", "unpaired surrogate", "`text`", "`title`", "warning"], True),
    # 4: JSON nested 100k deep, in a JSON line and in a page's JSON-LD
    ("deep.jsonl", "[" * 100_000 + "]" * 100_000, [":1:", "nested too deeply"], False),
    ("deep_ld.html", page(head=ld('{"a":' * 100_000 + "1" + "}" * 100_000)), ["JSON-LD nested too deeply"], True),
    # 5: JSON-LD of wrong types: the field ignored, the page read
    ("ld_url7.html", page(head=ld('{"@type": "NewsArticle", "headline": ["Tiêu đề", "x"], "url": 7}')),
     ["JSON-LD `url` is a number"], True),
    ("ld_type_object.html", page(head=ld('{"@type": {"x": 1}, "headline": "H"}')), ["JSON-LD `@type` is an object"], True),
    ("ld_graph5.html", page(head=ld('{"@graph": 5}')), ["JSON-LD `@graph` is a number"], True),
    ("ld_date_number.html", page(head=ld('{"@type": "NewsArticle", "headline": "H", "datePublished": 20240413}')),
     ["JSON-LD `datePublished` is a number"], True),
    # 18: a file of NUL bytes; a declared charset cchc cannot decode (TCVN3)
    ("nul.txt", b"\0" * 4096, ["binary"], False),
    ("nul.html", b"\0" * 4096, ["binary"], False),
    ("tcvn3.html", page(charset="tcvn3").encode("utf-8").replace("Hội".encode(), b"H\xe9i"), ["charset 'tcvn3'"], False),
    # a file that is no JSON Lines at all: one line for the file, not one per line
    ("binary.jsonl", bytes(range(256)) * 64, ["binary file, not JSON Lines", "file skipped"], False),
    ("latin1.jsonl", "Hôm nay trời đẹp, tiếp nhận 12 hồ sơ\n".encode("utf-8").replace(b"\xc3", b"\xe3") * 50,
     ["not JSON Lines", "first 20 lines"], False),
    ("charset_rot13.html", page(charset="rot13"), ["charset 'rot13'", "read as UTF-8", "warning"], True),
    ("url_surrogate.jsonl", '{"id": "u", "url": "https://a.vn/\\udc80", "text": "' + TEXT + '"}',
     [":1:", "`url`", "unpaired surrogate", "warning"], "https://a.vn/\ufffd"),
    ("nul.warc", b"\0" * 4096, ["not a WARC archive"], False),
    ("empty.jsonl", "\n \n", ["empty file"], False),
    ("empty.warc.gz", b"", ["empty file"], False),
    ("not_a_warc.warc", b"just some text, no record here\n" * 20, ["not a WARC archive"], False),
    # small: a truncated JSON line keeps its position
    ("truncated.jsonl", '{"id": "t", "text": "abc', [":1:", "not JSON", "column"], False),
]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    paths = []
    for name, content, _, _ in SMALL:
        p = d / name
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        paths.append(str(p))
    return d, cchc("extract", *paths, GOOD, "-q")


@pytest.mark.parametrize("name,content,words,read", SMALL, ids=[c[0] for c in SMALL])
def test_small_hostile_file(small_run, name, content, words, read):
    d, r = small_run
    assert r.returncode == 1
    lines = about(r, str(d / name))
    assert len(lines) == 1, lines
    assert lines[0].startswith(("cchc: error: ", "cchc: warning: "))
    for w in words:
        assert w in lines[0], (w, lines[0])
    if isinstance(read, str):  # the article's source is its url
        assert [x["source"] for x in records(r) if x["kind"] == "article" and x["source"] == read] == [read]
    else:
        arts = [x for x in records(r) if x["kind"] == "article" and str(d / name) in (x["source"] or "")]
        assert bool(arts) == read
    assert good_read(r)


def test_surrogates_are_replaced_and_output_is_utf8(small_run):
    d, r = small_run
    (art,) = [x for x in records(r) if x["kind"] == "article" and x["source"] == f"{d / 'surrogate.jsonl'}#s"]
    assert art["title"] == "T\ufffd" and art["text"].startswith("ti\ufffd")


def test_one_bad_line_of_a_thousand_is_refused_by_its_real_number(tmp_path):
    """Row 6: an invalid UTF-8 byte on line 500 of 1,000."""
    lines = [line(id=i).encode() for i in range(1, 1001)]
    lines[499] = lines[499].replace("hồ sơ".encode(), b"h\xff s\xf4", 1)
    p = tmp_path / "thousand.jsonl"
    p.write_bytes(b"\n".join(lines) + b"\n")
    r = cchc("extract", str(p), GOOD, "-q")
    assert r.returncode == 1
    (msg,) = about(r, str(p))
    assert f"{p}:500:" in msg and "not UTF-8" in msg
    ids = [x["source"] for x in records(r) if x["kind"] == "article"]
    assert len(ids) == 1000 and f"{p}#500" not in ids and f"{p}#1000" in ids and GOOD in ids


def test_stdin_utf16_with_a_lone_surrogate():
    """Row 1, on stdin."""
    data = b"\xff\xfe" + TEXT.encode("utf-16-le") + b"\x00\xdc"
    r = cchc("extract", "-", GOOD, "-q", input=data)
    assert r.returncode == 1
    (msg,) = err_lines(r)
    assert msg.startswith("cchc: error: -: ") and "UTF-16" in msg
    assert good_read(r)


# ---------------------------------------------------------------- row 8: decompression bombs

def gzip_bomb(unit: bytes, total: int) -> bytes:
    """`total` bytes of `unit` repeated, gzipped into a small multi-member file (instant to build)."""
    size = min(total, 1024 * 1024)
    member = gzip.compress(unit * (size // len(unit)), 9)
    return member * (total // size)


def peak_rss_mb(*args) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI and measure its peak resident memory (from a fresh parent process)."""
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True); "
            "sys.stdout.buffer.write(r.stdout); sys.stderr.buffer.write(r.stderr); "
            "sys.stderr.write('\\nRSS=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    r = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "extractor.cli", *args], capture_output=True,
                       cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    m = re.search(rb"\nRSS=(\d+)\n", r.stderr)
    r.stderr = r.stderr[:m.start()] + r.stderr[m.end():]
    return r, int(m.group(1)) / 1024


@pytest.mark.parametrize("name", ["bomb.jsonl.gz", "bomb.html", "lines.jsonl.gz"])
def test_gzip_bombs_are_refused_in_bounded_time_and_memory(tmp_path, name):
    p = tmp_path / name
    unit = (line() + "\n").encode() if name.startswith("lines") else b"\0"
    p.write_bytes(gzip_bomb(unit, 1 << 30))  # 1 GB unpacked, about 1 MB on disk
    t0 = time.time()
    r, rss = peak_rss_mb("extract", str(p), GOOD, "-q")
    assert time.time() - t0 < 60 and rss < 600, rss
    assert r.returncode == 1
    (msg,) = about(r, str(p))
    assert "decompression bomb" in msg and "--max-ratio" in msg
    assert not [x for x in records(r) if str(p) in x["source"]]  # refused before any of it is read
    assert good_read(r)


def test_max_ratio_and_max_size_can_be_raised(tmp_path):
    p = tmp_path / "repetitive.jsonl.gz"
    p.write_bytes(gzip_bomb((line(text="Trời hôm nay đẹp.") + "\n").encode(), 1 << 20))  # ratio > 100
    assert cchc("extract", str(p), "-q", "-o", os.devnull).returncode == 1
    r = cchc("extract", str(p), "-q", "--max-ratio", "100000", "-o", os.devnull)
    assert r.returncode == 0, r.stderr
    big = tmp_path / "big.txt"
    big.write_text(GOOD_TEXT * 300, encoding="utf-8")  # about 2 MB
    r = cchc("extract", str(big), "-q", "--max-size", "1", "-o", os.devnull)
    assert r.returncode == 1 and "larger than the 1.0 MB limit" in about(r, str(big))[0]


# ---------------------------------------------------------------- row 9: not regular files

def test_fifo_and_symlink_to_dev_zero_are_named_and_skipped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    t0 = time.time()
    r = cchc("extract", str(folder), str(folder / "pipe.txt"), "-q", timeout=60)
    assert time.time() - t0 < 60 and r.returncode == 1
    assert len(about(r, "pipe.txt")) == 2 and all("FIFO" in x for x in about(r, "pipe.txt"))
    assert "character device" in about(r, "zero.txt")[0]
    assert "broken symbolic link" in about(r, "dangling.html")[0]
    assert len(err_lines(r)) == 4
    assert [x["source"] for x in records(r) if x["kind"] == "article"] == [str(folder / "good.txt")]


# ---------------------------------------------------------------- row 13: the runs table tells the truth

def runs(db) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT status, counts FROM runs ORDER BY id").fetchall()
    finally:
        con.close()


def n_articles(db) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()


SAMPLE = ROOT / "tests" / "data" / "general_sample.jsonl"  # 300 articles


def test_closed_stdout_does_not_cost_the_dataset_anything(tmp_path):
    """`cchc extract ... --db x | head -1` stores every article."""
    db = tmp_path / "h.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", str(SAMPLE), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does
    err = proc.stderr.read().decode()
    proc.wait(120)
    assert json.loads(first)["kind"] == "article"
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert n_articles(db) == 300
    assert runs(db)[-1][0] == "ok" and proc.returncode == -signal.SIGPIPE  # the quiet end `| head` expects


def test_full_output_disk_fails_the_run_but_not_the_dataset(tmp_path):
    db = tmp_path / "f.sqlite"
    r = cchc("extract", str(SAMPLE), "--db", str(db), "-o", "/dev/full", "-q")
    assert r.returncode == 1
    (msg,) = err_lines(r)
    assert msg == "cchc: error: cannot write /dev/full: No space left on device"
    assert n_articles(db) == 300 and runs(db)[-1][0] == "failed"


def test_full_dataset_disk_is_one_message_and_a_failed_run(tmp_path):
    """The disk under the dataset fills up (a file size limit stands in for it)."""
    import resource

    db = tmp_path / "full.sqlite"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    r = cchc("extract", str(SAMPLE), "--db", str(db), "-o", os.devnull, "-q", preexec_fn=limit)
    assert r.returncode == 1
    lines = err_lines(r)
    assert len(lines) == 1 and lines[0].startswith(f"cchc: error: {db}: cannot write") and "stopped after" in lines[0]
    assert runs(db)[-1][0] == "failed"
    assert 0 < n_articles(db) < 300


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_is_recorded_as_interrupted(tmp_path, sig):
    db = tmp_path / "i.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", str(SAMPLE), str(SAMPLE), "--db", str(db),
                             "-o", os.devnull], stderr=subprocess.PIPE, cwd=ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            if db.exists() and n_articles(db) >= 20:
                break
        except sqlite3.Error:
            continue
    proc.send_signal(sig)
    err = proc.stderr.read().decode()
    proc.wait(60)
    assert proc.returncode == 128 + sig
    assert "Traceback" not in err
    (msg,) = [x for x in err.splitlines() if x.strip()]
    assert msg.startswith(f"cchc: interrupted ({signal.Signals(sig).name}) after ") and "recorded as interrupted" in msg
    status, counts = runs(db)[-1]
    assert status == "interrupted" and json.loads(counts)["articles"] == n_articles(db) >= 20


@pytest.mark.parametrize("sig,delay", [(signal.SIGINT, 0.0), (signal.SIGINT, 0.5), (signal.SIGINT, 1.0),
                                       (signal.SIGTERM, 0.3), (signal.SIGTERM, 0.6), (signal.SIGTERM, 0.9)])
def test_a_signal_to_every_process_stops_a_run_with_workers_cleanly(tmp_path, sig, delay):
    """Ctrl-C in a terminal, or a service manager's SIGTERM, reaches every process of the run:
    `--jobs 2` stopped at any moment (its workers' server still loading the pipeline, or the
    workers busy) says one line, exits 128 + the signal and leaves no process behind. It used
    to hang for ever now and then (a worker stopped while sending its results, or while a
    slice was being sent to it), and the server printed a traceback."""
    src = tmp_path / "reform.jsonl"
    src.write_text((ROOT / "tests" / "data" / "cchc_sample.jsonl").read_text(encoding="utf-8") * 40, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", str(src), "--jobs", "2", "-o", os.devnull],
                            stderr=subprocess.PIPE, cwd=ROOT, env=env, start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")  # Linux, CONFIG_PROC_CHILDREN
    deadline = time.time() + 30
    while proc.poll() is None and time.time() < deadline:  # `delay` counts from the server's start
        try:
            if children.read_text().split():
                break
        except OSError:  # a kernel without the file: a guess of when that is
            time.sleep(0.3)
            break
        time.sleep(0.005)
    time.sleep(delay)
    assert proc.poll() is None, "the run ended before it could be stopped"
    os.killpg(proc.pid, sig)
    try:
        err = proc.communicate(timeout=60)[1].decode()
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the run hung after {signal.Signals(sig).name}")
    assert proc.returncode == 128 + sig and "Traceback" not in err, err
    (line,) = [x for x in err.splitlines() if x.strip()]
    # before the run has begun (its workers' server being started) there is nothing to count
    assert line == "cchc: interrupted" or line.startswith(f"cchc: interrupted ({signal.Signals(sig).name}) after ")
    deadline = time.time() + 10
    while time.time() < deadline:  # the server and the workers follow the command out
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("processes of the run were left behind")


# ---------------------------------------------------------------- row 14: relative dates

def test_relative_dates_are_null_without_a_fetch_time_and_reruns_change_nothing(tmp_path):
    p = tmp_path / "rel.html"
    p.write_text(page(head='<meta property="article:published_time" content="3 giờ trước">'), encoding="utf-8")
    db = tmp_path / "r.sqlite"
    first = cchc("extract", str(p), "--db", str(db), "-q")
    second = cchc("extract", str(p), "--db", str(db), "-q")
    assert first.returncode == second.returncode == 0
    assert records(first)[0]["published"] is None and records(first) == records(second)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM extractions").fetchone()[0] == 1
    con.close()


def test_relative_dates_are_resolved_against_the_fetch_time():
    from extractor.reading.dates import parse_date

    fetched = "2024-04-13T03:00:00Z"  # 10:00 in Vietnam
    assert parse_date("3 giờ trước", fetched) == "2024-04-13T07:00:00+07:00"
    assert parse_date("hôm qua", fetched) == "2024-04-12"
    assert parse_date("2 ngày trước", fetched) == "2024-04-11"
    for s in ("3 giờ trước", "hôm qua", "Thứ Hai", "15 tháng 6"):  # no fetch time, no year: no date
        assert parse_date(s) is None, s


def test_warc_date_is_the_fetch_time_of_a_record(tmp_path):
    from extractor.reading import iter_articles

    html = page(head='<meta property="article:published_time" content="hôm qua">').encode()
    warc = tmp_path / "rel.warc.gz"
    warc.write_bytes(b"".join(gzip.compress(r) for r in warc_records([html], date="2024-04-13T03:00:00Z")))
    (art,) = list(iter_articles([str(warc)]))
    assert art.published == "2024-04-12"


# ---------------------------------------------------------------- row 15: WARC damage

def warc_records(bodies: list[bytes], date: str | None = None) -> list[bytes]:
    """One uncompressed WARC response record per page body."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = []
    for i, body in enumerate(bodies):
        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=False)
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = w.create_warc_record(f"https://warc.example/{i}.html", "response", payload=io.BytesIO(body),
                                   http_headers=hh, warc_headers_dict={"WARC-Date": date} if date else None)
        w.write_record(rec)
        out.append(buf.getvalue())
    return out


SEED_PAGES = [page("".join(f"<p>{x}</p>" for x in p.read_text(encoding="utf-8").split("\n") if x.strip())).encode()
              for p in sorted(SEEDS.glob("*.txt"))]


def set_length(rec: bytes, value: bytes) -> bytes:
    return re.sub(rb"Content-Length: \d+", b"Content-Length: " + value, rec, count=1)


def _length(rec: bytes) -> int:
    return int(re.search(rb"Content-Length: (\d+)", rec).group(1))


DAMAGE = {  # name: (records 0..4 -> damaged list of byte strings, the damaged record or None, words)
    "truncated_last": (lambda R: R[:4] + [R[4][:len(R[4]) // 2]], 4, "truncated record"),
    "truncated_middle": (lambda R: R[:2] + [R[2][:len(R[2]) // 2]] + R[3:], 2, "runs into the next record"),
    "length_too_large": (lambda R: R[:1] + [set_length(R[1], str(_length(R[1]) + 3000).encode())] + R[2:], 1,
                         "runs into the next record"),
    "length_huge": (lambda R: R[:1] + [set_length(R[1], b"999999999999")] + R[2:], 1, "runs into the next record"),
    "length_too_small": (lambda R: R[:1] + [set_length(R[1], str(_length(R[1]) - 500).encode())] + R[2:], 1,
                         "does not end the record"),
    "length_not_a_number": (lambda R: R[:1] + [set_length(R[1], b"abc")] + R[2:], 1, "is not a number"),
    "garbage_between": (lambda R: R[:2] + [b"GARBAGE, NOT A RECORD\r\n" * 40] + R[2:], None, "bytes of garbage"),
}


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_warc_damage_names_the_bad_record_and_reads_the_rest(tmp_path, damage, compressed):
    from extractor.reading import iter_articles

    make, bad, words = DAMAGE[damage]
    parts = make(warc_records(SEED_PAGES))
    p = tmp_path / ("d.warc.gz" if compressed else "d.warc")
    p.write_bytes(b"".join(gzip.compress(x) for x in parts) if compressed else b"".join(parts))
    items = list(iter_articles([str(p), GOOD]))
    errors = [x for x in items if isinstance(x, ReadError)]
    read = [x.source for x in items if isinstance(x, Article)]
    assert len(errors) == 1 and words in errors[0].reason, errors
    expect = [f"https://warc.example/{i}.html" for i in range(5) if i != bad]
    assert read == expect + [GOOD]
    assert errors[0].source == (f"https://warc.example/{bad}.html" if bad is not None else str(p))


def test_warc_gzip_damage_between_and_inside_members(tmp_path):
    from extractor.reading import iter_articles

    R = [gzip.compress(r) for r in warc_records(SEED_PAGES)]
    corrupt = bytearray(R[2])
    corrupt[40:60] = b"\xff" * 20
    cases = {
        "junk.warc.gz": (R[:2] + [b"junk between members " * 20] + R[2:], {0, 1, 2, 3, 4}, "not gzip data"),
        "corrupt.warc.gz": (R[:2] + [bytes(corrupt)] + R[3:], {0, 1, 3, 4}, "corrupt gzip member"),
        "bomb.warc.gz": (R[:2] + [gzip_bomb(b"\0", 200 << 20)] + R[2:], {0, 1, 2, 3, 4}, "decompression bomb"),
        "cut.warc.gz": ([b"".join(R)[:-200]], {0, 1, 2, 3}, "truncated record"),
        "one_member.warc.gz": ([gzip.compress(b"".join(warc_records(SEED_PAGES)))], {0, 1, 2, 3, 4}, None),
    }
    for name, (parts, ok, words) in cases.items():
        p = tmp_path / name
        p.write_bytes(b"".join(parts))
        items = list(iter_articles([str(p)]))
        errors = [str(x) for x in items if isinstance(x, ReadError)]
        assert [x.source for x in items if isinstance(x, Article)] == [f"https://warc.example/{i}.html" for i in sorted(ok)]
        assert (errors == []) if words is None else (len(errors) == 1 and words in errors[0]), (name, errors)


def test_warc_record_bomb_cli(tmp_path):
    """Row 8, a WARC record: one line, the rest of the archive and the good input read."""
    R = [gzip.compress(r) for r in warc_records(SEED_PAGES[:2])]
    hdr = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
           b"Content-Type: application/http; msgtype=response\r\nContent-Length: 1073741824\r\n\r\n")
    bomb = gzip.compress(hdr) + gzip_bomb(b"\0", 1 << 30)
    p = tmp_path / "b.warc.gz"
    p.write_bytes(R[0] + bomb + R[1])
    r, rss = peak_rss_mb("extract", str(p), GOOD, "-q")
    assert r.returncode == 1 and rss < 600
    (msg,) = err_lines(r)
    assert msg.startswith("cchc: error: https://bomb.example/: record skipped: ") and "decompression bomb" in msg
    srcs = [x["source"] for x in records(r) if x["kind"] == "article"]
    assert srcs == ["https://warc.example/0.html", "https://warc.example/1.html", GOOD]


# ---------------------------------------------------------------- rows 17, 18: permissions

def _drop_file_permission_override():
    """For a test run as root: the child loses the capabilities that let root ignore file
    permissions, so a read-only folder is read-only to it, as for any user."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


@pytest.fixture
def as_user():
    """preexec_fn that makes file permissions apply (skips where that cannot be arranged)."""
    if os.geteuid() == 0:
        probe = subprocess.run([sys.executable, "-c", "open('/proc/self/status')"], preexec_fn=_drop_file_permission_override,
                               capture_output=True)
        if probe.returncode != 0:  # pragma: no cover - a container without CAP_SETPCAP
            pytest.skip("cannot make root respect file permissions here")
    return _drop_file_permission_override


@pytest.fixture
def dataset(tmp_path):
    db = tmp_path / "ds" / "cchc.sqlite"
    db.parent.mkdir()
    r = cchc("extract", GOOD, "--db", str(db), "-q", "-o", os.devnull)
    assert r.returncode == 0
    yield db
    for p in (db.parent, *db.parent.iterdir()):
        p.chmod(0o755 if p.is_dir() else 0o644)


def test_output_in_a_read_only_folder(tmp_path, as_user):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    db = tmp_path / "o.sqlite"
    try:
        r = cchc("extract", GOOD, "-o", str(ro / "out.jsonl"), "--db", str(db), "-q", preexec_fn=as_user)
    finally:
        ro.chmod(0o755)
    assert r.returncode == 1
    assert err_lines(r) == [f"cchc: error: cannot write {ro / 'out.jsonl'}: Permission denied"]
    assert runs(db)[-1][0] == "failed"


def test_db_in_a_read_only_or_missing_folder(tmp_path, as_user):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        for db, cause in ((ro / "x.sqlite", "not writable"), (tmp_path / "missing" / "x.sqlite", "does not exist")):
            r = cchc("extract", GOOD, "--db", str(db), "-q", preexec_fn=as_user)
            assert r.returncode == 1
            (msg,) = err_lines(r)
            assert msg.startswith(f"cchc: error: {db}: ") and cause in msg
        assert not (tmp_path / "missing").exists()
    finally:
        ro.chmod(0o755)


def test_read_only_dataset_is_read_by_read_only_commands(dataset, tmp_path, as_user):
    folder = dataset.parent
    con = sqlite3.connect(dataset)  # a run left 'running' by a killed process: reading must not try to fix it
    con.execute("INSERT INTO runs (started_at, command, status, pid) VALUES ('2024-01-01', 'extract', 'running', 999999)")
    con.commit()
    con.close()
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)
    r = cchc("export", "--db", str(dataset), "--format", "jsonl", preexec_fn=as_user)
    assert r.returncode == 0, r.stderr
    assert records(r)[0]["source"] == GOOD
    r = cchc("export", "--db", str(dataset), "--table", "runs", preexec_fn=as_user)
    assert r.returncode == 0 and "running" in r.stdout.decode()
    r = cchc("summary", "--db", str(dataset), preexec_fn=as_user)
    assert r.returncode == 0 and "1 articles" in r.stdout.decode()
    r = cchc("extract", GOOD, "--db", str(dataset), "-q", preexec_fn=as_user)
    assert r.returncode == 1
    (msg,) = err_lines(r)
    assert msg.startswith(f"cchc: error: {dataset}: ") and "read-only" in msg


@pytest.mark.parametrize("content", [b"not a database at all", b""])
def test_export_and_summary_of_something_else(tmp_path, content):
    db = tmp_path / "x.sqlite"
    db.write_bytes(content)
    if not content:
        sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    for args in (["export", "--db", str(db)], ["export", "--db", str(db), "--format", "jsonl"], ["summary", "--db", str(db)]):
        r = cchc(*args)
        assert r.returncode == 1
        (msg,) = err_lines(r)
        assert msg.startswith(f"cchc: error: {db}: not a cchc dataset")


def test_unreadable_subfolder_is_named_and_skipped(tmp_path, as_user):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    locked = tmp_path / "b"
    locked.mkdir()
    (locked / "hidden.txt").write_text(GOOD_TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        r = cchc("extract", str(tmp_path), "-q", preexec_fn=as_user)
    finally:
        locked.chmod(0o755)
    assert r.returncode == 1
    (msg,) = err_lines(r)
    assert msg.startswith(f"cchc: error: {locked}: cannot list this folder")
    assert [x["source"] for x in records(r) if x["kind"] == "article"] == [str(tmp_path / "a" / "good.txt")]


# ---------------------------------------------------------------- row 19: the Python API

def test_api_takes_one_path_or_a_list_and_refuses_anything_else():
    from extractor.api import extract_paths, extract_text

    one = list(extract_paths(GOOD))
    assert len(one) == 1 and one[0][0]["source"] == GOOD
    assert [x[0]["source"] for x in extract_paths(Path(GOOD))] == [GOOD]
    assert len(list(extract_paths(str(SEEDS)))) == len(list(SEEDS.glob("*.txt")))
    for bad in (None, b"corpus/seeds", 7, [GOOD, None], [b"x"]):
        with pytest.raises(TypeError, match="extract_paths"):
            extract_paths(bad)  # at once, not at the first next()
    for bad in (None, b"bytes", 7):
        with pytest.raises(TypeError, match="extract_text"):
            extract_text(bad)


# ---------------------------------------------------------------- row 20: CSV formulas behind whitespace

FORMULAS = [" =1+1", "\u00a0=1+1", "\n=1+1", "\u200b=1+1", "\ufeff=1+1", "\t=1+1", "\u3000@SUM(A1)", "\r\n-2+3",
            "=1+1", "+1", "-1", "@A1", "\uff1d1+1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_csv_neutralizes_formulas_behind_invisible_characters(cell):
    from extractor.output import safe_cell

    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Hội nghị", " chào", "\nxin", "", "5", "a=b"])
def test_csv_leaves_plain_text_alone(cell):
    from extractor.output import safe_cell

    assert safe_cell(cell) == cell


def test_csv_output_of_a_hostile_title(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_text(line(title="\u00a0=HYPERLINK(\"http://evil\")", author="\u200b@SUM(1)"), encoding="utf-8")
    r = cchc("extract", str(p), "--format", "csv", "-q")
    assert r.returncode == 0, r.stderr
    row = next(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert row["title"].startswith("'") and "=HYPERLINK" in row["title"]
    assert row["author"].startswith("'") and "@SUM(1)" in row["author"]


# ---------------------------------------------------------------- small: browse's temporary folder

@pytest.mark.browser
def test_browse_serves_from_a_private_folder_it_removes(tmp_path, dataset):
    import urllib.request

    other = dataset.parent / "other.sqlite"  # not named cchc.sqlite: served through a link
    dataset.rename(other)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp))
    proc = subprocess.Popen([sys.executable, "-m", "extractor.cli", "browse", "--db", str(other), "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/cchc.json", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        (folder,) = list(tmp.iterdir())
        assert folder.name.startswith("cchc-browse-") and folder.name != f"cchc-browse-{proc.pid}"
        assert folder.stat().st_mode & 0o777 == 0o700
    finally:
        proc.terminate()
        proc.wait(20)
    assert list(tmp.iterdir()) == []


def test_readme_documents_the_limits_and_their_options():
    from extractor.reading.inputs import DEFAULT_LIMITS, MB

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"default **{DEFAULT_LIMITS.max_size // MB} MB**" in readme
    assert f"default **{DEFAULT_LIMITS.max_ratio:g}**" in readme
    for option in ("--max-size", "--max-ratio"):
        assert option in readme and option in cchc("extract", "--help").stdout.decode()
