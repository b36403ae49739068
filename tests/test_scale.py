"""All cores: the same records as one process (the Spark job is tested in test_spark.py)."""
from __future__ import annotations

import html
import io


import pytest

from extractor.model import ReadError
from extractor.parallel import extract_many
from extractor.reading import iter_articles
from extractor.reading.warc import iter_warc
from extractor.relevance import found_terms, is_relevant, min_terms

from conftest import ROOT, SEEDS, SHARED, run_cchc

SAMPLE = ROOT / "tests" / "data" / "general_sample.jsonl"
REFORM = ROOT / "tests" / "data" / "cchc_sample.jsonl"  # the 50 articles of ../shared/corpus/cchc.jsonl


def _reform_inputs():
    yield pytest.param([str(SEEDS)], 5, id="seeds")
    yield pytest.param([str(REFORM)], 50, id="cchc_sample")
    yield pytest.param([str(ROOT / "corpus" / "dev")], 50, id="dev")
    shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="no ../shared/corpus beside the checkout")
    yield pytest.param([str(SHARED / "corpus" / "dev")], 50, id="shared-dev", marks=shared)
    yield pytest.param([str(SHARED / "corpus" / "cchc.jsonl")], 50, id="shared-cchc", marks=shared)


@pytest.mark.parametrize("inputs,n", list(_reform_inputs()))
def test_prefilter_keeps_every_reform_article(inputs, n):
    arts = [a for a in iter_articles(inputs) if not isinstance(a, ReadError)]
    assert len(arts) == n
    dropped = [(a.source, sorted(found_terms(a.title, a.text))) for a in arts if not is_relevant(a)]
    assert dropped == []


def test_prefilter_drops_ordinary_news():
    """One reform word in passing is no reform article: most ordinary news never reaches the NLP."""
    arts = [a for a in iter_articles([str(SAMPLE)]) if not isinstance(a, ReadError)]
    passed = [a for a in arts if is_relevant(a)]
    assert len(arts) == 300 and len(passed) < 0.05 * len(arts)
    assert min_terms() == 2
    one_word = [a for a in arts if len(found_terms(a.title, a.text)) == 1]
    assert one_word and not any(is_relevant(a) for a in one_word)


def build_warc(path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)

        def add(url, body, ctype="text/html; charset=utf-8", status="200 OK"):
            hh = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))

        for p in sorted((ROOT / "corpus" / "pages").glob("*.article.html")):
            add(f"https://archive.example/{p.stem}.html", p.read_bytes())
        for p in sorted(SEEDS.glob("*.txt")):
            paras = "".join(f"<p>{html.escape(x)}</p>" for x in p.read_text(encoding="utf-8").split("\n") if x.strip())
            page = (f'<html><head><meta charset="utf-8"><meta property="og:title" content="{p.stem}">'
                    f'<meta property="article:published_time" content="2024-04-13T19:42:00+07:00"></head>'
                    f"<body><article>{paras}</article></body></html>")
            add(f"https://archive.example/{p.stem}.html", page.encode())
        add("https://archive.example/logo.png", b"\x89PNG....", ctype="image/png")
        add("https://archive.example/broken.html", b"<html><body><p>x</p></body></html>")
        add("https://archive.example/gone.html", b"<html></html>", status="404 Not Found")


def test_jobs_2_equals_jobs_1():
    items = lambda: iter_articles([str(SEEDS), str(SAMPLE)])  # noqa: E731
    one = list(extract_many(items(), 1))
    two = list(extract_many(items(), 2, batch=3))
    assert len(one) == 305 and one == two


def test_cli_jobs_output_identical(tmp_path):
    a = run_cchc("extract", str(SEEDS), str(SAMPLE), "-q", "--jobs", "1").stdout
    b = run_cchc("extract", str(SEEDS), str(SAMPLE), "-q", "--jobs", "2").stdout
    assert a == b and a.count(b'"kind": "article"') == 305


def test_warc_reader(tmp_path):
    warc = tmp_path / "a.warc.gz"
    build_warc(warc)
    items = list(iter_warc(str(warc)))
    arts = [x for x in items if not isinstance(x, ReadError)]
    errs = [x for x in items if isinstance(x, ReadError)]
    assert len(arts) == 9  # 4 saved pages + 5 seeds; the image and the 404 are skipped
    assert len(errs) == 1 and errs[0].source == "https://archive.example/broken.html"
    assert all(a.source.startswith("https://archive.example/") for a in arts)
    truncated = tmp_path / "t.warc.gz"
    truncated.write_bytes(warc.read_bytes()[:-200])
    got = list(iter_warc(str(truncated)))
    assert isinstance(got[-1], ReadError) and len([x for x in got if not isinstance(x, ReadError)]) >= 8


def test_prefilter_words_are_the_same_before_and_after_normalization():
    """A JSON line is asked about its reform words before its text is normalized when
    normalizing could change no word of it (reading/jsonl.py): that holds only while no word of
    the vocabulary changes under normalization itself (an old tone placement, "Đ" look-alikes)."""
    from extractor.normalize import _TONE_MAP, normalize_text
    from extractor.relevance import terms

    assert terms() and all(normalize_text(w) == w for w in terms())
    # nor may a word hold a modern tone placement ("hòa"): a raw "hoà" would miss it
    assert not [w for w in terms() for new in _TONE_MAP.values() if new in w]


@pytest.mark.parametrize("title", ["Cải cách hành chính", ["Cải cách hành chính", "Tây Ninh"],
                                   {"name": "Cải cách hành chính"}, None])
def test_prefilter_answers_alike_before_and_after_normalization(title):
    """Whether the prefilter is asked before normalization (a line with no odd space) or
    after it (a non-breaking space), the same line is kept or dropped alike, whatever its title."""
    import json

    from extractor.reading.jsonl import parse_line
    from extractor.relevance import relevant

    def kept(text):
        line = json.dumps({"text": text, "title": title}, ensure_ascii=False).encode()
        return [type(x).__name__ for x in parse_line(line, "t", 1, keep=relevant)]

    text = "Bộ phận đã tiếp nhận 120 hồ sơ."  # one reform word: the title's is the second
    assert kept(text) == kept(text.replace(" hồ", "\u00a0hồ")) == (["Article"] if title else ["NoneType"])
    assert kept("Tin thời tiết.") == kept("Tin\u00a0thời tiết.") == ["NoneType"]
