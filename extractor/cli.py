"""The `cchc` command: a thin click layer over the Python API.

Subcommands live in `extractor/commands/<name>.py` (each exporting `command`) and are imported
only when used, so `cchc --help` answers at once.
"""
from __future__ import annotations

import importlib
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


class LazyGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `cchc export ... | head`: end quietly, with the usual status
            from .commands import quiet_broken_pipe

            quiet_broken_pipe()

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
