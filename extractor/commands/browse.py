"""cchc browse --db PATH : serve the dataset read-only with Datasette."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import db_option

METADATA = Path(__file__).resolve().parent.parent / "datasette" / "metadata.yaml"


def datasette_command(db: str, host: str, port: int) -> list[str]:
    """The Datasette invocation: immutable (read-only), with cchc's metadata. The database is
    served under the name `cchc` whatever the file is called, so the canned queries apply."""
    return [sys.executable, "-m", "datasette", "serve", "--immutable", db, "--metadata", str(METADATA),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50",
            "--setting", "sql_time_limit_ms", "5000"]


@click.command("browse")
@db_option(must_exist=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def command(db, host, port):
    """Serve the dataset read-only with Datasette: table and column descriptions, facets on
    metric, province and period, canned queries (late-dossier rates by district, every
    mismatch with its sentence)."""
    link = Path(db).resolve().parent / "cchc.sqlite"
    served = str(Path(db).resolve())
    if Path(served).name != "cchc.sqlite":
        # Datasette names a database after its file; serve a read-only link named cchc.sqlite
        tmpdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"cchc-browse-{os.getpid()}"
        tmpdir.mkdir(parents=True, exist_ok=True)
        link = tmpdir / "cchc.sqlite"
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(served)
        served = str(link)
    click.echo(f"cchc: serving {db} read-only at http://{host}:{port}/cchc", err=True)
    cmd = datasette_command(served, host, port)
    os.execv(cmd[0], cmd)  # become the server: a signal to this process reaches Datasette
