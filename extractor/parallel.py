"""All cores: `extract_many(items, jobs)` gives exactly what one process gives, in input order.

Articles go to worker processes in small batches through a bounded window, so a corpus of any
size streams through in constant memory; `jobs=1` runs in this process with no pool at all.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from .model import Article, ReadError

Result = list[dict[str, Any]] | ReadError


def _work(batch: list[Article | ReadError]) -> list[Result]:
    from .api import safe_extract

    return [item if isinstance(item, ReadError) else safe_extract(item) for item in batch]


def extract_many(items: Iterable[Article | ReadError], jobs: int = 1, batch: int = 8,
                 window: int | None = None) -> Iterator[Result]:
    """Records (or the ReadError) of every item, in order, identical for any `jobs`."""
    if jobs <= 1:
        yield from _work_iter(items)
        return
    window = window or jobs * 4
    it = iter(items)
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs) as pool:
        pending: deque = deque()
        while True:
            while len(pending) < window:
                chunk = list(islice(it, batch))
                if not chunk:
                    break
                pending.append(pool.apply_async(_work, (chunk,)))
            if not pending:
                break
            yield from pending.popleft().get()


def _work_iter(items: Iterable[Article | ReadError]) -> Iterator[Result]:
    from .api import safe_extract

    for item in items:
        yield item if isinstance(item, ReadError) else safe_extract(item)
