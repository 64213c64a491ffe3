"""What the contributor's tests share: an article written for them (made up, copied from nowhere), a saved-page
rendering of an archived text, the folders laid out as CONTRIBUTING.md has them, and a person's finishing of
the drafts that `todo` writes."""
from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import REPO, VENV_BIN

SOURCE_ID = "example-news"  # made from the made-up page's publisher, as CONTRIBUTING.md's example has it
# An article written for these tests: a made-up story about real places (the package's regions), with a
# dateline (not a figure), an observed figure, a target, and typographic quotes and a non-breaking space.
ARTICLE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Shenzhen\u2019s AI makers expand | Example News</title>
<meta property="og:title" content="Shenzhen\u2019s AI makers expand">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://news.example/shenzhen-ai-makers-expand">
<meta name="author" content="Ada Writer">
<meta property="article:published_time" content="2025-03-05">
</head><body>
<nav><a href="/">Home</a> | <a href="/tech">Tech</a> | <a href="/world">World</a></nav>
<article>
<h1>Shenzhen\u2019s AI makers expand</h1>
<p class="dateline">Published 5 March 2025</p>
<p>The artificial intelligence industry in Shenzhen grew to 321.5 billion yuan in 2024, the city\u2019s statistics
bureau said on Tuesday.</p>
<p>\u201cWe expect more than 9,000 AI companies in the city by 2027,\u201d a bureau spokesperson said.</p>
<p>Officials did not say how the&nbsp;figures were compiled.</p>
</article>
<footer>\u00a9 Example News. Share this story.</footer>
</body></html>
"""
# What a person decides for each drafted record of ARTICLE, by the drafted value: the record's id, region and
# indicator with the words naming them, and what the number reader cannot know (a count's unit); None: the
# number is not a figure, and is set aside instead.
DECISIONS = {
    "321500000000": {"record_id": "shenzhen-ai_industry_value-2024-example-news", "region_id": ("shenzhen", "Shenzhen"),
                     "indicator": ("ai_industry_value", "artificial intelligence industry")},
    "9000": {"record_id": "shenzhen-ai_companies-by2027-example-news", "region_id": ("shenzhen", "Shenzhen"),
             "indicator": ("ai_companies", "AI companies"), "unit": ("count", "AI companies")},
    "5": None,
}
SET_ASIDE = {"source_id": SOURCE_ID, "span": "Published 5 March 2025", "reason": "publication_date",
             "note": "The article's dateline."}


def layout(tmp_path: Path, archive: Path | None) -> Path:
    """`main/` (the package, the Makefile and the project's .venv) with `shared/sources` beside it, a copy of
    `archive` (empty without one) that the test may write to; returns main/."""
    main = tmp_path / "main"
    main.mkdir()
    for name in ("datapackage.json", "Makefile", "pyproject.toml", "requirements.txt", "requirements-test.txt"):
        shutil.copy2(REPO / name, main / name)  # their times kept, so make finds .venv up to date
    shutil.copytree(REPO / "data", main / "data")
    (main / ".venv").symlink_to(REPO / ".venv")
    sources = tmp_path / "shared" / "sources"
    if archive is not None:
        shutil.copytree(archive, sources)
        for path in sources.iterdir():
            path.chmod(0o644)
    else:
        sources.mkdir(parents=True)
    return main


def make(main: Path, command: str) -> subprocess.CompletedProcess:
    """A `make ...` line as a contributor types it, in main/; the make and archive of the test run left out."""
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["bash", "-c", command], cwd=main, capture_output=True, text=True, env=env)


def status(out: subprocess.CompletedProcess) -> int:
    """The exit status of the command a make target ran (make itself exits 2 whenever a command fails)."""
    if out.returncode == 0:
        return 0
    found = re.search(r"\] Error (\d+)$", out.stderr, re.MULTILINE)
    return int(found.group(1)) if found else out.returncode


def command(name: str, *args) -> subprocess.CompletedProcess:
    """One of the contributor's commands as installed (china-ai-add, -todo, -verify)."""
    return subprocess.run([str(VENV_BIN / f"china-ai-{name}"), *map(str, args)], capture_output=True, text=True)


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def append_csv(path: Path, rows: list[dict]) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, header, lineterminator="\n").writerows(rows)


def finish_drafts(drafts: Path, data: Path, decisions: dict, set_aside: list[dict]) -> list[str]:
    """What CONTRIBUTING.md's step 4 asks of a person: decide each drafted record, fill region and indicator and
    their provenance, rename it, drop the DRAFT notes, append the rows to data/; and set aside the numbers that
    are not figures. Returns the ids of the records added."""
    records = {name: read_csv(drafts / f"{name}.csv") if (drafts / f"{name}.csv").is_file() else []
               for name in ("indicators", "targets")}
    provenance = read_csv(drafts / "provenance.csv")
    added = []
    for name, rows in records.items():
        keep = []
        for record in rows:
            decision = decisions[record["value"]]
            if decision is None:
                continue
            old, new = record["record_id"], decision["record_id"]
            record["record_id"], record["notes"] = new, ""
            for field in ("region_id", "indicator", "unit"):
                if field in decision:
                    record[field] = decision[field][0]
            for row in provenance:
                if row["record_id"] != old:
                    continue
                row["record_id"], row["note"] = new, ""
                if row["field"] in decision:
                    row["evidence"] = decision[row["field"]][1]
            keep.append(record)
            added.append(new)
        if keep:
            append_csv(data / f"{name}.csv", keep)
    append_csv(data / "provenance.csv", [r for r in provenance if r["record_id"] in added])
    append_csv(data / "set_aside.csv", set_aside)
    return added


def render(text: str, title: str, url: str, publisher: str, published: str) -> str:
    """A saved-page rendering of an archived text: each line a paragraph, straight quotes made typographic,
    with the page's metadata and the menus and footer a page has around its article."""
    def typographic(line: str) -> str:
        line = re.sub(r'"(\S)', "\u201c\\1", line)
        line = line.replace('"', "\u201d")
        return line.replace("'", "\u2019")

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head, body = lines[0], lines[1:]
    paragraphs = "\n".join(f"<p>{html.escape(typographic(line), quote=False)}</p>" for line in body)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f'<meta property="og:title" content="{html.escape(typographic(title))}">\n'
            f'<meta property="og:site_name" content="{html.escape(publisher)}">\n'
            f'<meta property="og:url" content="{html.escape(url)}">\n'
            f'<meta property="article:published_time" content="{published}">\n'
            f'</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>\n'
            f"<article><h1>{html.escape(typographic(head), quote=False)}</h1>\n{paragraphs}\n</article>\n"
            f"<footer>Subscribe to our newsletter.</footer></body></html>\n")
