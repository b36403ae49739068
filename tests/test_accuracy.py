"""The accuracy gate: the CLI on the bundled seeds and dev set, scored against their gold.

Floors are pinned here and only ever raised: lowering one is a visible change in review.
When ../shared/tools/score.py (the reference scorer) is beside the checkout, the project's own
`cchc evaluate` must print exactly what it prints.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import DEV, DEV_GOLD, GOLD, SEEDS, SHARED, run_cchc

FLOORS = {"figure": 0.98, "official": 0.95, "award": 0.95, "document": 0.95, "ranking": 0.95}
ARTICLE_FLOORS = {"title": 4, "author": 4, "published": 4, "province": 5}
# corpus/dev: 50 real reform articles annotated without looking at cchc's output (issue 11).
# F1 per kind, and figure recall on its own: recall is what articles cchc was not written from
# punish. Its misses that stay are known gaps (tests/data/known_gaps.yaml).
DEV_FLOORS = {"figure": 0.96, "official": 0.98, "document": 0.98, "ranking": 0.95}
DEV_FIGURE_RECALL = 0.95
DEV_ARTICLE_FLOORS = {"title": 50, "author": 48, "published": 50, "province": 48}


@pytest.fixture(scope="module")
def pred(tmp_path_factory):
    out = tmp_path_factory.mktemp("gate") / "pred.jsonl"
    r = run_cchc("extract", str(SEEDS), "--format", "jsonl", "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr.decode()
    return out


@pytest.fixture(scope="module")
def summary(pred):
    r = run_cchc("evaluate", str(GOLD), str(pred), "--json")
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def dev_summary(tmp_path_factory):
    out = tmp_path_factory.mktemp("gate") / "dev.jsonl"
    r = run_cchc("extract", str(DEV), "--format", "jsonl", "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr.decode()
    r = run_cchc("evaluate", str(DEV_GOLD), str(out), "--json")
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


@pytest.mark.parametrize("kind", sorted(DEV_FLOORS))
def test_dev_f1_floor(dev_summary, kind):
    assert dev_summary["kinds"][kind]["f1"] >= DEV_FLOORS[kind], dev_summary["kinds"][kind]


def test_dev_figure_recall_floor(dev_summary):
    assert dev_summary["kinds"]["figure"]["recall"] >= DEV_FIGURE_RECALL, dev_summary["kinds"]["figure"]


@pytest.mark.parametrize("field", sorted(DEV_ARTICLE_FLOORS))
def test_dev_article_metadata(dev_summary, field):
    right, total = map(int, dev_summary["article"][field].split("/"))
    assert total == 50 and right >= DEV_ARTICLE_FLOORS[field]


def test_dev_offsets_all_right(dev_summary):
    assert dev_summary["offsets"]["checked"] > 400 and dev_summary["offsets"]["wrong"] == 0


def test_dev_copy_is_the_shared_one():
    """corpus/dev is a copy of ../shared/corpus/dev (a clone has no ../shared): when both are
    here, they must be the same articles and the same gold."""
    shared = SHARED / "corpus" / "dev"
    if not shared.exists():
        pytest.skip("../shared not beside this checkout")
    assert sorted(p.name for p in shared.glob("*.txt")) == sorted(p.name for p in DEV.glob("*.txt"))
    for p in shared.glob("*.txt"):
        assert p.read_bytes() == (DEV / p.name).read_bytes(), p.name
    assert (SHARED / "gold" / "dev.jsonl").read_bytes() == DEV_GOLD.read_bytes()


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_f1_floor(summary, kind):
    assert summary["kinds"][kind]["f1"] >= FLOORS[kind], summary["kinds"][kind]


def test_offsets_all_right(summary):
    assert summary["offsets"]["checked"] > 50
    assert summary["offsets"]["wrong"] == 0


@pytest.mark.parametrize("field", sorted(ARTICLE_FLOORS))
def test_article_metadata(summary, field):
    right, total = map(int, summary["article"][field].split("/"))
    assert total == 5 and right >= ARTICLE_FLOORS[field]


def test_own_scorer_agrees_with_reference(pred):
    ref = SHARED / "tools" / "score.py"
    if not ref.exists():
        pytest.skip("reference scorer ../shared/tools/score.py not beside this checkout")
    mine = run_cchc("evaluate", str(GOLD), str(pred), "--json").stdout
    theirs = subprocess.run([sys.executable, str(ref), str(GOLD), str(pred), "--json"], capture_output=True).stdout
    assert json.loads(mine) == json.loads(theirs)
    mine_v = run_cchc("evaluate", str(GOLD), str(pred), "--verbose").stdout
    theirs_v = subprocess.run([sys.executable, str(ref), str(GOLD), str(pred), "--verbose"], capture_output=True).stdout
    assert mine_v.strip() == theirs_v.strip()


def test_scorer_on_hand_made_predictions(tmp_path):
    """The scorer itself: a known prediction set gives known figures."""
    from extractor.evaluate import score

    gold = [{"doc": "a.txt", "kind": "figure", "metric": "dossiers_received", "value": 10},
            {"doc": "a.txt", "kind": "figure", "metric": "dossiers_late", "value": 2}]
    pred = [{"kind": "figure", "source": "x/a.txt", "metric": "dossiers_received", "value": 10.001},
            {"kind": "figure", "source": "x/a.txt", "metric": "dossiers_on_time", "value": 8},
            {"kind": "figure", "source": "x/a.txt", "metric": "other", "value": 99}]
    s = score(gold, pred)["kinds"]["figure"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)
    assert s["f1"] == 0.5
