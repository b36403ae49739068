"""The HTML report, opened in a real headless Chromium (Debian's, driven by Playwright)."""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import SEEDS, run_cchc

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = run_cchc("report", str(SEEDS), "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    return out


def test_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert html.count('data-kind="check"') >= 15
    assert "3 of 1.245 is 0,2410%" in html


@pytest.mark.browser
def test_report_renders_in_headless_chromium(report, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(report.as_uri())
        assert page.title() == "cchc report"
        assert page.locator("section.article").count() == 5
        assert page.locator('mark[data-kind="figure"]').count() >= 60
        assert page.locator('mark[data-kind="official"]').count() == 6
        mismatch = page.locator('.check[data-status="mismatch"]')
        assert mismatch.count() == 1
        assert "0,72" in mismatch.inner_text()
        assert page.locator('#summary td[data-verdict="mismatch"]').inner_text() == "1"
        late = page.locator('mark[data-label="dossiers_late_rate"]').first
        assert late.is_visible()
        shot = tmp_path / "report.png"
        page.locator("#article-2").screenshot(path=str(shot))
        browser.close()
    assert shot.stat().st_size > 10_000
