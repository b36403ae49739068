"""cchc browse --db PATH : serve the dataset read-only with Datasette."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click

METADATA = Path(__file__).resolve().parent.parent / "datasette" / "metadata.yaml"


def datasette_command(db: str, host: str, port: int) -> list[str]:
    """The Datasette invocation: immutable (read-only), with cchc's metadata. The database is
    served under the name `cchc` whatever the file is called, so the canned queries apply."""
    return [sys.executable, "-m", "datasette", "serve", "--immutable", db, "--metadata", str(METADATA),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50",
            "--setting", "sql_time_limit_ms", "5000"]


@click.command("browse")
@click.option("--db", default="cchc.sqlite", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def command(db, host, port):
    """Serve the dataset read-only with Datasette: table and column descriptions, facets on
    metric, province and period, canned queries (late-dossier rates by district, every
    mismatch with its sentence)."""
    from ..store import Store

    Store.open(db, readonly=True).close()  # a missing, damaged or foreign file: one clear message
    served = Path(db).resolve()
    click.echo(f"cchc: serving {db} read-only at http://{host}:{port}/cchc", err=True)
    if served.name == "cchc.sqlite":
        cmd = datasette_command(str(served), host, port)
        os.execv(cmd[0], cmd)  # become the server: a signal to this process reaches Datasette
    # Datasette names a database after its file: serve a link named cchc.sqlite, from a private
    # temporary folder (mode 0700, a fresh name) that is removed when the server stops; a
    # signal to this process is passed on to Datasette, so the folder goes with it
    proc = None
    pending: list[int] = []

    def forward(signum, frame):
        if proc is None:
            pending.append(signum)
        else:
            proc.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    with tempfile.TemporaryDirectory(prefix="cchc-browse-") as tmp:
        link = Path(tmp) / "cchc.sqlite"
        link.symlink_to(served)
        if pending:
            sys.exit(128 + pending[0])
        proc = subprocess.Popen(datasette_command(str(link), host, port))
        for signum in pending:
            proc.send_signal(signum)
        rc = proc.wait()
    sys.exit(rc if rc >= 0 else 128 - rc)
