"""The HTML report, opened in a real headless Chromium (Debian's, driven by Playwright):
the findings come first, the mismatch is on the first screen and looks unlike every other
figure (and says so in words), numbers are written the Vietnamese way."""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import ROOT, SEEDS, run_cchc

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PAGE = ROOT / "corpus" / "pages" / "baocantho.com.vn.article.html"
SEED_002 = SEEDS / "002_d1b55944720b3272.txt"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = run_cchc("report", str(SEEDS), "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    return out


@pytest.fixture(scope="module")
def page_first(tmp_path_factory):
    """A page with nothing to check first on the command line, then the seed with the mismatch."""
    out = tmp_path_factory.mktemp("report") / "first.html"
    r = run_cchc("report", str(PAGE), str(SEED_002), "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    return out


def browser(p):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def test_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "<link" not in html and "url(" not in html
    assert html.count('data-kind="check"') >= 15
    assert "3 of 1.245 is 0,2410%" in html


def test_findings_come_first_with_vietnamese_numbers(page_first):
    html = page_first.read_text(encoding="utf-8")
    findings = html.index('id="findings"')
    assert findings < html.index('id="summary"') < html.index('class="article')
    first = html[findings:html.index("</section>", findings)]
    assert "0,72 %" in first and "0,24 %" in first  # stated and recomputed, with the unit
    assert "Tỷ lệ hồ sơ trễ hạn" in first            # the metric's Vietnamese label
    # the article with the finding comes before the page given first
    assert html.index("TP. Tây Ninh") < html.index("Tập trung triển khai các đợt thanh tra")
    # the page with nothing checkable says why
    assert "no rate with its part and whole" in html


@pytest.mark.browser
def test_mismatch_on_the_first_screen(page_first, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser(p)
        page = b.new_page(viewport={"width": 1366, "height": 800})
        page.goto(page_first.as_uri())
        finding = page.locator("#findings li.finding").first
        assert "0,72 %" in finding.inner_text() and "0,24 %" in finding.inner_text()
        mark = finding.locator("mark.is-mismatch").first
        box = mark.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 800, box  # on the first screen
        assert "0,72%" in mark.inner_text() and "không khớp" in mark.inner_text()  # said in words too
        style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.backgroundImage, s.color]; }"
        bad = mark.evaluate(style)
        ordinary = page.locator('#findings li.finding mark[data-kind="figure"]:not(.is-mismatch)').first
        assert ordinary.count()
        plain = ordinary.evaluate(style)
        assert bad[0] != plain[0] and bad[2] != plain[2], (bad, plain)
        assert "gradient" in bad[1] and "gradient" not in plain[1]  # striped: tells apart without colour
        # the link goes to the place in the article, which holds the same mismatched span
        href = finding.locator("a.goto").get_attribute("href")
        target = page.locator(href)
        assert target.count() == 1 and "is-mismatch" in target.get_attribute("class")
        page.click("#findings a.goto")
        assert target.is_visible()
        page.screenshot(path=str(tmp_path / "first.png"))
        b.close()
    assert (tmp_path / "first.png").stat().st_size > 10_000


@pytest.mark.browser
def test_report_renders_in_headless_chromium(report, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser(p)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(report.as_uri())
        assert page.title() == "cchc report"
        assert page.locator("section.article").count() == 5
        assert page.locator('section.article mark[data-kind="figure"]').count() >= 60
        assert page.locator('section.article mark[data-kind="official"]').count() == 6
        mismatch = page.locator('.check[data-status="mismatch"]')
        assert mismatch.count() == 1
        assert "0,72 %" in mismatch.inner_text() and "0,24 %" in mismatch.inner_text()
        assert page.locator('#summary td[data-verdict="mismatch"]').text_content() == "1"
        late = page.locator('section.article mark[data-label="dossiers_late_rate"]').first
        assert late.is_visible() and "Tỷ lệ hồ sơ trễ hạn" in late.inner_text()
        # the check sits beside the paragraph of its sentence
        row = page.locator(".row", has=page.locator('.check[data-status="mismatch"]'))
        assert "tỷ lệ 0,72%" in row.locator(".text").inner_text()
        text_box, check_box = row.locator(".text").bounding_box(), mismatch.bounding_box()
        assert check_box["x"] > text_box["x"] + text_box["width"] - 1
        assert abs(check_box["y"] - text_box["y"]) < 200
        shot = tmp_path / "report.png"
        page.locator("section.article.has-findings").screenshot(path=str(shot))
        b.close()
    assert shot.stat().st_size > 10_000


def test_a_conflict_sits_beside_its_sentence_in_each_article():
    from extractor.api import extract_text
    from extractor.checks import check_conflicts
    from extractor.report import build

    arts = [extract_text(t, source=f"{n}.txt", prefilter=False) for n, t in enumerate((
        "Năm 2023, huyện Kiến Thụy tiếp nhận 1.245 hồ sơ, đã giải quyết 1.200 hồ sơ, đạt 96,4%.",
        "Năm 2023, huyện Kiến Thụy tiếp nhận 1.254 hồ sơ."))]
    conflicts = check_conflicts(r for a in arts for r in a)
    html = build(arts, conflicts)
    assert html.count('data-check="conflict"') == 3  # the findings list, and beside each sentence
    assert "1.245 hồ sơ / 1.254 hồ sơ" in html
    first, second = html.index('id="article-0"'), html.index('id="article-1"')
    assert html.count('class="check mismatch"', first, second) == 1 and html.count('class="check mismatch"', second) == 1
    assert "Không có gì để kiểm tra" not in html  # a conflict is something checked
