"""All cores: `extract_many(items, jobs)` gives exactly what one process gives, in input order.

Articles go to worker processes in small chunks through a bounded window (at most `window`
chunks in flight), so a corpus of any size streams through in constant memory; results come
back in input order, so the output is identical for any `jobs`. `jobs=1` runs in this process
with no pool at all. Each worker imports the pipeline (and compiles the patterns) once, when
it starts, not per chunk.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from .model import Article, ReadError

Result = list[dict[str, Any]] | ReadError


def _init_worker() -> None:
    """Import the pipeline once per worker (a forked worker already has it)."""
    from . import pipeline  # noqa: F401


def _pack(item: Any) -> Any:
    """ReadError is an exception whose __init__ takes two arguments: it does not survive
    pickling (and a result that cannot be unpickled hangs a Pool), so it travels as a tuple."""
    return ("\0ReadError", item.source, item.reason, type(item)) if isinstance(item, ReadError) else item


def _unpack(item: Any) -> Any:
    if isinstance(item, tuple) and len(item) == 4 and item[0] == "\0ReadError":
        return item[3](item[1], item[2])  # a ReadError, or a ReadWarning (still reported as a warning)
    return item


def _work(batch: list[Any]) -> list[Any]:
    from .pipeline import safe_extract

    out = []
    for item in batch:
        item = _unpack(item)
        out.append(_pack(item if isinstance(item, ReadError) else safe_extract(item)))
    return out


def extract_many(items: Iterable[Article | ReadError], jobs: int = 1, chunksize: int = 8,
                 window: int | None = None, batch: int | None = None) -> Iterator[Result]:
    """Records (or the ReadError) of every item, in input order, identical for any `jobs`.

    `chunksize` articles travel to a worker together; at most `window` chunks (default
    4 × jobs) are in flight, so memory stays bounded however long `items` is. A ReadError
    in `items` is passed through in its place; an article whose extraction fails becomes a
    ReadError (see `pipeline.safe_extract`). `batch` is the old name of `chunksize`."""
    chunksize = max(1, batch or chunksize)
    if jobs <= 1:
        from .pipeline import extract_each

        yield from extract_each(items)
        return
    window = max(1, window or jobs * 4)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    it = iter(items)
    # forkserver: workers fork from a clean single-threaded server, never from this process,
    # whose threads (a progress bar, a server in a test, Twisted) could hold a lock at fork time
    ctx = mp.get_context("forkserver") if "forkserver" in mp.get_all_start_methods() else mp.get_context("spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["extractor.pipeline"])
    # an executor, not a Pool: a worker that dies (killed, out of memory) breaks the run with
    # an error instead of leaving it waiting forever for the lost chunk
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker) as pool:
        pending: deque = deque()
        done = 0
        try:
            while True:
                while len(pending) < window:
                    chunk = [_pack(x) for x in islice(it, chunksize)]
                    if not chunk:
                        break
                    pending.append(pool.submit(_work, chunk))
                if not pending:
                    break
                for res in pending.popleft().result():
                    done += 1
                    yield _unpack(res)
        except BrokenProcessPool as e:
            raise RuntimeError(f"a worker process died after {done} articles (killed? out of memory?)") from e
        finally:
            for f in pending:
                f.cancel()
