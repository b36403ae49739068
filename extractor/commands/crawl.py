"""cchc crawl [URL | --source NAME ...] : crawl news sites for reform articles."""
from __future__ import annotations

import sys

import click

from . import db_option


@click.command("crawl")
@click.argument("url", required=False)
@click.option("--source", "sources", multiple=True, help="A registry entry (corpus/sources.yaml); repeatable.")
@click.option("--all-sources", is_flag=True, help="Every entry of the registry.")
@db_option(help="The SQLite dataset to write (created if missing); it also holds the frontier.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the records as JSON Lines.")
@click.option("--warc", type=click.Path(dir_okay=False), help="Also keep every fetched article page in this WARC file.")
@click.option("--since", help="Skip articles published before this date (YYYY-MM-DD).")
@click.option("--max-pages", type=int, help="Stop after this many pages.")
@click.option("--max-listing-pages", type=int, default=100, show_default=True, help="How many pages of a listing to read.")
@click.option("--max-depth", type=int, default=5, show_default=True,
              help="How many links away from a start page to go (a listing's next pages do not count).")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Seconds between requests to a site (robots.txt Crawl-delay wins if longer).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds before a request is given up (then retried).")
@click.option("--http-cache", type=click.Path(file_okay=False), help="Cache responses here (development).")
@click.option("--redis", help="Share the queue and seen-set with other workers through this Redis (redis://host:port).")
@click.option("--base-url", help="Crawl a registry entry served from another address (a mirror or a local copy).")
@click.option("--allow-private", is_flag=True,
              help="Fetch from loopback and private addresses too (local testing; link-local stays refused).")
def command(url, sources, all_sources, db, output, warc, since, max_pages, max_listing_pages, max_depth, delay, timeout,
            http_cache, redis, base_url, allow_private):
    """Crawl the configured news sources (or, given a URL with no registry entry, any news
    site: sitemaps, RSS and same-host links) politely: robots.txt and its Crawl-delay, one
    request at a time per site, retries with backoff. Article pages about administrative
    reform are extracted and stored with the page as fetched; the frontier lives in the store,
    so a killed crawl started again goes on where it was. A URL robots.txt disallows is skipped
    and counted, not an error. Exit 1 if any page failed."""
    from ..crawl.run import crawl
    from ..sources import get_source, load_sources, source_for_url

    if all_sources:
        sources = [s.name for s in load_sources()]
    if not url and not sources:
        raise click.UsageError("give a URL, --source NAME or --all-sources")
    jobs = [(get_source(n), None) for n in sources]
    if url:
        known = source_for_url(url)
        jobs.append((known, None) if known and not base_url else (None, url))
    failed = False
    for src, start in jobs:
        if len(jobs) > 1:
            # Twisted's reactor runs once per process: each crawl in a child process of its own
            import subprocess

            args = [sys.executable, "-m", "extractor.cli", "crawl", "--db", db, "--delay", str(delay),
                    "--timeout", str(timeout), "--max-listing-pages", str(max_listing_pages), "--max-depth", str(max_depth)]
            if allow_private:
                args.append("--allow-private")
            args += ["--source", src.name] if src else [start]
            for flag, val in (("-o", output), ("--warc", warc), ("--since", since), ("--max-pages", max_pages),
                              ("--http-cache", http_cache), ("--redis", redis)):
                if val:
                    args += [flag, str(val)]
            failed |= subprocess.call(args) != 0
            continue
        state = crawl(source=src, url=start, db=db, out_path=output, warc=warc, since=since, max_pages=max_pages,
                      delay=delay, timeout=timeout, http_cache=http_cache, redis=redis,
                      max_listing_pages=max_listing_pages, max_depth=max_depth, base_url=base_url,
                      allow_private=allow_private or None)
        failed |= bool(state.errors)  # each printed as it happened
    sys.exit(1 if failed else 0)
