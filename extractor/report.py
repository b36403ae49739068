"""A self-contained HTML report that shows the findings first.

At the top, "Findings": every mismatch and conflict with its sentence, the value the article
states against the value its own figures give, and a link to the place in the article.
Then the articles, those with findings first: the text exactly as stored with every extracted
span highlighted and labelled (as displaCy's span view does, on the exact character offsets),
and each check beside the paragraph of its sentence. A stated figure that does not add up is
red and striped, and labelled in words, so that it stands out without colour too; numbers are
written the Vietnamese way with their unit ("0,24 %", "1.245 hồ sơ"); metrics carry their
Vietnamese labels (patterns/metric_labels.yaml, through labels.py). No external assets: one file a journalist can
open or mail."""
from __future__ import annotations

import html
from collections import Counter
from typing import Any

from .checks import decimals_of
from .labels import labels, metric_label
from .numbers import format_number

KIND_COLORS = {"figure": "#ffe08a", "official": "#b5e3ff", "award": "#c9f2c0", "document": "#e5d4ff",
               "ranking": "#ffd1dc", "target": "#ffc69e"}
MISMATCH_BG = "#c62828"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 28px}header h1{margin:0;font-size:19px}
header .sub{color:#c9cfdb;font-size:13px;margin-top:2px}
main{padding:14px 28px}h2{font-size:18px;margin:0 0 8px}
#findings{background:#fff;border:2px solid #1d2330;border-radius:6px;padding:12px 16px;margin-bottom:18px}
#findings ol{margin:0;padding-left:22px}#findings li{margin:0 0 12px}
#findings a.goto{font-size:13px;margin-left:6px}
.legend{font-size:12px;color:#3b4252;margin:0 0 10px}.legend mark{margin:0 4px}
.nums{font-size:14px;font-variant-numeric:tabular-nums}
.stated{font-weight:700}.recomputed{font-weight:700;color:#1b5e20}
.quote{color:#2d3340;margin:4px 0;line-height:1.8;font-size:14px;border-left:3px solid #d8dce3;padding-left:8px}
.why{color:#5c6475;font-size:12px}
table.summary{border-collapse:collapse;margin:4px 0 14px;background:#fff}
table.summary td,table.summary th{border:1px solid #d8dce3;padding:3px 9px;text-align:left;font-size:13px}
details.summary-box{margin-bottom:18px}details.summary-box summary{cursor:pointer;font-weight:600}
section.article{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin-bottom:24px;padding:16px}
section.article.has-findings{border:2px solid #c62828}
.meta{color:#5c6475;font-size:13px;margin-bottom:6px}.status{font-size:13px;margin-bottom:10px}
.row{display:grid;grid-template-columns:minmax(0,3fr) minmax(260px,1.3fr);gap:18px;margin-bottom:4px}
.text p{line-height:1.9;font-size:15px;margin:0 0 10px}.checks{font-size:13px}
.check{border-left:5px solid #999;background:#fafbfc;padding:7px 10px;margin-bottom:8px}
.check.ok{border-color:#2e7d32}.check.rounding{border-color:#b08800}
.check.mismatch{border:2px solid #c62828;border-left-width:6px;background:#fff4f4}
.check.unchecked{border-color:#9aa3b2;border-left-style:dashed;color:#4a5262}
.verdict{font-weight:700;font-size:12px}.check.mismatch .verdict{color:#c62828}
mark.span{border-radius:3px;padding:1px 3px}
mark.span .label{font-size:10px;font-weight:700;margin-left:4px;color:#3b4252;background:rgba(255,255,255,.75);border-radius:3px;padding:0 3px}
mark.span.is-mismatch{background:#c62828 repeating-linear-gradient(135deg,#c62828 0 6px,#a31515 6px 12px)!important;
color:#fff;font-weight:700;outline:3px double #c62828;outline-offset:1px}
mark.span.is-mismatch .label{color:#a31515;background:#fff}
mark.span.in-finding{outline:2px dashed #c62828;outline-offset:1px}
span.sent.has-mismatch{text-decoration:underline wavy #c62828;text-underline-offset:4px}
"""


# ---------------------------------------------------------------- labels and numbers

def vn_number(v: float | int | None, decimals: int | None = None) -> str:
    """36466 -> "36.466", 0.24 -> "0,24", 98.5 -> "98,5" (numbers.format_number); None -> "—"."""
    return "—" if v is None else format_number(v, decimals)


def vn_value(v: Any, unit: str | None, decimals: int | None = None) -> str:
    """A value with its unit, the Vietnamese way: "0,24 %", "1.245 hồ sơ"."""
    if isinstance(v, (list, tuple)):
        return " / ".join(vn_value(x, unit, decimals) for x in v)
    if v is None:
        return "—"
    return f"{vn_number(v, decimals)} {unit}" if unit else vn_number(v, decimals)


def _esc(s: Any) -> str:
    return html.escape("" if s is None else str(s))


def _check_values(c: dict[str, Any], figs: dict[str, dict]) -> tuple[str, str]:
    """(what the article states, what its figures give), formatted with the unit."""
    rf = figs.get(c.get("reported_figure") or "")
    if c["check"] == "conflict":
        f0 = next((figs[i] for i in c["figures"] if i in figs), None)
        return vn_value(c["reported"], f0 and f0.get("unit")), "—"
    if c["check"] == "rate":
        d = decimals_of(rf["text"]) if rf else 2
        return vn_value(c["reported"], "%", d), vn_value(c["expected"], "%", max(d, 2)) if c["expected"] is not None else "—"
    if c["check"] == "target":
        unit = rf.get("unit") if rf else None
        return vn_value(c["reported"], unit), vn_value(c["expected"], unit)
    unit = rf.get("unit") if rf else None
    return vn_value(c["reported"], unit), vn_value(c["expected"], unit)


# ---------------------------------------------------------------- the article text

def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def _spans(records: list[dict[str, Any]]) -> list[tuple[int, int, str, str, dict]]:
    spans = []
    for r in records[1:]:
        if r["kind"] in ("figure", "official", "document", "ranking") and r.get("start") is not None:
            label = r.get("metric") or r.get("index") or r["kind"]
            if r["kind"] == "official":
                label = "official"
            spans.append((r["start"], r["end"], r["kind"], label, r))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    placed, last_end = [], -1
    for s in spans:
        if s[0] >= last_end:
            placed.append(s)
            last_end = s[1]
    return placed


def _mark(text: str, start: int, end: int, kind: str, label: str, r: dict, anchor: str,
          mismatched: set[str], in_finding: set[str]) -> str:
    fid = r.get("id")
    color = KIND_COLORS["target"] if r.get("role") == "target" else KIND_COLORS.get(kind, "#ddd")
    shown = metric_label(label) if kind == "figure" else label
    tip = f"{shown} = {r.get('value', r.get('name', r.get('number', r.get('entity', ''))))}"
    classes = ["span"]
    extra = ""
    if fid and fid in mismatched:
        classes.append("is-mismatch")
        shown = f"✗ không khớp · {shown}"
        tip = "KHÔNG KHỚP (does not add up) — " + tip
        extra = ' data-status="mismatch"'
    elif fid and fid in in_finding:
        classes.append("in-finding")
    ident = f' id="{anchor}"' if anchor else ""
    return (f'<mark class="{" ".join(classes)}"{ident} data-kind="{kind}" data-label="{_esc(label)}"{extra} '
            f'title="{_esc(tip)}" style="background:{color}">{_esc(text[start:end])}'
            f'<span class="label">{_esc(shown)}</span></mark>')


def _render(text: str, lo: int, hi: int, spans, sentences: dict[int, tuple[int, str]], fig_anchor, mismatched,
            in_finding) -> str:
    """text[lo:hi] with its spans marked and the sentences that carry a check wrapped."""
    events = []
    for s_start, (s_end, cls) in sentences.items():
        if lo <= s_start and s_end <= hi and not any(a < s_start < b or a < s_end < b for a, b, *_ in spans):
            events.append((s_start, 0, f'<span class="sent {cls}">'))
            events.append((s_end, 2, "</span>"))
    out, pos = [], lo
    inner = [s for s in spans if lo <= s[0] and s[1] <= hi]
    marks = [(s[0], 1, s) for s in inner]
    for at, order, item in sorted(events + marks, key=lambda e: (e[0], e[1])):
        if at < pos:
            continue
        out.append(_esc(text[pos:at]))
        pos = at
        if isinstance(item, str):
            out.append(item)
        else:
            start, end, kind, label, r = item
            out.append(_mark(text, start, end, kind, label, r, fig_anchor(r), mismatched, in_finding))
            pos = end
    out.append(_esc(text[pos:hi]))
    return "".join(out)


# ---------------------------------------------------------------- checks

def _check_html(c: dict[str, Any], figs: dict[str, dict], anchor: str = "") -> str:
    status = c["status"]
    lab = labels()
    stated, recomputed = _check_values(c, figs)
    verdict = lab["statuses"].get(status, status)
    mark = {"mismatch": "✗ ", "ok": "✓ ", "rounding": "≈ ", "unchecked": "? "}.get(status, "")
    nums = ("" if status == "unchecked" else
            f'<div class="nums">các bài ghi <span class="stated">{_esc(stated)}</span></div>' if c["check"] == "conflict" else
            f'<div class="nums">ghi <span class="stated">{_esc(stated)}</span> · tính lại '
            f'<span class="recomputed">{_esc(recomputed)}</span></div>')
    ident = f' id="{anchor}"' if anchor else ""
    return (f'<div class="check {_esc(status)}"{ident} data-kind="check" data-status="{_esc(status)}" data-check="{_esc(c["check"])}">'
            f'<div><span class="verdict">{mark}{_esc(verdict)}</span> · {_esc(lab["checks"].get(c["check"], c["check"]))}'
            f' <span class="why">({_esc(status)})</span></div>'
            + nums + f'<div>{_esc(c["message"])}</div>'
            + (f'<div class="why">Vì sao kiểm tra: {_esc(c["reason"])}</div>' if c.get("reason") and status != "unchecked" else "")
            + "</div>")


def _nothing_checkable(recs: list[dict[str, Any]]) -> str | None:
    """Why an article has no check that could be made, in a sentence (None when it has one)."""
    checks = [r for r in recs if r["kind"] == "check"]
    if any(c["status"] != "unchecked" for c in checks):
        return None
    figs = [r for r in recs if r["kind"] == "figure"]
    if not figs:
        return "Không có gì để kiểm tra: bài không có số liệu (no figures)."
    if checks:
        return (f"Không kiểm tra được: {len(checks)} tỷ lệ hoặc tổng thiếu một phần số liệu "
                "(a rate or breakdown with a part missing; see beside the sentences).")
    rates = [f for f in figs if f.get("unit") == "%"]
    if not rates:
        return ("Không có gì để kiểm tra: không có tỷ lệ nào kèm phần và tổng của nó, cũng không có tổng nào được "
                "chia thành các phần (no rate with its part and whole, no breakdown of a total).")
    return (f"Không có gì để kiểm tra: {len(rates)} tỷ lệ nhưng không tỷ lệ nào kèm phần và tổng của nó "
            "(no rate with its part and whole).")


# ---------------------------------------------------------------- the page

def build(articles: list[list[dict[str, Any]]], extra_checks: list[dict[str, Any]] | None = None,
          title: str = "cchc report") -> str:
    """The report for a list of articles (each the records `extract_article` returns) and the
    checks across them (conflicts)."""
    extra_checks = extra_checks or []
    figs = {r["id"]: r for recs in articles for r in recs if r["kind"] == "figure"}
    art_of_fig = {r["id"]: i for i, recs in enumerate(articles) for r in recs if r["kind"] == "figure"}
    fig_anchor = lambda r: f"fig-{art_of_fig[r['id']]}-{r['id'].rsplit(':', 1)[-1]}" if r.get("id") in art_of_fig else ""  # noqa: E731

    # what each article's findings are, and the figures they point at
    findings: list[tuple[int, dict]] = []
    mismatched: set[str] = set()
    in_finding: set[str] = set()
    per_article_findings = Counter()
    for i, recs in enumerate(articles):
        for c in recs:
            if c["kind"] == "check" and c["status"] == "mismatch":
                findings.append((i, c))
                per_article_findings[i] += 1
                mismatched.add(c.get("reported_figure") or c["figures"][0])
                in_finding.update(c["figures"])
    for c in extra_checks:
        present = [f for f in c["figures"] if f in art_of_fig]
        mismatched.update(present)
        for f in present:
            per_article_findings[art_of_fig[f]] += 1
        findings.append((art_of_fig[present[0]] if present else -1, c))

    # the findings list
    lab = labels()
    items = []
    for n, (i, c) in enumerate(findings):
        target = c.get("reported_figure") or next((f for f in c["figures"] if f in figs), None)
        href = f"#{fig_anchor(figs[target])}" if target in figs else (f"#article-{i}" if i >= 0 else "")
        stated, recomputed = _check_values(c, figs)
        a = articles[i][0] if i >= 0 else {}
        where = a.get("title") or a.get("source") or c.get("source")
        quote = c.get("text") or ""
        if target in figs:
            f = figs[target]
            s0, s1 = f["sentence_start"], f["sentence_end"]
            text = articles[i][0]["text"]
            sp = [s for s in _spans(articles[i]) if s0 <= s[0] and s[1] <= s1]
            quote_html = _render(text, s0, s1, sp, {}, lambda r: "", mismatched, in_finding)
        else:
            quote_html = _esc(quote.strip()[:500])
        metric = metric_label(figs[target]["metric"]) if target in figs else ""
        vs = (f'bài ghi <span class="stated">{_esc(stated)}</span>, số liệu của bài cho '
              f'<span class="recomputed">{_esc(recomputed)}</span>') if c["check"] != "conflict" else \
             f'các bài ghi <span class="stated">{_esc(stated)}</span>'
        items.append(
            f'<li class="finding" data-status="mismatch" data-check="{_esc(c["check"])}" id="finding-{n}">'
            f'<div><span class="verdict" style="color:{MISMATCH_BG}">✗ {_esc(lab["statuses"]["mismatch"])}</span> · '
            f'{_esc(lab["checks"].get(c["check"], c["check"]))}{" · " + _esc(metric) if metric else ""} · '
            f'<b>{_esc(where)}</b>' + (f'<a class="goto" href="{href}">xem trong bài ↓</a>' if href else "") + "</div>"
            f'<div class="nums">{vs}</div>'
            f'<div class="quote">{quote_html}</div><div>{_esc(c["message"])}</div>'
            + (f'<div class="why">Vì sao kiểm tra: {_esc(c["reason"])}</div>' if c.get("reason") else "")
            + "</li>")
    legend = (f'<p class="legend">Chú thích (legend): <mark class="span" style="background:{KIND_COLORS["figure"]}">số liệu'
              f'<span class="label">chỉ số</span></mark> số liệu đọc được (a figure) ·'
              f'<mark class="span is-mismatch">số liệu<span class="label">✗ không khớp</span></mark> số liệu không khớp '
              f'(đỏ, sọc, có chữ "✗ không khớp": does not add up) · <mark class="span" style="background:{KIND_COLORS["official"]}">'
              f'họ tên<span class="label">official</span></mark> người có chức vụ</p>')
    findings_html = (
        f'<section id="findings" aria-label="Findings"><h2>Findings · Phát hiện: {len(findings)} điểm không khớp</h2>'
        + legend
        + (f'<ol>{"".join(items)}</ol>' if items else
           "<p>Không có số liệu nào không khớp (no mismatch or conflict found).</p>")
        + "</section>")

    # the summary, after the findings
    metrics: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for recs in articles:
        for r in recs:
            kinds[r["kind"]] += 1
            if r["kind"] == "figure" and r["metric"] != "other":
                metrics[r["metric"]] += 1
            if r["kind"] == "check":
                verdicts[r["status"]] += 1
    for c in extra_checks:
        verdicts[c["status"]] += 1
    rows = "".join(f"<tr><td>{_esc(metric_label(m))}</td><td><code>{_esc(m)}</code></td><td>{n}</td></tr>"
                   for m, n in metrics.most_common())
    summary = (
        '<details class="summary-box"><summary>Tổng quan (summary): số bài, số liệu, kết quả kiểm tra</summary>'
        f'<table class="summary" id="summary"><tr><th>articles</th><td>{len(articles)}</td></tr>'
        f'<tr><th>figures</th><td>{kinds["figure"]}</td></tr><tr><th>officials</th><td>{kinds["official"]}</td></tr>'
        f'<tr><th>documents</th><td>{kinds["document"]}</td></tr><tr><th>rankings</th><td>{kinds["ranking"]}</td></tr>'
        + "".join(f'<tr><th>checks: {_esc(v)} ({_esc(lab["statuses"].get(v, v))})</th>'
                  f'<td data-verdict="{_esc(v)}">{verdicts[v]}</td></tr>' for v in ("mismatch", "rounding", "ok", "unchecked"))
        + "</table>"
        + (f'<table class="summary"><tr><th>chỉ số (metric)</th><th></th><th>figures</th></tr>{rows}</table>' if rows else "")
        + "</details>")

    # the articles, those with findings first
    order = sorted(range(len(articles)), key=lambda i: (-per_article_findings[i], i))
    parts = []
    for i in order:
        recs = articles[i]
        a = recs[0]
        text = a["text"]
        mine = {r["id"] for r in recs if r["kind"] == "figure"}
        checks = [r for r in recs if r["kind"] == "check"] + [c for c in extra_checks if mine & set(c["figures"])]
        checks.sort(key=lambda c: ({"mismatch": 0, "rounding": 1, "ok": 2}.get(c["status"], 3), c.get("start") or 0))
        spans = _spans(recs)
        # each check beside the paragraph of its sentence; its sentence marked in the text
        paras = _paragraphs(text)
        beside: dict[int, list[str]] = {}
        sentences: dict[int, tuple[int, str]] = {}
        for n, c in enumerate(checks):
            f = figs.get(c.get("reported_figure") or "") or next((figs[x] for x in c["figures"] if x in mine), None)
            pos = f["sentence_start"] if f else (c.get("start") or 0)
            p = next((k for k, (lo, hi) in enumerate(paras) if lo <= pos < hi), len(paras) - 1)
            beside.setdefault(p, []).append(_check_html(c, figs, f"check-{i}-{n}"))
            if f and c["status"] == "mismatch":
                sentences[f["sentence_start"]] = (f["sentence_end"], "has-mismatch")
        rows_html = "".join(
            f'<div class="row"><div class="text"><p>{_render(text, lo, hi, spans, sentences, fig_anchor, mismatched, in_finding)}</p></div>'
            f'<aside class="checks">{"".join(beside.get(k, []))}</aside></div>'
            for k, (lo, hi) in enumerate(paras) if hi > lo)
        counts = Counter(c["status"] for c in checks)
        why_not = _nothing_checkable(recs) if not any(c["check"] == "conflict" for c in checks) else None
        status = " · ".join(f"{counts[s]} {lab['statuses'][s].lower()}" for s in ("mismatch", "rounding", "ok", "unchecked")
                            if counts[s])
        status_html = (f'<div class="status">Kiểm tra (checks): {_esc(status)}</div>' if status else "") + \
                      (f'<div class="status nothing">{_esc(why_not)}</div>' if why_not else "")
        meta = " · ".join(_esc(x) for x in (a.get("source"), a.get("published"), a.get("author"), a.get("province")) if x)
        cls = "article has-findings" if per_article_findings[i] else "article"
        parts.append(
            f'<section class="{cls}" id="article-{i}" data-article-id="{_esc(a["article_id"])}">'
            f'<h2>{_esc(a.get("title") or a["source"])}</h2><div class="meta">{meta}</div>{status_html}'
            f"{rows_html}</section>")
    n_find = len(findings)
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{_esc(title)}</title>"
            f"<style>{CSS}</style></head><body><header><h1>{_esc(title)}</h1>"
            f'<div class="sub">{len(articles)} bài · {n_find} điểm không khớp · cchc</div></header><main>'
            f"{findings_html}{summary}" + "".join(parts) + "</main></body></html>")
