"""check records: recompute every stated rate and total and say what does not add up.

- rate: a stated % against its part and whole (the count it follows and that count's whole,
  patterns/checks.yaml `rate_whole`), or a part/whole written "a/b";
- sum: parts against their stated whole (79 + 114 + 8 = 201 thủ tục);
- target: a claim of exceeding or meeting a target ("42,4% (vượt chỉ tiêu … 30%)");
- conflict: across articles, one metric, locality, period and subject with different values.

Verdicts (SPEC): `ok` when rounding the computed value to the stated decimals gives the stated
value; `rounding` when only truncation does, or the difference is within one unit of the last
stated decimal; `mismatch` otherwise. A mismatch always names the figures it rests on; where
the link between a rate and its part and whole is ambiguous, nothing is checked.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import regex

from .normalize import fold
from .patterns import compile_pattern, load_file
from .records import Check


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    data = load_file("checks")
    claims = {k: compile_pattern(v) for k, v in (data.get("target_claims") or {}).items()}
    return {"rate_whole": data.get("rate_whole") or {}, "sums": data.get("sums") or [], "claims": claims}


def decimals_of(text: str) -> int:
    """Decimals as written: "0,72%" -> 2, "98%" -> 0, "95,31%" -> 2."""
    m = regex.search(r"\d+(?:[.,](\d+))?\s*%", text)
    return len(m.group(1)) if m and m.group(1) else 0


def verdict(computed: float, stated: float, decimals: int) -> str:
    """ok / rounding / mismatch for a stated value against the computed one."""
    q = Decimal(1).scaleb(-decimals)
    c, s = Decimal(repr(computed)), Decimal(repr(stated))
    if c.quantize(q, rounding=ROUND_HALF_UP) == s.quantize(q, rounding=ROUND_HALF_UP):
        return "ok"
    if c.quantize(q, rounding=ROUND_DOWN) == s.quantize(q, rounding=ROUND_HALF_UP) or abs(c - s) <= q:
        return "rounding"
    return "mismatch"


def _fmt(v: float, d: int = 2) -> str:
    s = f"{v:,.{d}f}" if not float(v).is_integer() or d else f"{int(v):,}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _n(v: float) -> str:
    if float(v).is_integer():
        return _fmt(v, 0)
    return _fmt(v, 2).rstrip("0")


def _same_subject(a: dict, b: dict) -> bool:
    return fold(a.get("subject")) == fold(b.get("subject")) or not a.get("subject") or not b.get("subject")


def _record(ctx, check: str, status: str, figs: list[dict], expected, reported, message: str) -> Check:
    s = min(f["sentence_start"] for f in figs)
    e = max(f["sentence_end"] for f in figs)
    return Check(**ctx.span(s, e), check=check, status=status, figures=[f["id"] for f in figs], expected=expected,
                 reported=reported, message=message)


def _whole_for(count: dict, figs: list[dict], para_figs: list[dict]) -> dict | None:
    """The stated whole of a count: the first metric of rate_whole found once in its sentence
    (before it, same subject), else once in its paragraph. Two candidates: no answer."""
    for metric in _config()["rate_whole"].get(count["metric"], []):
        for pool in (figs, para_figs):
            cands = [f for f in pool if f["metric"] == metric and f["role"] == "actual"
                     and f["start"] < count["start"] and _same_subject(f, count) and f["qualifier"] == "exact"]
            values = {f["value"] for f in cands}
            if len(values) == 1:
                return cands[-1]
            if len(values) > 1:
                return None
    return None


def _rate_checks(ctx, figs_by_sentence, figs_by_para) -> list[dict]:
    out = []
    by_id = {f["id"]: f for fs in figs_by_sentence.values() for f in fs}
    for s_start, figs in figs_by_sentence.items():
        para_figs = figs_by_para[figs[0]["_para"]]
        for i, r in enumerate(figs):
            if r["unit"] != "%" or r["role"] != "actual" or r["qualifier"] != "exact" or r["metric"] == "other":
                continue
            part = whole = None
            count = by_id.get(r.get("about") or "")
            if count is not None:
                if count.get("total") is not None:
                    part, whole, used = count["value"], count["total"], [count, r]
                else:
                    w = _whole_for(count, figs, para_figs)
                    if w is not None:
                        part, whole, used = count["value"], w["value"], [count, w, r]
            else:
                # "59,63% (11.084/18.587 hồ sơ)": the part and whole written right after the rate
                nxt = figs[i + 1] if i + 1 < len(figs) else None
                if nxt is not None and nxt.get("total") and nxt["pattern"] == "figures.count_of_rate":
                    part, whole, used = nxt["value"], nxt["total"], [r, nxt]
            if part is None or not whole:
                continue
            computed = part / whole * 100
            d = decimals_of(r["text"])
            status = verdict(computed, r["value"], d)
            exp = round(computed, max(d, 2))
            msg = (f"{_n(part)} of {_n(whole)} is {_fmt(computed, d + 2)}%; the article states {_fmt(r['value'], d)}%"
                   + {"ok": ".", "rounding": " (a rounding or truncation difference, not an error).",
                      "mismatch": ": the stated rate does not follow from the figures."}[status])
            out.append(_record(ctx, "rate", status, used, exp, r["value"], msg))
    return out


def _sum_checks(ctx, figs_by_sentence) -> list[dict]:
    out = []
    for figs in figs_by_sentence.values():
        actual = [f for f in figs if f["role"] == "actual" and f["qualifier"] == "exact" and f["unit"] != "%"]
        for rule in _config()["sums"]:
            wholes = [f for f in actual if f["metric"] == rule["whole"]]
            if len(wholes) != 1:
                continue
            w = wholes[0]
            if any(f["metric"] in rule.get("unless", []) and f["start"] > w["start"] for f in actual):
                continue
            parts = []
            for metric in rule["parts"]:
                cands = [f for f in actual if f["metric"] == metric and f["start"] > w["start"] and _same_subject(f, w)]
                if len(cands) != 1:
                    break
                parts.append(cands[0])
            else:
                parts.sort(key=lambda p: p["start"])
                total = sum(p["value"] for p in parts)
                whole = w["total"] if rule["whole"] == "dossiers_received" and w.get("total") else w["value"]
                status = "ok" if abs(total - whole) < 1e-9 else "mismatch"
                terms = " + ".join(_n(p["value"]) for p in parts)
                msg = (f"{terms} = {_n(total)} {w['unit']}, " +
                       ("as stated." if status == "ok" else f"but the article states {_n(whole)}: the parts do not add up."))
                out.append(_record(ctx, "sum", status, [w, *parts], total, whole, msg))
    return out


def _target_checks(ctx, figs_by_sentence, sentences_text) -> list[dict]:
    out = []
    claims = _config()["claims"]
    for s_start, figs in figs_by_sentence.items():
        for i, t in enumerate(figs):
            if t["role"] != "target" or t["metric"] == "other":
                continue
            actuals = [f for f in figs[:i] if f["metric"] == t["metric"] and f["role"] == "actual"]
            if len(actuals) != 1:
                continue
            a = actuals[0]
            between = ctx.text[a["end"]:t["start"]]
            context = sentences_text.get(s_start, "")
            if claims["exceeded"].search(between):
                claim, ok = "exceeds", a["value"] > t["value"]
            elif claims["met"].search(between) or claims["exceeded"].search(context) or claims["met"].search(between):
                claim, ok = "meets", a["value"] >= t["value"]
            else:
                continue  # a target stated without a claim about it: nothing to verify
            status = "ok" if ok else "mismatch"
            msg = (f"The article says {_n(a['value'])}{a['unit'] if a['unit'] == '%' else ' ' + a['unit']} {claim} "
                   f"the target of {_n(t['value'])}{t['unit'] if t['unit'] == '%' else ' ' + t['unit']}"
                   + (": it does." if ok else ": it does not."))
            out.append(_record(ctx, "target", status, [a, t], t["value"], a["value"], msg))
    return out


def check_article(ctx) -> list[Check]:
    # the checks read figures as the data contract writes them (check_conflicts reads them back so)
    figs = [f.to_dict() for f in ctx.of_kind("figure")]
    if not figs:
        return []
    para_of = {s.start: s.paragraph for s in ctx.sentences}
    by_sentence: dict[int, list[dict]] = defaultdict(list)
    by_para: dict[int, list[dict]] = defaultdict(list)
    for f in figs:
        f["_para"] = para_of.get(f["sentence_start"], -1)
        by_sentence[f["sentence_start"]].append(f)
        by_para[f["_para"]].append(f)
    sentences_text = {s.start: s.text for s in ctx.sentences}
    return (_rate_checks(ctx, by_sentence, by_para) + _sum_checks(ctx, by_sentence)
            + _target_checks(ctx, by_sentence, sentences_text))


def check_conflicts(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Across articles: the same metric, locality, period and subject reported with different
    values. One `conflict` check per disagreeing group, naming every figure in it."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        if r.get("kind") != "figure" or r.get("metric") in (None, "other") or r.get("role") != "actual":
            continue
        if not r.get("locality") or not r.get("period") or r.get("qualifier") != "exact":
            continue
        key = (r["metric"], fold(r["locality"]), r["period"], fold(r.get("subject")))
        groups[key].append(r)
    out = []
    for (metric, _, period, _), figs in groups.items():
        articles = {f["article_id"] for f in figs}
        values = sorted({f["value"] for f in figs})
        if len(articles) < 2 or len(values) < 2:
            continue
        by_value = defaultdict(list)
        for f in figs:
            by_value[f["value"]].append(f["source"])
        detail = "; ".join(f"{_n(v)} in {', '.join(sorted(set(srcs)))}" for v, srcs in sorted(by_value.items()))
        loc = figs[0]["locality"]
        out.append(Check(article_id=figs[0]["article_id"], source=figs[0]["source"], check="conflict",
                         status="mismatch", figures=[f["id"] for f in figs], expected=None, reported=values,
                         message=f"{metric} for {loc}, {period} is reported differently: {detail}.").to_dict())
    return out
