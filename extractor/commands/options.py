"""Options shared by the commands that read inputs (extract, check, report)."""
from __future__ import annotations

import click

from ..limits import DEFAULT_LIMITS, MB, Limits  # not the readers: see limits.py


def input_limits(f):
    """--max-size and --max-ratio, passed to the command as `limits` (a reading Limits)."""
    f = click.option("--max-ratio", type=click.FloatRange(min=1), default=DEFAULT_LIMITS.max_ratio, show_default=True,
                     metavar="N",
                     help="Refuse compressed input (.gz, gzipped pages, WARC members) that expands more than this "
                          "many times: a decompression bomb.")(f)
    f = click.option("--max-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_size / MB,
                     show_default=True, metavar="MB",
                     help="Refuse one item (a file, a page, a JSON line, a WARC record) larger than this, "
                          "after decompression.")(f)

    def wrapper(*args, max_size, max_ratio, **kw):
        return f(*args, limits=Limits(max_size=int(max_size * MB), max_ratio=max_ratio), **kw)

    wrapper.__name__, wrapper.__doc__ = f.__name__, f.__doc__
    wrapper.__click_params__ = f.__click_params__
    del f.__click_params__
    return wrapper

