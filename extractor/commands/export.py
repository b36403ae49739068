"""cchc export --db PATH --format csv|parquet|jsonl [--table figures] [--wide] [-o FILE] [--run N]."""
from __future__ import annotations

import json
import sys

import click

from . import db_option


@click.command("export")
@db_option(must_exist=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "jsonl"]), default="csv", show_default=True)
@click.option("--table", type=click.Choice(["figures", "articles", "officials", "awards", "documents", "rankings",
                                            "checks", "runs"]), default="figures", show_default=True)
@click.option("--wide", is_flag=True, help="The comparison table: place (by code) x period x metric.")
@click.option("--agg", default="mark", show_default=True,
              type=click.Choice(["mark", "raise", "first", "last", "mean", "median", "min", "max"]),
              help="--wide: a cell with several values is left empty and named in `conflicts` (mark), refused "
                   "(raise), or decided by this function.")
@click.option("--run", type=int, help="Exactly what this run produced (default: each article's latest extraction).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (required for parquet).")
def command(db, fmt, table, wide, agg, run, output):
    """Export a table of the dataset. `jsonl` writes the records of the data contract (every
    kind, `source` as stored); CSV cells a spreadsheet would execute are neutralized."""
    from .. import dataset
    from ..dataset import _NUMERIC
    from ..output import safe_cell
    from ..store import Store

    Store.open(db, readonly=True).close()  # a missing, damaged or foreign file: one clear message
    if fmt == "jsonl":
        out = open(output, "w", encoding="utf-8") if output else sys.stdout
        with Store.open(db, readonly=True) as st:
            for rec in st.records(run_id=run):
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if output:
            out.close()
        return
    ds = dataset.open(db)
    if wide:
        try:
            df = ds.wide(run, agg=agg)
        except dataset.ConflictError as e:
            raise click.ClickException(str(e)) from None
        marked = int(df["conflicts"].map(len).sum())
        if marked:
            click.echo(f"cchc: {marked} cells with conflicting values left empty (named in `conflicts`; "
                       "see Dataset.conflicts(), or choose with --agg)", err=True)
    elif table in ("articles", "runs"):
        df = getattr(ds, table)()
    else:
        df = getattr(ds, table)(run)
    if fmt == "parquet":
        if not output:
            raise click.UsageError("--format parquet needs -o FILE")
        df.to_parquet(output, engine="pyarrow", index=False)
        click.echo(f"cchc: wrote {len(df)} rows to {output}", err=True)
        return
    import pandas as pd

    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
            if col not in _NUMERIC:
                df[col] = df[col].map(safe_cell)
    df.to_csv(output or sys.stdout, index=False)
