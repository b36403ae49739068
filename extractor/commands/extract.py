"""cchc extract PATH... : read articles and write their records."""
from __future__ import annotations

import sys

import click

from . import db_option, quiet_broken_pipe


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
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@db_option(optional=True, help="Also store the records in this SQLite dataset (created if missing).")
@click.option("--kinds", callback=_kinds, metavar="KIND,...",
              help="Write only these kinds of record (e.g. figure,check); the dataset (--db) still keeps all.")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes (output identical to 1).")
@click.option("--only-relevant", is_flag=True,
              help="Write nothing for articles the reform prefilter drops (counted in the summary line).")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
def command(inputs, fmt, output, db, kinds, jobs, only_relevant, quiet):
    """Extract records from files, folders, JSON Lines, WARC files, URLs or '-' (stdin).

    Records are the JSON Lines of the data contract (article, figure, official, award,
    document, ranking, check). An unreadable input gets one line on stderr naming it and
    why; the rest is still processed, and the exit status is 1 at the end. Progress goes to
    stderr: a bar on a terminal, else a log line every 10 s (count, rate, ETA).
    Piped into `head`, the run ends quietly with the broken-pipe status; with --db it
    first stores every article (the dataset never depends on stdout being read).
    """
    from ..api import extract_paths
    from ..model import ReadError
    from ..output import Writer
    from ..progress import Progress

    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    writer = Writer(fmt, out)
    store = run_id = None
    if db:
        from ..store import Store

        store = Store.open(db)
        run_id = store.begin_run(command="extract", args=list(inputs))
    failures: list[str] = []
    counts = {"articles": 0, "records": 0}
    progress = Progress("extract", disable=quiet, inputs=inputs)
    broken = False
    try:
        for item in extract_paths(inputs, jobs=jobs, only_relevant=only_relevant):
            if isinstance(item, ReadError):
                failures.append(str(item))
                progress.write(f"cchc: error: {item}")
                continue
            if not item:  # --only-relevant: the prefilter dropped it
                counts["dropped"] = counts.get("dropped", 0) + 1
                progress.update(item)
                continue
            if not broken:
                try:
                    writer.write(item if kinds is None else [r for r in item if r["kind"] in kinds])
                except BrokenPipeError:
                    broken = True  # the reader went away (`| head`): nothing more to write
                    if store is None:
                        break
            if store is not None:
                store.save(item, run_id=run_id)
            counts["articles"] += 1
            counts["records"] += len(item)
            progress.update(item)
    finally:
        progress.close()
        if store is not None:
            store.finish_run(run_id, counts=counts, status="failed" if failures else "ok", errors=failures)
            store.close()
        if output:
            out.close()
        elif not broken:
            try:
                out.flush()
            except BrokenPipeError:
                broken = True
    if not quiet:
        dropped = f", {counts.get('dropped', 0)} dropped by the prefilter" if only_relevant else ""
        click.echo(f"cchc: {counts['articles']} articles{dropped}, {progress.summary()}"
                   + (f", {len(failures)} inputs failed" if failures else ""), err=True)
    if broken:
        quiet_broken_pipe()
    if failures:
        sys.exit(1)
