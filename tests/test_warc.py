"""WARC archives (CC-NEWS, cchc's own crawls): every HTML response is an article, anything else
is skipped, and a broken record is a ReadError for that record while the rest is still read."""
from __future__ import annotations

import gzip
import html
import io

from conftest import ROOT, SEEDS

from extractor.model import Article, ReadError
from extractor.reading import iter_articles
from extractor.reading.warc import iter_warc

PAGES = sorted((ROOT / "corpus" / "pages").glob("*.article.html"))
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed_page(path) -> bytes:
    """A seed text wrapped in a simple article page, as a news site would serve it."""
    paras = "".join(f"<p>{html.escape(x)}</p>" for x in path.read_text(encoding="utf-8").split("\n") if x.strip())
    return (f'<html><head><meta charset="utf-8"><meta property="og:title" content="{path.stem}">'
            f'<meta property="article:published_time" content="2024-04-13T19:42:00+07:00"></head>'
            f"<body><article>{paras}</article></body></html>").encode()


def build_warc(path, broken=True):
    """A gzipped WARC of the bundled article pages and the seeds (as pages), plus an image,
    a 404, a page with no article and (broken=True) a record whose gzip body is corrupt.
    Returns the target URIs of the article records, in order."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    urls = []
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)

        def add(url, body, ctype="text/html; charset=utf-8", status="200 OK", extra=()):
            hh = StatusAndHeaders(status, [("Content-Type", ctype), *extra], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))

        for p in PAGES:
            urls.append(f"https://archive.example/{p.stem}.html")
            add(urls[-1], p.read_bytes())
        add("https://archive.example/logo.png", b"\x89PNG\r\n\x1a\n....", ctype="image/png")
        add("https://archive.example/gone.html", b"<html></html>", status="404 Not Found")
        if broken:
            add("https://archive.example/empty.html", b"<html><body><p>x</p></body></html>")
            add("https://archive.example/corrupt.html", b"\x1f\x8b\x08\x00garbage, not gzip at all",
                extra=[("Content-Encoding", "gzip")])
        for p in SEED_FILES:
            urls.append(f"https://seeds.example/2024/{p.stem}.html")
            add(urls[-1], seed_page(p))
    return urls


def split(items):
    arts = [x for x in items if isinstance(x, Article)]
    errs = [x for x in items if isinstance(x, ReadError)]
    assert len(arts) + len(errs) == len(items)
    return arts, errs


def test_html_records_are_articles_and_a_broken_record_is_named(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    urls = build_warc(warc)
    arts, errs = split(list(iter_warc(str(warc))))
    # the image and the 404 are skipped, not errors; every page after the broken ones is still read
    assert [a.source for a in arts] == urls
    assert all(a.url == a.source for a in arts)
    assert sorted(e.source for e in errs) == ["https://archive.example/corrupt.html",
                                              "https://archive.example/empty.html"]
    assert all(e.reason for e in errs)
    seeds = {a.source.rsplit("/", 1)[1]: a for a in arts if "seeds.example" in a.source}
    for p in SEED_FILES:
        a = seeds[p.stem + ".html"]
        assert a.title == p.stem and a.published and a.published.startswith("2024-04-13")
        first = next(x for x in p.read_text(encoding="utf-8").split("\n") if x.strip())
        assert first.strip()[:30].split()[0] in a.text


def test_dispatcher_routes_warc_and_uncompressed_warc(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    urls = build_warc(warc, broken=False)
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(b"".join(_members(warc.read_bytes())))
    for path in (warc, plain):
        arts, errs = split(list(iter_articles([str(path)])))
        assert errs == [] and [a.source for a in arts] == urls


def _members(data: bytes):
    """The gzip members of a .warc.gz, decompressed one by one (= the plain .warc)."""
    import zlib

    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        yield d.decompress(data)
        data = d.unused_data


def test_truncated_file_reads_what_it_can_then_names_the_file(tmp_path):
    warc = tmp_path / "t.warc.gz"
    urls = build_warc(warc, broken=False)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(warc.read_bytes()[:-300])
    items = list(iter_warc(str(cut), source="cc-news/cut.warc.gz"))
    arts, _ = split(items)
    assert [a.source for a in arts] == urls[:len(arts)] and len(arts) >= len(urls) - 1
    # the cut record is named (or, if warcio notices first, the file under the name given)
    assert isinstance(items[-1], ReadError) and items[-1].source in (urls[-1], "cc-news/cut.warc.gz")


def test_missing_and_non_warc_files_are_read_errors(tmp_path):
    missing = list(iter_warc(str(tmp_path / "nope.warc.gz")))
    assert len(missing) == 1 and isinstance(missing[0], ReadError) and missing[0].source.endswith("nope.warc.gz")
    named = list(iter_warc(str(tmp_path / "nope.warc.gz"), source="s3://bucket/nope.warc.gz"))
    assert [e.source for e in named] == ["s3://bucket/nope.warc.gz"]
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"this is not an archive\n" * 10))
    got = list(iter_warc(str(junk)))
    assert len(got) == 1 and isinstance(got[0], ReadError) and got[0].source == str(junk)


def test_open_stream_reads_like_the_path(tmp_path):
    """Spark executors hand an HDFS/S3 stream in (spark_job._remote_warc): same articles."""
    from extractor.spark_job import _remote_warc

    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc)
    by_path = [(type(x).__name__, x.source, getattr(x, "text", None)) for x in iter_warc(str(warc))]
    by_stream = [(type(x).__name__, x.source, getattr(x, "text", None))
                 for x in iter_warc("s3://b/crawl.warc.gz", fileobj=io.BytesIO(warc.read_bytes()))]
    assert by_stream == by_path and len(by_path) == 11
    gone = list(_remote_warc("memory://nowhere/crawl.warc.gz"))
    assert len(gone) == 1 and gone[0].source == "memory://nowhere/crawl.warc.gz" and "cannot open" in gone[0].reason
