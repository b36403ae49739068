"""cchc evaluate GOLD PRED : precision/recall/F1 per kind (same figures as shared/tools/score.py)."""
from __future__ import annotations

import json
import sys

import click


@click.command("evaluate")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("pred", type=click.Path(exists=True, dir_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="List every missed and spurious key.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--breakdown", "-b", is_flag=True,
              help="Also figure P/R per metric, and per rule what it got right and wrong.")
def command(gold, pred, verbose, as_json, breakdown):
    """Score predicted records PRED (JSON Lines from `cchc extract`) against GOLD annotations."""
    from ..evaluate import format_breakdowns, format_summary, load_jsonl, score

    try:
        s = score(load_jsonl(gold), load_jsonl(pred))
    except ValueError as e:
        click.echo(f"cchc: error: {e}", err=True)
        sys.exit(2)
    extra = ("metrics", "patterns") if breakdown else ()
    if as_json:
        s = {k: v for k, v in s.items() if k not in ("misses", "metrics", "patterns") or k in extra}
        click.echo(json.dumps(s, ensure_ascii=False))
    else:
        click.echo(format_summary(s, verbose) + (format_breakdowns(s) if breakdown else ""))
