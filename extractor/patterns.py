"""Patterns are data: YAML files in `patterns/`, compiled once.

File layout (one file per family, see patterns/README.md):

    family: dossiers
    rules:
      - id: dossiers.late.cue
        ...rule-specific keys...
        regex: |          # verbose mode; {name} pulls in a named part, \\L<list> a lexicon list
          ...
        examples:
          positive: [{text: ..., expect: {...}}]
          negative: [{text: ...}]

`patterns/lexicon.yaml` holds word lists (`lists:`) usable as `\\L<name>` in any regex and
named regex parts (`parts:`) usable as `{name}`; a list named in braces, `{name}`, is the
alternation of its words with any whitespace between two words (`\\L<name>` is the faster set of
the words exactly as written). A list written as a mapping keeps each word's
value beside it (`spelled_digit: {hai: 2, ba: 3}`): `\\L<spelled_digit>` matches the words,
`table("spelled_digit")` gives the values.

This module is the one place where vocabulary becomes regexes: the extractors hold no word
lists of their own (tests/test_structure.py checks it).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from . import rulecache

FLAGS = regex.VERBOSE | regex.IGNORECASE | regex.UNICODE | regex.V0


def patterns_dir() -> Path:
    """Where the pattern files are: $CCHC_PATTERNS, the checkout's patterns/, or the installed copy."""
    env = os.environ.get("CCHC_PATTERNS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "patterns"
    if here.is_dir() and any(here.glob("*.yaml")):
        return here
    return Path(str(resources.files("cchc_patterns")))


def load_yaml(stream) -> Any:
    """YAML parsed with libyaml's safe loader when PyYAML has it (the same data, ten times
    faster). PyYAML is imported here, not with this module: a run whose pattern files are all
    in the cache never needs it (15 ms of start-up)."""
    import yaml

    return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def yaml_file(raw: bytes) -> Any:
    """A YAML file's bytes, parsed (kept between runs by a digest of its bytes, see `rulecache`)."""
    k = rulecache.digest(raw)
    data = rulecache.files().get(k)
    if data is None:
        data = load_yaml(raw.decode("utf-8"))
        rulecache.files().put(k, data)
    return data


@lru_cache(maxsize=None)
def load_file(name: str) -> dict[str, Any]:
    """One pattern file, parsed."""
    data = yaml_file((patterns_dir() / f"{name}.yaml").read_bytes()) or {}
    data.setdefault("rules", [])
    return data


def pattern_files() -> list[str]:
    return sorted(p.stem for p in patterns_dir().glob("*.yaml"))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """Word lists and named parts from every pattern file (`lists:` / `parts:` keys).

    A name may be defined once only, so a family's vocabulary lives in one place."""
    lists: dict[str, list[str]] = {}
    parts: dict[str, str] = {}
    tables: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for name in pattern_files():
        data = load_file(name)
        for kind, target in (("lists", lists), ("parts", parts)):
            for k, v in (data.get(kind) or {}).items():
                if k in owner:
                    raise ValueError(f"{kind[:-1]} {k!r} defined in both {owner[k]}.yaml and {name}.yaml")
                owner[k] = name
                if kind == "lists" and isinstance(v, dict):
                    tables[k] = {str(w): val for w, val in v.items()}
                target[k] = longest_first(str(w) for w in v) if kind == "lists" else str(v)
    return {"lists": lists, "parts": parts, "tables": tables}


def words(name: str) -> list[str]:
    """The words of a lexicon list (longest first)."""
    return lexicon()["lists"][name]


def table(name: str) -> dict[str, Any]:
    """A lexicon list written as a mapping: each word with its value ("tư" -> 4)."""
    return lexicon()["tables"][name]


_REF = regex.compile(r"(?<!\\)\{([a-z_][a-z0-9_]*)\}")


def longest_first(words: Iterable[str]) -> list[str]:
    """The distinct words, longest first, then in code point order: an alternation tries the
    longest word first, and is the same text in every run (a set's order is not), so its
    compiled form can be kept on disk (`rulecache`)."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def alternation(words: Iterable[str]) -> str:
    """`(?:w1|w2|…)`, longest first, any whitespace where a word has a space."""
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in longest_first(words)) + ")"


def expand(src: str, depth: int = 0) -> str:
    """Replace {name} references by the named parts of the lexicon (recursively), or by the
    alternation of a list's words."""
    parts, lists = lexicon()["parts"], lexicon()["lists"]
    if depth > 10:
        raise ValueError(f"pattern parts nest too deep: {src[:80]}")

    def sub(m: regex.Match) -> str:
        name = m.group(1)
        if name in lists:
            return alternation(lists[name])
        if name not in parts:
            return m.group(0)  # e.g. a quantifier {2} never matches [a-z_] so it stays
        return "(?:" + expand(parts[name], depth + 1) + ")"

    return _REF.sub(sub, src)


_NAMED_LIST = regex.compile(r"\\L<(\w+)>")


def prepared(src: str, flags: int = FLAGS) -> tuple[str, dict[str, list[str]], str]:
    """(the source with its parts expanded, the named lists it uses, its key in `rulecache`)."""
    lists = lexicon()["lists"]
    expanded = expand(src)
    names = _NAMED_LIST.findall(expanded)
    missing = [n for n in names if n not in lists]
    if missing:
        raise KeyError(f"unknown lexicon list(s) {missing} in pattern {src[:60]!r}")
    used = {n: lists[n] for n in names}
    return expanded, used, rulecache.key(expanded, flags, used)


@lru_cache(maxsize=None)
def compile_pattern(src: str, flags: int = FLAGS) -> regex.Pattern:
    """Compile a pattern source with lexicon parts and named lists (kept on disk between
    runs, see `rulecache`)."""
    return compile_expanded(*prepared(src, flags), flags)


def compile_expanded(expanded: str, lists: dict, key: str | None = None, flags: int = FLAGS) -> regex.Pattern:
    """A pattern source with nothing left to expand, compiled with the named `lists` it uses
    (of those given), or found in `rulecache` under `key` (default: its digest)."""
    used = {n: lists[n] for n in dict.fromkeys(_NAMED_LIST.findall(expanded)) if n in lists}
    cache = rulecache.rules()
    k = key or rulecache.key(expanded, flags, used)
    found = cache.get(k)
    if isinstance(found, regex.Pattern) and found.pattern == expanded:
        return found
    compiled = regex.compile(expanded, flags, **used)
    cache.put(k, compiled)
    return compiled


def whole_words(words: Iterable[str], guard: str = r"\p{L}\p{M}") -> regex.Pattern:
    """Any of `words` (longest first, as written) with none of the `guard` characters right
    before or after it: for word sets that come from data other than a pattern file's lists
    (the gazetteer's names, a table's keys)."""
    return _whole_words(tuple(sorted(set(words))), guard)


@lru_cache(maxsize=64)
def _whole_words(words: tuple[str, ...], guard: str) -> regex.Pattern:
    if not words:
        return regex.compile(r"(?!)")
    return compile_expanded(rf"(?<![{guard}])\L<words>(?![{guard}])", {"words": list(words)}, flags=0)


RULE_PATTERNS = ("regex", "left", "right", "phrase", "sentence")  # the keys of a rule that hold a pattern


def rules(family: str) -> list[dict[str, Any]]:
    """The rules of one family, each pattern of RULE_PATTERNS compiled under `_<key>`."""
    out = []
    for r in load_file(family)["rules"]:
        r = dict(r)
        for key in RULE_PATTERNS:
            if r.get(key):
                r[f"_{key}"] = compile_pattern(r[key])
        out.append(r)
    return out
