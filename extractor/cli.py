"""The `cchc` command: a thin click layer over the Python API.

Subcommands live in `extractor/commands/<name>.py` (each exporting `command`) and are imported
only when used, so `cchc --help` answers at once.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

# name -> (module, one-line help shown by `cchc --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract", "Extract records from files, folders, JSONL, URLs or stdin."),
    "evaluate": ("evaluate", "Score predicted records against a gold file (precision/recall/F1)."),
    "check": ("check", "Recompute stated rates and totals and say what does not add up."),
    "report": ("report", "Write a self-contained HTML report with highlighted spans and checks."),
    "reextract": ("reextract", "Re-run extraction over the stored texts and pages of a dataset."),
    "export": ("export", "Export a dataset table as CSV, Parquet or JSON Lines."),
    "browse": ("browse", "Serve a dataset read-only with Datasette."),
    "summary": ("summary", "Print dataset coverage and write PNG charts."),
    "crawl": ("crawl", "Crawl configured news sources (or any URL) for reform articles."),
    "bench": ("bench", "Benchmark throughput and memory per stage."),
}


class CchcError(click.ClickException):
    """An error the user can act on: one line on stderr, `cchc: error: ...`, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"cchc: error: {self.format_message()}", err=True)


def _explained(e: BaseException) -> str | None:
    """One line for the errors a command may meet outside its own handling, or None."""
    import sqlite3

    from .model import ReadError
    from .store import StoreError, explain

    if isinstance(e, (StoreError, ReadError)):
        return str(e)
    if isinstance(e, OSError):
        name = e.filename if e.filename is not None else ""
        return f"{name}: {e.strerror or e}" if name else f"{e.strerror or e}"
    if isinstance(e, sqlite3.Error):
        return f"the dataset: {explain(e, '')}"
    if isinstance(e, UnicodeError):
        return f"cannot decode or encode text ({e})"
    return None


class LazyGroup(click.Group):
    def invoke(self, ctx):
        """Every error of every command ends as one line on stderr and exit status 1; set
        CCHC_TRACEBACK=1 to see the traceback of an unexpected one."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("cchc: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `cchc export ... | head`: end quietly, with the usual status
            from .commands import quiet_broken_pipe

            quiet_broken_pipe()
        except Exception as e:
            if os.environ.get("CCHC_TRACEBACK"):
                raise
            msg = _explained(e)
            if msg is None:
                msg = (f"unexpected {e.__class__.__name__}: {e} (a bug: please report it; "
                       "CCHC_TRACEBACK=1 shows where)")
            raise CchcError(msg) from None

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"extractor.commands.{COMMANDS[name][0]}")
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cchc")
def main():
    """cchc: read Vietnamese administrative-reform (CCHC) news into a checkable dataset."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
