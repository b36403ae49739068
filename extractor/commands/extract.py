"""cchc extract PATH... : read articles and write their records."""
from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager

import click

from . import db_option, quiet_broken_pipe
from .options import input_limits


def _kinds(ctx, param, value):
    if value is None:
        return None
    from ..model import KINDS

    kinds = {k.strip() for k in value.split(",") if k.strip()}
    unknown = sorted(kinds - set(KINDS))
    if unknown or not kinds:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}: not a kind (choose among {', '.join(KINDS)})")
    return kinds


@click.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@db_option(optional=True, help="Also store the records in this SQLite dataset (created if missing).")
@click.option("--kinds", callback=_kinds, metavar="KIND,...",
              help="Write only these kinds of record (e.g. figure,check); the dataset (--db) still keeps all.")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes (output identical to 1).")
@click.option("--only-relevant", is_flag=True,
              help="Write nothing for articles the reform prefilter drops (counted in the summary line).")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
@click.option("--allow-private", is_flag=True, help="Fetch URLs on loopback and private addresses too (local testing).")
@input_limits
def command(inputs, fmt, output, db, kinds, jobs, only_relevant, quiet, allow_private, limits):
    """Extract records from files, folders, JSON Lines, WARC files, URLs or '-' (stdin).

    Records are the JSON Lines of the data contract (article, figure, official, award,
    document, ranking, check). An unreadable input gets one line on stderr naming it and
    why; the rest is still processed, and the exit status is 1 at the end. Progress goes to
    stderr: a bar on a terminal, else a log line every 10 s (count, rate, ETA).

    Piped into `head`, the run ends quietly with the broken-pipe status; with --db it first
    stores every article (the dataset never depends on stdout being read). The run's row in
    the dataset says how it ended: ok, failed (an input refused, a full disk) or interrupted
    (Ctrl-C, SIGTERM).
    """
    if allow_private:  # read by reading.fetch, in this process and in its workers
        os.environ["CCHC_ALLOW_PRIVATE"] = "1"
    from ..workers import start_early

    start_early(jobs)  # first: the workers' server loads the pipeline while this process imports what it needs

    from ..api import extract_paths
    from ..model import ReadError
    from ..output import Writer
    from ..progress import Progress
    from ..reading.inputs import ReadWarning

    store = run_id = None
    if db:
        from ..store import Store

        store = Store.open(db)
        run_id = store.begin_run(command="extract", args=list(inputs))
    try:
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as e:
        if store is not None:
            store.finish_run(run_id, status="failed", errors=[f"{output}: {e.strerror or e}"])
            store.close()
        from ..cli import CchcError

        raise CchcError(f"cannot write {output}: {e.strerror or e}") from None
    sink = _Sink(Writer(fmt, out), output or "stdout")
    failures: list[str] = []
    warnings = dropped = 0
    counts = {"articles": 0, "records": 0}
    progress = Progress("extract", disable=quiet, inputs=inputs)
    status, fatal, code = "failed", None, 1
    try:
        with _Interrupts() as interrupts:
            try:
                for item in extract_paths(inputs, jobs=jobs, limits=limits, only_relevant=only_relevant):
                    if isinstance(item, ReadError):
                        failures.append(str(item))
                        warnings += isinstance(item, ReadWarning)
                        progress.write(item.line())
                        continue
                    if not item:  # --only-relevant: the prefilter dropped it
                        dropped += 1
                        progress.update(item)
                        continue
                    with interrupts.held():  # stored and counted, or neither
                        if store is not None:
                            store.save(item, run_id=run_id)  # first: the dataset never waits on the output
                        counts["articles"] += 1
                        counts["records"] += len(item)
                    sink.write(item if kinds is None else [r for r in item if r["kind"] in kinds])
                    progress.update(item)
                    if sink.closed and store is None:
                        break  # nobody reads the output and nothing is stored: stop
                sink.flush()
                status, code = ("failed", 1) if failures or sink.error else ("ok", 0)
            except KeyboardInterrupt:
                sig = interrupts.signal or signal.SIGINT
                status, code = "interrupted", 128 + sig
                fatal = f"interrupted ({signal.Signals(sig).name}) after {counts['articles']} articles"
    except Exception as e:
        from ..store import StoreError

        if not isinstance(e, StoreError):
            raise
        fatal = f"{e}; stopped after {counts['articles']} articles"
    finally:
        progress.close()
        if sink.error:
            failures.append(sink.error)
        if fatal:
            failures.append(fatal)
        if store is not None:
            from ..store import StoreError

            try:
                store.finish_run(run_id, counts=counts, status=status, errors=failures)
            except StoreError as e:
                click.echo(f"cchc: error: {e}", err=True)
            store.close()
        sink.close(closing=bool(output))
    if sink.error:
        click.echo(f"cchc: error: {sink.error}", err=True)
    if fatal:
        click.echo(f"cchc: {'error: ' if status == 'failed' else ''}{fatal}"
                   + (f" (run {run_id} recorded as {status} in {db})" if store is not None else ""), err=True)
    elif not quiet:
        click.echo(f"cchc: {counts['articles']} articles"
                   + (f", {dropped} dropped by the prefilter" if only_relevant else "") + f", {progress.summary()}"
                   + (f", {len(failures) - warnings} inputs failed" if len(failures) > warnings else "")
                   + (f", {warnings} repaired with a warning" if warnings else ""), err=True)
    if sink.gone and not fatal:
        quiet_broken_pipe()  # the reader went away (`| head`): the usual quiet end, status 141
    if code:
        sys.exit(code)


class _Sink:
    """The output. A reader that goes away (`| head`) is not an error: writing stops quietly
    and the run goes on for the dataset. Any other write error is reported once, then the
    run goes on for the dataset too."""

    def __init__(self, writer, name: str):
        self.writer, self.name = writer, name
        self.closed = False  # nothing more is written: the reader went away, or writing failed
        self.gone = False    # the reader went away
        self.error: str | None = None

    def _guard(self, fn, *args) -> None:
        if self.closed:
            return
        try:
            fn(*args)
        except BrokenPipeError:
            self.gone = True
            self._gone()
        except OSError as e:
            self.error = f"cannot write {self.name}: {e.strerror or e}"
            self._gone()

    def _gone(self) -> None:
        self.closed = True
        out = self.writer.out
        if out is sys.stdout:  # later flushes (ours, the interpreter's at exit) go nowhere
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass

    def write(self, records) -> None:
        self._guard(self.writer.write, records)

    def flush(self) -> None:
        self._guard(self.writer.out.flush)

    def close(self, closing: bool) -> None:
        self._guard(self.writer.out.close if closing else self.writer.out.flush)
        if closing and not self.writer.out.closed:
            try:
                self.writer.out.close()
            except OSError:
                pass


class _Interrupts:
    """SIGINT and SIGTERM (a scheduler's timeout, `kill`) stop the run, so it is recorded as
    interrupted. Inside `held()` (storing one article and counting it) a signal waits for the
    end of the block, so the counts in the runs table are exactly what was stored."""

    def __init__(self):
        self.signal: int | None = None
        self._depth = 0
        self._pending = False

    def _handler(self, signum, frame):
        self.signal = signum
        if self._depth:
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self):
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._pending and not self._depth:
                self._pending = False
                raise KeyboardInterrupt

    def __enter__(self):
        self._old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for s in self._old:
            signal.signal(s, self._handler)
        return self

    def __exit__(self, *exc):
        for s, h in self._old.items():
            signal.signal(s, h)
