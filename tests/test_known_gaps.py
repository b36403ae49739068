"""Known gaps, run as strict xfails (price-parser style): tests/data/known_gaps.yaml.

Each example states what a careful reader finds in a real dev-set sentence and cchc does not
yet give. A strict xfail that starts passing fails the run: then the example has been fixed and
belongs with the rule that fixed it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.api import extract_text

GAPS = yaml.safe_load((Path(__file__).parent / "data" / "known_gaps.yaml").read_text(encoding="utf-8"))["gaps"]


def _cases():
    for gap in GAPS:
        for ex in gap["examples"]:
            yield pytest.param(ex, id=f"{ex['doc']}:{ex['text'][:40]}",
                               marks=pytest.mark.xfail(strict=True, reason=" ".join(gap["cause"].split())))


@pytest.mark.parametrize("ex", list(_cases()))
def test_known_gap(ex):
    recs = extract_text(ex["text"], prefilter=False)
    figs = {(r["metric"], r["value"]) for r in recs if r["kind"] == "figure"}
    for metric, values in (ex.get("expect") or {}).items():
        for v in values if isinstance(values, list) else [values]:
            assert (metric, v) in figs
    for metric, value in (ex.get("not") or {}).items():
        assert (metric, value) not in figs
    got = {(r["index"], r["entity"], r["rank"], r["from_bottom"]) for r in recs if r["kind"] == "ranking"}
    for index, entity, rank, from_bottom in ex.get("ranking") or []:
        assert (index, entity, rank, from_bottom) in got


def test_every_gap_is_a_real_dev_sentence():
    """Known gaps quote the dev articles, so that they stay the misses they record."""
    dev = Path(__file__).resolve().parent.parent / "corpus" / "dev"
    for gap in GAPS:
        assert gap["cause"].strip()
        for ex in gap["examples"]:
            text = (dev / ex["doc"]).read_text(encoding="utf-8")
            first = ex["text"].split("\n")[0]
            assert first[:60] in text, (ex["doc"], first[:60])
