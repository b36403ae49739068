"""The docs are tested: every command is documented, the README's sample is what cchc prints."""
from __future__ import annotations

import re

from extractor.cli import COMMANDS

from conftest import ROOT, run_cchc

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme_and_has_help():
    for name in COMMANDS:
        assert f"cchc {name}" in README or f"`{name}`" in README, name
        r = run_cchc(name, "--help")
        assert r.returncode == 0 and len(r.stdout.decode().split()) > 15, name


def test_readme_fresh_machine_commands():
    first_screen = README[:1500]
    assert "pip install . && cchc extract corpus/seeds --format table" in first_screen
    assert "bash .ci/run" in first_screen
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pytest" in ci and 'pip install -q ".[test,spark]"' in ci


def test_readme_sample_table_is_what_cchc_prints():
    block = re.search(r"<!-- sample-table -->\s*```\n(.*?)```", README, re.S).group(1)
    out = run_cchc("extract", "corpus/seeds/002_d1b55944720b3272.txt", "--format", "table", "-q").stdout.decode()
    for line in block.splitlines():
        assert line.rstrip() in out, line


def test_every_metric_is_documented():
    from extractor.model import METRICS

    for m in METRICS:
        if m != "other":
            assert m in README, m
