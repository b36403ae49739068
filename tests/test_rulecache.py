"""Compiled rules kept on disk between runs (extractor/rulecache.py): a run with the cache
gives the same output as one without, and a broken, foreign or unwritable cache is only a
slower start."""
import os
import pickle
import subprocess
import sys

import pytest
import regex

from conftest import ROOT, SEEDS, pattern_examples, run_cchc
from extractor import gazetteer, patterns, rulecache

SEED = str(sorted(SEEDS.glob("*.txt"))[0])


def _extract(tmp_path, cache, name):
    out = tmp_path / f"{name}.jsonl"
    done = run_cchc("extract", SEED, "-o", str(out), "-q", env={"CCHC_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr.decode()
    return out.read_bytes(), done


def _cache_files(d):
    return sorted(p for p in d.glob("compiled-rules-*.pickle")) if d.is_dir() else []


def _stored(path, allowed=rulecache._RULES):
    """What a cache file holds, each entry read back (a broken entry fails the test)."""
    cache = rulecache.DiskCache(path, allowed)
    return {k: cache.get(k) for k in rulecache._read(path)}


def test_a_warm_run_reads_the_rules_from_disk_and_writes_the_same_output(tmp_path):
    cache = tmp_path / "cache"
    off, _ = _extract(tmp_path, "off", "off")
    assert _cache_files(cache) == []
    cold, _ = _extract(tmp_path, cache, "cold")
    files = _cache_files(cache)
    assert len(files) == 1 and regex.__version__ in files[0].name
    stored = _stored(files[0])
    rules = {k: v for k, v in stored.items() if not k.startswith("leads:")}
    assert len(rules) > 100 and all(isinstance(p, regex.Pattern) for p in rules.values())
    plans = [v for k, v in stored.items() if k.startswith("leads:")]  # leads.py: how a rule is scanned
    assert len(plans) >= 8 and all(isinstance(v, dict) and set(v) <= {"leads", "rest"} for v in plans)
    assert sum("rest" in v for v in plans) >= 3  # the number blockers, in two parts
    parsed = list(_stored(next(cache.glob("pattern-files-*.pickle")), rulecache._NOTHING).values())
    assert all(isinstance(d, dict) for d in parsed)  # plain data: the gazetteer's tables, every
    tables = [d for d in parsed if set(d) == set(gazetteer._TABLES)]
    assert len(tables) == 1 and len(parsed) - 1 == len(patterns.pattern_files())  # pattern file
    before = files[0].stat().st_mtime_ns
    warm, _ = _extract(tmp_path, cache, "warm")
    assert off == cold == warm
    assert files[0].stat().st_mtime_ns == before  # nothing new to save


def test_off_writes_nothing(tmp_path, monkeypatch):
    for value in ("off", "", "0"):
        monkeypatch.setenv("CCHC_CACHE_DIR", value)
        assert rulecache.cache_dir() is None
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path))
    assert rulecache.cache_dir() == tmp_path
    monkeypatch.delenv("CCHC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rulecache.cache_dir() == tmp_path / "xdg" / "cchc"
    off = rulecache.DiskCache(None)
    off.put("k", {"a": 1})
    assert off.get("k") is None and not off.save()


def _pattern_and_examples():
    """Every rule of every family with its positive and negative example texts."""
    out = []
    for family in patterns.pattern_files():
        for rule in patterns.rules(family):
            for key in patterns.RULE_PATTERNS:
                if rule.get(key):
                    texts = [ex["text"] for pol in ("positive", "negative")
                             for ex in (rule.get("examples") or {}).get(pol) or []]
                    out.append((rule[key], texts))
    return out


def test_a_pattern_read_back_matches_as_the_compiled_one(tmp_path):
    """The stored form of every rule finds the same spans and groups on its own examples."""
    cache = rulecache.DiskCache(tmp_path / "rules.pickle", rulecache._RULES)
    rules = _pattern_and_examples()
    assert len(rules) > 100
    compiled = {}
    for src, _ in rules:
        expanded, used, k = patterns.prepared(src)
        compiled[src] = (k, expanded, regex.compile(expanded, patterns.FLAGS, **used))
        cache.put(k, compiled[src][2])
    assert cache.save()
    back = rulecache.DiskCache(tmp_path / "rules.pickle", rulecache._RULES)
    checked = 0
    for src, texts in rules:
        k, expanded, fresh = compiled[src]
        stored = back.get(k)
        assert stored.pattern == expanded and stored.groupindex == fresh.groupindex
        for text in texts:
            a = [(m.span(), m.groups()) for m in fresh.finditer(text)]
            b = [(m.span(), m.groups()) for m in stored.finditer(text)]
            assert a == b, (src[:60], text)
            checked += 1
    assert checked > 500


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


@pytest.mark.parametrize("kind", ["compiled-rules", "pattern-files"])
@pytest.mark.parametrize("content", ["truncated", "garbage", "empty", "not_a_dict", "foreign", "foreign_entries"])
def test_a_broken_or_foreign_cache_is_ignored_and_replaced(tmp_path, content, kind):
    cache = tmp_path / "cache"
    good, _ = _extract(tmp_path, cache, "good")
    path = next(cache.glob(f"{kind}-*.pickle"))
    whole = path.read_bytes()
    entries = rulecache._read(path)
    touched = tmp_path / "pwned"
    path.write_bytes({
        "truncated": whole[: len(whole) // 2],
        "garbage": os.urandom(4096),
        "empty": b"",
        "not_a_dict": pickle.dumps(["a", "b"]),
        "foreign": pickle.dumps({"k": _Evil(touched)}),
        # every entry replaced by one that would run a command when unpickled
        "foreign_entries": pickle.dumps({k: pickle.dumps(_Evil(touched)) for k in entries}),
    }[content])
    again, done = _extract(tmp_path, cache, "again")
    assert again == good
    assert not touched.exists()  # the unpicklers build plain data and compiled rules, nothing else
    stored = _stored(path, rulecache._RULES)  # made afresh and saved at the end of the run
    assert len(stored) == len(entries) and all(v is not None for v in stored.values())


def test_a_cache_that_cannot_be_written_leaves_the_run_as_it_was(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    good, _ = _extract(tmp_path, "off", "good")
    out, done = _extract(tmp_path, blocker / "cache", "blocked")
    assert out == good
    assert blocker.read_text() == "not a directory"


def test_the_expanded_rules_are_the_same_text_in_every_run():
    """Word lists become alternations in one order whatever the hash seed (a set's order is
    not), or no run would find the previous run's rules."""
    code = ("import hashlib; from extractor import patterns as p\n"
            "h = hashlib.sha1()\n"
            "for f in p.pattern_files():\n"
            "    for r in p.rules(f):\n"
            "        for k in p.RULE_PATTERNS:\n"
            "            if r.get(k): h.update(p.expand(r[k]).encode())\n"
            "print(h.hexdigest())")
    digests = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT), CCHC_CACHE_DIR="off")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_stale_entries_are_dropped_when_the_file_grows_too_large(tmp_path):
    """A developer's edits leave entries no run asks for again: past `max_entries`, a save
    keeps only what this run used."""
    path = tmp_path / "c.pickle"
    old = rulecache.DiskCache(path, max_entries=3)
    for i in range(3):
        old.put(f"stale{i}", {"n": i})
    assert old.save() and len(rulecache._read(path)) == 3
    run = rulecache.DiskCache(path, max_entries=3)
    assert run.get("stale0") == {"n": 0}   # used by this run
    run.put("new", {"n": 9})
    assert run.save()
    assert set(rulecache._read(path)) == {"stale0", "new"}
