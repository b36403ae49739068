"""A self-contained HTML report: a summary table, then each article's text with every
extracted span highlighted and labelled (as displaCy's span view does, but on the exact
character offsets) and its checks beside it. No external assets: one file a journalist can
open or mail."""
from __future__ import annotations

import html
from collections import Counter
from typing import Any

STATUS_CLASS = {"ok": "ok", "rounding": "rounding", "mismatch": "mismatch"}
KIND_COLORS = {"figure": "#ffe08a", "official": "#b5e3ff", "award": "#c9f2c0", "document": "#e5d4ff",
               "ranking": "#ffd1dc", "target": "#ffc69e"}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}
main{padding:20px 28px}table.summary{border-collapse:collapse;margin:8px 0 24px;background:#fff}
table.summary td,table.summary th{border:1px solid #d8dce3;padding:4px 10px;text-align:left;font-size:14px}
section.article{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin-bottom:24px;padding:16px}
section.article h2{margin:0 0 4px;font-size:18px}.meta{color:#5c6475;font-size:13px;margin-bottom:12px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(260px,1.3fr);gap:18px}
.text{line-height:1.9;font-size:15px}.checks{font-size:13px}
.check{border-left:5px solid #999;background:#fafbfc;padding:8px 10px;margin-bottom:10px}
.check.ok{border-color:#2e9d48}.check.rounding{border-color:#d9a400}.check.mismatch{border-color:#d3302f;background:#fff4f4}
.verdict{font-weight:700;text-transform:uppercase;font-size:12px}.check.mismatch .verdict{color:#d3302f}
.quote{color:#5c6475;font-style:italic;margin:4px 0}.nums{font-family:ui-monospace,monospace}
.badge{display:inline-block;padding:1px 6px;border-radius:10px;background:#eef0f4;margin-right:4px}
mark.span{border-radius:3px;padding:1px 3px}mark.span .label{font-size:10px;font-weight:700;margin-left:4px;
text-transform:uppercase;color:#3b4252;background:rgba(255,255,255,.7);border-radius:3px;padding:0 3px}
"""


def _esc(s: Any) -> str:
    return html.escape("" if s is None else str(s))


def _spans_html(records: list[dict[str, Any]]) -> str:
    """The article text, exactly as stored, with every span highlighted and labelled
    (the equivalent of displaCy's span view, on character offsets so no text moves)."""
    text = records[0]["text"]
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
    out, pos = [], 0
    for start, end, kind, label, r in placed:
        out.append(_esc(text[pos:start]))
        color = KIND_COLORS["target"] if r.get("role") == "target" else KIND_COLORS.get(kind, "#ddd")
        tip = _esc(f"{label} = {r.get('value', r.get('name', r.get('number', r.get('entity', ''))))}")
        out.append(f'<mark class="span" data-kind="{kind}" data-label="{_esc(label)}" title="{tip}" '
                   f'style="background:{color}">{_esc(text[start:end])}<span class="label">{_esc(label)}</span></mark>')
        pos = end
    out.append(_esc(text[pos:]))
    body = "".join(out)
    return "".join(f"<p>{para}</p>" for para in body.split("\n\n"))


def _check_html(c: dict[str, Any]) -> str:
    cls = STATUS_CLASS.get(c["status"], "")
    return (f'<div class="check {cls}" data-kind="check" data-status="{_esc(c["status"])}" data-check="{_esc(c["check"])}">'
            f'<div><span class="verdict">{_esc(c["status"])}</span> · {_esc(c["check"])}</div>'
            + (f'<div class="quote">« {_esc((c.get("text") or "").strip()[:400])} »</div>' if c.get("text") else "")
            + f'<div class="nums">stated {_esc(c.get("reported"))} · computed {_esc(c.get("expected"))}</div>'
            f'<div>{_esc(c["message"])}</div></div>')


def build(articles: list[list[dict[str, Any]]], extra_checks: list[dict[str, Any]] | None = None,
          title: str = "cchc report") -> str:
    """The report for a list of articles (each the records `extract_article` returns)."""
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
    for c in extra_checks or []:
        verdicts[c["status"]] += 1
    rows = "".join(f"<tr><td>{_esc(m)}</td><td>{n}</td></tr>" for m, n in metrics.most_common())
    summary = (
        f'<table class="summary" id="summary"><tr><th>articles</th><td>{len(articles)}</td></tr>'
        f'<tr><th>figures</th><td>{kinds["figure"]}</td></tr><tr><th>officials</th><td>{kinds["official"]}</td></tr>'
        f'<tr><th>documents</th><td>{kinds["document"]}</td></tr><tr><th>rankings</th><td>{kinds["ranking"]}</td></tr>'
        + "".join(f'<tr><th>checks: {_esc(v)}</th><td data-verdict="{_esc(v)}">{verdicts[v]}</td></tr>'
                  for v in ("mismatch", "rounding", "ok"))
        + "</table>"
        + (f'<table class="summary"><tr><th>metric</th><th>figures</th></tr>{rows}</table>' if rows else "")
    )
    parts = []
    for i, recs in enumerate(articles):
        a = recs[0]
        checks = [r for r in recs if r["kind"] == "check"]
        checks.sort(key=lambda c: ({"mismatch": 0, "rounding": 1}.get(c["status"], 2), c.get("start") or 0))
        meta = " · ".join(_esc(x) for x in (a.get("source"), a.get("published"), a.get("author"), a.get("province")) if x)
        parts.append(
            f'<section class="article" id="article-{i}" data-article-id="{_esc(a["article_id"])}">'
            f'<h2>{_esc(a.get("title") or a["source"])}</h2><div class="meta">{meta}</div>'
            f'<div class="grid"><div class="text">{_spans_html(recs)}</div>'
            f'<aside class="checks">{"".join(_check_html(c) for c in checks) or "<p>No figure to check.</p>"}</aside>'
            f"</div></section>")
    conflicts = "".join(_check_html(c) for c in extra_checks or [])
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{_esc(title)}</title>"
            f"<style>{CSS}</style></head><body><header><h1>{_esc(title)}</h1></header><main>"
            f"{summary}" + (f'<section class="article" id="conflicts"><h2>Across articles</h2>{conflicts}</section>' if conflicts else "")
            + "".join(parts) + "</main></body></html>")
