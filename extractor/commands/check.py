"""cchc check PATH... : recompute stated rates and totals and say what does not add up."""
from __future__ import annotations

import json
import sys

import click

from .options import input_limits

VERDICT = {"ok": "adds up", "rounding": "adds up (rounding)", "mismatch": "DOES NOT ADD UP",
           "unchecked": "not checked"}


@click.command("check")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True,
              help="Also list the checks that add up and those that could not be made (a part missing).")
@click.option("--fail-on", type=click.Choice(["mismatch", "rounding", "never"]), default="never", show_default=True,
              help="Exit 1 when a check has this verdict (for batch jobs); by default a finding is data.")
@input_limits
def command(inputs, fmt, show_all, fail_on, limits):
    """Recompute every stated rate, sum and target claim in the articles, and compare the
    same metric, subject, place, level and period across them (conflicts).

    A check applies only where the sentence says which figures belong together (a rate and
    its part and base, a whole and its breakdown); where a part is missing it says "not
    checked" and why (with --all). For each finding: the sentence, what the article states,
    what the figures give, why the check applied, and the verdict in plain words. Unreadable
    inputs are named on stderr; exit status 1 if any.
    """
    from ..api import extract_paths
    from ..checks import check_conflicts
    from ..model import ReadError

    failures = 0
    figures: list[dict] = []
    counts = {"ok": 0, "rounding": 0, "mismatch": 0, "unchecked": 0}
    out = sys.stdout

    def emit(check, article=None):
        counts[check["status"]] = counts.get(check["status"], 0) + 1
        if fmt == "jsonl":
            out.write(json.dumps(check, ensure_ascii=False) + "\n")
            return
        if check["status"] in ("ok", "unchecked") and not show_all:
            return
        where = check["source"] + (f" — {article.get('title')}" if article and article.get("title") else "")
        out.write(f"\n[{VERDICT[check['status']]}] {check['check']} · {where}\n")
        if check.get("text"):
            out.write(f"  « {check['text'].strip()} »\n")
        if check["status"] != "unchecked":
            out.write(f"  stated: {check['reported']}   computed: {check['expected']}\n")
        out.write(f"  {check['message']}\n")
        if check.get("reason") and check["status"] != "unchecked":
            out.write(f"  why this check: {check['reason']}\n")

    for item in extract_paths(inputs, limits=limits):
        if isinstance(item, ReadError):
            failures += 1
            click.echo(item.line(), err=True)
            continue
        article = item[0]
        for r in item:
            if r["kind"] == "figure":
                figures.append(r)
            elif r["kind"] == "check":
                emit(r, article)
    for c in check_conflicts(figures):
        emit(c)
    if fmt == "text":
        out.write(f"\n{counts['mismatch']} do not add up, {counts['rounding']} rounding, {counts['ok']} add up, "
                  f"{counts['unchecked']} not checked (a part missing{'' if show_all else '; --all lists them'}).\n")
    out.flush()
    if failures:
        sys.exit(1)
    if fail_on == "mismatch" and counts["mismatch"] or fail_on == "rounding" and (counts["mismatch"] or counts["rounding"]):
        sys.exit(1)
