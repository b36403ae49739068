"""Compiled rules and parsed pattern files kept on disk between runs: most of a run's
start-up was making them.

The `regex` module parses a pattern in Python before its C engine gets the result; for the
~220 rules one text needs that was ~0.2 s of CPU at every start, half of `cchc extract` of one
text, and reading the YAML pattern files another ~0.05 s. A compiled `regex.Pattern` pickles
as its engine's own arguments (the regex module registers `_regex.compile` with copyreg for
that), so loading one back costs microseconds and no parsing; parsed YAML is plain data.

- Two files, one per kind (`compiled-rules-<regex>-py<X.Y>.pickle`,
  `pattern-files-py<X.Y>.pickle`), in `$CCHC_CACHE_DIR`, else `$XDG_CACHE_HOME/cchc`, else
  `~/.cache/cchc`. `CCHC_CACHE_DIR=off` (or empty) turns the cache off.
- A pattern is keyed by a digest of its expanded source, flags and the named lists it uses, a
  pattern file by a digest of its bytes: an edited rule, list or file is simply not found and
  is made afresh. The rules' file also keeps how leads.py scans a rule (plain data: its
  leads, the source of its alternatives without leads, whose compiled pattern is kept like any
  rule's), keyed as the pattern is and by leads.py's own source.
- The cache can make a run faster, never different: a missing, unreadable, truncated or foreign
  file or entry is ignored (and replaced at the next save); entries are read with an
  unpickler that builds plain data and, for rules, `_regex.compile(…)` calls, nothing else.
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
from typing import Any

import regex

log = logging.getLogger(__name__)

_OFF = {"", "off", "0", "no", "false"}


def cache_dir() -> Path | None:
    """Where the caches live, or None when they are turned off."""
    env = os.environ.get("CCHC_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cchc"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def key(source: str, flags: int, lists: dict[str, list[str]]) -> str:
    """A digest of everything a compiled pattern depends on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{int(flags)}\0{source}\0".encode("utf-8", "surrogatepass"))
    for name in sorted(lists):
        h.update(f"{name}\0{chr(1).join(sorted(lists[name]))}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class _Unpickler(pickle.Unpickler):
    """Builds plain data and the globals it is given (`_regex.compile` for rules), nothing else."""

    def __init__(self, data: bytes, allowed: frozenset[tuple[str, str]]):
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str):
        if (module, name) in self.allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cchc cache")


_NOTHING: frozenset[tuple[str, str]] = frozenset()
_RULES = frozenset({("_regex", "compile"), ("regex._regex", "compile")})


def _read(path: Path) -> dict[str, bytes]:
    """The entries of a cache file (each one pickled on its own), or {} when there is none
    that can be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as e:
        log.debug("cache %s not read: %s", path, e)
        return {}
    try:
        found = _Unpickler(data, _NOTHING).load()
    except Exception as e:  # noqa: BLE001 - a broken cache is only a slower start
        log.debug("cache %s ignored: %s: %s", path, type(e).__name__, e)
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, bytes)}


class DiskCache:
    """Values kept in one file between runs, loaded on first use. A value is pickled when it is
    put (what the caller does with it afterwards is not saved) and unpickled when it is got,
    with only the `allowed` globals."""

    def __init__(self, path: Path | None, allowed: frozenset[tuple[str, str]] = _NOTHING,
                 max_entries: int = 4000):
        self.path = path
        self.allowed = allowed
        self.max_entries = max_entries  # beyond this (stale entries of many edits) a save keeps what this run used
        self._loaded: dict[str, bytes] | None = None
        self._new: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def _entries(self) -> dict[str, bytes]:
        if self._loaded is None:
            self._loaded = _read(self.path) if self.path is not None else {}
        return self._loaded

    def get(self, k: str) -> Any:
        """The value kept under `k`, or None."""
        with self._lock:
            raw = self._entries().get(k)
            if raw is None:
                return None
            try:
                value = _Unpickler(raw, self.allowed).load()
            except Exception as e:  # noqa: BLE001 - a broken entry is compiled or read afresh
                log.debug("cache entry %s of %s ignored: %s: %s", k, self.path, type(e).__name__, e)
                return None
            self._used.add(k)
            return value

    def put(self, k: str, value: Any) -> None:
        if self.path is None:
            return
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._new[k] = raw
            self._used.add(k)

    def save(self) -> bool:
        """Write what this process added, merged with the file as it is now; True if written."""
        with self._lock:
            if self.path is None or not self._new:
                return False
            merged = {**_read(self.path), **self._new}
            if len(merged) > self.max_entries:
                merged = {k: v for k, v in merged.items() if k in self._used}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".cchc-", dir=self.path.parent)
                try:
                    with os.fdopen(fd, "wb") as f:
                        pickle.dump(merged, f, protocol=pickle.HIGHEST_PROTOCOL)
                    os.replace(tmp, self.path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            except OSError as e:
                log.debug("cache %s not written: %s", self.path, e)
                return False
            self._loaded = merged
            self._new = {}
            return True


_caches: dict[str, DiskCache] = {}


def _cache(name: str, stem: str, allowed: frozenset[tuple[str, str]], max_entries: int) -> DiskCache:
    found = _caches.get(name)
    if found is None:
        d = cache_dir()
        found = _caches[name] = DiskCache(d / stem if d is not None else None, allowed, max_entries)
    return found


def rules() -> DiskCache:
    """Compiled rules (`regex.Pattern`), one file per regex and Python version."""
    v = sys.version_info
    return _cache("rules", f"compiled-rules-{regex.__version__}-py{v[0]}.{v[1]}.pickle", _RULES, 4000)  # ~1 KB each


def files() -> DiskCache:
    """Parsed pattern files (plain data), keyed by a digest of their bytes."""
    v = sys.version_info
    return _cache("files", f"pattern-files-py{v[0]}.{v[1]}.pickle", _NOTHING, 100)  # ~12 KB each


def save() -> bool:
    """Save every cache this process used; True if one was written."""
    return any([c.save() for c in list(_caches.values())])


atexit.register(save)
