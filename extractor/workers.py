"""The processes `--jobs N` runs on: multiprocessing's context and the server the workers fork
from (parallel.py runs the slices on them). Apart from parallel.py and importing nothing of
cchc, so `cchc extract` can start the server first thing, before it imports the readers and
the writers it needs meanwhile (~25 ms sooner)."""
from __future__ import annotations


def context():
    """forkserver: workers fork from a clean single-threaded server, never from this process,
    whose threads (a progress bar, a server in a test, Twisted) could hold a lock at fork
    time; the server imports and warms the pipeline once, so every worker starts warm."""
    import multiprocessing as mp  # here: one process (--jobs 1) never needs it

    ctx = mp.get_context("forkserver") if "forkserver" in mp.get_all_start_methods() else mp.get_context("spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(_preload())
    return ctx


def _preload() -> list[str]:
    """What the server imports before it forks a worker: the pipeline, warm; and the calling
    program's main module, as multiprocessing's own default does (a worker imports it before
    anything else: the `cchc` script, hence click and the command line; once in the server, a
    worker finds it there and skips it). Run as `python -m extractor.cli`, a worker runs that
    module afresh under another name, which then costs only its own lines once click is loaded.
    Each worker spent 20–35 ms on it between its fork and its first slice."""
    import sys

    return ["__main__", *(["click"] if "click" in sys.modules else []), "extractor.warm"]


def start_early(jobs: int) -> None:
    """With several jobs, start the server the workers fork from now: it imports and warms the
    pipeline (~0.15 s from its start) while this process opens its inputs, not after. Call it once the
    environment the workers need is set (the server keeps the one it starts with)."""
    if jobs > 1 and context().get_start_method() == "forkserver":
        import signal
        import threading
        from multiprocessing import forkserver, resource_tracker

        if threading.current_thread() is not threading.main_thread():
            forkserver.ensure_running()
            return
        # A terminal sends Ctrl-C to every process of the run: the command stops on it and ends
        # the others. The server starts with Ctrl-C ignored, as Python then leaves it (it
        # ignores it once it serves, but not while it loads the pipeline: it printed a
        # traceback), and its workers inherit that. Meanwhile this process blocks Ctrl-C too,
        # so one that comes then waits (a blocked signal stays pending even while ignored) and
        # is taken once the handler is back. multiprocessing's resource tracker is started
        # first, apart: it guards its own start, and unblocks Ctrl-C after it (inside the
        # window, that lost a Ctrl-C 4 times in 5).
        resource_tracker.ensure_running()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        ctrl_c = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, ctrl_c)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
