"""Throughput and memory, per stage, measured (not asserted): `cchc bench`.

Stages: read (JSON Lines parse), normalize, relevance prefilter, NLP (sentence split), each
pattern stage of the pipeline (places, figures, officials, awards, documents, rankings) and
checks; end to end; and, side by side on the same reform articles, a naive pipeline that runs
underthesea's NER over every sentence. One core (this process); rates are articles per CPU
second of this process (time.process_time), so they are per-core figures even on a busy
machine; peak memory is the process's maximum resident set size.
"""
from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import resource
import time
from collections.abc import Iterator
from pathlib import Path

# CPU seconds of this process, not wall time: "per core" figures that other load on the
# machine does not distort (a busy CI runner or laptop would otherwise halve them)
_clock = time.process_time


def _lines(path: Path, limit: int | None) -> list[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return list(itertools.islice((ln for ln in f if ln.strip()), limit))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now (Linux /proc; the peak elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()


class Timer:
    def __init__(self):
        self.t: dict[str, float] = {}
        self.n: dict[str, int] = {}

    def add(self, stage: str, seconds: float, n: int = 1) -> None:
        self.t[stage] = self.t.get(stage, 0.0) + seconds
        self.n[stage] = self.n.get(stage, 0) + n

    def rate(self, stage: str) -> float:
        return self.n[stage] / self.t[stage] if self.t.get(stage) else float("inf")


def profile(lines: list[str], name: str, timer: Timer) -> dict[str, float]:
    """Run every stage over the articles of `lines`, timing each; returns summary figures."""
    from .checks import check_article
    from .model import Article
    from .normalize import normalize_text
    from .pipeline import Context, apply, place, stages
    from .relevance import is_relevant

    objs = []
    t0 = _clock()
    for ln in lines:
        objs.append(json.loads(ln))
    timer.add(f"{name}: read (JSON parse)", _clock() - t0, len(lines))
    t0 = _clock()
    texts = [normalize_text(o.get("text") or "") for o in objs]
    timer.add(f"{name}: normalize", _clock() - t0, len(objs))
    arts = [Article(source=o.get("url") or f"bench#{o.get('id')}", text=t.strip() or "-", title=o.get("title"))
            for o, t in zip(objs, texts)]
    t0 = _clock()
    relevant = [a for a in arts if is_relevant(a)]
    timer.add(f"{name}: relevance prefilter", _clock() - t0, len(arts))
    t0 = _clock()
    placed = [place(a) for a in relevant]
    timer.add(f"{name}: places", _clock() - t0, len(relevant))
    ctxs = [Context(a) for a in placed]
    t0 = _clock()
    for c in ctxs:
        c.sentences  # noqa: B018 - the NLP stage, cached on the context
    timer.add(f"{name}: NLP (sentences)", _clock() - t0, len(ctxs))
    failed: set[int] = set()  # articles a stage raised on (safe_extract would report them): left out

    def run(stage, c):
        try:
            apply(stage, c)
        except Exception:  # noqa: BLE001 - a bug in one article must not stop the measurement
            failed.add(id(c))

    for stage_name, stage in stages():
        t0 = _clock()
        for c in ctxs:
            if stage is check_article or id(c) in failed:
                continue
            run(stage, c)
        if stage is not check_article:
            timer.add(f"{name}: {stage_name}", _clock() - t0, len(ctxs))
    t0 = _clock()
    for c in ctxs:
        if id(c) not in failed:
            run(check_article, c)
    timer.add(f"{name}: checks", _clock() - t0, len(ctxs))
    total = sum(v for k, v in timer.t.items() if k.startswith(name + ":"))
    return {"articles": len(arts), "relevant": len(relevant), "seconds": total, "failed": len(failed),
            "records": sum(len(c.records) for c in ctxs)}


def naive(lines: list[str]) -> tuple[int, float, int]:
    """underthesea's NER over every sentence of every article: the pipeline one would write first."""
    from underthesea import ner, sent_tokenize

    t0 = _clock()
    sents = 0
    for ln in lines:
        for s in sent_tokenize(json.loads(ln)["text"]):
            ner(s)
            sents += 1
    return len(lines), _clock() - t0, sents


def memory_flat(path: Path, total: int, every: int) -> Iterator[tuple[int, float]]:
    """Stream `total` articles (cycling the corpus) through read + prefilter + extraction of the
    relevant ones, yielding (articles so far, peak RSS MB) every `every` articles."""
    from .pipeline import safe_extract
    from .reading.jsonl import article_from_obj
    from .relevance import is_relevant

    opener = gzip.open if str(path).endswith(".gz") else open
    n = 0
    while n < total:
        with opener(path, "rt", encoding="utf-8") as f:
            for ln in f:
                if not ln.strip():
                    continue
                art = article_from_obj(json.loads(ln), "bench", n)
                if is_relevant(art):
                    safe_extract(art)
                n += 1
                if n % every == 0:
                    yield n, rss_mb()
                if n >= total:
                    return


# --- the command as a user runs it: CPU of a child process, marginal over a doubled input -----

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


# Where the measured commands keep their caches (`child_caches`): None, the environment's own
_CACHES: Path | None = None


@contextlib.contextmanager
def child_caches(folder: Path) -> Iterator[None]:
    """Run the measured commands as an installed cchc runs from its second run on: Python
    bytecode (which pip compiles at install time, but a checkout on PYTHONPATH under
    PYTHONDONTWRITEBYTECODE would compile at every start) and compiled rules (rulecache) kept
    in `folder`, not in the user's caches."""
    global _CACHES
    _CACHES = folder
    try:
        yield
    finally:
        _CACHES = None


def run_cli(*args: str, rules_cached: bool = True) -> tuple[float, float, bytes]:
    """(CPU seconds of `python -m extractor.cli ARGS…` and every process it waited for, wall
    seconds, stdout) — the code measured is this checkout's (PYTHONPATH), whatever is installed.
    `rules_cached=False`: no compiled rules on disk (a first run). Its stdout goes to a file,
    as `cchc extract … > out.jsonl` has it, and is read once it ends: a pipe read while it runs
    (5.7 MB of records for the ordinary news) made this process a third one wanting the two
    cores of a `--jobs 2` run, ~0.1 s of its wall-clock time and none of `--jobs 1`'s."""
    import os
    import subprocess
    import sys
    import tempfile

    env = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if _CACHES is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_CACHES / "bytecode")
        env["CCHC_CACHE_DIR"] = str(_CACHES / "rules")
    if not rules_cached:
        env["CCHC_CACHE_DIR"] = "off"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        done = subprocess.run([sys.executable, "-m", "extractor.cli", *args], stdout=out, stderr=subprocess.PIPE,
                              env=env, check=False)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        stdout = out.read()
    if done.returncode not in (0, 1):  # 1: some input failed and was named, the rest was extracted
        raise RuntimeError(f"cchc {' '.join(args)} failed: {done.stderr.decode(errors='replace')[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, stdout


def write_lines(path: Path, lines: list[str], times: int = 1) -> Path:
    """`lines` (JSON Lines) written `times` over, gzipped when the name ends in .gz."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as f:
        for _ in range(times):
            for ln in lines:
                f.write(ln.rstrip("\n") + "\n")
    return path


def marginal(one: str, two: str, n: int, *args: str, repeat: int = 1) -> tuple[float, float]:
    """Articles per CPU second of `cchc extract` on the second half of a doubled input: `one`
    holds `n` articles, `two` the same twice, so start-up and warm-up cancel out. Returns
    (rate, CPU seconds of the single input); the least CPU of `repeat` runs each, the two
    commands taking turns (all of one, then all of the other, put a drift of the machine's
    speed between them into the difference: 60 saved pages once came out at 7,166 pages/s)."""
    c1s, c2s = [], []
    for _ in range(repeat):
        c1s.append(run_cli("extract", one, "-q", *args)[0])
        c2s.append(run_cli("extract", two, "-q", *args)[0])
    c1, c2 = min(c1s), min(c2s)
    return n / max(c2 - c1, 1e-9), c1


def jobs_wall(path: str, *args: str, repeat: int = 1) -> tuple[float, float, bool]:
    """(wall seconds with --jobs 1, with --jobs 2, the two outputs byte-identical)."""
    w1 = w2 = float("inf")
    same = True
    for _ in range(repeat):
        _, a, out1 = run_cli("extract", path, "-q", "--jobs", "1", *args)
        _, b, out2 = run_cli("extract", path, "-q", "--jobs", "2", *args)
        w1, w2, same = min(w1, a), min(w2, b), same and out1 == out2
    return w1, w2, same


def startup(text_file: str, repeat: int = 3, rules_cached: bool = True) -> float:
    """CPU seconds of `cchc extract` of one text, start to finish (the least of `repeat`, after
    one run that fills the caches)."""
    run_cli("extract", text_file, "-q")
    return min(run_cli("extract", text_file, "-q", rules_cached=rules_cached)[0] for _ in range(repeat))


def pass_rate(path: Path, limit: int | None = None) -> tuple[int, int]:
    """(articles, how many pass the prefilter) of a JSON Lines corpus, read as cchc reads it."""
    from .model import Article
    from .reading import iter_articles
    from .relevance import is_relevant

    arts = [a for a in itertools.islice(iter_articles([str(path)]), limit) if isinstance(a, Article)]
    return len(arts), sum(1 for a in arts if is_relevant(a))


def trafilatura_alone(pages: list[bytes], rounds: int) -> float:
    """Pages per CPU second of trafilatura.extract on saved pages (the reference reader)."""
    import trafilatura

    trafilatura.extract(pages[0])  # warm up
    t0 = _clock()
    for _ in range(rounds):
        for p in pages:
            trafilatura.extract(p)
    return rounds * len(pages) / (_clock() - t0)
