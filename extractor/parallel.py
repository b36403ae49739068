"""All cores: `extract_inputs(inputs, jobs)` gives exactly what one process gives, in input order.

This process reads the inputs with the readers of reading/ (every size cap and check applies
the same way for any `jobs`), but what costs most to parse travels unparsed (`Unparsed`: the
lines of a JSON Lines file, pages and text files, the records of a WARC file), so parsing
them, the reform prefilter and extraction are shared by all cores. Items travel to worker
processes in slices (of `chunksize` items, or as many as `_Pace` says), at most `window`
slices in flight, so a corpus of any size streams through in constant memory; results come
back in input order, so the output is identical for any `jobs`. `jobs=1` runs the same code
in this process, with no pool.

How much a slice holds is learnt as the run goes (`_Pace`, for each kind of item apart): a
JSON line may be a reform article (~3 ms) or ordinary news the prefilter drops (~0.15 ms),
which only its parsing tells. The first slices hold `chunksize` items each; then each holds
what the workers took about `SLICE_SECONDS` of CPU to do so far: ~8 reform articles, ~170
ordinary ones, ~4 pages. A slice of 128 reform articles (the fixed 1/16 weight of a line
before) left one worker alone with the last of 800 for a third of the run.

While every slice in flight is still with the workers, this process does not wait idle: it
reads on and parses the next items itself (`_Helping`), as one process would, and those
slices wait their turn (at most `window` of them). The prefilter's drops among them never
travel; what it keeps travels as its article. Its core is otherwise idle for the first
~0.2 s (the workers' server loading the pipeline: the workers are started in a thread
meanwhile) and whenever it is ahead of the workers.

With `only_relevant`, an article the reform prefilter drops (relevance.py) costs reading,
normalization and the prefilter only, and its result is `[]`, no record at all.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from .model import Article, ReadError
from .reading.inputs import Defer, Unparsed
from .workers import context

Result = list[dict[str, Any]] | ReadError

ARTICLES_PER_SLICE = 8        # articles a worker takes at once…
ITEMS_PER_SLICE = 512         # …or this many items with the dropped ones and errors between them
SLICE_SECONDS = 0.025         # a slice's work once the pace is known: worth the trip, small enough to share the last


class _Pace:
    """Seconds of a worker's CPU per item, learnt from the slices done, for each kind of item
    apart (a JSON line to parse, mostly ordinary news; a page to parse; an article read or
    parsed here: on a JSON Lines file, one the prefilter kept); what an item is likely to cost."""

    def __init__(self, first: int):
        self.first = first
        self.per_item: dict[type, float] = {}

    def observe(self, seconds: float, kinds: dict[type, int]) -> None:
        """A slice done (`kinds`: how many items of each type it held): learnt from when it
        held one kind of item only (a slice of two kinds says nothing of either alone)."""
        if len(kinds) == 1:
            [(kind, n)] = kinds.items()
            old = self.per_item.get(kind)
            self.per_item[kind] = seconds / n if old is None else 0.7 * old + 0.3 * seconds / n

    def cost(self, item: Article | Unparsed) -> float:
        """Its likely seconds; before any slice of its kind is back, a `first`th of a slice."""
        per = self.per_item.get(type(item))
        return SLICE_SECONDS / self.first if per is None else per


def _init_worker() -> None:
    """Import the pipeline and compile its rules once per worker (not per slice). A worker
    ignores Ctrl-C: a terminal sends it to every process of the run, and a worker it stopped in
    the middle of sending its results left the pool reading the rest of that message for ever
    (a hung run, not an interrupted one). The command is told too; it stops, and the pool's
    shutdown ends the workers after their current slice. (SIGTERM is left as it is: the pool
    ends a broken pool's workers with it.)"""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .pipeline import warm_up

    warm_up()


def _pack(item: Any) -> Any:
    """ReadError is an exception whose __init__ takes two arguments: it does not survive
    pickling (and a result that cannot be unpickled hangs a Pool), so it travels as a tuple."""
    return ("\0ReadError", item.source, item.reason, type(item)) if isinstance(item, ReadError) else item


def _unpack(item: Any) -> Any:
    if isinstance(item, tuple) and len(item) == 4 and item[0] == "\0ReadError":
        return item[3](item[1], item[2])  # a ReadError, or a ReadWarning (still reported as a warning)
    return item


# ---------------------------------------------------------------- slices

def _item_slices(items: Iterable[Article | Unparsed | ReadError | None], n: int | _Pace) -> Iterator[tuple]:
    """Runs of `n` items to extract, articles or `Unparsed` (`n` a `_Pace`: what it says makes
    SLICE_SECONDS of work); a ReadError, or None for an article the prefilter dropped, is
    passed through in its place and does not count. Never more than ITEMS_PER_SLICE items."""
    pace = n if isinstance(n, _Pace) else None
    want = SLICE_SECONDS * (1 - 1e-9) if pace is not None else n  # 8 × (SLICE_SECONDS / 8) may fall short by a rounding
    chunk: list[Any] = []
    work = 0.0
    for x in items:
        chunk.append(_pack(x))
        if isinstance(x, (Article, Unparsed)):
            work += pace.cost(x) if pace is not None else 1
        if work >= want or len(chunk) >= ITEMS_PER_SLICE:
            yield ("items", chunk)
            chunk, work = [], 0.0
    if chunk:
        yield ("items", chunk)


def _read(inputs: Iterable[str], limits, only_relevant: bool,
          unparsed: Defer = False) -> Iterator[Article | Unparsed | ReadError | None]:
    """The articles of `inputs` as the readers give them (every size cap and check of
    reading/); with `only_relevant`, None in place of an article the prefilter drops, which
    then never travels to a worker. With `unparsed` (several cores), JSON lines, pages and WARC
    records come unparsed (`Unparsed`): the worker parses them (a JSON line asks the
    prefilter before its article is built), so the costly part of reading is shared by all
    cores; `unparsed` a function: asked at each item."""
    from .reading import iter_articles
    from .relevance import is_relevant, relevant

    keep = relevant if only_relevant else None  # asked of a line parsed here before its article is built
    for item in iter_articles(inputs, limits=limits, keep=keep, unparsed=unparsed):
        if only_relevant and isinstance(item, Article) and not is_relevant(item):
            yield None
        else:
            yield item


def _parsed(item: Any, only_relevant: bool) -> Iterator[Article | ReadError | None]:
    """An item of a slice as the readers would give it: a JSON line, page or record parsed here
    (a warning, then its article; None when the prefilter drops it)."""
    if not isinstance(item, Unparsed):
        yield item
        return
    from .relevance import is_relevant, relevant

    for x in item.parse(relevant if only_relevant else None):
        yield None if only_relevant and isinstance(x, Article) and not is_relevant(x) else x


def _articles(unit: tuple) -> Iterator[Article | ReadError | None]:
    return (_unpack(x) for x in unit[1])


def _run_timed(unit: tuple, only_relevant: bool = False) -> tuple[float, dict[type, int], list[Any]]:
    """`_run` in a worker: (its CPU seconds, how many items of each kind it had, their results)."""
    import time
    from collections import Counter

    t = time.process_time()
    out = _run(unit, only_relevant)
    return time.process_time() - t, dict(Counter(type(x) for x in unit[1] if isinstance(x, (Article, Unparsed)))), out


def _run(unit: tuple, only_relevant: bool = False) -> list[Any]:
    """A worker's job: read the articles of one slice and extract them (results packed)."""
    from .pipeline import safe_extract

    out: list[Any] = []
    for item in (x for raw in _articles(unit) for x in _parsed(raw, only_relevant)):
        if item is None:
            out.append([])  # dropped by the prefilter
        elif isinstance(item, ReadError):
            out.append(_pack(item))
        else:
            out.append(_pack(safe_extract(item, only_relevant=only_relevant)))
    return out


# ---------------------------------------------------------------- running them

class _Helping:
    """Whether the reading of this process hands the next JSON line, page or record on unparsed
    (`unparsed`): not while it is `waiting` for every slice in flight, the oldest included
    (`oldest`; None: no worker is started yet)."""

    def __init__(self):
        self.waiting = False
        self.oldest = None  # a Future

    def unparsed(self) -> bool:
        return not (self.waiting and (self.oldest is None or not self.oldest.done()))


def _start_workers(pool, jobs: int, started) -> None:
    """Start the pool's `jobs` workers (a process is started at a submit that finds no worker
    idle), then set `started`. Run in a thread: each start waits for the server the workers
    fork from to have loaded the pipeline (~0.15 s), time in which this process reads on."""
    try:
        for _ in range(jobs):
            pool.submit(int)
    except Exception:  # noqa: BLE001 - a broken or closed pool: the next submit of the run says so
        pass
    finally:
        started.set()


def _ordered(units: Iterable[tuple], jobs: int, window: int | None, only_relevant: bool,
             pace: _Pace | None = None, helping: _Helping | None = None) -> Iterator[Result]:
    if jobs <= 1:
        for unit in units:
            for res in _run(unit, only_relevant):
                yield _unpack(res)
        return
    window = max(1, window or jobs * 4)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import threading

    ctx = context()
    it = iter(units)
    started = threading.Event()
    # an executor, not a Pool: a worker that dies (killed, out of memory) breaks the run with
    # an error instead of leaving it waiting forever for the lost slice
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker) as pool:
        threading.Thread(target=_start_workers, args=(pool, jobs, started), name="cchc-start-workers",
                         daemon=True).start()
        pending: deque = deque()
        ready: deque = deque()  # slices read (their lines parsed here) while the workers were busy
        done = 0
        more = True
        try:
            while True:
                if started.is_set():
                    while len(pending) < window and (ready or more):
                        unit = ready.popleft() if ready else next(it, None)
                        if unit is None:
                            more = False
                            break
                        pending.append(pool.submit(_run_timed, unit, only_relevant))
                    if not pending:
                        break
                if helping is not None and more and len(ready) < window and not (pending and pending[0].done()):
                    helping.waiting, helping.oldest = True, pending[0] if pending else None
                    try:
                        unit = next(it, None)
                    finally:
                        helping.waiting = False
                    if unit is None:
                        more = False
                    else:
                        ready.append(unit)
                    continue
                if not started.is_set():
                    started.wait()
                    continue
                seconds, kinds, results = pending.popleft().result()
                if pace is not None:
                    pace.observe(seconds, kinds)
                for res in results:
                    done += 1
                    yield _unpack(res)
        except BaseException as e:  # stopped early: interrupted, the output closed, a worker dead
            # The slices in flight are left to finish (at most `window`, ~0.1 s of work): one
            # cancelled here while the pool fails them (its workers gone) made the pool's own
            # thread fail with InvalidStateError and print it. Nothing is taken apart while a
            # worker is being started (it is handed the results' pipe end closed below).
            started.wait()
            _no_wait_on_workers(pool)
            if isinstance(e, BrokenProcessPool):
                raise RuntimeError(f"a worker process died after {done} articles (killed? out of memory?)") from e
            raise


def _no_wait_on_workers(pool) -> None:
    """A run that stops early (interrupted, the output closed, a worker dead), once its workers
    are started, must not wait for
    workers that may be gone: a SIGTERM to the whole process group (a service manager stopping
    the run) ends them at once, and the pool then waited for ever, in its queue thread for the
    rest of a slice to be read (~0.7 MB of JSON lines, ten pipe-fulls), or in its own thread
    for the rest of a result a worker was sending. So the queue thread is not waited for, and
    this process's copy of the results' pipe end is closed (it is only handed to workers as
    they start, and all have): once the last worker is gone, a half-sent result ends there
    instead of never. Workers that live still finish their slices and get the shutdown.
    (Attributes of CPython's ProcessPoolExecutor; without them the pool is left as it is.)"""
    calls = getattr(pool, "_call_queue", None)
    if calls is not None:
        calls.cancel_join_thread()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def extract_inputs(inputs: Iterable[str], jobs: int = 1, only_relevant: bool = False,
                   window: int | None = None, limits=None, chunksize: int | None = None) -> Iterator[Result]:
    """Records (or a ReadError) of every article of every input, in input order, identical for
    any `jobs`; `[]` for an article the prefilter drops when `only_relevant`. `limits`:
    reading.Limits, the readers' size and decompression caps. `chunksize`: items a slice
    holds (default: learnt from the workers' pace, see `_Pace`)."""
    helping = _Helping() if jobs > 1 else None  # in one process, lines are parsed as read
    items = _read(inputs, limits, only_relevant, unparsed=helping.unparsed if helping else False)
    pace = _Pace(ARTICLES_PER_SLICE) if helping and chunksize is None else None
    yield from _ordered(_item_slices(items, pace or chunksize or ARTICLES_PER_SLICE), jobs, window, only_relevant,
                        pace, helping)


def extract_many(items: Iterable[Article | ReadError], jobs: int = 1, chunksize: int = ARTICLES_PER_SLICE,
                 window: int | None = None, batch: int | None = None, only_relevant: bool = False) -> Iterator[Result]:
    """Records (or the ReadError) of articles already read, in input order, identical for any `jobs`.

    `chunksize` articles travel to a worker together; at most `window` chunks (default
    4 × jobs) are in flight, so memory stays bounded however long `items` is. A ReadError
    in `items` is passed through in its place; an article whose extraction fails becomes a
    ReadError (see `pipeline.safe_extract`). `batch` is the old name of `chunksize`."""
    if jobs <= 1:  # no slicing at all: one article in, one result out
        from .pipeline import extract_each

        yield from extract_each(items, only_relevant)
        return
    yield from _ordered(_item_slices(items, max(1, batch or chunksize)), jobs, window, only_relevant)

