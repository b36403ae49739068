"""cchc summary --db PATH : coverage of a dataset, and PNG charts."""
from __future__ import annotations

import click

from . import db_option


@click.command("summary")
@db_option(must_exist=True)
@click.option("--charts", type=click.Path(file_okay=False), help="Write PNG charts into this folder.")
@click.option("--metric", "metrics", multiple=True, metavar="METRIC",
              help="Chart this metric by province and year (repeatable; default: on-time rate and dossiers received).")
def command(db, charts, metrics):
    """Print coverage (sources, articles, figures by metric, how many figures have place codes
    and a stated period, conflicting values, checks by verdict) and, with --charts, draw each
    metric by province and year and the labelled figures per site."""
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
    labelled = figs[figs.metric != "other"]
    conflicts = ds.conflicts()
    click.echo("\nplaces and periods (labelled figures):")
    for label, n in (
        ("with a place code", int(labelled.province_code.notna().sum() + (labelled.unit_level == "national").sum())),
        ("  of a district or commune", int(labelled.unit_level.isin(["district", "commune"]).sum())),
        ("with a period", int(labelled.period.notna().sum())),
        ("  stated in its sentence/paragraph", int((labelled.period_source == "stated").sum())),
        ("  from an earlier paragraph", int((labelled.period_source == "context").sum())),
        ("  the article's year by default", int((labelled.period_source == "article").sum())),
    ):
        click.echo(f"  {label:36} {_share(n, len(labelled))}")
    click.echo(f"  {'conflicting values (groups)':36} {len(conflicts)}, {int(conflicts['figures'].map(len).sum())} figures"
               " (Dataset.conflicts())")
    click.echo("\nchecks by verdict:")
    for (check, status), n in checks.groupby(["check", "status"]).size().items():
        click.echo(f"  {check:10} {status:10} {n}")
    if charts:
        from ..charts import DEFAULT_METRICS, draw

        for path in draw(ds, charts, metrics or DEFAULT_METRICS):
            click.echo(f"wrote {path}")


def _share(n: int, total: int) -> str:
    return f"{n} of {total}" + (f" ({100 * n / total:.0f} %)" if total else "")
