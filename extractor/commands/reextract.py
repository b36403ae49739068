"""cchc reextract --db PATH : re-run extraction over the stored texts (and pages), no fetching."""
from __future__ import annotations

import sys

import click

from . import db_option


@click.command("reextract")
@db_option(must_exist=True, help="The SQLite dataset to re-extract (read, and written as a new run).")
@click.option("--from-pages", is_flag=True, help="Read stored raw pages again (when the HTML reader improved).")
@click.option("--quiet", "-q", is_flag=True)
def command(db, from_pages, quiet):
    """Re-run extraction with the current patterns over every stored article, as a new run.

    Articles whose records come out unchanged are not written again; changed ones are stored
    under the new run, beside the old, so two runs can be compared (`cchc export --run N`)."""
    from ..pipeline import safe_extract
    from ..model import Article, ReadError
    from ..progress import Progress
    from ..store import Store

    changed = unchanged = 0
    failures: list[str] = []
    with Store.open(db) as st:
        run = st.begin_run("reextract", ["--from-pages"] if from_pages else [])
        progress = Progress("reextract", disable=quiet)
        for a in list(st.iter_articles()):
            article = None
            if from_pages and a.get("page_id"):
                page = st.page(a["page_id"])
                try:
                    from ..reading import read_html_bytes, warning_of

                    article = read_html_bytes(page["body"], a["source"], url=page["url"], fetched_at=page.get("fetched_at"))
                    warning = warning_of(article)
                    if warning is not None:
                        progress.write(warning.line())
                except ReadError as e:
                    failures.append(str(e))
                    progress.write(e.line())
                    continue
            if article is None:
                article = Article(source=a["source"], text=a["text"], title=a["title"], published=a["published"],
                                  author=a["author"], url=a["url"], site=a["site"], locality=a["locality"],
                                  province=a["province"], province_2025=a.get("province_2025"),
                                  article_id=a["article_id"])
            recs = safe_extract(article)
            if isinstance(recs, ReadError):
                failures.append(str(recs))
                progress.write(recs.line())
                continue
            if st.save(recs, run_id=run):
                changed += 1
            else:
                unchanged += 1
            progress.update(recs)
        progress.close()
        st.finish_run(run, counts={"changed": changed, "unchanged": unchanged}, status="failed" if failures else "ok",
                      errors=failures)
    if not quiet:
        click.echo(f"cchc: run {run}: {changed} articles re-extracted with changes, {unchanged} unchanged"
                   + (f", {len(failures)} failed" if failures else ""), err=True)
    if failures:
        sys.exit(1)
