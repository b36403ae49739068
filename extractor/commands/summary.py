"""cchc summary --db PATH : coverage of a dataset, and PNG charts."""
from __future__ import annotations

import click


@click.command("summary")
@click.option("--db", default="cchc.sqlite", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--charts", type=click.Path(file_okay=False), help="Write PNG charts into this folder.")
def command(db, charts):
    """Print coverage (sources, articles, figures by metric, checks by verdict) and, with
    --charts, draw the on-time rate by locality and period and the figures per source."""
    from .. import dataset
    from ..store import Store

    Store.open(db, readonly=True).close()  # a missing, damaged or foreign file: one clear message
    ds = dataset.open(db)
    arts = ds.articles()
    figs = ds.figures()
    checks = ds.checks()
    runs = ds.runs()
    click.echo(f"dataset {db}: {len(runs)} runs, {arts['site'].nunique()} named sites, "
               f"{arts['source'].nunique()} sources, {len(arts)} articles, {len(figs)} figures")
    click.echo("provinces: " + ", ".join(f"{p} {n}" for p, n in arts["province"].fillna("?").value_counts().items()))
    click.echo("\nfigures by metric:")
    for metric, n in figs["metric"].value_counts().items():
        click.echo(f"  {metric:32} {n}")
    click.echo("\nchecks by verdict:")
    for (check, status), n in checks.groupby(["check", "status"]).size().items():
        click.echo(f"  {check:10} {status:10} {n}")
    if charts:
        from ..charts import draw

        for path in draw(ds, charts):
            click.echo(f"wrote {path}")
