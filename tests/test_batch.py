"""What a batch job sees of `cchc extract`: only the kinds it asked for, progress as plain log
lines, a quiet end when its reader goes away, one meaning of --db, numbers printed plainly."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_cchc

SAMPLE = ROOT / "tests" / "data" / "cchc_sample.jsonl"


def _env(**extra):
    return dict(os.environ, PYTHONPATH=str(ROOT), **extra)


def test_kinds_limits_what_is_written_not_what_is_stored(tmp_path):
    db = tmp_path / "k.sqlite"
    r = run_cchc("extract", str(SAMPLE), "--kinds", "figure,check", "--db", str(db), "-q")
    assert r.returncode == 0, r.stderr
    kinds = {json.loads(line)["kind"] for line in r.stdout.decode().splitlines()}
    assert kinds == {"figure", "check"}
    from extractor.store import Store

    with Store.open(db) as st:
        c = st.counts()
    assert c["articles"] == 50 and c["officials"] > 0  # the dataset keeps everything
    bad = run_cchc("extract", str(SAMPLE), "--kinds", "figure,figures", "-q")
    assert bad.returncode == 2 and "figures: not a kind" in bad.stderr.decode()


def test_progress_is_plain_log_lines_when_stderr_is_not_a_terminal(tmp_path):
    err = tmp_path / "err.log"
    with open(err, "wb") as e:
        r = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(SAMPLE), str(ROOT / "corpus" / "seeds"),
                            "-o", os.devnull], stderr=e, cwd=ROOT, env=_env(CCHC_PROGRESS_INTERVAL="0.05"), timeout=300)
    assert r.returncode == 0
    lines = err.read_text(encoding="utf-8").splitlines()
    progress = [x for x in lines if x.startswith("cchc: extract: ")]
    assert len(progress) >= 2, lines
    pat = re.compile(r"cchc: extract: [\d,]+ articles, [\d,.]+/s, \d+ % of [\d.]+ kB(, ETA \d+:\d\d:\d\d)?, [\d,]+ figures$")
    assert all(pat.match(x) for x in progress), progress
    counts = [int(re.search(r"([\d,]+) articles", x).group(1).replace(",", "")) for x in progress]
    assert counts == sorted(counts) and any("ETA" in x for x in progress)
    assert "\r" not in err.read_text(encoding="utf-8")  # no bar redrawn into a log file
    assert lines[-1].startswith("cchc: 55 articles")


def test_input_meter_follows_the_files_as_they_are_read(tmp_path):
    from extractor.progress import InputMeter

    for n in range(3):
        (tmp_path / f"{n}.txt").write_text("x" * 1000, encoding="utf-8")
    meter = InputMeter([str(tmp_path), "https://example.vn/a"])
    assert meter.total == 3000 and not meter.known and meter.position() is None
    meter = InputMeter([str(tmp_path)])
    assert meter.position() == 0
    meter.seen(str(tmp_path / "1.txt"))
    assert meter.position() == 2000
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("{}\n" * 500, encoding="utf-8")
    meter = InputMeter([str(jsonl)])
    with open(jsonl, "rb", buffering=0) as f:
        f.read(600)  # the reader is inside the file: its read position counts
        assert meter.position() == 600
    meter.seen(f"{jsonl}#3")
    assert meter.position() == 0  # a line of the file does not finish it


def _shell(cmd: str):
    return subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, cwd=ROOT, env=_env(),
                          timeout=300)


def test_head_ends_quietly_with_the_broken_pipe_status(tmp_path):
    py = f"{sys.executable} -m extractor.cli"
    r = _shell(f"{py} extract {SAMPLE} | head -1")
    assert r.returncode == 141, r.stderr  # killed by SIGPIPE, as `yes | head -1` is
    assert json.loads(r.stdout)["kind"] == "article"
    assert b"Traceback" not in r.stderr and b"Error" not in r.stderr
    r = _shell(f"{py} extract {SAMPLE} --format table -q | head -2")
    assert r.returncode == 141 and r.stderr == b""
    # with --db every article is stored all the same
    db = tmp_path / "h.sqlite"
    r = _shell(f"{py} extract {SAMPLE} --db {db} -q | head -1")
    assert r.returncode == 141 and r.stderr == b""
    from extractor.store import Store

    with Store.open(db) as st:
        assert st.counts()["articles"] == 50
        assert st.db.execute("SELECT status FROM runs").fetchone()[0] == "ok"
    r = _shell(f"{py} export --db {db} --format jsonl | head -1")
    assert r.returncode == 141 and r.stderr == b""


READ_COMMANDS = [("export",), ("summary",), ("reextract",), ("browse",)]


@pytest.mark.parametrize("cmd", READ_COMMANDS)
def test_db_means_one_thing_in_every_subcommand(cmd, tmp_path):
    missing = tmp_path / "nope.sqlite"
    r = run_cchc(*cmd, "--db", str(missing))
    assert r.returncode == 2
    assert f"no such dataset: {missing}" in r.stderr.decode() and "cchc extract PATH... --db" in r.stderr.decode()
    help_text = run_cchc(*cmd, "--help").stdout.decode()
    assert "--db FILE" in help_text and "cchc.sqlite" in help_text


def test_db_of_the_writing_commands():
    for cmd in ("extract", "crawl"):
        help_text = run_cchc(cmd, "--help").stdout.decode()
        assert "--db FILE" in help_text and "SQLite dataset" in help_text


def test_the_table_prints_numbers_plainly():
    text = ("Năm 2023, tổng vốn đầu tư công đạt 256.341 tỉ đồng. Bộ phận Một cửa tiếp nhận 36.466 hồ sơ, "
            "tỷ lệ đúng hạn đạt 98,93%, giải quyết 36.075/36.466 hồ sơ cải cách hành chính.")
    r = run_cchc("extract", "-", "--format", "table", "-q", input=text.encode())
    out = r.stdout.decode()
    assert r.returncode == 0 and "e+" not in out
    assert "256.341 tỉ đồng" in out and "36.466 hồ sơ" in out and "98,93%" in out and "36.075/36.466 hồ sơ" in out


def test_plain_numbers():
    from extractor.output import plain_number, plain_quantity

    assert plain_number(1245) == "1.245" and plain_number(0.72) == "0,72" and plain_number(2.56341e14) == "256.341.000.000.000"
    assert plain_quantity(2.56341e14, "đồng") == "256.341 tỉ đồng"
    assert plain_quantity(14_230_451, "hồ sơ") == "14.230.451 hồ sơ"   # a scale word only when it loses nothing
    assert plain_quantity(1_200_000, "lượt") == "1,2 triệu lượt"
