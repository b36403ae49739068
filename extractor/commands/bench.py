"""cchc bench : articles per second per core, per stage, and peak memory."""
from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "corpus"


@click.command("bench")
@click.option("--corpus", "corpora", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL[.gz] corpus to time instead of the defaults (repeatable); the one whose "
                   "articles most often pass the prefilter is taken as the reform corpus.")
@click.option("--general", type=click.Path(exists=True, dir_okay=False),
              help="Ordinary news, JSONL[.gz] (default: ../shared/corpus/general.jsonl.gz, else the bundled sample).")
@click.option("--reform", type=click.Path(exists=True, dir_okay=False),
              help="Reform articles, JSONL (default: ../shared/corpus/cchc.jsonl, else the seeds).")
@click.option("--limit", type=int, default=5000, show_default=True, help="Ordinary articles to time.")
@click.option("--naive/--no-naive", default=True, show_default=True, help="Also time underthesea NER on every sentence.")
@click.option("--memory", type=int, default=0, help="Stream this many articles and print peak RSS as it goes (e.g. 100000).")
def command(corpora, general, reform, limit, naive, memory):
    """Measure throughput per stage on one core, end to end, against a naive NER pipeline,
    and (with --memory N) peak memory while streaming N articles."""
    import json

    from .. import bench

    root = Path(__file__).resolve().parent.parent.parent
    if corpora:
        from ..relevance import text_is_relevant

        def pass_rate(path):
            objs = [json.loads(ln) for ln in bench._lines(Path(path), 200)]
            return sum(text_is_relevant(o.get("text") or "") for o in objs) / max(1, len(objs))

        ranked = sorted(corpora, key=pass_rate)
        reform = reform or ranked[-1]
        general = general or (ranked[0] if len(ranked) > 1 else ranked[-1])
    general = Path(general) if general else (DEFAULT_DIR / "general.jsonl.gz")
    if not general.exists():
        general = root / "tests" / "data" / "general_sample.jsonl"
    if reform:
        reform_lines = bench._lines(Path(reform), None)
        reform_name = Path(reform).name
    elif (DEFAULT_DIR / "cchc.jsonl").exists():
        reform_lines = bench._lines(DEFAULT_DIR / "cchc.jsonl", None)
        reform_name = "cchc.jsonl"
    else:
        reform_lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
                        for p in sorted((root / "corpus" / "seeds").glob("*.txt"))]
        reform_name = "corpus/seeds"
    distinct = len(reform_lines)
    # reform articles repeated to a measurable amount of work
    reform_lines = (reform_lines * max(1, 400 // len(reform_lines)))[:max(400, len(reform_lines))]
    gen_lines = bench._lines(general, limit)
    bench.end_to_end(reform_lines[:5])  # warm up: imports, compiled patterns, models
    timer = bench.Timer()
    g = bench.profile(gen_lines, "general", timer)
    r = bench.profile(reform_lines, "reform", timer)
    click.echo(f"corpora: general {general.name} ({g['articles']} articles, {g['relevant']} pass the prefilter); "
               f"reform {reform_name} ({distinct} articles, cycled to {r['articles']})\n")
    click.echo(f"{'stage':42} {'articles/s/core':>16} {'ms/article':>11}")
    for stage in timer.t:
        rate = timer.rate(stage)
        click.echo(f"{stage:42} {rate:16,.0f} {1000 / rate if rate else 0:11.3f}")
    n, secs = bench.end_to_end(reform_lines)
    e2e = n / secs
    click.echo(f"\nend to end, reform articles: {e2e:,.0f} articles/s/core ({n} in {secs:.2f} CPU s)")
    gn, gsecs = bench.end_to_end(gen_lines)
    click.echo(f"end to end, ordinary news:   {gn / gsecs:,.0f} articles/s/core ({gn} in {gsecs:.2f} CPU s)")
    pre = timer.rate('general: relevance prefilter')
    click.echo(f"prefilter alone, ordinary:   {pre:,.0f} articles/s/core")
    targets = [("end to end, reform >= 200 articles/s/core", e2e >= 200),
               ("prefilter, ordinary >= 20,000 articles/s/core", pre >= 20000)]
    if naive:
        sample = reform_lines[: min(len(reform_lines), 60)]
        nn, nsecs, sents = bench.naive(sample)
        nrate = nn / nsecs
        click.echo(f"naive (underthesea ner on every sentence): {nrate:,.1f} articles/s/core ({sents} sentences)")
        click.echo(f"ratio cchc / naive: {e2e / nrate:,.1f}x")
        targets.append(("cchc >= 10x the naive pipeline", e2e / nrate >= 10))
    click.echo(f"peak memory: {bench.peak_mb():,.0f} MB")
    if memory:
        click.echo(f"\nstreaming {memory:,} articles of {general.name} (cycled):")
        seen = []
        for n, mb in bench.memory_flat(general, memory, max(1000, memory // 10)):
            click.echo(f"  {n:>9,} articles   RSS {mb:,.0f} MB")
            seen.append(mb)
        growth = seen[-1] - seen[0] if seen else 0.0
        click.echo(f"  growth from the first to the last reading: {growth:+,.0f} MB")
        targets.append(("memory flat while streaming (growth < 20 MB)", growth < 20))
    click.echo("\ntargets:")
    for name, met in targets:
        click.echo(f"  {'met    ' if met else 'NOT MET'}  {name}")
