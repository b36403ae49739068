"""All cores: `extract_inputs(inputs, jobs)` gives exactly what one process gives, in input order.

The input is cut into slices that a worker reads and extracts by itself: a JSON Lines file
(plain or gzipped) travels as runs of raw lines (the parent only splits bytes at newlines;
decoding, JSON parsing, normalization, the prefilter and extraction happen in the worker),
any other input (text, HTML, WARC, URL, stdin) as the articles the parent read. At most
`window` slices are in flight, so a corpus of any size streams through in constant memory;
results come back in input order, so the output is identical for any `jobs`. `jobs=1` runs the
very same slices in this process, with no pool at all.

With `only_relevant`, an article the reform prefilter drops (relevance.py) costs reading,
normalization and the prefilter only: its result is `[]`, no record at all.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from .model import Article, ReadError

Result = list[dict[str, Any]] | ReadError

LINES_PER_SLICE = 48          # JSON lines a worker takes at once…
BYTES_PER_SLICE = 1 << 18     # …or this many bytes of them, whichever comes first
ARTICLES_PER_SLICE = 8        # articles read by the parent, per slice


def _init_worker() -> None:
    """Import the pipeline and compile its rules once per worker (not per slice)."""
    from .pipeline import warm_up

    warm_up()


def _pack(item: Any) -> Any:
    """ReadError is an exception whose __init__ takes two arguments: it travels as a tuple
    (a result that cannot be unpickled would break the pool)."""
    return ("\0ReadError", type(item), item.source, item.reason) if isinstance(item, ReadError) else item


def _unpack(item: Any) -> Any:
    if isinstance(item, tuple) and len(item) == 4 and item[0] == "\0ReadError":
        return item[1](item[2], item[3])
    return item


# ---------------------------------------------------------------- slices

def _jsonl_input(inp: str) -> bool:
    from pathlib import Path

    from .reading import JSONL_EXT

    return inp != "-" and not inp.startswith(("http://", "https://")) and inp.lower().endswith(JSONL_EXT) \
        and Path(inp).is_file()


_BLOCK = 1 << 20  # bytes read (and decompressed) at a time


def _line_blocks(path: str) -> Iterator[tuple[int, list[bytes]] | ReadError]:
    """(number of the first line, lines with their newline) of a JSON Lines file, gzipped or
    not, a block at a time: the bytes are split at newlines in C, never line by line."""
    import gzip

    lineno = 1
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        yield ReadError(path, e.strerror or str(e))
        return
    with f:
        gz = f.read(2) == b"\x1f\x8b"
        f.seek(0)
        stream = gzip.GzipFile(fileobj=f) if gz else f
        rest = b""
        try:
            while True:
                block = stream.read(_BLOCK)
                if not block:
                    break
                lines = (rest + block).split(b"\n")
                rest = lines.pop()
                if lines:
                    yield lineno, [ln + b"\n" for ln in lines]
                    lineno += len(lines)
        except (EOFError, OSError) as e:  # truncated or corrupt gzip
            yield ReadError(f"{path}:{lineno}", f"unreadable ({e.__class__.__name__}: {e})")
            return
        if rest:
            yield lineno, [rest]


def _raw_lines(path: str) -> Iterator[tuple[int, bytes] | ReadError]:
    """(line number, bytes) of every line of a JSON Lines file, gzipped or not."""
    for block in _line_blocks(path):
        if isinstance(block, ReadError):
            yield block
            return
        first, lines = block
        yield from enumerate(lines, first)


def _jsonl_slices(path: str) -> Iterator[tuple]:
    for block in _line_blocks(path):
        if isinstance(block, ReadError):
            yield ("items", [_pack(block)])
            return
        first, lines = block
        i = 0
        while i < len(lines):  # LINES_PER_SLICE lines, or BYTES_PER_SLICE bytes of them
            j, size = i, 0
            while j < len(lines) and j - i < LINES_PER_SLICE and size < BYTES_PER_SLICE:
                size += len(lines[j])
                j += 1
            yield ("jsonl", path, first + i, lines[i:j])
            i = j


def _item_slices(items: Iterable[Article | ReadError], n: int) -> Iterator[tuple]:
    it = iter(items)
    while chunk := [_pack(x) for x in islice(it, n)]:
        yield ("items", chunk)


def slices(inputs: Iterable[str], articles_per_slice: int = ARTICLES_PER_SLICE) -> Iterator[tuple]:
    """The work units of `inputs`, in input order."""
    from .reading import iter_articles

    for inp in inputs:
        if _jsonl_input(inp):
            yield from _jsonl_slices(inp)
        else:
            yield from _item_slices(iter_articles([inp]), articles_per_slice)


def _parse_lines(name: str, first: int, lines: list[bytes], only_relevant: bool = False) -> Iterator[Article | ReadError | None]:
    """The articles of consecutive JSON lines (the first is line `first` of `name`); with
    `only_relevant`, None for a line whose article the prefilter drops (no Article is built)."""
    import json

    from .reading.jsonl import article_from_obj
    from .relevance import relevant

    keep = relevant if only_relevant else None
    for lineno, raw in enumerate(lines, first):
        if not raw.strip():
            continue
        where = f"{name}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            yield ReadError(where, f"not UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}): line skipped")
            continue
        except json.JSONDecodeError as e:
            yield ReadError(where, f"not JSON ({e.msg})")
            continue
        except (RecursionError, ValueError) as e:
            yield ReadError(where, f"not usable JSON ({e.__class__.__name__}): line skipped")
            continue
        try:
            yield article_from_obj(obj, name, lineno, keep=keep)
        except ReadError as e:
            yield e


def _articles(unit: tuple, only_relevant: bool) -> Iterator[Article | ReadError | None]:
    if unit[0] == "jsonl":
        return _parse_lines(unit[1], unit[2], unit[3], only_relevant)
    return (_unpack(x) for x in unit[1])


def _run(unit: tuple, only_relevant: bool = False) -> list[Any]:
    """A worker's job: read the articles of one slice and extract them (results packed)."""
    from .pipeline import safe_extract

    out: list[Any] = []
    for item in _articles(unit, only_relevant):
        if item is None:
            out.append([])  # dropped by the prefilter while reading
        elif isinstance(item, ReadError):
            out.append(_pack(item))
        else:
            out.append(_pack(safe_extract(item, only_relevant=only_relevant)))
    return out


# ---------------------------------------------------------------- running them

def _ordered(units: Iterable[tuple], jobs: int, window: int | None, only_relevant: bool) -> Iterator[Result]:
    if jobs <= 1:
        for unit in units:
            for res in _run(unit, only_relevant):
                yield _unpack(res)
        return
    window = max(1, window or jobs * 4)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: workers fork from a clean single-threaded server, never from this process,
    # whose threads (a progress bar, a server in a test, Twisted) could hold a lock at fork
    # time; the server imports and warms the pipeline once, so every worker starts warm
    ctx = mp.get_context("forkserver") if "forkserver" in mp.get_all_start_methods() else mp.get_context("spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["extractor.warm"])
    it = iter(units)
    # an executor, not a Pool: a worker that dies (killed, out of memory) breaks the run with
    # an error instead of leaving it waiting forever for the lost slice
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker) as pool:
        pending: deque = deque()
        done = 0
        try:
            while True:
                while len(pending) < window:
                    unit = next(it, None)
                    if unit is None:
                        break
                    pending.append(pool.submit(_run, unit, only_relevant))
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


def extract_inputs(inputs: Iterable[str], jobs: int = 1, only_relevant: bool = False,
                   window: int | None = None) -> Iterator[Result]:
    """Records (or a ReadError) of every article of every input, in input order, identical for
    any `jobs`; `[]` for an article the prefilter drops when `only_relevant`."""
    yield from _ordered(slices(inputs), jobs, window, only_relevant)


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

