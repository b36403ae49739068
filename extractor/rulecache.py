"""Compiled rules kept on disk between runs: most of a run's start-up was compiling them.

The `regex` module parses a pattern in Python before its C engine gets the result; for the
~270 rules an article needs that is ~0.2 s of CPU at every start (half of `cchc extract` of one
text). A compiled `regex.Pattern` pickles as the engine's own arguments (the regex module
registers `_regex.compile` with copyreg for that), so loading one back costs microseconds
and no parsing.

- One file per regex and Python version (`compiled-rules-<regex>-py<X.Y>.pickle`) in
  `$CCHC_CACHE_DIR`, else `$XDG_CACHE_HOME/cchc`, else `~/.cache/cchc`. `CCHC_CACHE_DIR=off`
  (or empty) turns the cache off.
- Each pattern is keyed by a digest of its expanded source, flags and the named lists it uses,
  so an edited rule or word list is simply not found and is compiled afresh.
- The cache can make a run faster, never different: a missing, unreadable, truncated or foreign
  file is ignored (and replaced at the next save); the file is read with an unpickler that
  builds nothing but `_regex.compile(…)` calls.
- Saved when the process ends (and after a worker's warm-up), written to a temporary file and
  renamed, merged with what another process saved meanwhile; a directory that cannot be
  written leaves the run as it was, without a cache.
"""
from __future__ import annotations

import atexit
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path

import regex

log = logging.getLogger(__name__)

MAX_ENTRIES = 4000   # beyond this (stale rules of many edits) a save keeps only what this run used
_OFF = {"", "off", "0", "no", "false"}


def cache_dir() -> Path | None:
    """Where the compiled rules live, or None when the cache is turned off."""
    env = os.environ.get("CCHC_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cchc"


def cache_file() -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    return d / f"compiled-rules-{regex.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}.pickle"


def key(source: str, flags: int, lists: dict[str, list[str]]) -> str:
    """A digest of everything the compiled pattern depends on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{int(flags)}\0{source}\0".encode("utf-8", "surrogatepass"))
    for name in sorted(lists):
        h.update(f"{name}\0{chr(1).join(sorted(lists[name]))}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class _RulesUnpickler(pickle.Unpickler):
    """Builds `_regex.compile(…)` calls and plain data, nothing else."""

    def find_class(self, module: str, name: str):
        if module in ("_regex", "regex._regex") and name == "compile":
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a compiled rule")


def _read(path: Path) -> dict[str, regex.Pattern]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as e:
        log.debug("rule cache %s not read: %s", path, e)
        return {}
    try:
        found = _RulesUnpickler(io.BytesIO(data)).load()
    except Exception as e:  # noqa: BLE001 - a broken cache is only a slower start
        log.debug("rule cache %s ignored: %s: %s", path, type(e).__name__, e)
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: p for k, p in found.items() if isinstance(k, str) and isinstance(p, regex.Pattern)}


class RuleCache:
    """The compiled patterns of one cache file, loaded on first use."""

    def __init__(self, path: Path | None):
        self.path = path
        self._loaded: dict[str, regex.Pattern] | None = None
        self._new: dict[str, regex.Pattern] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def _entries(self) -> dict[str, regex.Pattern]:
        if self._loaded is None:
            self._loaded = _read(self.path) if self.path is not None else {}
        return self._loaded

    def get(self, k: str, source: str) -> regex.Pattern | None:
        with self._lock:
            p = self._entries().get(k)
            if p is not None and p.pattern == source:
                self._used.add(k)
                return p
            return None

    def put(self, k: str, pattern: regex.Pattern) -> None:
        with self._lock:
            self._new[k] = pattern
            self._used.add(k)

    def save(self) -> bool:
        """Write what this process compiled, merged with the file as it is now; True if written."""
        with self._lock:
            if self.path is None or not self._new:
                return False
            on_disk = _read(self.path)
            merged = {**on_disk, **self._new}
            if len(merged) > MAX_ENTRIES:
                merged = {k: p for k, p in merged.items() if k in self._used}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".rules-", dir=self.path.parent)
                try:
                    with os.fdopen(fd, "wb") as f:
                        pickle.dump(merged, f, protocol=pickle.HIGHEST_PROTOCOL)
                    os.replace(tmp, self.path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            except OSError as e:
                log.debug("rule cache %s not written: %s", self.path, e)
                return False
            self._loaded = merged
            self._new = {}
            return True


_cache: RuleCache | None = None


def current() -> RuleCache:
    """This process's cache (its file chosen from the environment at first use)."""
    global _cache
    if _cache is None:
        _cache = RuleCache(cache_file())
    return _cache


def save() -> bool:
    return _cache.save() if _cache is not None else False


atexit.register(save)
