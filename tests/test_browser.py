"""The built site in a real browser: Debian's Chromium, headless, the site served on 127.0.0.1.

Opens the home page, a source page and a region page and checks what a reader
sees: the key text, and that every chart image really loaded. The only test
of the suite that may skip, and only when no Chromium is installed.
"""
from __future__ import annotations

import functools
import json
import http.server
import shutil
import threading

import pytest

from conftest import REPO, rows
from schemas.numbers import human

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install -y chromium; "
                                                          ".ci/run installs it)")


def row(name: str, key: str, value: str) -> dict:
    return next(r for r in rows(name) if r[key] == value)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports what matters; the access log would bury it
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory, built_site):
    site = tmp_path_factory.mktemp("browser") / "site"
    shutil.copytree(built_site[0], site)  # the page added here must not reach the shared site
    (site / "broken-image.html").write_text('<img src="charts/no-such-chart.svg" alt="missing">', "utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(served, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, headless=True, args=FLAGS)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        try:
            yield context, requests
        finally:
            context.close()


def open_page(browser, url: str):
    context, _ = browser
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    return page


def heading(page) -> str:
    """The page's h1 as shown, without the permalink sign the theme appends to Markdown headings."""
    return page.locator("article h1").inner_text().rstrip("¶").strip()


def images(page) -> list[dict]:
    """Each image of the page's content: whether the browser could decode it."""
    return page.evaluate("""() => Array.from(document.images).map(i => (
        {src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0}))""")


def test_the_image_check_sees_a_broken_image(browser, served):
    page = open_page(browser, f"{served}/broken-image.html")
    assert images(page) == [{"src": "charts/no-such-chart.svg", "loaded": False}]


def test_home_page_shows_its_headline_figures_and_chart(browser, served):
    page = open_page(browser, f"{served}/index.html")
    title = json.loads((REPO / "datapackage.json").read_text("utf-8"))["title"]
    assert heading(page) == title
    gd = row("indicators", "record_id", "guangdong-ai_industry_value-2023-scmp")
    headline = page.locator("table").first.inner_text()
    assert human(float(gd["value"]), gd["unit"]) in headline and "Guangdong" in headline
    charts = [i for i in images(page) if i["src"].startswith("charts/")]
    assert charts and all(i["loaded"] for i in charts), charts


def test_a_source_page_shows_the_article_and_the_words_behind_each_field(browser, served):
    src = row("sources", "source_id", "ceoinsights")
    rec = row("targets", "record_id", "guangdong-computing_power-by2025-ceoinsights")
    page = open_page(browser, f"{served}/sources/ceoinsights.html#{rec['record_id']}")
    assert heading(page) == src["title"]
    record = page.locator(f"section:has(h3#{rec['record_id']})")
    assert record.is_visible()
    assert rec["quote"] in " ".join(record.locator("blockquote").inner_text().split())
    fields = record.locator("table tbody tr").all_inner_texts()
    value = next(p for p in rows("provenance") if p["record_id"] == rec["record_id"] and p["field"] == "value")
    assert ["value", rec["value"], value["evidence"], value["method"]] in [f.split("\t")[:4] for f in fields]
    assert src["sha256"] in page.locator("article").inner_text()


def test_a_region_page_shows_its_chinese_name_figures_and_charts(browser, served):
    region = row("regions", "region_id", "guangdong")
    page = open_page(browser, f"{served}/regions/guangdong.html")
    assert heading(page) == f"{region['name_en']} ({region['name_zh']})"
    assert page.locator('span[lang="zh-Hans"]').first.inner_text() == region["name_zh"]
    body = page.locator("article").inner_text()
    assert "No observed Computing power figure for Guangdong is in the package" in body
    charts = [i for i in images(page) if "charts/" in i["src"]]
    assert len(charts) >= 2 and all(i["loaded"] for i in charts), charts


def test_the_site_search_finds_a_record(browser, served):
    # ?q= opens the theme's search with the query typed in; the index loads in a web worker
    page = open_page(browser, f"{served}/index.html?q=Guizhou")
    page.locator(".md-search-result__item").first.wait_for(timeout=60000)
    assert "Guizhou" in page.locator(".md-search-result").inner_text()


def test_nothing_was_fetched_from_beyond_the_local_server(browser, served):
    _, requests = browser
    assert requests, "the tests before this one made requests"
    outside = [u for u in requests if not u.startswith(served + "/") and not u.startswith(("data:", "blob:"))]
    assert outside == []
