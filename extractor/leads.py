"""Scan a text for a rule only where one of its matches can begin.

The `regex` module tries a pattern at every position of the text it is given. A pattern that
opens with an alternation of words (``\\b(?:ngày|hôm|…)``, ``\\L<list>``) costs it 12–90 ns a
character that way, and cchc runs dozens of them over whole articles. Yet every match of such
a pattern begins with one of a few literal strings, its *leads*: they are read off the parsed
pattern here (`leads`), found all at once by an Aho–Corasick automaton (pyahocorasick, one C
pass over the lower-cased text), and the pattern is tried (`Pattern.match`) at those positions
only. `LeadScan.finditer` and `LeadScan.search` give exactly what the pattern's own `finditer`
and `search` give (tests/test_leads.py compares them on real articles for every rule that has
leads):

- a lead is a prefix every match starts with, in lower case: in the lower-cased text, a match
  of the pattern starts with one of them. A letter the pattern ignores the case of stands for
  every letter the `regex` module takes for it (`_regex.get_all_cases`): "s" is also "ſ", whose
  lower case is itself, so a lead "số" has a twin "ſố";
- zero-width items (``\\b``, look-arounds) only narrow where a match is, and `match` at a
  position checks them as `search` would (both see the text before `pos`);
- a pattern with a position its leads cannot name (a lead of a class such as ``\\p{L}``,
  ``\\d`` or ``\\s``, an empty match, a set over `MAX_LEADS` strings) has no leads and is scanned as before;
- a text whose lower-casing changes its length ("İ" becomes two characters) is scanned as
  before (its offsets would not be the text's).

A pattern with a single literal lead is left to the engine too: its own literal search is
faster than the automaton. The automaton is handed the window it scans, sliced: it copies all
of a string it is given, however small the range asked for.

A pattern some of whose top-level alternatives have leads and some not (the number blockers:
``\\b\\d{1,2}/\\d{1,2}…`` beside ``\\b(?:ngày|hôm|…)\\s+\\d…``) is scanned in two parts
(`LeadScan._with_rest`): the engine's own searches for the alternatives without leads, each
compiled alone, say where the next of their matches starts; before that, only a lead can start
a match. Splitting is refused where it could change a match: a back-reference, a conditional, a
global flag, or a pattern that may match the empty string.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import ahocorasick
import regex
from regex import _regex, _regex_core

from .patterns import compile_expanded

MAX_LEN = 6        # a lead is at most this long (longer ones are cut: still a prefix)
MAX_LEADS = 4000   # more different leads than this: the pattern is scanned as before
MAX_SET = 64       # a character class of more characters is no lead


class _NoLead(Exception):
    """A part of the pattern whose matches cannot be named by a few strings."""


def _lower(codes, case_flags) -> set[str]:
    """The lower cases of the characters `codes` and, when their case is ignored, of every
    character the regex module matches them with (a lower case of two characters only comes
    from a text `_lowered` refuses)."""
    out: set[str] = set()
    for c in codes:
        variants = _regex.get_all_cases(case_flags | regex.UNICODE, c) if case_flags & regex.IGNORECASE else (c,)
        for v in (c, *variants):
            low = chr(v).lower()
            if len(low) == 1:
                out.add(low)
    return out


_STATE: dict = {"lists": {}}   # the named lists of the pattern being read


def _chars(node, case_flags=0) -> set[str]:
    """The lower-cased characters a one-character item matches, when they are few and known
    exactly (`case_flags`: a set's, which the characters in it do not carry themselves)."""
    if isinstance(node, _regex_core.Character):
        if not node.positive or node.zerowidth:
            raise _NoLead
        return _lower((node.value,), node.case_flags | case_flags)
    if isinstance(node, _regex_core.Range):
        if not node.positive or node.zerowidth or node.upper - node.lower >= MAX_SET:
            raise _NoLead
        return _lower(range(node.lower, node.upper + 1), node.case_flags | case_flags)
    if isinstance(node, _regex_core.SetUnion):
        if not node.positive or node.zerowidth:
            raise _NoLead
        out: set[str] = set()
        for item in node.items:
            out |= _chars(item, node.case_flags | case_flags)
            if len(out) > MAX_SET:
                raise _NoLead
        return out
    raise _NoLead


# A prefix set: {(text, complete)}: every match of the item starts, lower-cased, with one
# `text`; `complete` when that text is the whole match (what follows the item may extend it).
_EMPTY = frozenset({("", True)})
# (the parser's classes by name: one another regex version lacks is no zero-width item, and
# the item it stands for then has no leads)
_ZERO_WIDTH = tuple(getattr(_regex_core, n) for n in (
    "Boundary", "DefaultBoundary", "StartOfWord", "EndOfWord", "DefaultStartOfWord", "DefaultEndOfWord",
    "LookAround", "StartOfLine", "StartOfLineU", "EndOfLine", "EndOfLineU", "StartOfString",
    "EndOfString", "EndOfStringLine", "EndOfStringLineU", "SearchAnchor", "GraphemeBoundary")
    if hasattr(_regex_core, n))


def _cap(items: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    if len(items) > MAX_LEADS:
        raise _NoLead
    return items


def _then(first: set[tuple[str, bool]] | frozenset, node) -> set[tuple[str, bool]]:
    """`first` followed by `node`."""
    if all(not complete for _, complete in first):
        return set(first)
    try:
        nxt = _prefixes(node)
    except _NoLead:
        return {(s, False) for s, _ in first}  # what follows is unknown: the prefix stays a prefix
    out: set[tuple[str, bool]] = set()
    for s, complete in first:
        if not complete:
            out.add((s, False))
            continue
        for t, done in nxt:
            u = s + t
            out.add((u[:MAX_LEN], False) if len(u) >= MAX_LEN and (len(u) > MAX_LEN or not done) else (u, done))
    return _cap(out)


def _prefixes(node) -> set[tuple[str, bool]] | frozenset:
    if isinstance(node, _ZERO_WIDTH):
        return _EMPTY
    if isinstance(node, _regex_core.Sequence):
        cur: set[tuple[str, bool]] | frozenset = _EMPTY
        for item in node.items:
            cur = _then(cur, item)
            if all(not c for _, c in cur):
                break
        return cur
    if isinstance(node, _regex_core.Branch):
        out: set[tuple[str, bool]] = set()
        for b in node.branches:
            out |= _prefixes(b)
        return _cap(out)
    if isinstance(node, (_regex_core.Group, _regex_core.Atomic)):
        return _prefixes(node.subpattern)
    if isinstance(node, (_regex_core.GreedyRepeat, _regex_core.LazyRepeat, _regex_core.PossessiveRepeat)):
        body = _prefixes(node.subpattern)
        if node.max_count != 1:
            body = {(s, False) for s, _ in body}  # another round may follow: cut here
        return _cap(set(body) | _EMPTY) if node.min_count == 0 else body
    if isinstance(node, _regex_core.StringSet):
        words = _STATE["lists"].get(node.name)
        if words is None:
            raise _NoLead
        out = set()
        for w in words:
            out |= _word(str(w), node.case_flags)
        return _cap(out)
    if isinstance(node, _regex_core.String):
        return _word("".join(chr(c) for c in node.characters), node.case_flags)
    return {(c, True) for c in _chars(node)}


def _word(word: str, case_flags) -> set[tuple[str, bool]]:
    """A literal word as a prefix set (its letters' case twins included)."""
    cur: set[tuple[str, bool]] = {("", True)}
    for ch in word[:MAX_LEN]:
        cur = _cap({(s + c, True) for s, _ in cur for c in _lower((ord(ch),), case_flags)})
    return cur if len(word) <= MAX_LEN else {(s, False) for s, _ in cur}



def leads(pattern: regex.Pattern) -> tuple[str, ...] | None:
    """The lower-cased strings every match of `pattern` starts with, or None when they cannot
    be named (see the module's doc)."""
    return _read_leads(pattern.pattern, pattern.flags, pattern.named_lists)


def plan(pattern: regex.Pattern) -> dict:
    """`_plan`, kept with the compiled rules (rulecache: reading it parses the pattern in
    Python, a few ms for a big one), keyed by the pattern and by this module's own source."""
    from . import rulecache

    k = "leads:" + _version() + ":" + rulecache.key(pattern.pattern, pattern.flags, pattern.named_lists)
    cache = rulecache.rules()
    found = cache.get(k)
    if isinstance(found, dict) and set(found) <= {"leads", "rest"} \
            and all(isinstance(w, str) for key in ("leads", "rest") for w in found.get(key, ())):
        return found
    try:
        found = _plan(pattern)
    except Exception:  # noqa: BLE001 - the parser of another regex version: the plain scan
        found = {}
    cache.put(k, found)
    return found


@lru_cache(maxsize=1)
def _version() -> str:
    from . import rulecache

    return rulecache.digest(Path(__file__).read_bytes())[:12]


def _parsed(src: str, flags: int, lists) -> object | None:
    """The regex module's parse tree of a pattern source (None if it cannot be had)."""
    if flags & (regex.FULLCASE | regex.V1 | regex.REVERSE):
        return None  # multi-character case folding, or a scan from the end: not modelled
    info = _regex_core.Info(flags, 0, dict(lists))
    source = _regex_core.Source(src)
    source.ignore_space = bool(flags & regex.VERBOSE)
    try:
        return _regex_core._parse_pattern(source, info)
    except Exception:  # noqa: BLE001 - a parser of another regex version: no leads, the plain scan
        return None


def _read_leads(src: str, flags: int, lists, tree=None) -> tuple[str, ...] | None:
    """The leads of a pattern source (`tree`: its parse, when already made)."""
    tree = tree if tree is not None else _parsed(src, flags, lists)
    if tree is None:
        return None
    _STATE["lists"] = lists
    try:
        found = _prefixes(tree)
    except (_NoLead, RecursionError):
        return None
    finally:
        _STATE["lists"] = {}
    out = {s for s, _ in found}
    if not out or "" in out or len(out) > MAX_LEADS:
        return None
    return tuple(sorted(out))


def _min_len(node) -> int:
    """The fewest characters a match of `node` takes (0 for what is not modelled)."""
    if isinstance(node, _regex_core.Sequence):
        return sum(_min_len(i) for i in node.items)
    if isinstance(node, _regex_core.Branch):
        return min(_min_len(b) for b in node.branches)
    if isinstance(node, (_regex_core.Group, _regex_core.Atomic)):
        return _min_len(node.subpattern)
    if isinstance(node, (_regex_core.GreedyRepeat, _regex_core.LazyRepeat, _regex_core.PossessiveRepeat)):
        return node.min_count * _min_len(node.subpattern)
    if isinstance(node, _regex_core.StringSet):
        words = _STATE["lists"].get(node.name) or ()
        return min((len(w) for w in words), default=0)
    if isinstance(node, _regex_core.String):
        return len(node.characters)
    if isinstance(node, (_regex_core.Character, _regex_core.Range, _regex_core.SetBase, _regex_core.Property,
                         _regex_core.Any, _regex_core.AnyAll, _regex_core.AnyU)):
        return 0 if node.zerowidth else 1
    return 0


_NOT_SPLIT = regex.compile(r"\\(?:\d|g|k<|N\{)|\(\?(?:P=|\(|[a-zA-Z]+\)|#|&|\d|R\))")  # backrefs, conditionals, global flags, comments, calls


def _top_branches(src: str, verbose: bool) -> list[str] | None:
    """The top-level alternatives of a pattern source as written (None when it has nothing to
    split, or what a split could change: a back-reference, a conditional, a global flag)."""
    if _NOT_SPLIT.search(src):
        return None
    out, depth, start, i, n = [], 0, 0, 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: to its closing bracket ("[]…]" and "[^]…]" hold a literal "]")
            i += 1
            if i < n and src[i] == "^":
                i += 1
            if i < n and src[i] == "]":
                i += 1
            while i < n and src[i] != "]":
                i += 2 if src[i] == "\\" else 1
        elif c == "#" and verbose:
            while i < n and src[i] != "\n":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(src[start:i])
            start = i + 1
        i += 1
    out.append(src[start:])
    return out if len(out) > 1 and depth == 0 else None


def _plan(pattern: regex.Pattern) -> dict:
    """How to scan `pattern`: {"leads": …} when every match starts with a lead; {"leads": …,
    "rest": (source, …)} when only some of its top-level alternatives do (the others are left
    to the engine's own search, each alone: an alternation of them costs the engine more than
    their searches one by one); {} when it is scanned as before."""
    tree = _parsed(pattern.pattern, pattern.flags, pattern.named_lists)
    if tree is None:
        return {}
    whole = _read_leads(pattern.pattern, pattern.flags, pattern.named_lists, tree)
    if whole:
        return {"leads": whole}
    verbose = bool(pattern.flags & regex.VERBOSE)
    branches = _top_branches(pattern.pattern, verbose)
    if not branches:
        return {}
    _STATE["lists"] = pattern.named_lists
    try:
        if _min_len(tree) == 0:
            return {}  # a match may be empty: the scan's steps would not be the engine's
    finally:
        _STATE["lists"] = {}
    led, rest = set(), []
    for b in branches:
        found = _read_leads(b, pattern.flags, pattern.named_lists)
        if found:
            led |= set(found)
        else:
            rest.append(b)
    if not led or not rest or len(led) > MAX_LEADS:
        return {}
    return {"leads": tuple(sorted(led)), "rest": tuple(rest)}


class LeadScan:
    """`finditer` and `search` of one pattern, tried only where one of its leads starts (the
    pattern's own scan when it has none, or the text is one `_lowered` refuses)."""

    def __init__(self, pattern: regex.Pattern):
        self.pattern = pattern
        p = plan(pattern)
        self.leads: tuple[str, ...] | None = tuple(p["leads"]) if p else None
        # each alternative without leads compiled alone, as a rule is (kept in rulecache)
        self.rest: list[regex.Pattern] | None = [compile_expanded(b, pattern.named_lists, flags=pattern.flags)
                                                 for b in p["rest"]] if "rest" in p else None
        self._auto = None
        # one literal lead: the engine searches for it itself, faster
        if self.leads and (len(self.leads) > 1 or self.rest is not None):
            auto = ahocorasick.Automaton()
            for w in _prefix_free(self.leads):  # one lead at most starts at a place: no duplicates
                auto.add_word(w, len(w))
            auto.make_automaton()
            self._auto = auto

    def _starts(self, low: str, pos: int, endpos: int) -> list[int]:
        """Where a match may start in low[pos:endpos], in order (found in the order of their
        ends, which a shorter lead after a longer one can invert). The automaton is given the
        slice, not the text and the range: it copies all of a string it is given (a window of
        a 4 MB text cost as much as the text, tests/test_linear.py)."""
        if pos or endpos < len(low):
            found = [pos + end - n + 1 for end, n in self._auto.iter(low[pos:endpos])]
        else:
            found = [end - n + 1 for end, n in self._auto.iter(low)]
        found.sort()
        return found

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        endpos = len(text) if endpos is None else min(endpos, len(text))
        low = _lowered(text) if self._auto is not None else None
        if low is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        if self.rest is not None:
            yield from self._with_rest(text, low, pos, endpos)
            return
        match, last = self.pattern.match, pos
        for p in self._starts(low, pos, endpos):
            if p >= last:
                m = match(text, p, endpos)
                if m:
                    yield m
                    last = m.end()   # never empty: it starts with a lead

    def _with_rest(self, text: str, low: str, pos: int, endpos: int) -> Iterator[regex.Match]:
        """The pattern's matches when only some alternatives have leads: the next place one of
        the others matches is the leftmost of the engine's searches for them (`rest`); before
        it, only a lead can start a match; at either, `match` gives what the whole pattern's
        search would (its alternatives in their order). No match is empty (`_plan`), so each
        ends past the last."""
        match = self.pattern.match
        starts = self._starts(low, pos, endpos)
        rests = [(p.search, None) for p in self.rest]  # each alternative's next match from pos
        i = 0
        while pos < endpos:
            until = endpos
            for k, (search, r) in enumerate(rests):
                if r is None or (r is not False and r.start() < pos):
                    # leftmost from pos; one found at or after pos stays it; none now, none later
                    r = search(text, pos, endpos) or False
                    rests[k] = (search, r)
                if r is not False and r.start() < until:
                    until = r.start()
            while i < len(starts) and starts[i] < pos:
                i += 1
            m = None
            while m is None and i < len(starts) and starts[i] < until:
                m = match(text, starts[i], endpos)
                i += 1
            if m is None:
                if until >= endpos:
                    return
                m = match(text, until, endpos)
            yield m
            pos = m.end()

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return next(self.finditer(text, pos, endpos), None)


def _prefix_free(words) -> list[str]:
    """`words` without those another of them begins ("năm" covers "năm n")."""
    out: list[str] = []
    for w in sorted(set(words)):  # a word's extensions sort right after it
        if not out or not w.startswith(out[-1]):
            out.append(w)
    return out


_LAST: list = [None, None]   # the text last lowered and its lower case: a text is scanned by many rules


def _lowered(text: str) -> str | None:
    """`text` in lower case with its offsets, or None when lower-casing moves them."""
    if _LAST[0] is text:
        return _LAST[1]
    low = text.lower()
    if len(low) != len(text):
        low = None
    _LAST[0], _LAST[1] = text, low
    return low


# by identity, not equality: a pattern is hashed by its source, and the scanner keeps its
# pattern alive, so an id is never reused while it is a key here
_SCANNERS: dict[int, LeadScan] = {}


def scanner(pattern: regex.Pattern) -> LeadScan:
    """The `LeadScan` of a compiled pattern, built once."""
    found = _SCANNERS.get(id(pattern))
    if found is None:
        found = _SCANNERS[id(pattern)] = LeadScan(pattern)
    return found


def scanners() -> list[LeadScan]:
    """Every `LeadScan` built so far (tests/test_leads.py checks them against their patterns)."""
    return list(_SCANNERS.values())
