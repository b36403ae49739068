"""Reading Vietnamese numbers in running text.

"36.466" is 36466, "95,31%" is 95.31, "98.93%" is 98.93 (a decimal point next to %), "1.245"
is 1245, "03" is 3, "1,2 triệu" is 1 200 000, "hai mươi lăm" is 25, "một nửa" is 0.5.
`find_quantities` returns every number that counts something, with its unit, qualifier and
total ("36.075/36.466 hồ sơ"), skipping numbers inside dates, periods, document numbers,
standards, levels, ordinals and names (the blockers of patterns/numbers.yaml).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from .leads import LeadScan, scanner
from .patterns import alternation, compile_expanded, compile_pattern, expand, load_file, longest_first, rules, table
from .patterns import words as word_list

_NUMBER_SHAPE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Numerals:
    """The number words of patterns/numbers.yaml with their values, by the part they play."""

    digits: dict[str, float]       # một 1, hai 2, … lăm 5
    after_ten: frozenset[str]      # mốt, lăm, nhăm: only after a ten
    ten_words: frozenset[str]      # mười, mươi: what those may follow
    filler: frozenset[str]         # linh, lẻ
    ten: dict[str, float]          # mười 10 (adds)
    times: dict[str, float]        # mươi 10, trăm 100 (multiply the digit before)
    scales: dict[str, float]       # nghìn 1000 … (multiply the group before)
    half: dict[str, float]         # nửa 0.5
    not_alone: frozenset[str]      # một, không: a number only beside another word of a number


@lru_cache(maxsize=1)
def numerals() -> Numerals:
    ten, times = table("spelled_ten"), table("spelled_times")
    return Numerals(
        digits=table("spelled_digit"), after_ten=frozenset(word_list("spelled_after_ten")),
        ten_words=frozenset(w for w, v in {**ten, **times}.items() if v == 10),
        filler=frozenset(word_list("spelled_filler")), ten=ten, times=times, scales=table("scale_words"),
        half=table("spelled_half"), not_alone=frozenset(word_list("spelled_not_alone")))


@lru_cache(maxsize=None)
def cue(name: str) -> regex.Pattern:
    """A named cue of numbers.yaml (`cues:`), compiled."""
    return compile_pattern(load_file("numbers")["cues"][name])


@dataclass
class Quantity:
    """A number that counts something, with the spans it came from."""

    value: float
    start: int                 # span of qualifier + number + unit
    end: int
    num_start: int             # span of the number itself
    num_end: int
    unit: str | None = None    # canonical unit ("hồ sơ", "thủ tục", "%")
    unit_class: str | None = None
    unit_text: str | None = None
    qualifier: str = "exact"
    total: float | None = None
    raw: str = ""
    part_of_next: bool = False  # "700 trong tổng số 1.200 dịch vụ": the next quantity is its whole

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def format_number(v: float | int, decimals: int | None = None) -> str:
    """A number written the Vietnamese way: 36466 -> "36.466", 98.5 -> "98,5" (thousands with
    '.', decimals with ','), with `decimals` places; None: as many as it has, at most 4
    (1e-05 -> "0"). The one formatter of reports and check messages."""
    whole = float(v).is_integer()
    if decimals is None:
        decimals = 0 if whole else len(f"{float(v):.4f}".rstrip("0").split(".")[1])
    s = f"{int(v):,}" if decimals == 0 and whole else f"{float(v):,.{decimals}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def parse_number(s: str, *, percent: bool = False, count: bool = False, scaled: bool = False) -> float | None:
    """One written number -> float, the Vietnamese way (see module docstring).

    `percent`: the number is followed by %; `count`: by a counted noun (so "1,245 hồ sơ" reads
    as thousands); `scaled`: by nghìn/triệu/tỷ (so "1,2 triệu" keeps its decimal)."""
    s = s.strip().replace(" ", "")
    if not s or not _NUMBER_SHAPE.fullmatch(s):
        return None
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        th = "." if dec == "," else ","
        return float(s.replace(th, "").replace(dec, "."))
    if has_dot or has_comma:
        sep = "." if has_dot else ","
        groups = s.split(sep)
        thousands_shape = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
        if sep == ".":
            if thousands_shape and not (percent and len(groups) == 2 and float(s.replace(".", "")) > 100):
                return float(s.replace(".", ""))
            if len(groups) == 2:
                return float(s)
            return None  # "1.2.3": not a number
        # comma: Vietnamese decimal, except "1,245 hồ sơ" / "2,463,339" (English thousands)
        if thousands_shape and (len(groups) > 2 or (count and not scaled and not percent)):
            return float(s.replace(",", ""))
        if len(groups) == 2:
            return float(s.replace(",", "."))
        return None
    return float(s)


def parse_spelled(words: str) -> float | None:
    """"hai mươi lăm" -> 25, "một trăm linh năm" -> 105, "ba nghìn" -> 3000, "một nửa" -> 0.5."""
    n = numerals()
    ws = words.lower().split()
    total, group, last = 0.0, 0.0, None
    digit: float | None = None     # the last digit word of the group, for "mươi" and "trăm"
    seen = False                   # the group has a word of its own (so "nghìn" alone is 1000)
    for i, w in enumerate(ws):
        if w in n.digits:
            if w in n.after_ten and last not in n.ten_words:
                return None
            digit = n.digits[w]
            group += digit
            seen = True
        elif w in n.ten:
            group += n.ten[w]
            digit, seen = None, True
        elif w in n.times:
            # the digit before multiplies: "ba mươi" 30, "bảy trăm" 700, "không trăm" 0
            d = 1 if digit is None else digit
            group += d * n.times[w] - (digit or 0)
            digit, seen = None, True
        elif w in n.filler:
            pass
        elif w in n.scales:
            total += (group if seen else 1) * n.scales[w]
            group, digit, seen = 0.0, None, False
        elif w in n.half and i == len(ws) - 1 and (not seen or group == 1):
            return total + n.half[w]   # "nửa", "một nửa"
        else:
            return None
        last = w
    value = total + group
    return value if ws else None


# --- finding quantities in text --------------------------------------------------------------

@lru_cache(maxsize=1)
def _units() -> tuple[regex.Pattern, dict[str, tuple[str, str]]]:
    table = {}
    for written, (canon, cls) in (load_file("numbers").get("units") or {}).items():
        table[regex.sub(r"\s+", " ", written.casefold())] = (canon, cls)
    pat = compile_expanded(r"\s*(?:(?P<pct>%|" + expand("{percent_words}") + r")|(?P<unit>" + alternation(table)
                           + r")(?!\w))", {}, flags=regex.IGNORECASE)  # kept on disk, as rules are
    return pat, table


@lru_cache(maxsize=1)
def _spelled_gate() -> re.Pattern:
    """A number word right before a unit, in lower case: where a number in words can be."""
    lists = ("spelled_digit", "spelled_filler", "spelled_ten", "spelled_times", "scale_words", "spelled_half")
    spelled = {w.lower() for name in lists for w in word_list(name)}
    _, units = _units()
    tail = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in longest_first(units))
    percent = expand("{percent_words}")
    point = "|".join(map(re.escape, word_list("spelled_point")))  # "hai phẩy 23%": digits after the point
    return re.compile(r"(?<!\w)(?:(?:%s)\s+(?:%%|%s|(?:%s)(?!\w))|(?:%s)\s)" % (
        "|".join(map(re.escape, longest_first(spelled))), percent, tail, point))


@lru_cache(maxsize=1)
def _number_re() -> regex.Pattern:
    return compile_pattern(r"""
        (?P<a>{digits}) (?: \s*/\s* (?P<b>{digits_body}) )?
        (?: \s* (?P<scale>\L<scale_words>) (?!\w) )?
    """)


@lru_cache(maxsize=1)
def _spelled_re() -> regex.Pattern:
    # number words in a row (find_quantities drops a lone "một": "một cửa", "một số")
    return compile_pattern(r"""
        (?<!\w)(?P<sp>{spelled_word}(?:\s+{spelled_word})*)
        (?:\s+\L<spelled_point>\s+(?P<frac>\d+|{spelled_decimal}(?:\s+{spelled_decimal})*)
           (?:\s+(?P<fscale>\L<scale_words>))?)?(?!\w)
    """)


@lru_cache(maxsize=None)
def _reader(rid: str) -> dict:
    return next(r for r in load_file("numbers")["readers"] if r["id"] == rid)


@lru_cache(maxsize=None)
def _reader_re(rid: str, key: str = "regex") -> regex.Pattern:
    return compile_pattern(_reader(rid)[key])


def _range_re() -> regex.Pattern:
    return _reader_re("numbers.range")


def _bare_scores(text: str, start: int, end: int, blocked: Blocked, taken: list[Quantity]) -> list[Quantity]:
    """Bare decimals in score positions (numbers.yaml `numbers.bare_score`)."""
    out: list[Quantity] = []
    spans = Spans((q.num_start, q.num_end) for q in taken)
    left_re, chain_re = _reader_re("numbers.bare_score", "left"), _reader_re("numbers.bare_score", "chain")
    for m in _reader_re("numbers.bare_score").finditer(text, start, end):
        s, e = m.start("n"), m.end("n")
        if spans.holds(s) or _inside(blocked, s, e):
            continue
        chained = bool(out) and out[-1].num_end <= s and chain_re.search(text[out[-1].num_end:s])
        if not chained and not left_re.search(text, max(start, s - 40), s):
            continue
        value = parse_number(m.group("n"), percent=True)
        if value is None or not 0 < value <= 100:
            continue
        out.append(Quantity(value=value, start=s, end=e, num_start=s, num_end=e, unit=None,
                            unit_class="score", qualifier="exact", raw=m.group("n")))
    return out


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")


def _ranges(text: str, start: int, end: int, blocked: Blocked) -> list[Quantity]:
    """Ranges of one quantity: two quantities each, `range_low` and `range_high` (numbers.yaml)."""
    out: list[Quantity] = []
    if not _reader_re("numbers.range", "hint").search(text, start, end):
        return out  # every range has a dash, "đến" or "tới" between its ends
    for m in _range_re().finditer(text, start, end):
        if _inside(blocked, m.start("lo"), m.end("lo")) or _inside(blocked, m.start("hi"), m.end("hi")):
            continue
        if not (m.group("dash") or m.group("from") or m.group("lopct")):
            continue  # "10 đến 15": only a range when "từ"/"khoảng" or a % says so
        if _YEAR_LIKE.fullmatch(m.group("lo")) and _YEAR_LIKE.fullmatch(m.group("hi")):
            continue
        unit = _unit_after(text, m.end(), (start, end))
        if unit is None or (m.group("lopct") and unit[0] != "%"):
            continue
        canon, cls, utext, uend = unit
        pct = canon == "%"
        scaled = bool(m.group("scale"))
        lo = parse_number(m.group("lo"), percent=pct, count=not pct, scaled=scaled)
        hi = parse_number(m.group("hi"), percent=pct, count=not pct, scaled=scaled)
        if lo is None or hi is None or lo >= hi:
            continue
        if scaled:
            factor = numerals().scales[m.group("scale").lower()]
            lo, hi = lo * factor, hi * factor
        lo_end = m.end("lopct") if m.group("lopct") else m.end("lo")
        out.append(Quantity(value=lo, start=m.start(), end=lo_end, num_start=m.start("lo"), num_end=m.end("lo"),
                            unit=canon, unit_class=cls, unit_text=utext, qualifier="range_low",
                            raw=m.group("lo")))
        out.append(Quantity(value=hi, start=m.start("hi"), end=uend, num_start=m.start("hi"), num_end=m.end(),
                            unit=canon, unit_class=cls, unit_text=utext, qualifier="range_high",
                            raw=text[m.start("hi"):m.end()]))
    return out


_QUALIFIERS = ("at_least", "at_most", "less_than", "more_than", "approx")


@lru_cache(maxsize=1)
def _qualifier_re() -> regex.Pattern:
    """Every qualifier in one pattern, one named group each, in `_QUALIFIERS` order: its
    leftmost match is the earliest-starting qualifier, the first of them on a tie, as five
    searches would give (one costs a fifth of them: each is mostly the call)."""
    gap = load_file("numbers")["cues"]["qualifier_gap"]
    return compile_pattern(r"(?<!\w)(?:%s)" % "|".join(r"(?P<%s>\L<q_%s>)" % (q, q) for q in _QUALIFIERS) + gap)


@lru_cache(maxsize=1)
def blockers() -> list[tuple[str, LeadScan]]:
    return [(r["id"], scanner(r["_regex"])) for r in rules("numbers")]


_DIGITS = re.compile(r"\d+")
_REACH = 60  # a blocker starts at most this far before the digits it covers ("Thông tư liên tịch số 12")


class Spans(list):
    """(start, end, …) spans sorted by start, with an index that answers "is [s, e) inside one
    of them" by bisection instead of a scan (a text with thousands of numbers stays linear)."""

    def __init__(self, spans=()):
        super().__init__(spans)
        self.sort()
        self._starts = [sp[0] for sp in self]
        self._reach: list[tuple[int, int]] = []   # (largest end so far, index of its span)
        best = (-1, -1)
        for i, sp in enumerate(self):
            if sp[1] > best[0]:
                best = (sp[1], i)
            self._reach.append(best)

    def covering(self, s: int, e: int):
        """A span with start <= s and e <= end, or None."""
        i = bisect_right(self._starts, s) - 1
        if i < 0 or self._reach[i][0] < e:
            return None
        return self[self._reach[i][1]]

    def holds(self, pos: int) -> bool:
        """Whether start <= pos < end for one of the spans."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i][0] > pos


class Blocked:
    """The spans (start, end, blocker id) of a text in which numbers are not figures.

    Blockers all cover digits, so they are run only over windows around digit runs (the text
    between is never scanned), and a window only when a number in it is asked about (`_inside`):
    most windows hold a date, a year or a document number that no quantity needs."""

    def __init__(self, text: str):
        self.text = text
        windows: list[list[int]] = []
        for m in _DIGITS.finditer(text):
            s, e = max(0, m.start() - _REACH), min(len(text), m.end() + _REACH)
            if windows and s <= windows[-1][1]:
                windows[-1][1] = e
            else:
                windows.append([s, e])
        self.windows = windows
        self._starts = [w[0] for w in windows]
        self._done: dict[int, Spans] = {}
        self._spelled: list[int] | None = None
        self._gate_read = False

    def _window(self, i: int) -> Spans:
        spans = self._done.get(i)
        if spans is None:
            s, e = self.windows[i]
            found = []
            for rid, pat in blockers():
                for m in pat.finditer(self.text, s, e):
                    if m.end() > m.start():
                        found.append((m.start(), m.end(), rid))
            spans = self._done[i] = Spans(found)
        return spans

    def may_spell(self, start: int, end: int) -> bool:
        """Whether text[start:end] may hold a number in words: one of its words right before a
        unit (found once per text, with the standard library's faster engine)."""
        if not self._gate_read:
            self._gate_read = True
            low = self.text.lower()
            # a character that lower-cases to two ("İ") moves the offsets: no gate for this text
            if len(low) == len(self.text):
                self._spelled = [m.start() for m in _spelled_gate().finditer(low)]
        if self._spelled is None:
            return True
        i = bisect_right(self._spelled, start)
        return (i > 0 and self._spelled[i - 1] == start) or (i < len(self._spelled) and self._spelled[i] < end)

    def covering(self, s: int, e: int):
        """A blocked span with start <= s and e <= end, or None."""
        i = bisect_right(self._starts, s) - 1
        if i < 0 or e > self.windows[i][1]:
            return None  # a span lies inside its window
        return self._window(i).covering(s, e)


def blocked_spans(text: str) -> Blocked:
    """Spans (start, end, blocker id) in which numbers are not figures (see `Blocked`)."""
    return Blocked(text)


def _inside(blocked: Blocked, s: int, e: int) -> str | None:
    """The id of a blocked span that covers [s, e), or None."""
    hit = blocked.covering(s, e)
    return hit[2] if hit is not None else None


def _qualifier(text: str, pos: int) -> tuple[str, int]:
    """The qualifier written right before a number; the longest wins ("không ít hơn" is
    at_least, "ít hơn" less_than, "hơn" more_than)."""
    left = text[max(0, pos - 30):pos]
    m = _qualifier_re().search(left)
    if m is None:
        return "exact", pos
    return next(q for q in _QUALIFIERS if m.group(q) is not None), pos - (len(left) - m.start())


_WORD_NEXT = regex.compile(r"\s*\p{L}")


@lru_cache(maxsize=1)
def _inherit_re() -> regex.Pattern:
    return compile_pattern(load_file("numbers")["inherit_cues"])


@lru_cache(maxsize=1)
def _inherit_list_re() -> regex.Pattern:
    return compile_pattern(load_file("numbers")["inherit_list"])


@lru_cache(maxsize=1)
def _part_of_re() -> regex.Pattern:
    return compile_pattern(load_file("numbers")["part_of"])


@lru_cache(maxsize=1)
def _unit_before_re() -> regex.Pattern:
    return compile_pattern(load_file("numbers")["unit_before"])


def _unit_before(text: str, start: int, pos: int):
    """"số hồ sơ đang xử lý là 717 (…)": the unit is named before the number."""
    if pos < len(text) and _WORD_NEXT.match(text, pos) and not cue("weak_next").match(text, pos):
        return None  # a word follows the number: not a bare value
    m = _unit_before_re().search(text, max(0, start - 120), start)
    if not m:
        return None
    _, table = _units()
    written = " ".join(m.group("unit").casefold().split())
    if written not in table:
        return None
    canon, cls = table[written]
    return canon, cls, m.group("unit"), pos


def _qualifier_after(text: str, pos: int, q: str) -> str:
    """"từ 90% trở lên" is at least 90; "từ 5 hồ sơ trở xuống" is at most 5."""
    m = cue("bound_after").match(text, pos)
    if not m:
        return q
    return "at_least" if m.group("up") else "at_most"


@lru_cache(maxsize=1)
def _context_units() -> list[tuple[regex.Pattern, str, str, regex.Pattern]]:
    """Abbreviations that are a unit only in the right context (numbers.yaml `unit_context`);
    matched as written (case-sensitive)."""
    return [(regex.compile(r"\s*" + regex.escape(w) + r"(?!\w)"), canon, cls, compile_pattern(ctx))
            for w, (canon, cls, ctx) in (load_file("numbers").get("unit_context") or {}).items()]


# A pattern with a required word ("số", "HS") is looked for by the regex module all the way to
# the end of the text before `match` tries it at `pos`: a match right after a number is tried
# within this many characters, or each one would cost the whole rest of the text.
_NEAR = 256


def _near(text: str, pos: int) -> int:
    return min(len(text), pos + _NEAR)


def _unit_after(text: str, pos: int, span: tuple[int, int] | None = None):
    upat, table = _units()
    m = upat.match(text, pos)
    if not m:
        lo, hi = span or (max(0, pos - 300), min(len(text), pos + 300))
        for pat, canon, cls, ctx in _context_units():
            c = pat.match(text, pos, _near(text, pos))
            if c and ctx.search(text, lo, hi):
                return canon, cls, c.group(0).strip(), c.end()
        return None
    if m.group("pct"):
        return "%", "percent", m.group(0).strip(), m.end()
    written = " ".join(m.group("unit").casefold().split())
    canon, cls = table[written]
    return canon, cls, m.group("unit"), m.end()


def find_quantities(text: str, start: int = 0, end: int | None = None,
                    blocked: Blocked | None = None, bare_scores: bool = False) -> list[Quantity]:
    """Every quantity (a number with a unit or %) in text[start:end]; with `bare_scores` (a
    sentence about an index), also the bare decimals in score positions."""
    end = len(text) if end is None else end
    if blocked is None:
        blocked = blocked_spans(text)
    out: list[Quantity] = _ranges(text, start, end, blocked)
    ranged = Spans((q.num_start, q.num_end) for q in out)
    for m in _number_re().finditer(text, start, end):
        if ranged.holds(m.start()) \
                or _reader_re("numbers.spelled", "decimal_before").search(text, max(0, m.start() - 8), m.start()):
            continue
        unit = _unit_after(text, m.end(), (start, end))
        if unit is None and not m.group("b"):
            unit = _unit_before(text, m.start(), m.end())
        part_of_next = False
        if unit is None and out and out[-1].unit not in (None, "%") and cue("bare_end").match(text, m.end()) \
                and (_inherit_re().search(text, max(out[-1].end, m.start() - 40), m.start())
                     or _inherit_list_re().match(text[out[-1].end:_qualifier(text, m.start())[1]])):
            prev = out[-1]  # "…12.345 hồ sơ, trong đó trước hạn 1.000, đúng hạn 10.000": the same unit
            unit = (prev.unit, prev.unit_class, None, m.end())
        if unit is None and not m.group("b"):
            whole = _part_of_re().match(text, m.end(), _near(text, m.end()))
            whole_unit = _unit_after(text, whole.end(), (start, end)) if whole else None
            if whole_unit is not None:
                unit, part_of_next = (*whole_unit[:3], m.end()), True
        if unit is None:
            continue  # a bare number counts nothing we can name
        if _inside(blocked, m.start("a"), m.end("a")):
            continue  # a date, a document number…: asked last, its window is read only now
        canon, cls, utext, uend = unit
        pct = canon == "%"
        scaled = bool(m.group("scale"))
        a = parse_number(m.group("a"), percent=pct, count=not pct, scaled=scaled)
        if a is None:
            continue
        total = None
        if m.group("b"):
            total = parse_number(m.group("b"), percent=pct, count=not pct, scaled=scaled)
            if total is None or total < a:
                continue  # "7/3" and friends: not a part of a whole
        if scaled:
            a *= numerals().scales[m.group("scale").lower()]
            total = total * numerals().scales[m.group("scale").lower()] if total is not None else None
        q, qstart = _qualifier(text, m.start())
        q = _qualifier_after(text, uend, q)
        out.append(Quantity(value=a, start=qstart, end=uend, num_start=m.start(), num_end=m.end(),
                            unit=canon, unit_class=cls, unit_text=utext, qualifier=q, total=total,
                            raw=text[m.start():m.end()], part_of_next=part_of_next))
    spelled = _spelled_re().finditer(text, start, end) if blocked.may_spell(start, end) else ()
    for m in spelled:
        words = m.group("sp")
        low = words.lower().split()
        n = numerals()
        if (len(low) == 1 and low[0] in n.not_alone) or not any(w in n.digits or w in n.ten or w in n.half for w in low) \
                or cue("vague_before").search(text, max(0, m.start() - 12), m.start()):
            continue  # "một cửa", "không giấy phép", "hàng trăm hồ sơ", "triệu hồ sơ": not a count
        value = parse_spelled(words)
        if value is not None and m.group("frac"):  # "hai phẩy 23" is 2.23
            frac = m.group("frac")
            digits = frac if frac.isdigit() else "".join(str(int(n.digits.get(w, 0))) for w in frac.lower().split())
            value = float(f"{int(value)}.{digits}") * (n.scales[m.group("fscale").lower()] if m.group("fscale") else 1)
        unit = _unit_after(text, m.end())
        if value is None or unit is None or _inside(blocked, m.start(), m.end()):
            continue
        canon, cls, utext, uend = unit
        q, qstart = _qualifier(text, m.start())
        out.append(Quantity(value=value, start=qstart, end=uend, num_start=m.start(), num_end=m.end(),
                            unit=canon, unit_class=cls, unit_text=utext, qualifier=q, raw=words))
    if bare_scores:
        out += _bare_scores(text, start, end, blocked, out)
    out.sort(key=lambda x: x.num_start)
    return out
