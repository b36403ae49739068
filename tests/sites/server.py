"""Realistic local news sites for the crawler tests, served on 127.0.0.1.

`SiteServer(site)` serves a `Site` (pages by path, plus behaviours: robots.txt, gzip,
redirects, 500s that recover, a page that never answers, a 50 MB page, answers sent exactly as
given) from a real threaded HTTP server and logs every request it gets, with its time.
"""
from __future__ import annotations

import gzip
import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Site:
    pages: dict[str, bytes] = field(default_factory=dict)          # path (with query) -> body
    content_type: dict[str, str] = field(default_factory=dict)
    robots: str = "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n"
    redirects: dict[str, str] = field(default_factory=dict)
    fail_first: dict[str, int] = field(default_factory=dict)        # path -> 500s before it works
    hang: set[str] = field(default_factory=set)                     # paths that never answer
    huge: dict[str, int] = field(default_factory=dict)              # path -> bytes of a giant page
    lenient_query: bool = False   # like most CMSs: a page asked for with unknown parameters is served anyway
    raw: dict[str, tuple[int, list, bytes]] = field(default_factory=dict)  # path -> (status, headers, body) as is


class SiteServer:
    def __init__(self, site: Site):
        self.site = site
        self.log: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        self.stop_hanging = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                path = self.path
                s = server.site
                with server.lock:
                    server.log.append((time.monotonic(), path, 0))
                if path == "/robots.txt":
                    return self._send(200, s.robots.encode(), "text/plain; charset=utf-8")
                if path in s.raw:
                    status, headers, body = s.raw[path]
                    return self._answer(status, headers, body)
                if path in s.redirects:
                    self.send_response(301)
                    self.send_header("Location", s.redirects[path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if path in s.hang:
                    server.stop_hanging.wait(30)
                    return None
                if path in s.huge:
                    n = s.huge[path]
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(n))
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65530 + b"</p>"
                    sent = 0
                    try:
                        while sent < n:
                            part = chunk[: min(len(chunk), n - sent)]
                            self.wfile.write(part)
                            sent += len(part)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return None
                with server.lock:
                    left = s.fail_first.get(path, 0)
                    if left:
                        s.fail_first[path] = left - 1
                if left:
                    return self._send(500, b"<html><body>Server error</body></html>", "text/html")
                body = s.pages.get(path)
                if body is None and s.lenient_query and "?" in path:
                    body = s.pages.get(path.split("?", 1)[0])
                if body is None:
                    return self._send(404, b"<html><body>Not found</body></html>", "text/html")
                return self._send(200, body, s.content_type.get(path, "text/html; charset=utf-8"))

            def _send(self, status, body, ctype):
                gz = "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 200
                headers = [("Content-Type", ctype)] + ([("Content-Encoding", "gzip")] if gz else [])
                return self._answer(status, headers, gzip.compress(body) if gz else body)

            def _answer(self, status, headers, body):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_hanging.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def fetched(self, prefix: str = "") -> list[str]:
        return [p for _, p, _ in self.log if p.startswith(prefix)]


# ---------------------------------------------------------------- markup from registry selectors

def element(selector: str, inner: str, extra_class: str = "") -> str:
    """Markup that a simple CSS selector matches ("div.b-maincontent .entry", "#newscontents
    .content-fck", 'p[style="text-align: right;"]', "h1.margintopbot10.fw700")."""
    selector = selector.split(",")[0].strip()
    parts = [p for p in re.split(r"\s*>\s*|\s+(?![^\[]*\])", selector) if p]
    out = inner
    for part in reversed(parts):
        m = re.match(r"^([a-z0-9]+)?", part)
        tag = (m.group(1) if m and m.group(1) else "div")
        classes = re.findall(r"\.([\w-]+)", part)
        ids = re.findall(r"#([\w-]+)", part)
        attrs = re.findall(r'\[([\w-]+)=["\']?([^"\'\]]*)["\']?\]', part)
        a = ""
        if ids:
            a += f' id="{ids[0]}"'
        if classes:
            a += f' class="{" ".join(classes)}"'
        for k, v in attrs:
            a += f' {k}="{html.escape(v)}"'
        out = f"<{tag}{a}>{out}</{tag}>"
    return out


def load_articles(name: str, limit: int | None = None) -> list[dict]:
    rows = [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    return rows[:limit] if limit else rows


# ---------------------------------------------------------------- a baocantho-like site

def slugify(text: str, n: int) -> str:
    import unicodedata

    s = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:60].strip("-") or "bai-viet"
    return f"{s}-a{n}"


def article_page(entry, title: str, body: str, date: str = "08/01/2026 - 18:21", author: str = "Q. THÁI",
                 charset: str = "utf-8") -> str:
    sel = entry.selectors
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    parts = [element(sel.get("title", "h1"), html.escape(title))]
    if sel.get("date"):
        parts.append(element(sel["date"], html.escape(date)))
    if sel.get("lead"):
        first, _, rest = paras.partition("</p>")
        parts.append(element(sel["lead"], first.removeprefix("<p>")))
        paras = rest
    author_html = element(sel["author"], html.escape(author)) if sel.get("author") else ""
    body_html = element(sel.get("body", "article"), paras + (author_html if "right" in sel.get("author", "") else ""))
    if sel.get("author") and "right" not in sel["author"]:
        parts.append(author_html)
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{html.escape(title)}</title></head><body>'
            f'<div class="header">Trang chủ | Thời sự</div>{"".join(parts)}{body_html}'
            f'<div class="block_tag">Từ khóa: cải cách</div><div id="linkshare">Chia sẻ bài viết</div></body></html>')


def listing_page(entry, links: list[tuple[str, str]], next_url: str | None = None) -> str:
    css = entry.listing_links or "a"
    items = "".join(element(css.split(",")[0], html.escape(t)).replace("<a", f"<a href={json.dumps(u)}", 1)
                    for u, t in links)
    nxt = f'<a class="next" href="{next_url}">Trang sau</a>' if next_url else ""
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Thời sự</title></head><body><ul>{items}</ul>{nxt}</body></html>"
