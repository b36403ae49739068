"""Scoring extractor output against a gold file: the project's own copy of the reference
scorer (shared/tools/score.py), so that a clone scores itself without ../shared.

Per kind, micro precision / recall / F1 over documents (matched by the basename of a record's
`source` and the gold `doc`), on the set of distinct keys per document; attribute agreement,
article metadata and offset integrity reported beside. tests/test_evaluate.py checks that this
and the reference agree when the reference is present.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import PurePath
from typing import Any

KINDS = ("figure", "official", "award", "document", "ranking", "check")
TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
         "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
TONE_RE = re.compile("|".join(TONES))
UNIT_WORDS = re.compile(r"^(tỉnh|thành phố|tp\.?|quận|huyện|thị xã|tx\.?|phường|xã|sở|bộ)\s+")


def norm(s: Any) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s)).replace("\u00d0", "Đ").replace("\u0189", "Đ")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return TONE_RE.sub(lambda m: TONES[m.group(0)], s)


def squash(s: Any) -> str:
    return re.sub(r"[^\w]", "", norm(s))


def entity(s: Any) -> str:
    s = UNIT_WORDS.sub("", norm(s))
    return squash(re.sub(r"\s+việt nam$", "", s))


def num(v: Any) -> float | None:
    try:
        return round(float(v), 2)
    except (TypeError, ValueError):
        return None


def key(r: dict) -> tuple | None:
    k = r.get("kind")
    if k == "figure":
        if r.get("metric") in (None, "", "other"):
            return None
        return (r["metric"], num(r.get("value")))
    if k == "official":
        return (norm(r.get("name")),)
    if k == "award":
        c, i = r.get("collectives"), r.get("individuals")
        return None if c is None and i is None else (c, i)
    if k == "document":
        return (re.sub(r"\s+", "", norm(r.get("number"))).upper(),)
    if k == "ranking":
        return (norm(r.get("index")), norm(r.get("level")), entity(r.get("entity")), r.get("rank"), r.get("from_bottom"))
    if k == "check":
        return None if r.get("status") != "mismatch" else (r.get("check"), "mismatch")
    return None


def dont_care(r: dict, g: dict) -> bool:
    if r["kind"] == "figure":
        return num(r.get("value")) == num(g.get("value")) and g.get("metric") in ("*", r.get("metric"))
    if r["kind"] == "official":
        return norm(r.get("name")) == norm(g.get("name"))
    if r["kind"] == "ranking":
        return entity(r.get("entity")) == entity(g.get("entity"))
    return key(r) == key(g)


def load_jsonl(path: str) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not JSON ({e})") from None
    return out


def integrity(pred: list[dict]) -> tuple[int, int]:
    texts = {r.get("article_id"): r.get("text") for r in pred if r.get("kind") == "article"}
    bad = checked = 0
    for r in pred:
        if r.get("kind") in KINDS and r.get("start") is not None and r.get("text") is not None:
            t = texts.get(r.get("article_id"))
            checked += 1
            if t is None or t[r["start"]:r["end"]] != r["text"]:
                bad += 1
    return checked, bad


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    """The reference scorer's summary (same keys as `score.py --json`) plus `misses`."""
    docs = {g["doc"] for g in gold}
    G, P = defaultdict(set), defaultdict(set)
    gattr, pattr = {}, {}
    alias, ignored = {}, defaultdict(list)
    producers: dict[tuple, set[str]] = defaultdict(set)
    for g in gold:
        if g.get("ignore"):
            ignored[(g["kind"], g["doc"])].append(g)
            continue
        k = key(g)
        if k is not None:
            G[(g["kind"], g["doc"])].add(k)
            gattr[(g["kind"], g["doc"], k)] = g
            for m in g.get("alt_metrics", []):
                alias[(g["doc"], (m, k[1]))] = k
    for r in pred:
        d = PurePath(str(r.get("source", ""))).name
        if d not in docs or r.get("kind") not in KINDS:
            continue
        k = key(r)
        if k is None or any(dont_care(r, g) for g in ignored[(r["kind"], d)]):
            continue
        k = alias.get((d, k), k)
        P[(r["kind"], d)].add(k)
        pattr.setdefault((r["kind"], d, k), r)
        if r["kind"] == "figure":
            producers[(d, k)].add(r.get("pattern") or "none")
    result, misses = {}, []
    for kind in KINDS:
        tp = fp = fn = 0
        for d in sorted(docs):
            g, p = G[(kind, d)], P[(kind, d)]
            tp += len(g & p)
            fp += len(p - g)
            fn += len(g - p)
            misses += [(d, kind, "missed", k) for k in sorted(g - p, key=str)]
            misses += [(d, kind, "spurious", k) for k in sorted(p - g, key=str)]
        prec, rec, f1 = _prf(tp, fp, fn)
        result[kind] = dict(tp=tp, fp=fp, fn=fn, precision=round(prec, 3), recall=round(rec, 3), f1=round(f1, 3))
    agree = defaultdict(lambda: [0, 0])
    for (kind, d, k), g in gattr.items():
        p = pattr.get((kind, d, k))
        if p is None:
            continue
        fields = {"figure": ("unit", "qualifier", "role", "total"), "official": ("titles",),
                  "award": ("award",), "document": ("doc_type", "issued")}.get(kind, ())
        for fld in fields:
            gv, pv = g.get(fld), p.get(fld)
            if fld == "total":
                gv, pv = num(gv), num(pv)
            elif fld == "titles":
                gv = sorted(squash(t) for t in gv or [])
                pv = sorted(squash(t) for t in pv or [])
            elif fld == "unit":
                gv, pv = norm(gv), norm(pv)
            agree[f"{kind}.{fld}"][0] += gv == pv
            agree[f"{kind}.{fld}"][1] += 1
    meta = defaultdict(lambda: [0, 0])
    arts = {PurePath(str(r.get("source", ""))).name: r for r in pred if r.get("kind") == "article"}
    for g in gold:
        if g["kind"] != "article":
            continue
        a = arts.get(g["doc"], {})
        for fld in ("title", "author", "province"):
            meta[fld][0] += squash(a.get(fld)) == squash(g.get(fld))
            meta[fld][1] += 1
        pub = str(a.get("published") or "")[:10]
        meta["published"][0] += pub in g["published_any"] if g["published_any"] else not pub
        meta["published"][1] += 1
    checked, bad = integrity(pred)
    tps = sum(v["tp"] for v in result.values())
    fps = sum(v["fp"] for v in result.values())
    fns = sum(v["fn"] for v in result.values())
    p_all = tps / (tps + fps) if tps + fps else 0.0
    r_all = tps / (tps + fns) if tps + fns else 0.0
    f_all = 2 * p_all * r_all / (p_all + r_all) if p_all + r_all else 0.0
    return dict(kinds=result, overall=dict(precision=round(p_all, 3), recall=round(r_all, 3), f1=round(f_all, 3)),
                attributes={k: f"{a}/{n}" for k, (a, n) in sorted(agree.items())},
                article={k: f"{a}/{n}" for k, (a, n) in meta.items()},
                offsets=dict(checked=checked, wrong=bad), misses=misses,
                **_breakdowns(docs, G, P, producers))


def _breakdowns(docs, G, P, producers) -> dict[str, Any]:
    """Figure P/R per metric (a miss counts against the gold metric, a spurious key against the
    predicted one) and what each rule gains (keys it found that are right) and costs (keys it
    found that are wrong). Not part of the reference scorer's summary."""
    per_metric: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in sorted(docs):
        g, p = G[("figure", d)], P[("figure", d)]
        for k in g & p:
            per_metric[k[0]][0] += 1
        for k in p - g:
            per_metric[k[0]][1] += 1
        for k in g - p:
            per_metric[k[0]][2] += 1
        for k in p:
            for rule in producers[(d, k)]:
                per_rule[rule][0 if k in g else 1] += 1

    def row(tp: int, fp: int, fn: int) -> dict[str, Any]:
        prec, rec, f1 = _prf(tp, fp, fn)
        return dict(tp=tp, fp=fp, fn=fn, precision=round(prec, 3), recall=round(rec, 3), f1=round(f1, 3))

    return dict(metrics={m: row(*v) for m, v in sorted(per_metric.items())},
                patterns={r: dict(right=v[0], wrong=v[1]) for r, v in sorted(per_rule.items())})


def format_breakdowns(s: dict[str, Any]) -> str:
    lines = ["", f"{'metric':28} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for m, v in s["metrics"].items():
        lines.append(f"{m:28} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['tp']:5} {v['fp']:5} {v['fn']:5}")
    lines += ["", f"{'pattern (figure keys it produced)':44} {'right':>6} {'wrong':>6}"]
    for r, v in sorted(s["patterns"].items(), key=lambda x: (-x[1]["right"] - x[1]["wrong"], x[0])):
        lines.append(f"{r:44} {v['right']:6} {v['wrong']:6}")
    return "\n".join(lines)


def format_summary(s: dict[str, Any], verbose: bool = False) -> str:
    lines = [f"{'kind':10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for kind, v in s["kinds"].items():
        lines.append(f"{kind:10} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['tp']:5} {v['fp']:5} {v['fn']:5}")
    o = s["overall"]
    tps = sum(v["tp"] for v in s["kinds"].values())
    fps = sum(v["fp"] for v in s["kinds"].values())
    fns = sum(v["fn"] for v in s["kinds"].values())
    lines.append(f"{'overall':10} {o['precision']:6.3f} {o['recall']:6.3f} {o['f1']:6.3f} {tps:5} {fps:5} {fns:5}")
    lines.append("attributes: " + (", ".join(f"{k} {v}" for k, v in s["attributes"].items()) or "none matched"))
    lines.append("article: " + ", ".join(f"{k} {v}" for k, v in s["article"].items()))
    lines.append(f"offsets: {s['offsets']['checked']} checked, {s['offsets']['wrong']} wrong")
    if verbose:
        lines += ["\t".join(map(str, m)) for m in s["misses"]]
    return "\n".join(lines)
