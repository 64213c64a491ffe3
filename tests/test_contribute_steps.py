"""CONTRIBUTING.md's steps, run as written: its `sh` blocks' commands, in order, on an article written for the
test, in a copy of the package laid out as the guide says (main/ and ../shared/sources), with the person's
step (finishing the drafts) between `make todo` and the second `make validate`."""
from __future__ import annotations

import hashlib
import re

import pytest

from conftest import REPO, snapshot
from contributing import ARTICLE, DECISIONS, SET_ASIDE, SOURCE_ID, finish_drafts, layout, make, read_csv, status

GUIDE = REPO / "CONTRIBUTING.md"
# `make test` is the test suite itself: run from inside it, it would run this test again.
NOT_RUN_HERE = {"make test"}


def commands(markdown: str) -> list[str]:
    """Every command line of the guide's ```sh blocks, in order."""
    out = []
    for block in re.findall(r"^```sh\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL):
        out += [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return out


def target(line: str) -> str:
    return line.split()[1]


def test_the_readme_links_the_guide():
    assert "(CONTRIBUTING.md)" in (REPO / "README.md").read_text("utf-8")


def test_the_guide_walks_add_todo_validate_verify_in_that_order():
    steps = [target(c) for c in commands(GUIDE.read_text("utf-8"))]
    assert steps == ["venv", "add", "validate", "todo", "validate", "test", "verify"], steps


def test_a_contributor_follows_the_guide_end_to_end(tmp_path, archive):
    main = layout(tmp_path, archive)
    (tmp_path / "article.html").write_text(ARTICLE, "utf-8")
    sources = tmp_path / "shared" / "sources"
    before = set(p.name for p in sources.iterdir())
    validations = []
    for line in commands(GUIDE.read_text("utf-8")):
        if line in NOT_RUN_HERE:
            continue
        data_before = snapshot(main / "data")
        out = make(main, line)
        step = target(line)
        if step == "venv":
            assert out.returncode == 0, out.stdout + out.stderr
        elif step == "add":
            assert out.returncode == 0, out.stdout + out.stderr
            (new,) = set(p.name for p in sources.iterdir()) - before
            digest = hashlib.sha256((sources / new).read_bytes()).hexdigest()
            assert re.fullmatch(rf"005_{digest[:16]}\.txt", new)
            row = read_csv(main / "data" / "sources.csv")[-1]
            assert (row["source_id"], row["title"], row["url"], row["publisher"], row["author"], row["published"],
                    row["archive_file"], row["sha256"]) == (
                SOURCE_ID, "Shenzhen\u2019s AI makers expand", "https://news.example/shenzhen-ai-makers-expand",
                "Example News", "Ada Writer", "2025-03-05", new, digest)
            assert "Share this story" not in (sources / new).read_text("utf-8")  # the page's footer is not archived
        elif step == "validate":
            validations.append(out)
            if len(validations) == 1:  # before the records: every number of the new article is named
                assert status(out) == 1, out.stdout + out.stderr
                for number in ("5", "2025", "321.5 billion", "2024", "9,000", "2027"):
                    assert f'"{number}" in "' in out.stdout, number
                assert out.stdout.count("is neither a traced figure nor set aside") == 6
            else:
                assert out.returncode == 0, out.stdout + out.stderr
                assert "VALID: 0 error(s)" in out.stdout
        elif step == "todo":
            assert out.returncode == 0, out.stdout + out.stderr
            assert snapshot(main / "data") == data_before  # todo never writes into data/
            drafts = tmp_path / "drafts"
            listing = (drafts / "todo.txt").read_text("utf-8")
            assert listing.endswith("6 unaccounted number(s); 3 drafted record(s)\n"), listing
            added = finish_drafts(drafts, main / "data", DECISIONS, [SET_ASIDE])
            assert sorted(added) == ["shenzhen-ai_companies-by2027-example-news",
                                     "shenzhen-ai_industry_value-2024-example-news"]
        elif step == "verify":
            assert out.returncode == 0, out.stdout + out.stderr
            assert re.search(rf"^(\d+) of \1 quotes and evidence spans of {SOURCE_ID} found", out.stdout, re.M)
        else:
            pytest.fail(f"CONTRIBUTING.md has a step this test does not know: {line}")
    assert len(validations) == 2
