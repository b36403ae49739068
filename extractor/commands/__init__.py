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
