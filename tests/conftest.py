import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold" / "seeds.gold.jsonl"
DEV = ROOT / "corpus" / "dev"
DEV_GOLD = ROOT / "corpus" / "gold" / "dev.gold.jsonl"
SHARED = ROOT.parent / "shared"

# compiled rules are kept between runs (extractor/rulecache.py): the suite keeps its own, so it
# starts cold, leaves the user's cache alone, and every later process finds it warm
os.environ.setdefault("CCHC_CACHE_DIR", tempfile.mkdtemp(prefix="cchc-test-rules-"))


def run_cchc(*args, input=None, cwd=ROOT, timeout=300, env=None, preexec_fn=None):
    """Run the real CLI in a subprocess (as a user would); `env` adds variables."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env or {}))
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], input=input, capture_output=True,
                          cwd=cwd, env=env, timeout=timeout, preexec_fn=preexec_fn)


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory):
    """A dataset written by this cchc from the seed articles (read by the tests, never changed)."""
    path = tmp_path_factory.mktemp("seeds-db") / "seeds.sqlite"
    r = run_cchc("extract", str(SEEDS), "--db", str(path), "-q", "-o", "/dev/null")
    assert r.returncode == 0, r.stderr
    return path


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(SEEDS.glob("*.txt"))


def pattern_examples(family, polarity):
    """pytest params (rule, example) for every example of one polarity in a pattern file."""
    from extractor import patterns

    out = []
    for rule in patterns.load_file(family)["rules"] + (patterns.load_file(family).get("constructions") or []):
        for ex in (rule.get("examples") or {}).get(polarity) or []:
            out.append(pytest.param(rule, ex, id=f"{rule['id']}:{ex['text'][:40]}"))
    return out


def rss_kb(pid):
    """Resident memory of a process (Linux), or None once it is gone."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def kill_when_stored(proc, db, n, timeout=120):
    """SIGKILL `proc` as soon as the SQLite dataset `db` holds `n` articles."""
    import signal
    import sqlite3
    import time

    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if Path(db).exists():
            try:
                if sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0] >= n:
                    break
            except sqlite3.Error:
                continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
