"""Reading inputs into `Article`s: files, folders, JSON Lines, WARC, URLs and stdin.

`iter_articles(inputs)` yields an `Article` or a `ReadError` per article, in input order, so
one unreadable input never stops the rest. Each `source` is the input exactly as given.
"""
from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Article, ReadError
from .fetch import fetch_url  # one URL for `cchc extract URL`: deadline, size cap, address rules

TEXT_EXT = (".txt",)
HTML_EXT = (".html", ".htm", ".shtml")
JSONL_EXT = (".jsonl", ".jsonl.gz", ".ndjson", ".json.gz")
WARC_EXT = (".warc", ".warc.gz", ".arc", ".arc.gz")
KNOWN_EXT = TEXT_EXT + HTML_EXT + JSONL_EXT + WARC_EXT
# annotation files that sit beside articles (e.g. corpus/gold/seeds.gold.jsonl) are not input
SKIP_SUFFIXES = (".gold.jsonl",)


def _decode_text(data: bytes, source: str) -> str:
    if not data.strip():
        raise ReadError(source, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ReadError(source, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                                "convert it with iconv -f WINDOWS-1258 -t UTF-8 or save it as UTF-8") from None


def read_text_bytes(data: bytes, source: str, **meta) -> Article:
    from .text import read_text

    return read_text(_decode_text(data, source), source, **meta)


def read_html_bytes(data: bytes, source: str, url: str | None = None) -> Article:
    if not data.strip():
        raise ReadError(source, "empty file")
    from .html import read_html

    return read_html(data, source, url=url)


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:512].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<") and (b"<html" in head or b"<!doctype" in head or b"<head" in head or b"<body" in head
                                  or b"<meta" in head or b"<div" in head or b"<p" in head):
        return "html"
    if head.startswith(b"warc/"):
        return "warc"
    return "text"


def _read_bytes(data: bytes, source: str, kind: str, url: str | None = None) -> Iterator[Article | ReadError]:
    try:
        if kind == "jsonl":
            from .jsonl import iter_jsonl

            try:
                stream = io.StringIO(data.decode("utf-8"))
            except UnicodeDecodeError as e:
                yield ReadError(source, f"not UTF-8 JSON Lines (offset {e.start})")
                return
            yield from iter_jsonl(stream, source)
        elif kind == "html":
            yield read_html_bytes(data, source, url=url)
        else:
            yield read_text_bytes(data, source)
    except ReadError as e:
        yield e


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            low = name.lower()
            if low.startswith(".") or low.endswith(SKIP_SUFFIXES):
                continue
            if low.endswith(KNOWN_EXT):
                yield Path(root) / name


def iter_path(path: str) -> Iterator[Article | ReadError]:
    """One file (any supported kind)."""
    low = path.lower()
    if low.endswith(JSONL_EXT):
        from .jsonl import read_jsonl

        yield from read_jsonl(path)
        return
    if low.endswith(WARC_EXT):
        try:
            from .warc import iter_warc
        except ImportError as e:  # pragma: no cover
            yield ReadError(path, f"WARC support unavailable ({e})")
            return
        yield from iter_warc(path)
        return
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        yield ReadError(path, e.strerror or str(e))
        return
    if not data.strip():
        yield ReadError(path, "empty file")
        return
    kind = "html" if low.endswith(HTML_EXT) else "text" if low.endswith(TEXT_EXT) else _sniff(data)
    yield from _read_bytes(data, path, kind)


def iter_articles(inputs: Iterable[str], stdin=None) -> Iterator[Article | ReadError]:
    """Every article of every input, in order; errors are yielded, never raised."""
    for inp in inputs:
        if inp == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read()
            if isinstance(data, str):
                data = data.encode("utf-8")
            if not data.strip():
                yield ReadError("-", "empty input on stdin")
                continue
            yield from _read_bytes(data, "-", _sniff(data))
        elif inp.startswith(("http://", "https://")):
            try:
                body, final = fetch_url(inp)
            except Exception as e:  # network errors of every kind: one line, go on
                yield ReadError(inp, f"fetch failed ({e.__class__.__name__}: {e})")
                continue
            yield from _read_bytes(body, inp, "html" if _sniff(body) != "text" else "text", url=final)
        else:
            p = Path(inp)
            if p.is_dir():
                found = False
                for f in _walk(p):
                    found = True
                    yield from iter_path(str(f))
                if not found:
                    yield ReadError(inp, "folder holds no readable files (.txt, .html, .jsonl, .warc)")
            elif p.exists():
                yield from iter_path(inp)
            else:
                yield ReadError(inp, "no such file or folder")
