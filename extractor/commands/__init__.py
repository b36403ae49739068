"""One module per subcommand, each exporting `command` (see cli.py). Options that several
subcommands share are defined here once, so they mean the same thing everywhere."""
from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DB = "cchc.sqlite"


def _existing_dataset(ctx, param, value):
    if value is not None and not Path(value).is_file():
        raise click.BadParameter(f"no such dataset: {value} (make one with `cchc extract PATH... --db {value}` "
                                 "or `cchc crawl ... --db`)", ctx=ctx, param=param)
    return value


def db_option(must_exist: bool = False, optional: bool = False, help: str | None = None):  # noqa: A002 - click's word
    """`--db FILE`: the SQLite dataset, the same file in every subcommand (default cchc.sqlite).

    `must_exist`: the command reads a dataset (export, summary, browse, reextract);
    `optional`: no default, the command stores only when given (extract)."""
    what = help or ("The SQLite dataset to read." if must_exist else "The SQLite dataset to write (created if missing).")
    return click.option("--db", metavar="FILE", default=None if optional else DEFAULT_DB, show_default=not optional,
                        type=click.Path(dir_okay=False), callback=_existing_dataset if must_exist else None, help=what)


def quiet_broken_pipe() -> None:
    """End the way `cmd | head` expects when the reader has gone: no traceback, no message,
    the broken-pipe status (killed by SIGPIPE: 141 in a shell)."""
    import os
    import signal
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is left in Python's buffer goes nowhere
    except (OSError, ValueError):
        pass
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(1)
