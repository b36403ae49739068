"""cchc browse --db PATH : serve the dataset read-only with Datasette."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from . import db_option

METADATA = Path(__file__).resolve().parent.parent / "datasette" / "metadata.yaml"


def metadata() -> dict[str, Any]:
    """metadata.yaml (titles, facets, canned queries) with the description of every column of
    the record tables, from the fields of records.py and the store's own columns."""
    import yaml

    from .. import records
    from ..store import STORE_COLUMNS

    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    tables = meta["databases"]["cchc"]["tables"]
    for kind, cls in records.KINDS.items():
        cols = {s.name: s.doc for s in records.specs(cls) if kind == "article" or s.name != "source"}
        if kind == "article":
            cols.update({k: STORE_COLUMNS[k] for k in ("page_id", "first_run", "last_run")})
        else:
            cols.update({k: STORE_COLUMNS[k] for k in ("run_id", "n") if k != "n" or "id" not in cols})
        for name in (cls.table,) if kind == "article" else (cls.table, f"current_{cls.table}"):
            tables.setdefault(name, {})["columns"] = cols
    return meta


def datasette_command(db: str, host: str, port: int, metadata_path: str) -> list[str]:
    """The Datasette invocation: immutable (read-only), with cchc's metadata. The database is
    served under the name `cchc` whatever the file is called, so the canned queries apply."""
    return [sys.executable, "-m", "datasette", "serve", "--immutable", db, "--metadata", metadata_path,
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
    from ..store import Store

    Store.open(db, readonly=True).close()  # a damaged or foreign file: one clear message
    served = Path(db).resolve()
    click.echo(f"cchc: serving {db} read-only at http://{host}:{port}/cchc", err=True)
    # the metadata (and, for a file not named cchc.sqlite, a link of that name: Datasette names a
    # database after its file) go into a private temporary folder (mode 0700, a fresh name) that
    # is removed when the server stops; a signal to this process is passed on to Datasette
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
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(), ensure_ascii=False, indent=1), encoding="utf-8")
        if served.name != "cchc.sqlite":
            link = Path(tmp) / "cchc.sqlite"
            link.symlink_to(served)
            served = link
        if pending:
            sys.exit(128 + pending[0])
        proc = subprocess.Popen(datasette_command(str(served), host, port, str(meta)))
        for signum in pending:
            proc.send_signal(signum)
        rc = proc.wait()
    sys.exit(rc if rc >= 0 else 128 - rc)
