"""cchc report PATH... -o report.html : a self-contained HTML report."""
from __future__ import annotations

import sys

import click

from .options import input_limits


@click.command("report")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="report.html", show_default=True)
@click.option("--title", default="cchc report", show_default=True)
@input_limits
def command(inputs, output, title, limits):
    """Write one HTML page: a summary table, then every article with its extracted spans
    highlighted and labelled and its checks beside it (self-contained, no network)."""
    from ..api import extract_paths
    from ..checks import check_conflicts
    from ..model import ReadError
    from ..report import build

    articles, failures = [], 0
    for item in extract_paths(inputs, limits=limits):
        if isinstance(item, ReadError):
            failures += 1
            click.echo(item.line(), err=True)
            continue
        articles.append(item)
    conflicts = check_conflicts(r for recs in articles for r in recs)
    html = build(articles, conflicts, title=title)
    with open(output, "w", encoding="utf-8") as f:
        f.write(html)
    click.echo(f"cchc: wrote {output} ({len(articles)} articles)", err=True)
    if failures:
        sys.exit(1)
