"""How the docs build fails, escapes hostile text, finds the release, and audits what it built.

Each case builds a damaged or edited copy of the package (tests/conftest.py
copies it) and checks what a reader or a maintainer would see.
"""
from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import MkDocsException

from publish import distfiles
from docsite import audit, build, package, repository
from conftest import REPO, copy_package, table
from damage import GD
from schemas import descriptor

DOCS = [sys.executable, str(REPO / "scripts" / "docs.py"), "build"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCS, *args], capture_output=True, text=True, timeout=600)


def earlier_site(path: Path) -> bytes:
    """A stand-in for an earlier build, whose bytes must survive a failed build."""
    path.mkdir(parents=True)
    (path / "index.html").write_text("<p>the earlier build</p>\n", encoding="utf-8")
    return (path / "index.html").read_bytes()


def all_html(site: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted(site.rglob("*.html")))


def project(tmp_path: Path) -> Path:
    """A copy of the docs project (mkdocs.yml and docs/, with the code linked) whose pages a test may edit."""
    out = tmp_path / "project"
    out.mkdir()
    shutil.copy(REPO / "mkdocs.yml", out / "mkdocs.yml")
    shutil.copytree(REPO / "docs", out / "docs")
    (out / "docsite").symlink_to(REPO / "docsite")
    return out


# ------------------------------------------------------------------ failed builds
def test_an_invalid_package_prints_the_report_and_leaves_the_site(package, tmp_path, archive):
    t = table(package, "indicators")
    t.set(t.line_of("record_id", GD), "value", "a lot").save()
    site = tmp_path / "site"
    before = earlier_site(site)
    out = run("--root", str(package), "--site-dir", str(site), "--archive", str(archive))
    assert out.returncode == 1
    assert "data/indicators.csv:2:value" in out.stdout and "INVALID" in out.stdout
    assert "the existing site is unchanged" in out.stderr and "Traceback" not in out.stderr
    assert (site / "index.html").read_bytes() == before and sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert not list(tmp_path.glob(".site.building-*"))


def test_a_strict_mode_warning_fails_the_build_and_leaves_the_site(package, tmp_path):
    proj = project(tmp_path)
    (proj / "docs" / "method.md").write_text("# Method\n\nSee [the missing page](missing.md).\n", "utf-8")
    site = proj / "site"
    before = earlier_site(site)
    with pytest.raises(MkDocsException, match="warnings in strict mode"):
        build.build(package, site, None, config_file=proj / "mkdocs.yml")
    assert (site / "index.html").read_bytes() == before
    assert not list(proj.glob(".site.building-*"))
    # the same project without the broken link builds: the failure was the link
    (proj / "docs" / "method.md").write_text("# Method\n\nSee [the figures](figures.md).\n", "utf-8")
    build.build(package, site, None, config_file=proj / "mkdocs.yml")
    assert "the earlier build" not in (site / "index.html").read_text("utf-8")


def test_an_unknown_marker_in_a_hand_written_page_fails_the_build(package, tmp_path, capsys):
    proj = project(tmp_path)
    (proj / "docs" / "about.md").write_text("# About\n\n<!-- aidata:no-such-thing -->\n", "utf-8")
    with pytest.raises(MkDocsException, match="BuildError"):
        build.build(package, proj / "site", None, config_file=proj / "mkdocs.yml")
    assert "docs/about.md: unknown marker <!-- aidata:no-such-thing -->" in capsys.readouterr().err


def test_the_benchmark_page_is_shown_under_data_when_the_benchmark_wrote_it(package, tmp_path):
    proj = project(tmp_path)
    (proj / "docs" / "benchmark.md").write_text("# Benchmark\n\nHow long the checks take.\n", "utf-8")
    build.build(package, proj / "site", None, config_file=proj / "mkdocs.yml")
    page = (proj / "site" / "figures.html").read_text("utf-8")  # any page outside the Data section
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link', page)
    assert links[links.index("dictionary.html"):][:3] == ["dictionary.html", "download.html", "benchmark.html"]
    assert (proj / "site" / "benchmark.html").is_file()


def test_a_folder_that_is_not_a_site_is_never_replaced(package, tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("months of work\n", encoding="utf-8")
    out = run("--root", str(package), "--site-dir", str(precious))
    assert out.returncode == 1 and "not an earlier build of the site" in out.stderr
    assert (precious / "thesis.txt").read_text("utf-8") == "months of work\n"


def test_a_record_id_in_both_record_tables_is_refused(package, tmp_path):
    """The site names a record's anchor by its record_id alone: the validator refuses one id in both tables."""
    taken = "beijing-registered_ai_companies-2025-techbuzzpro"  # an observed figure's id
    renamed = "shanghai-new_data_centers-by2025-techbuzzpro"  # a target's, given that id below
    t = table(package, "targets")
    t.set(t.line_of("record_id", renamed), "record_id", taken).save()
    p = table(package, "provenance")
    lines = p.lines_of("record_id", renamed)
    assert lines
    for line in lines:
        p.set(line, "record_id", taken)
    p.save()
    out = run("--root", str(package), "--site-dir", str(tmp_path / "site"))
    assert out.returncode == 1 and not (tmp_path / "site").exists()
    assert f":record_id: record_id {taken!r} is also a record of indicators.csv" in out.stdout + out.stderr


def test_no_descriptor_is_unusable_input(tmp_path):
    out = run("--root", str(tmp_path), "--site-dir", str(tmp_path / "site"))
    assert out.returncode == 2 and "no datapackage.json here" in out.stderr and "Traceback" not in out.stderr


# ------------------------------------------------------------------ hostile text
HOSTILE = '<script>alert("{}")</script>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A copy whose free-text cells hold markup, Markdown and a URL that tries to leave its attribute
    (built without the archive, since the edited cells are not the articles' words)."""
    pkg = copy_package(tmp_path_factory.mktemp("hostile") / "pkg")
    edits = [("indicators", "record_id", GD, "notes",
              HOSTILE.format("notes") + " **bold** [a](http://x.test)\n\n<b>after a blank line</b>"),
             ("targets", "record_id", "guangdong-ai_industry_value-by2025-scmp", "plan", HOSTILE.format("plan")),
             ("sources", "source_id", "scmp", "publisher", "SCMP " + HOSTILE.format("publisher")),
             ("sources", "source_id", "scmp", "url", 'https://x.test/"onmouseover="alert(1)'),
             ("regions", "region_id", "shenzhen", "name_en", "Shen<i>zhen</i> $x$ </title>"),
             ("indicator_definitions", "indicator", "ai_industry_value", "label",
              "</title>" + HOSTILE.format("label")),
             ("findings", "finding_id", "scmp-ai-tigers-count", "summary", HOSTILE.format("finding"))]
    for name, key, value, field, text in edits:
        t = table(pkg, name)
        t.set(t.line_of(key, value), field, text).save()
    build.build(pkg, pkg / "site", None)
    return pkg / "site"


def test_hostile_text_shows_as_text_and_never_runs(hostile):
    everything = all_html(hostile)
    for where in ("notes", "plan", "publisher", "label", "finding"):
        assert HOSTILE.format(where) not in everything, where
        assert html.escape(HOSTILE.format(where)) in everything, where
    assert "<i>zhen" not in everything and "Shen&lt;i&gt;zhen&lt;/i&gt; $x$" in everything
    assert "<b>after a blank line</b>" not in everything and "&lt;b&gt;after a blank line" in everything
    assert "<strong>bold</strong>" not in everything and 'href="http://x.test"' not in everything
    assert '"onmouseover="' not in everything and "https://x.test/&quot;onmouseover=&quot;alert(1)" in everything
    assert not re.search(r"<title>[^<]*</title>\s*<script", everything)


def test_hostile_titles_are_escaped_in_the_navigation_and_the_title_bar(hostile):
    doc = (hostile / "sources" / "scmp.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", doc, re.S).group(1)
    assert html.unescape(title).startswith("SCMP " + HOSTILE.format("publisher"))
    assert "<script>" not in title
    nav = (hostile / "index.html").read_text("utf-8")
    assert "SCMP &lt;script&gt;alert(&quot;publisher&quot;)&lt;/script&gt;" in nav
    region = (hostile / "regions" / "shenzhen.html").read_text("utf-8")
    assert re.search(r"<title>Shen&lt;i&gt;zhen&lt;/i&gt; \$x\$ &lt;/title&gt; \(", region)


def test_chart_labels_are_drawn_not_parsed(hostile):
    svg = (hostile / "charts" / "value-by-region.svg").read_text("utf-8")
    assert "<script" not in svg and "<i>" not in svg
    assert "Shen&lt;i&gt;zhen&lt;/i&gt; $x$ &lt;/title&gt;" in svg  # kept as an escaped comment beside its glyphs


# ------------------------------------------------------------------ the release on the download page
def test_the_download_page_says_to_run_make_release_when_there_is_none(hostile):
    doc = (hostile / "download.html").read_text("utf-8")
    assert "Run <code>make release</code>, then <code>make docs</code>" in doc
    assert not (hostile / "downloads").exists()


def fake_release(package: Path, files: dict[str, bytes], listed: dict[str, bytes] | None = None) -> None:
    """A hand-made dist/ in `package`: `files` (name: bytes) written, and this version's checksum list naming
    `listed` (default: `files`) with the checksums of their bytes."""
    desc = descriptor.load(package)
    dist = package / "dist"
    for name, data in files.items():
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_bytes(data)
    listed = files if listed is None else listed
    (dist / distfiles.sums_name(desc)).write_text(
        "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in listed.items()), encoding="utf-8")


def test_the_download_page_copies_and_links_this_versions_release(package, tmp_path):
    desc = descriptor.load(package)
    stem = distfiles.stem(desc)
    files = {f"{stem}.zip": b"zip", f"{stem}.sqlite": b"sqlite", f"{stem}.xlsx": b"xlsx",
             f"{stem}-parquet/indicators.parquet": b"parquet"}
    fake_release(package, files)
    dist = package / "dist"
    (dist / f"{desc.name}-0.0.9.zip").write_bytes(b"an older version")
    (dist / f"{stem}-rc1.zip").write_bytes(b"another version")
    site = tmp_path / "site"
    build.build(package, site, None)
    doc = (site / "download.html").read_text("utf-8")
    for name, data in files.items():
        assert (site / "downloads" / name).read_bytes() == data
        assert f'href="downloads/{name}"' in doc and hashlib.sha256(data).hexdigest() in doc
    assert "0.0.9" not in doc and "rc1" not in doc
    assert 'href="downloads/' + f'{stem}.xlsx">Excel workbook</a>' in doc


def test_a_release_file_changed_since_the_release_is_not_offered(package, tmp_path):
    stem = distfiles.stem(descriptor.load(package))
    fake_release(package, {f"{stem}.zip": b"zip", f"{stem}.sqlite": b"sqlite, changed after the release"},
                 listed={f"{stem}.zip": b"zip", f"{stem}.sqlite": b"sqlite"})
    site = tmp_path / "site"
    proc = run("--root", str(package), "--site-dir", str(site))
    assert proc.returncode == 1
    assert f"dist/{stem}.sqlite: changed since the release that dist/{stem}.sha256 lists" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and not site.exists()


# ------------------------------------------------------------------ the audit and the repository link
@pytest.fixture(scope="module")
def built(built_site, archive):
    site, _ = built_site
    return site, package.load(REPO, archive)


def damaged(built, tmp_path, uri: str, old: str, new: str) -> list[str]:
    site, pkg = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    path = copy / uri
    text = path.read_text("utf-8")
    assert old in text, f"the damage needs {old!r} in {uri}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return audit.check(copy, pkg)


def test_the_audit_passes_the_site_as_built(built):
    assert audit.check(*built) == []


def test_the_audit_finds_a_quote_missing_from_its_record(built, tmp_path):
    site, pkg = built
    quote = html.escape(pkg.record(GD).quote)
    problems = damaged(built, tmp_path, "sources/scmp.html", quote, "gone")
    assert any(p.startswith(f"record {GD}: sources/scmp.html does not show its quote") for p in problems)


def test_the_audit_finds_a_broken_link_and_a_missing_anchor(built, tmp_path):
    problems = damaged(built, tmp_path, "figures.html", f'href="sources/scmp.html#{GD}"',
                       'href="sources/nowhere.html#x"')
    assert "figures.html: link 'sources/nowhere.html#x' reaches no file of the site" in problems
    assert f"record {GD}: figures.html has no row linking to it" in problems
    problems = damaged(built, tmp_path / "2", "sources/scmp.html", f'<h3 id="{GD}">', '<h3 id="renamed">')
    assert f"record {GD}: no anchor on sources/scmp.html" in problems
    assert any("names no anchor of sources/scmp.html" in p for p in problems)


def test_the_audit_finds_a_region_page_without_its_chinese_name(built, tmp_path):
    site, pkg = built
    zh = pkg.regions.at["guangdong", "name_zh"]
    problems = damaged(built, tmp_path, "regions/guangdong.html", f'<span lang="zh-Hans">{zh}</span>', "")
    problems = [p for p in problems if p.startswith("region guangdong")]
    assert problems and "does not show its Chinese name" in problems[0]


@pytest.mark.parametrize("remote, url", [
    ("https://github.com/owner/repo.git\n", "https://github.com/owner/repo"),
    ("https://user:secret-token@gitlab.example.org/group/repo", "https://gitlab.example.org/group/repo"),
    ("git@github.com:owner/repo.git", "https://github.com/owner/repo"),
    ("http://git.example.org/repo/", "http://git.example.org/repo"),
    ("/srv/git/repo.git", None),
    ("file:///srv/git/repo.git", None),
    ("ssh://git@host/repo.git", None),
    ("", None),
])
def test_the_repository_link_comes_only_from_a_public_remote(remote, url):
    assert repository.public_url(remote) == url


def test_the_site_links_the_repository_only_when_git_names_one(built):
    site, _ = built
    about = (site / "about.html").read_text("utf-8")
    url = repository.origin(REPO)
    if url is None:
        assert "found no public address for the repository" in about and 'class="md-source"' not in about
    else:
        assert f'href="{url}"' in about and 'class="md-source"' in about


# ------------------------------------------------------------------ hostile text in every text field
def _payload(where: str) -> str:
    """Markup, an entity, quotes and Markdown, table and template specials, tagged with where it was put."""
    return (f' <script>alert("{where}")</script> &amp; & "q" \'s\' *em* _u_ `c` [l](http://x.test) | p | # h '
            '{{ "jinja"|upper }} $m$ <b>b</b>')


# one row of each table whose free text is damaged (a provenance row of a field the checks do not read
# without the archive)
ROWS = {"sources": ("source_id", "scmp"), "regions": ("region_id", "shenzhen"),
        "indicator_definitions": ("indicator", "ai_industry_value"), "indicators": ("record_id", GD),
        "targets": ("record_id", "guangdong-ai_industry_value-by2025-scmp"),
        "provenance": (("record_id", "field"), (GD, "region_id")), "findings": ("finding_id", "scmp-ai-tigers-count")}


def _free_text_fields(desc) -> list[tuple[str, str]]:
    """Every text field whose value is free text (no enum, pattern or format), of every table, from the
    descriptor: a field added later is covered without a change here."""
    return [(name, f.name) for name, res in desc.resources.items() for f in res.fields
            if f.type == "string" and not f.format and not {"enum", "pattern"} & set(f.constraints)]


@pytest.fixture(scope="module")
def hostile_everywhere(tmp_path_factory) -> tuple[Path, list[tuple[str, str]]]:
    pkg = copy_package(tmp_path_factory.mktemp("everywhere") / "pkg")
    fields = _free_text_fields(descriptor.load(pkg))
    for name in {n for n, _ in fields}:
        t = table(pkg, name)
        line = t.line_of(*ROWS[name]) if name in ROWS else 2  # a table added later: its first row
        for n, field in fields:
            if n == name:  # appended: the cell keeps the words (and numbers) the checks read
                t.set(line, field, t.get(line, field) + _payload(f"{name}.{field}"))
        t.save()
    build.build(pkg, pkg / "site", None)
    return pkg / "site", fields


def test_every_text_field_of_every_table_is_escaped_on_every_page(hostile_everywhere):
    site, fields = hostile_everywhere
    assert len(fields) >= 18  # every free text column of the seven tables
    pages = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in sorted(site.rglob("*.html"))}
    for page, doc in pages.items():
        assert '<script>alert("' not in doc, page
        assert "<b>b</b>" not in doc and "<em>em</em>" not in doc and 'href="http://x.test"' not in doc, page
        assert "JINJA" not in doc, page  # no template ran on the text
    everything = "\n".join(pages.values())
    shown = {f"{n}.{f}" for n, f in fields
             if html.escape(_payload(f"{n}.{f}"), quote=False).strip() in everything
             or html.escape(_payload(f"{n}.{f}")).strip() in everything}
    # every one is shown somewhere, whole and escaped (so the check above saw each of them on a page)
    assert {f"{n}.{f}" for n, f in fields} - shown == set()
