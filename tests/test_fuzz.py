"""Fuzzing the readers (issue 15): random bytes in files of every kind, random JSON values in
every JSON Lines field, random HTML and JSON-LD trees, random damage to WARC archives.

The property, every time: nothing but an Article or a ReadError comes out (no exception
escapes), every article's text and fields are valid Unicode that encodes as UTF-8, the
offsets of its records index its text, and the good input beside the bad one is still read.
Bounded: a fixed number of examples each, no example database written.
"""
from __future__ import annotations

import gzip
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS

from extractor.api import safe_extract
from extractor.model import Article, ReadError
from extractor.reading import iter_articles

GOOD = str(next(SEEDS.glob("000_*.txt")))
TEXT = "Bộ phận Một cửa tiếp nhận 1.245 hồ sơ, giải quyết đúng hạn 1.242 hồ sơ, trễ hạn 3 hồ sơ, tỷ lệ 0,24%."

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def check_item(item) -> None:
    """One item of iter_articles: an Article whose fields are clean text, or a ReadError."""
    assert isinstance(item, (Article, ReadError)), type(item)
    if isinstance(item, ReadError):
        assert isinstance(item.source, str) and item.reason
        str(item).encode("utf-8")
        return
    assert isinstance(item.text, str) and item.text.strip()
    for f in ("source", "title", "published", "author", "url", "site"):
        v = getattr(item, f)
        assert v is None or isinstance(v, str), (f, v)
        if v is not None:
            v.encode("utf-8")  # no unpaired surrogates
    assert "\0" not in item.text


def check_records(article: Article) -> None:
    recs = safe_extract(article)
    if isinstance(recs, ReadError):  # a bug in extraction is reported for the article, not raised
        pytest.fail(str(recs))
    json.dumps(recs, ensure_ascii=False).encode("utf-8")
    text = recs[0]["text"]
    for r in recs[1:]:
        if r.get("start") is not None:
            assert 0 <= r["start"] <= r["end"] <= len(text) and text[r["start"]:r["end"]] == r["text"], r


def read_with_good(path) -> list:
    items = list(iter_articles([str(path), GOOD]))
    for it in items:
        check_item(it)
    assert isinstance(items[-1], Article) and items[-1].source == GOOD  # the good input beside is read
    return items[:-1]


# ---------------------------------------------------------------- random bytes, every kind of file

@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from([".txt", ".html", ".jsonl", ".jsonl.gz", ".warc",
                                                          ".warc.gz", ".ndjson", ".htm"]),
       prefix=st.sampled_from([b"", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b\x08", b"WARC/1.0\r\n", b"{", b"<html>"]))
def test_random_bytes_in_any_file(tmp_path_factory, data, ext, prefix):
    p = tmp_path_factory.mktemp("bytes") / f"x{ext}"
    p.write_bytes(prefix + data)
    for item in read_with_good(p):
        if isinstance(item, Article):
            check_records(item)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_on_stdin(data):
    items = list(iter_articles(["-", GOOD], stdin=io.BytesIO(data)))
    for it in items:
        check_item(it)
    assert items[-1].source == GOOD


# ---------------------------------------------------------------- random JSON in every JSONL field

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
FIELDS = ["id", "url", "title", "published", "text", "author", "site"]


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=7),
       keep_text=st.booleans(), raw_surrogate=st.booleans())
def test_random_json_values_in_jsonl_fields(tmp_path_factory, fields, keep_text, raw_surrogate):
    if keep_text:
        fields.setdefault("text", TEXT)
    line = json.dumps(fields, ensure_ascii=True)
    if raw_surrogate:
        line = line.replace("\"}", "\\ud800\"}", 1)
    good = json.dumps({"id": "good", "text": TEXT})
    p = tmp_path_factory.mktemp("jsonl") / "f.jsonl"
    p.write_text(f"{line}\n{good}\n", encoding="utf-8")
    items = read_with_good(p)
    arts = [x for x in items if isinstance(x, Article)]
    assert arts and arts[-1].source == f"{p}#good"  # the good line beside the bad one is read
    for a in arts:
        check_records(a)
    for e in items:
        if isinstance(e, ReadError):
            assert e.source.startswith(f"{p}:1")  # every complaint names the bad line


# ---------------------------------------------------------------- random HTML and JSON-LD trees

TAGS = ["div", "p", "span", "article", "section", "h1", "h2", "li", "ul", "table", "td", "script", "style", "a",
        "b", "i", "meta", "time", "figure", "figcaption", "br", "nav", "footer"]
words = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ0123456789.,%/ -<>&\"'")), max_size=60)


@st.composite
def html_tree(draw, depth=0):
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.dictionaries(st.sampled_from(["class", "id", "property", "content", "itemprop", "charset",
                                                  "datetime", "href"]), words, max_size=2))
    a = "".join(f' {k}="{v.replace(chr(34), "")}"' for k, v in attrs.items())
    if depth > 4:
        return f"<{tag}{a}>{draw(words)}</{tag}>"
    kids = draw(st.lists(st.one_of(words, html_tree(depth=depth + 1)), max_size=4))
    close = draw(st.booleans())  # unclosed tags are common
    return f"<{tag}{a}>" + "".join(kids) + (f"</{tag}>" if close else "")


ld_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                             st.sampled_from(["@type", "@graph", "headline", "url", "datePublished", "author", "name",
                                              "@id", "mainEntityOfPage"]), inner, max_size=5), max_leaves=15)


@FUZZ
@given(body=st.lists(html_tree(), max_size=4), ld=ld_values, with_text=st.booleans(), charset=st.sampled_from(
    ["utf-8", "windows-1258", "tcvn3", "utf-16", "unicode_escape", "rot13", "x-nonsense", ""]))
def test_random_html_and_json_ld(tmp_path_factory, body, ld, with_text, charset):
    paras = "".join(f"<p>{TEXT}</p>" for _ in range(3)) if with_text else ""
    meta = f'<meta charset="{charset}">' if charset else ""
    html = (f"<html><head>{meta}<script type=\"application/ld+json\">{json.dumps(ld)}</script></head>"
            f"<body>{''.join(body)}{paras}</body></html>")
    p = tmp_path_factory.mktemp("html") / "p.html"
    p.write_text(html, encoding="utf-8")
    for item in read_with_good(p):
        if isinstance(item, Article):
            check_records(item)


# ---------------------------------------------------------------- random damage to WARC archives

def _records() -> list[bytes]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = []
    for i in range(3):
        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=False)
        body = f"<html><body><article>{'<p>' + TEXT + '</p>' * 3}</article></body></html>".encode()
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://w.example/{i}.html", "response", payload=io.BytesIO(body),
                                            http_headers=hh))
        out.append(buf.getvalue())
    return out


RECORDS = _records()


@st.composite
def damage(draw):
    kind = draw(st.sampled_from(["truncate", "insert", "overwrite", "length", "boundary_garbage"]))
    whole = b"".join(RECORDS)
    pos = draw(st.integers(0, len(whole)))
    blob = draw(st.binary(min_size=1, max_size=200))
    return kind, pos, blob, draw(st.sampled_from([b"0", b"-1", b"abc", b"99999999999999", b"", b"12 34", b"\xff"]))


def damaged(kind, pos, blob, length) -> tuple[bytes, int]:
    """(the archive, how many leading records are untouched by the damage)."""
    whole = b"".join(RECORDS)
    ends = [sum(len(r) for r in RECORDS[:i + 1]) for i in range(len(RECORDS))]
    if kind == "truncate":
        data = whole[:pos]
    elif kind == "insert":
        data = whole[:pos] + blob + whole[pos:]
    elif kind == "overwrite":
        data = whole[:pos] + blob + whole[pos + len(blob):]
    elif kind == "length":
        i = pos % len(RECORDS)
        recs = list(RECORDS)
        recs[i] = recs[i].replace(b"Content-Length: ", b"Content-Length: " + length + b"\r\nX-Old: ", 1)
        return b"".join(recs), i
    else:  # garbage exactly between two records: every record is still read
        i = pos % (len(RECORDS) + 1)
        cut = ([0] + ends)[i]
        return whole[:cut] + b"\r\n" + blob.replace(b"WARC/", b"warc/") + b"\r\n" + whole[cut:], len(RECORDS)
    untouched = sum(1 for e in ends if e + 4 <= pos)  # a record and its blank line before the damage
    return data, untouched


@FUZZ
@given(d=damage(), compressed=st.booleans())
def test_random_warc_damage(tmp_path_factory, d, compressed):
    data, untouched = damaged(*d)
    if compressed:  # the usual layout: one gzip member per record; damage falls where it falls
        data = gzip.compress(data[:len(data) // 2]) + gzip.compress(data[len(data) // 2:]) if d[0] != "boundary_garbage" \
            else gzip.compress(data)
    p = tmp_path_factory.mktemp("warc") / ("a.warc.gz" if compressed else "a.warc")
    p.write_bytes(data)
    items = read_with_good(p)
    read = [x.source for x in items if isinstance(x, Article)]
    for a in items:
        if isinstance(a, Article):
            check_records(a)
    if not compressed or d[0] == "boundary_garbage":
        expect = [f"https://w.example/{i}.html" for i in range(untouched)]
        assert read[:untouched] == expect, (d[0], read, untouched)
    assert len(read) == len(set(read))  # no record read twice
