"""Every pattern file's structure, and every example of the lead families run through the
code that uses them (Duckling-style: the corpus of examples is the test)."""
from __future__ import annotations

import regex
import pytest

from conftest import pattern_examples

from extractor import patterns
from extractor.api import extract_text
from extractor.numbers import blockers
from extractor.periods import Periods

FILES = patterns.pattern_files()
REGEX_KEYS = (*patterns.RULE_PATTERNS, "requires", "unit_text")  # and the keys compiled by their stage


def all_rules():
    for name in FILES:
        for rule in patterns.load_file(name).get("rules") or []:
            yield name, rule


def test_pattern_files_exist():
    for family in ("lexicon", "numbers", "figures", "periods", "layout"):
        assert family in FILES


@pytest.mark.parametrize("name", FILES)
def test_structure(name):
    data = patterns.load_file(name)
    assert isinstance(data.get("rules"), list), f"{name}.yaml: `rules` must be a list"
    for rule in data["rules"]:
        rid = rule.get("id")
        assert rid, f"{name}.yaml: a rule without id"
        ex = rule.get("examples") or {}
        assert ex.get("positive"), f"{rid}: no positive example"
        assert ex.get("negative"), f"{rid}: no negative example"
        for key in REGEX_KEYS:
            if rule.get(key):
                patterns.compile_pattern(rule[key])  # raises on a bad regex


def test_rule_ids_unique_across_files():
    seen = {}
    for name, rule in all_rules():
        assert rule["id"] not in seen, f"{rule['id']} in {name}.yaml and {seen.get(rule['id'])}.yaml"
        seen[rule["id"]] = name


def test_metrics_are_in_the_vocabulary():
    from extractor.model import METRICS

    for rule in patterns.load_file("figures")["rules"]:
        assert rule["metric"] in METRICS, rule["id"]
    for count, rate in patterns.load_file("figures")["rate_of"].items():
        assert count in METRICS and rate in METRICS




def _figures(text):
    return [r for r in extract_text(text, prefilter=False) if r["kind"] == "figure"]


@pytest.mark.parametrize("rule,ex", pattern_examples("figures", "positive"))
def test_figure_positive(rule, ex):
    figs = _figures(ex["text"])
    got = {}
    for f in figs:
        got.setdefault(f["metric"], []).append(f["value"])
    for metric, values in ex["expect"].items():
        for v in values if isinstance(values, list) else [values]:
            assert v in got.get(metric, []), f"{metric}={v} not in {got}"
    for metric, role in (ex.get("roles") or {}).items():
        assert any(f["metric"] == metric and f["role"] == role for f in figs), (metric, role, figs)
    text = extract_text(ex["text"], prefilter=False)[0]["text"]
    for f in figs:
        assert text[f["start"]:f["end"]] == f["text"]


@pytest.mark.parametrize("rule,ex", pattern_examples("figures", "negative"))
def test_figure_negative(rule, ex):
    bad = [f for f in _figures(ex["text"]) if f["metric"] == ex["metric"]
           and ("value" not in ex or f["value"] == ex["value"])
           and ("total" not in ex or f["total"] == ex["total"])]
    assert not bad, bad


def _blocker(rid):
    return dict(blockers())[rid]


@pytest.mark.parametrize("rule,ex", pattern_examples("numbers", "positive"))
def test_blocker_positive(rule, ex):
    text, target = ex["text"], ex["match"]
    i = text.index(target)
    spans = [(m.start(), m.end()) for m in _blocker(rule["id"]).finditer(text)]
    for d in regex.finditer(r"\d+", target):
        s, e = i + d.start(), i + d.end()
        assert any(a <= s and e <= b for a, b in spans), f"{d.group()} in {target!r} not blocked by {spans}"


@pytest.mark.parametrize("rule,ex", pattern_examples("numbers", "negative"))
def test_blocker_negative(rule, ex):
    m = _blocker(rule["id"]).search(ex["text"])
    assert m is None, m


@pytest.mark.parametrize("rule,ex", pattern_examples("periods", "positive"))
def test_period_positive(rule, ex):
    found = [p for p in Periods(ex["text"], 2024).mentions if p.rule == rule["id"]]
    want = ex["period"].replace("{Y}", "2024")
    assert [p.period for p in found] == [want]


@pytest.mark.parametrize("rule,ex", pattern_examples("periods", "negative"))
def test_period_negative(rule, ex):
    assert not [p for p in Periods(ex["text"], 2024).mentions if p.rule == rule["id"]]


@pytest.mark.parametrize("polarity", ["positive", "negative"])
def test_layoutpattern_examples(polarity):
    for rule in patterns.load_file("layout")["rules"]:
        pat = patterns.compile_pattern(rule["regex"])
        match = pat.search if rule.get("mode") == "search" else pat.fullmatch
        for ex in rule["examples"][polarity]:
            hit = match(ex["text"])
            assert bool(hit) == (polarity == "positive"), (rule["id"], ex["text"])
