"""The built site in a real browser: Debian's Chromium, headless, the site served on 127.0.0.1.

Opens the home page, a source page and a region page and checks what a reader
sees: the key text, and that every chart image really loaded. Then, for every
kind of page, at 1,400 px and on a 390 px phone: that nothing is wider than the
page but a table of figures in its own keyboard-reachable scroll box, and that
axe-core (node_modules, which `make test` installs with `npm ci`) finds no
serious or critical accessibility fault. The search is typed into as a reader
types, in English and in Chinese, and the 404 page is shown under a subpath as
a GitHub Pages project site serves it. The only test of the suite that may
skip, and only when no Chromium is installed.
"""
from __future__ import annotations

import functools
import json
import http.server
import os
import shutil
import threading
from collections import defaultdict

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
def site_folder(tmp_path_factory, built_site):
    site = tmp_path_factory.mktemp("browser") / "site"
    shutil.copytree(built_site[0], site)  # the page added here must not reach the shared site
    (site / "broken-image.html").write_text('<img src="charts/no-such-chart.svg" alt="missing">', "utf-8")
    return site


def serve(folder, handler) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def served(site_folder):
    server = serve(site_folder, Quiet)
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


# ---- search in Chinese and English ----

def search(browser, served, words: str) -> list[str]:
    """The pages the site search lists for `words`, typed into the search box as a reader types them."""
    page = open_page(browser, f"{served}/index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(words)
    # The theme reads the box on keyup. Chinese typed through an input method ends with a key that commits the
    # characters; Playwright inserts them without one, so a key is pressed here as that commit.
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    found = page.locator(".md-search-result__item > a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    page.close()
    return found


@pytest.mark.parametrize("words, region_id", [("广东", "guangdong"), ("深圳", "shenzhen"), ("北京市", "beijing"),
                                              ("Guangdong", "guangdong")])
def test_the_search_finds_a_region_by_its_chinese_or_english_name(browser, served, words, region_id):
    found = search(browser, served, words)
    if words.isascii():  # in English the name is in many headlines too: the region page is among them
        assert f"/regions/{region_id}.html" in found
    else:  # in Chinese it is on the region page alone (and the list of regions)
        assert row("regions", "region_id", region_id)["name_zh"].startswith(words)
        assert found[0] == f"/regions/{region_id}.html"


# ---- every kind of page fits the screen and has no serious accessibility fault ----

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGE_TYPES = ["index.html", "dictionary.html", "download.html", "figures.html", "targets.html",
              "regions/guangdong.html", "sources/ceoinsights.html", "findings.html", "charts.html", "about.html",
              "method.html", "benchmark.html", "changelog.html", "sources/index.html", "regions/index.html",
              "no-such-page.html"]  # the last is the 404 page, as the server shows it
WIDTHS = {"desktop": 1400, "phone": 390}

# Each element of the page's content that reaches beyond the screen's width, unless a scroll box it sits in
# is allowed to scroll; and each box that scrolls sideways, with what allows it or not.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1;
  const boxes = Array.from(document.querySelectorAll('.md-content *')).filter(scrolls).map(el => {
    const table = el.querySelector('table');
    return {el, what: el.tagName.toLowerCase() + '.' + el.className,
            code: el.matches('pre > code'), table: Boolean(table) && !table.hasAttribute('data-stack'),
            stop: el.tabIndex === 0 && Boolean(el.getAttribute('aria-label'))};
  });
  const beyond = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || (r.left >= -0.5 && r.right <= width + 0.5)) continue;
    if (boxes.some(b => b.el.contains(el) && b.el !== el)) continue;
    beyond.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {width, page: document.documentElement.scrollWidth, beyond,
          boxes: boxes.map(({el, ...b}) => b)};
}"""


class SiteAndMissing(Quiet):
    """The site, with its 404.html for a missing path, as a static host (GitHub Pages) serves it."""

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            return super().send_error(code, message, explain)
        body = open(page, "rb").read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class UnderSubpath(SiteAndMissing):
    """The site at /proj/ (a GitHub Pages project site); nothing is at the host's root."""

    def translate_path(self, path):
        return super().translate_path(path[len("/proj"):] if path.startswith("/proj/") else "/no-such-folder/")


@pytest.fixture(scope="module")
def hosts(site_folder):
    """(the site at a host's root, the site under /proj/), both with the 404 page for a missing path."""
    servers = [serve(site_folder, SiteAndMissing), serve(site_folder, UnderSubpath)]
    try:
        yield tuple(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()


@pytest.fixture(scope="module")
def axe_script() -> str:
    if not AXE.is_file():
        pytest.fail(f"no axe-core at {AXE}: run `npm ci` in the repository (make test does)")
    return str(AXE)


def open_at(browser, url: str, width: int):
    context, _ = browser
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    return page, response.status


def fit(page) -> dict:
    page.wait_for_timeout(50)  # the theme wraps tables and aidata.js marks the scroll boxes on load
    return page.evaluate(MEASURE)


def serious(page, axe_script: str) -> list[str]:
    page.add_script_tag(path=axe_script)
    found = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)
    )""")
    return found


@pytest.mark.parametrize("screen", WIDTHS)
@pytest.mark.parametrize("uri", PAGE_TYPES)
def test_every_kind_of_page_fits_the_screen_and_has_no_serious_accessibility_fault(browser, hosts, axe_script,
                                                                                   uri, screen):
    width = WIDTHS[screen]
    page, status = open_at(browser, f"{hosts[0]}/{uri}", width)
    assert status == (404 if uri.startswith("no-such") else 200)
    measured = fit(page)
    assert measured["page"] <= measured["width"], f"the page scrolls sideways: {measured}"
    assert measured["beyond"] == [], f"wider than the {width} px screen: {measured['beyond'][:10]}"
    boxes = [b for b in measured["boxes"] if not b["code"]]  # a line of code scrolls rather than wraps
    if screen == "desktop":
        assert boxes == [], f"tables that do not fit at {width} px: {boxes}"
    else:
        assert all(b["table"] for b in boxes), f"only a table of figures may scroll: {boxes}"
        assert all(b["stop"] for b in boxes), f"a scroll box the keyboard cannot reach, or without a name: {boxes}"
    assert serious(page, axe_script) == []
    page.close()


def test_the_fit_check_sees_a_table_wider_than_the_phone(browser, hosts):
    page, _ = open_at(browser, f"{hosts[0]}/index.html", 390)
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'x'.repeat(40);
        p.style.cssText = 'width: 900px'; document.querySelector('article').append(p); }""")
    assert fit(page)["beyond"]
    page.close()


def test_axe_reports_a_serious_fault_when_there_is_one(browser, hosts, axe_script):
    page, _ = open_at(browser, f"{hosts[0]}/index.html", 1400)
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'pale';
        p.style.color = '#eeeeee'; document.querySelector('article').append(p); }""")
    assert any(v.startswith("color-contrast") for v in serious(page, axe_script))
    page.close()


def test_the_404_page_is_styled_and_links_home_under_a_subpath(browser, hosts):
    page, status = open_at(browser, f"{hosts[1]}/proj/regions/no/such/page.html", 1400)
    assert status == 404
    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href).filter(Boolean)")
    assert f"{hosts[1]}/proj/assets/aidata.css" in sheets, sheets
    # styled: the theme's header has its colour (an unstyled page's header is transparent)
    assert page.locator(".md-header").evaluate("h => getComputedStyle(h).backgroundColor") != "rgba(0, 0, 0, 0)"
    home = page.locator("a.md-header__button.md-logo").evaluate("a => a.href")
    assert home == f"{hosts[1]}/proj/index.html"
    assert page.locator("article a", has_text="home page").evaluate("a => a.href") == home
    assert page.goto(home).ok
    page.close()


@pytest.mark.parametrize("uri", ["sources/ceoinsights.html", "sources/scmp.html", "targets.html"])
def test_links_that_read_the_same_go_to_the_same_place(browser, served, uri):
    page = open_page(browser, f"{served}/{uri}")
    links = page.locator("article a[href]:not(.headerlink)").evaluate_all(
        "links => links.map(a => [a.innerText.trim(), a.getAttribute('href')])")
    targets = defaultdict(set)
    for name, href in links:
        targets[name].add(href)
    assert links and {n: sorted(h) for n, h in targets.items() if len(h) > 1} == {}
    page.close()


@pytest.mark.parametrize("uri", ["download.html", "findings.html", "sources/ceoinsights.html"])
def test_the_dark_palette_has_no_serious_accessibility_fault(browser, hosts, axe_script, uri):
    context, _ = browser
    page = context.new_page()
    page.emulate_media(color_scheme="dark")  # the theme's palette follows the reader's system setting
    assert page.goto(f"{hosts[0]}/{uri}").ok
    # unless the reader chose one: the theme keeps the palette of an earlier page in localStorage
    page.evaluate("localStorage.clear()")
    assert page.reload().ok
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert serious(page, axe_script) == []
    page.close()
