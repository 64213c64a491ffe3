"""The docs site built from the repository's package: every page, anchor, quote, chart and download.

The expectations are read from the CSVs and datapackage.json with the csv
module, not through the site's own loader, so the site is checked against
the data rather than against itself.
"""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from publish import snippets
from docsite.pages import home
from conftest import REPO, rows
from damage import GD
from schemas import descriptor, numbers
from schemas.numbers import human

RECORDS = [dict(r, resource="indicators") for r in rows("indicators")] + \
          [dict(r, resource="targets") for r in rows("targets")]
PROVENANCE = rows("provenance")


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    out, built = built_site
    assert built.site_dir == out and built.records == len(RECORDS)
    return out


def page(site: Path, uri: str) -> str:
    path = site / uri
    assert path.is_file(), f"no page {uri}"
    return path.read_text(encoding="utf-8")


def text(fragment: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(site: Path, source_id: str, record_id: str) -> str:
    doc = page(site, f"sources/{source_id}.html")
    start = doc.find(f'id="{record_id}"')
    assert start >= 0, f"no anchor {record_id} on sources/{source_id}.html"
    end = doc.find("</section>", start)
    return doc[start:end]


def fold(s: str) -> str:
    return " ".join(s.split())


# ------------------------------------------------------------------ pages and anchors
def test_the_strict_build_makes_every_page(site):
    for uri in ("index.html", "figures.html", "targets.html", "charts.html", "findings.html", "dictionary.html",
                "download.html", "changelog.html", "method.html", "about.html", "sources/index.html",
                "regions/index.html", "search/search_index.json"):
        assert (site / uri).is_file(), uri
    for s in rows("sources"):
        assert s["title"] in text(page(site, f"sources/{s['source_id']}.html"))
    for r in rows("regions"):
        doc = page(site, f"regions/{r['region_id']}.html")
        assert f'<span lang="zh-Hans">{r["name_zh"]}</span>' in doc
        assert r["name_en"] in text(doc)


def test_every_record_has_its_anchor_with_its_quote_and_the_words_for_each_field(site):
    evidence = {}
    for p in PROVENANCE:
        evidence.setdefault(p["record_id"], []).append(p)
    for r in RECORDS:
        shown = fold(text(section(site, r["source_id"], r["record_id"])))
        assert fold(r["quote"]) in shown, r["record_id"]
        assert len(evidence[r["record_id"]]) >= 3  # region, indicator, year at least (qualitative aims)
        for p in evidence[r["record_id"]]:
            assert fold(p["evidence"]) in shown, (r["record_id"], p["field"])
            assert p["method"] in shown


def test_every_figure_is_two_clicks_from_home(site):
    home = page(site, "index.html")
    assert 'href="figures.html"' in home and 'href="targets.html"' in home
    for r in RECORDS:
        listing = page(site, "figures.html" if r["resource"] == "indicators" else "targets.html")
        assert f'href="sources/{r["source_id"]}.html#{r["record_id"]}"' in listing, r["record_id"]
        region = page(site, f"regions/{r['region_id']}.html")
        assert f'href="../sources/{r["source_id"]}.html#{r["record_id"]}"' in region, r["record_id"]


def test_every_link_and_image_in_the_site_resolves(site):
    ids = {}
    for path in site.rglob("*.html"):
        ids[path.relative_to(site).as_posix()] = set(re.findall(r'\sid="([^"]*)"', path.read_text("utf-8")))
    checked = 0
    for uri in ids:
        if uri == "404.html":
            continue
        for ref in re.findall(r'\s(?:href|src)="([^"]*)"', page(site, uri)):
            ref = html.unescape(ref)
            if re.match(r"^[a-z]+:|^//", ref) or not ref:
                continue
            path, _, anchor = ref.partition("#")
            target = os.path.normpath(os.path.join(os.path.dirname(uri), path)) if path else uri
            assert (site / target).exists(), f"{uri}: {ref}"
            if anchor and target.endswith(".html"):
                assert anchor in ids[target], f"{uri}: {ref}"
            checked += 1
    assert checked > 1000


def test_no_page_loads_anything_from_the_network(site):
    for path in site.rglob("*.html"):
        doc = path.read_text("utf-8")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for value in re.findall(rf"<{tag}\b[^>]*\s{attr}=\"([^\"]*)\"", doc):
                assert not re.match(r"^(?:https?:)?//", value), f"{path.name} loads {value}"


# ------------------------------------------------------------------ content from the data
def test_home_shows_headline_figures_computed_from_the_data(site):
    home = page(site, "index.html")
    desc = json.loads((REPO / "datapackage.json").read_text("utf-8"))
    gd = next(r for r in RECORDS if r["record_id"] == GD)
    row = home[home.index(f'<strong>{human(float(gd["value"]), "CNY")}</strong> in {gd["period"]}'):]
    assert row.index(f'href="sources/scmp.html#{gd["record_id"]}"') < row.index("</td>")
    seen = text(home)
    assert f"{len(rows('indicators'))} observed figures and {len(rows('targets'))} targets" in seen
    assert f"(version {desc['version']}) [Data set]" in seen
    assert desc["licenses"][0]["title"] in seen and "publishers' copyright" in seen
    assert "quote and evidence span was found verbatim in the archived article texts" in seen
    changelog = REPO / "CHANGELOG.md"
    assert changelog.is_file()
    versions = re.findall(r"(?m)^## (\[\d[^\]]*\][^\n]*)", changelog.read_text("utf-8"))
    assert versions and versions[0] in seen
    assert versions[-1] in text(page(site, "changelog.html"))


def test_home_shows_the_newest_release_and_points_at_unreleased_changes():
    log = ("# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Changed\n\n- a pending change\n\n"
           "## [0.2.0] - 2026-12-01\n\n### Added\n\n- more rows\n\n## [0.1.0] - 2026-11-22\n\n- the first\n")
    shown = home.changelog_latest(SimpleNamespace(pkg=None, changelog=log), "index.md")
    assert "### [0.2.0] - 2026-12-01" in shown and "more rows" in shown
    assert "pending change" not in shown and "0.1.0" not in shown
    assert "Changes made since this release" in shown
    nothing_pending = log.replace("### Changed\n\n- a pending change\n\n", "")
    shown = home.changelog_latest(SimpleNamespace(pkg=None, changelog=nothing_pending), "index.md")
    assert "### [0.2.0]" in shown and "Changes made since" not in shown


def test_hand_written_pages_type_no_figure_of_the_data():
    """The home, method and about pages are prose: a figure of the data typed there could go stale."""
    values = {float(r["value"]) for r in RECORDS if r["value"]}
    said = re.compile(r"\d[\d,.]*\s*(?:billion|trillion|million)?\s*(?:yuan|per cent|percent|%|exaflops)|"
                      r"\d[\d,.]*\s*(?:billion|trillion|million)")
    found = []
    for md in (REPO / "docs").glob("*.md"):
        if md.name == "benchmark.md":  # written by the benchmark from its own measurements
            continue
        for m in said.finditer(md.read_text("utf-8")):
            found += [(md.name, n.text) for n in numbers.read(m.group(0)) if float(n.value) in values]
    assert found == []


def cell_of(doc: str, record_id: str, raw: str) -> str:
    """The table cell, in the row that links to `record_id`, that holds the CSV's `raw` value unit comparator."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", doc, re.S) if f'#{record_id}"' in r)
    code = "<code>" + html.escape(raw, quote=False).replace(" ", "\u00a0") + "</code>"  # one line, as in the CSV
    return row[row.rindex("<td", 0, row.index(code)):row.index(code) + len(code)]


@pytest.mark.parametrize("uri, record_id, raw, words", [
    ("figures.html", GD, "180000000000 CNY =", "180 billion yuan"),
    ("figures.html", "beijing-ai_industry_value-2023-scmp", "250000000000 CNY >", "more than 250 billion yuan"),
    ("figures.html", "beijing-llm_share_of_national-2023-scmp", "40 percent >", "more than 40%"),
    ("figures.html", "guangdong-ai_related_companies-2023-scmp", "489000 count ~", "about 489,000"),
    ("regions/guangdong.html", GD, "180000000000 CNY =", "180 billion yuan"),
    ("targets.html", "guangdong-computing_power-by2025-ceoinsights", "40 EFLOPS >", "more than 40 exaflops"),
    ("targets.html", "china-ai_economy_revenue-by2026-techtimes", "2000000000000 CNY ~", "about 2 trillion yuan"),
    ("charts.html", GD, "180000000000 CNY =", "180 billion yuan"),
])
def test_a_value_is_in_words_beside_the_csv_value(site, uri, record_id, raw, words):
    """Words and raw value in one cell: the reader reads the one and checks the other against the CSV."""
    assert text(cell_of(page(site, uri), record_id, raw)) == f"{words} {raw}"


def test_a_source_page_says_each_figure_in_words_above_its_fields(site):
    """The record's line says the figure in words; its table of fields keeps the CSV's value as it is."""
    part = section(site, "scmp", "beijing-ai_industry_value-2023-scmp")
    assert "<strong>more than 250 billion yuan</strong>" in part
    row = next(r for r in re.findall(r"<tr>.*?</tr>", part, re.S) if re.search(r"<td[^>]*><code>value</code>", r))
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[1] == "<code>250000000000</code>"


def test_charts_are_svg_and_name_their_records(site):
    charts = page(site, "charts.html")
    value_2023 = [r["record_id"] for r in RECORDS if r["resource"] == "indicators"
                  and r["indicator"] == "ai_industry_value" and r["period"] == "2023"]
    assert len(value_2023) >= 2
    for slug in ("value-by-region", "trajectory", "observed-and-targeted"):
        svg = site / "charts" / f"{slug}.svg"
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
        assert f'src="charts/{slug}.svg"' in charts
    first = charts[charts.index('id="chart-value-by-region"'):charts.index('id="chart-trajectory"')]
    caption = first[first.index("<figcaption>"):first.index("</figcaption>")]
    assert sorted(re.findall(r"#([a-z0-9_-]+)\"", caption)) == sorted(value_2023)


def test_guangdong_computing_power_is_shown_as_targets_only(site):
    observed = [r for r in RECORDS if r["resource"] == "indicators" and r["region_id"] == "guangdong"
                and r["indicator"] == "computing_power"]
    targets = [r["record_id"] for r in RECORDS if r["resource"] == "targets" and r["region_id"] == "guangdong"
               and r["indicator"] == "computing_power"]
    charts = page(site, "charts.html")
    part = charts[charts.index('id="chart-trajectory"'):charts.index('id="chart-observed-and-targeted"')]
    said = "No observed Computing power figure for Guangdong is in the package" in text(part)
    assert said == (not observed)
    for rid in targets:
        assert f"#{rid}\"" in part
    assert 'src="../charts/trajectory.svg"' in page(site, "regions/guangdong.html")


def test_findings_page_names_every_finding_with_its_records_and_articles(site, repo_report_archived):
    doc = page(site, "findings.html")
    for f in rows("findings"):
        start = doc.index(f'id="finding-{f["finding_id"]}"')
        part = doc[start:doc.find("</dl>", start)]
        assert fold(f["evidence"]) in text(part) and fold(f["summary"]) in text(part)
        for rid in f["records"].split():
            src = next(r["source_id"] for r in RECORDS if r["record_id"] == rid)
            assert f'href="sources/{src}.html#{rid}"' in part
    report = repo_report_archived
    assert report.findings
    shown = text(doc)
    for f in report.findings:
        assert f.summary in shown
        for r in f.records:
            assert f'href="sources/{r["source_id"]}.html#{r["record_id"]}"' in doc
    summary = doc[doc.index('id="summary"'):doc.index('id="problems-in-the-sources"')]
    for i, f in enumerate(report.findings):
        anchor = f"check-{f.check}-{sum(g.check == f.check for g in report.findings[:i + 1])}"
        assert (f'href="#{anchor}"' in summary) == (f.status in ("conflict", "disagrees", "outside_band")), anchor


def test_dictionary_describes_every_resource_field_and_indicator(site):
    doc = page(site, "dictionary.html")
    desc = descriptor.load(REPO)
    for name, res in desc.resources.items():
        assert f'id="{name}"' in doc
        for f in res.fields:
            assert f'id="{name}-{f.name}"' in doc
            assert html.escape(f.description) in doc
        for key in res.primary_key:
            assert f"<code>{key}</code>" in doc
    for d in rows("indicator_definitions"):
        start = doc.index(f'id="ind-{d["indicator"]}"')
        row = text(doc[start:doc.index("</dl>", start)])
        assert d["label"] in row and (d["unit"] or "qualitative") in row


def test_downloads_are_copies_of_the_package(site):
    doc = page(site, "download.html")
    for res in descriptor.load(REPO).resources.values():
        assert (site / res.path).read_bytes() == (REPO / res.path).read_bytes()
        assert f'href="{res.path}"' in doc
    assert (site / "datapackage.json").read_bytes() == (REPO / "datapackage.json").read_bytes()
    for tab in ("frictionless (Python)", "pandas", "R", "DuckDB", "Spreadsheet"):
        assert f">{tab}</label>" in doc
    assert "frictionless validate datapackage.json" in text(doc)


def test_the_pandas_snippet_reads_every_table_with_its_types(monkeypatch):
    monkeypatch.chdir(REPO)
    scope: dict = {}
    exec(snippets.pandas(descriptor.load(REPO)), scope)
    ind = scope["indicators"]
    assert len(ind) == len(rows("indicators"))
    assert str(ind["period"].dtype) == "Int64" and ind["value"].dtype == "float64"
    assert isinstance(ind["record_id"].dtype, pd.StringDtype)
    assert ind["equivalent_of"].isna().sum() == sum(1 for r in rows("indicators") if not r["equivalent_of"])
    defs = scope["read"]("indicator_definitions")
    assert str(defs["qualitative"].dtype) == "boolean" and defs["qualitative"].sum() == \
        sum(r["qualitative"] == "true" for r in rows("indicator_definitions"))
    sources = scope["read"]("sources")
    assert str(sources["published_earliest"].dtype).startswith("datetime64")


@pytest.mark.parametrize("name", ["it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\there", "new\nline"])
def test_the_pandas_snippet_is_python_for_any_file_or_field_name(package, monkeypatch, name):
    """A path or field name is text from the descriptor: the snippet must spell it as a Python literal whatever
    it holds (quotes, backslashes, line breaks), and read the table with it."""
    path = package / "datapackage.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in raw["resources"] if r["name"] == "indicators")
    old = package / res["path"]
    res["path"] = f"data/{name}.csv"
    res["schema"]["fields"][-1]["name"] = name  # notes
    text = old.read_text(encoding="utf-8")
    old.unlink()
    head, rest = text.split("\n", 1)
    header = head.split(",")
    header[-1] = '"' + name.replace('"', '""') + '"'
    (package / res["path"]).write_text(",".join(header) + "\n" + rest, encoding="utf-8")
    path.write_text(json.dumps(raw), encoding="utf-8")
    code = snippets.pandas(descriptor.load(package))
    compile(code, "snippet", "exec")
    monkeypatch.chdir(package)
    scope: dict = {}
    exec(code, scope)
    assert scope["FILES"]["indicators"] == f"data/{name}.csv"
    assert scope["indicators"].columns[-1] == name and str(scope["indicators"][name].dtype) == "string"
    assert len(scope["indicators"]) == len(rows("indicators"))


def test_the_duckdb_snippet_loads_every_table_with_its_types(monkeypatch):
    import duckdb  # a test requirement (requirements-test.txt)

    monkeypatch.chdir(REPO)
    con = duckdb.connect()
    sql = snippets.duckdb(descriptor.load(REPO))
    *creates, query = [s for s in sql.split(";") if s.strip()]
    for statement in creates:
        con.execute(statement)
    for name in ("indicators", "targets", "provenance", "regions"):
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == len(rows(name))
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'indicators'").fetchall())
    assert types["period"] == "BIGINT" and types["value"] == "DOUBLE"
    top = con.execute(query).fetchall()
    assert top[0][3] == max(float(r["value"]) for r in rows("indicators") if r["indicator"] == "ai_industry_value")


def test_the_frictionless_snippet_runs(monkeypatch):
    monkeypatch.chdir(REPO)
    out = subprocess.run([sys.executable, "-c", snippets.frictionless() + "\nprint(len(indicators))"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", str(len(rows("indicators")))]


def test_make_docs_builds_the_site_end_to_end():
    env = dict(os.environ)
    out = subprocess.run(["make", "docs"], cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "docs: built" in out.stdout
    assert (REPO / "site" / "index.html").is_file()
    assert "Traceback" not in out.stderr


def test_each_source_page_lists_its_numbers_that_are_not_figures_and_why(site):
    aside = rows("set_aside")
    for s in rows("sources"):
        doc = page(site, f"sources/{s['source_id']}.html")
        start = doc.find("Numbers in this article that are not figures, and why")
        assert start >= 0, s["source_id"]
        shown = text(doc[start:])
        mine = [r for r in aside if r["source_id"] == s["source_id"]]
        for r in mine:
            said = f"{fold(r['span'])} {r['reason'].replace('_', ' ')}"
            assert said in shown and fold(r["note"]) in shown, (s["source_id"], r["span"])
            for record in (r["indicator_record"], r["target_record"]):
                if record:
                    assert re.search(rf'href="[^"]*#{record}"', doc[start:]), record
        if not mine:
            assert "No number of this article is set aside." in shown, s["source_id"]
