"""Throughput and memory, per stage, measured (not asserted): `cchc bench`.

Stages: read (JSON Lines parse), normalize, relevance prefilter, NLP (sentence split), each
pattern stage of the pipeline (places, figures, officials, awards, documents, rankings) and
checks; end to end; and, side by side on the same reform articles, a naive pipeline that runs
underthesea's NER over every sentence. One core (this process); rates are articles per CPU
second of this process (time.process_time), so they are per-core figures even on a busy
machine; peak memory is the process's maximum resident set size.
"""
from __future__ import annotations

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
    from .pipeline import Context, place, stages
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
    for stage_name, stage in stages():
        t0 = _clock()
        for c in ctxs:
            if stage is check_article:
                continue
            c.records.extend(stage(c))
        if stage is not check_article:
            timer.add(f"{name}: {stage_name}", _clock() - t0, len(ctxs))
    t0 = _clock()
    for c in ctxs:
        c.records.extend(check_article(c))
    timer.add(f"{name}: checks", _clock() - t0, len(ctxs))
    total = sum(v for k, v in timer.t.items() if k.startswith(name + ":"))
    return {"articles": len(arts), "relevant": len(relevant), "seconds": total,
            "records": sum(len(c.records) for c in ctxs)}


def end_to_end(lines: list[str]) -> tuple[int, float]:
    from .pipeline import safe_extract
    from .reading.jsonl import article_from_obj

    t0 = _clock()
    n = 0
    for i, ln in enumerate(lines):
        safe_extract(article_from_obj(json.loads(ln), "bench", i))
        n += 1
    return n, _clock() - t0


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
