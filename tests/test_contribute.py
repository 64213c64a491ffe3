"""The contributor's commands (contribute/): add archives an article or refuses, writing nothing; todo lists
what is left to record with drafts, never writing into data/; verify checks a source's quotes against a
reader's own copy. The tests marked by the `archive` fixture need the real archive; the others run without."""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
from pathlib import Path

import pytest

from conftest import REPO, rows, snapshot, validate_cli
from contribute import archive as archiving
from contribute import compare, verify
from contributing import (ARTICLE, DECISIONS, SET_ASIDE, SOURCE_ID, command, finish_drafts, layout, read_csv,
                          render)
from schemas import numbers
from schemas.frames import fold

# The made-up article as a plain-text file: the headline on the first line, as the archive lays texts out.
ARTICLE_TEXT = ("Shenzhen\u2019s AI makers expand\n\nPublished 5 March 2025\n\n"
                "The artificial intelligence industry in Shenzhen grew to 321.5 billion yuan in 2024, the city\u2019s "
                "statistics bureau said on Tuesday.\n\n"
                "\u201cWe expect more than 9,000 AI companies in the city by 2027,\u201d a bureau spokesperson said.\n\n"
                "Officials did not say how the\u00a0figures were compiled.\n")
STATED = ("--source-id", SOURCE_ID, "--url", "https://news.example/shenzhen-ai-makers-expand",
          "--publisher", "Example News", "--published", "2025-03-05")


@pytest.fixture
def folders(tmp_path):
    """main/ (a copy of the package) and an archive beside it holding one earlier, made-up text."""
    main = layout(tmp_path, None)
    sources = tmp_path / "shared" / "sources"
    (sources / "004_0123456789abcdef.txt").write_text("An earlier article\n\nIt says 12 things.\n", "utf-8")
    return main, sources


def everything(main: Path, sources: Path) -> dict:
    return {"data": snapshot(main / "data"), "archive": snapshot(sources)}


# ------------------------------------------------------------------ add
def test_add_archives_a_text_file_byte_for_byte_named_by_its_sha256(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    out = command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, *STATED)
    assert out.returncode == 0, out.stderr
    digest = hashlib.sha256(ARTICLE_TEXT.encode("utf-8")).hexdigest()
    name = f"005_{digest[:16]}.txt"
    assert (sources / name).read_bytes() == ARTICLE_TEXT.encode("utf-8")
    row = read_csv(main / "data" / "sources.csv")[-1]
    assert row == {**{k: "" for k in row}, "source_id": SOURCE_ID, "title": "Shenzhen\u2019s AI makers expand",
                   "publisher": "Example News", "published": "2025-03-05",
                   "url": "https://news.example/shenzhen-ai-makers-expand", "archive_file": name, "sha256": digest,
                   "archived": datetime.datetime.now(datetime.timezone.utc).date().isoformat()}
    assert read_csv(main / "data" / "sources.csv")[:-1] == rows("sources")  # the rows before are untouched
    assert f"archived {sources / name}" in out.stdout


def test_add_reads_a_saved_page_main_text_and_what_it_states(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.html").write_text(ARTICLE, "utf-8")
    out = command("add", tmp_path / "article.html", "--package", main, "--archive", sources)
    assert out.returncode == 0, out.stderr
    row = read_csv(main / "data" / "sources.csv")[-1]
    assert (row["source_id"], row["title"], row["url"], row["publisher"], row["author"], row["published"]) == (
        SOURCE_ID, "Shenzhen\u2019s AI makers expand", "https://news.example/shenzhen-ai-makers-expand",
        "Example News", "Ada Writer", "2025-03-05")
    text = (sources / row["archive_file"]).read_text("utf-8")
    assert text.startswith("Shenzhen\u2019s AI makers expand\n")
    assert "\u201cWe expect more than 9,000 AI companies in the city by 2027,\u201d" in text
    assert "Home" not in text and "Share this story" not in text  # the page's menu and footer are not the article
    assert compare.same_words(text, ARTICLE_TEXT)


def test_a_headline_outside_the_article_is_archived_as_its_first_line(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.html").write_text(ARTICLE.replace("<h1>Shenzhen\u2019s AI makers expand</h1>\n", ""), "utf-8")
    assert command("add", tmp_path / "article.html", "--package", main, "--archive", sources).returncode == 0
    text = (sources / read_csv(main / "data" / "sources.csv")[-1]["archive_file"]).read_text("utf-8")
    assert text.startswith("Shenzhen\u2019s AI makers expand\n\nPublished 5 March 2025\n")


def test_a_page_that_does_not_state_a_field_leaves_it_blank_and_says_so(folders, tmp_path):
    main, sources = folders
    page = re.sub(r'<meta (property="og:url"|name="author"|property="og:site_name")[^>]*>\n', "", ARTICLE)
    (tmp_path / "article.html").write_text(page.replace(" | Example News", ""), "utf-8")
    out = command("add", tmp_path / "article.html", "--package", main, "--archive", sources)
    assert out.returncode == 0, out.stderr
    row = read_csv(main / "data" / "sources.csv")[-1]
    assert (row["url"], row["publisher"], row["author"]) == ("", "", "")
    line = len((main / "data" / "sources.csv").read_text("utf-8").splitlines())
    for name in ("publisher", "url"):
        assert f"sources.csv:{line}:{name}: the page does not state it" in out.stdout


def test_a_partial_date_is_not_completed_with_a_day_the_page_does_not_state(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.html").write_text(ARTICLE.replace('content="2025-03-05"', 'content="2025-03"'), "utf-8")
    assert command("add", tmp_path / "article.html", "--package", main, "--archive", sources).returncode == 0
    assert read_csv(main / "data" / "sources.csv")[-1]["published"] == ""


def test_add_refuses_an_article_already_archived_and_writes_nothing(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    assert command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, *STATED).returncode == 0
    before = everything(main, sources)
    again = command("add", tmp_path / "article.txt", "--package", main, "--archive", sources,
                    "--source-id", "another-id", "--url", "https://x.example/", "--publisher", "X")
    assert again.returncode == 1
    digest = hashlib.sha256(ARTICLE_TEXT.encode("utf-8")).hexdigest()
    assert again.stderr.startswith("refused: ") and f"same SHA-256 {digest}; nothing written" in again.stderr
    assert everything(main, sources) == before
    # the same checksum in the archive without a row in sources.csv is refused too
    (main / "data" / "sources.csv").write_bytes((REPO / "data" / "sources.csv").read_bytes())
    before = everything(main, sources)
    out = command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, *STATED)
    assert out.returncode == 1 and re.search(rf"already archived as 005_\w+\.txt \(same SHA-256 {digest}\)", out.stderr)
    assert everything(main, sources) == before


def test_add_refuses_the_same_text_but_for_quote_marks_and_spacing(folders, tmp_path):
    main, sources = folders
    (sources / "004_0123456789abcdef.txt").write_text(ARTICLE_TEXT, "utf-8")
    straight = ARTICLE_TEXT.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    (tmp_path / "article.txt").write_text(straight.replace("\u00a0", " ").replace("\n\n", "\n"), "utf-8")
    before = everything(main, sources)
    out = command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, *STATED)
    assert out.returncode == 1, out.stdout
    assert "already archived as 004_0123456789abcdef.txt: the same text but for quote marks and spacing" in out.stderr
    assert everything(main, sources) == before


@pytest.mark.parametrize("name, content, says", [
    ("chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "a binary file (it holds NUL bytes)"),
    ("report.pdf", "%PDF-1.7\n% caf\u00e9 in Latin-1\n".encode("latin-1"), "not UTF-8 text"),
    ("notes.doc", b"Title\x07\x08 and bell characters", "not plain text (it holds control characters"),
    ("empty.txt", b" \n\n", "empty"),
    ("page.html", b"<!doctype html><html><head><title>x</title></head><body></body></html>",
     "a web page in which no main text was found"),
])
def test_add_refuses_a_file_that_is_neither_text_nor_a_web_page(folders, tmp_path, name, content, says):
    main, sources = folders
    (tmp_path / name).write_bytes(content)
    before = everything(main, sources)
    out = command("add", tmp_path / name, "--package", main, "--archive", sources, *STATED)
    assert out.returncode == 2
    assert out.stderr.startswith(f"unusable input: {tmp_path / name}: {says}"), out.stderr
    assert "Traceback" not in out.stderr
    assert everything(main, sources) == before


@pytest.mark.parametrize("source_id, says", [("scmp", "'scmp' is already a source"),
                                             ("Not A Slug", "expected lowercase letters and digits")])
def test_add_refuses_a_source_id_in_use_or_malformed(folders, tmp_path, source_id, says):
    main, sources = folders
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    before = everything(main, sources)
    out = command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, "--source-id", source_id)
    assert out.returncode == 1 and says in out.stderr
    assert everything(main, sources) == before


def test_add_without_an_archive_folder_is_unusable_input(folders, tmp_path):
    main, _ = folders
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    out = command("add", tmp_path / "article.txt", "--package", main, "--archive", tmp_path / "nowhere")
    assert out.returncode == 2 and "archive folder not found" in out.stderr


def test_add_writes_both_files_or_neither(folders, tmp_path, monkeypatch):
    main, sources = folders
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    before = everything(main, sources)
    real = os.replace

    def failing(src, dst):
        if Path(dst).name == "sources.csv":
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(archiving.os, "replace", failing)
    with pytest.raises(OSError):
        archiving.add(tmp_path / "article.txt", main, sources,
                      {k.lstrip("-").replace("-", "_"): v for k, v in zip(STATED[::2], STATED[1::2])})
    assert everything(main, sources) == before  # the text moved in first was taken away again, no temp file left


# ------------------------------------------------------------------ todo
def test_todo_lists_each_number_with_its_sentence_and_drafts_a_record(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.html").write_text(ARTICLE, "utf-8")
    assert command("add", tmp_path / "article.html", "--package", main, "--archive", sources).returncode == 0
    before = snapshot(main / "data")
    out = command("todo", main, "--archive", sources, "--source", SOURCE_ID)
    assert out.returncode == 0, out.stderr
    assert snapshot(main / "data") == before
    name = read_csv(main / "data" / "sources.csv")[-1]["archive_file"]
    listed = re.findall(rf'^{re.escape(name)}:(\d+): "([^"]+)" in "([^"]+)"$', out.stdout, re.MULTILINE)
    assert [(n, s.split()[0]) for _, n, s in listed] == [
        ("5", "Published"), ("2025", "Published"), ("321.5 billion", "The"), ("2024", "The"), ("9,000", "“We"),
        ("2027", "“We")]
    assert "the year of draft-example-news-" in out.stdout
    tables = dict(re.findall(r"^# drafted rows for data/(\w+)\.csv \(header first\)\n((?:.+\n)+)", out.stdout, re.M))
    assert set(tables) == {"indicators", "targets", "provenance"}
    drafted = {r["value"]: r for t in ("indicators", "targets") for r in read_csv_text(tables[t])}
    value = drafted["321500000000"]
    assert (value["region_id"], value["indicator"], value["period"], value["unit"], value["comparator"]) == (
        "", "", "2024", "CNY", "=")
    assert value["quote"].startswith("The artificial intelligence industry in Shenzhen grew to 321.5 billion yuan")
    target = drafted["9000"]
    assert (target["target_year"], target["comparator"], target["unit"], target["kind"]) == ("2027", ">", "", "target")
    prov = {(r["record_id"], r["field"]): r for r in read_csv_text(tables["provenance"])}
    assert all(r["note"].startswith("DRAFT: ") for r in prov.values())
    v = value["record_id"]
    assert (prov[v, "value"]["evidence"], prov[v, "value"]["method"]) == ("321.5 billion", "converted")
    assert (prov[v, "period"]["evidence"], prov[v, "unit"]["evidence"]) == ("in 2024", "yuan")
    assert prov[v, "region_id"]["evidence"] == prov[v, "indicator"]["evidence"] == ""
    t = target["record_id"]
    assert (prov[t, "comparator"]["evidence"], prov[t, "target_year"]["evidence"]) == ("more than", "by 2027")


def read_csv_text(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_todo_never_writes_into_data(folders, tmp_path):
    main, sources = folders
    (tmp_path / "article.html").write_text(ARTICLE, "utf-8")
    assert command("add", tmp_path / "article.html", "--package", main, "--archive", sources).returncode == 0
    before = snapshot(main / "data")
    for inside in (main / "data", main / "data" / "drafts"):
        out = command("todo", main, "--archive", sources, "--drafts", inside)
        assert out.returncode == 2 and "inside the package's data/" in out.stderr
    assert snapshot(main / "data") == before
    out = command("todo", main, "--archive", sources, "--drafts", tmp_path / "drafts")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == [
        "indicators.csv", "provenance.csv", "targets.csv", "todo.txt"]
    assert snapshot(main / "data") == before


def test_todo_of_an_unknown_source_is_unusable_input(folders):
    main, sources = folders
    out = command("todo", main, "--archive", sources, "--source", "nosuch")
    assert out.returncode == 2 and "'nosuch' is not a source" in out.stderr


# ------------------------------------------------------------------ verify
@pytest.mark.parametrize("copy, found", [
    ("grew to \u201c180 billion\u201d yuan", True),  # typographic quotes for straight ones
    ("China\u2019s southern\u00a0Guangdong\n\nprovince   grew", True),  # apostrophe, non-breaking space, lines
    ("grew to 180 billion Yuan", False),  # case
    ("state media \u2013 as", False),  # a dash is not a hyphen
    ("grew to 18O billion", False),  # a letter O for a zero
])
def test_only_quote_marks_and_white_space_count_as_the_same(copy, found):
    span = {"grew to \u201c180 billion\u201d yuan": 'grew to "180 billion" yuan',
            "China\u2019s southern\u00a0Guangdong\n\nprovince   grew": "China's southern Guangdong province grew",
            "grew to 180 billion Yuan": "grew to 180 billion yuan", "state media \u2013 as": "state media - as",
            "grew to 18O billion": "grew to 180 billion"}[copy]
    assert compare.Copy(copy).find(span).found is found


def test_the_closest_passage_names_the_word_that_differs():
    copy = compare.Copy("Intro words here. The AI industry in Guangdong fell to 180 billion yuan in 2023, said "
                        "state media. Other words follow.")
    result = compare.Copy.find(copy, "The AI industry in Guangdong grew to 180 billion yuan in 2023")
    assert not result.found
    assert result.closest == "The AI industry in Guangdong fell to 180 billion yuan in 2023"
    assert result.differences == ("your copy has 'fell' where the package has 'grew'",)
    dashed = copy.find("Other words - follow")
    assert dashed.differences == ("your copy lacks '-'",), dashed


def own_copy(source_id: str) -> str:
    """A copy of an article made from the package alone (no archive): every quote and evidence span of the
    source, one paragraph each, with typographic quotes, as a saved page."""
    spans = list(dict.fromkeys(compare.normal(s.text) for s in verify.spans(REPO, source_id)))
    spans = [s for s in spans if not any(s != other and s in other for other in spans)]  # each once in the copy
    title = next(r["title"] for r in rows("sources") if r["source_id"] == source_id)
    return render(title + "\n" + "\n".join(spans), title, "https://copy.example/", "A reader", "2024")


def test_verify_finds_every_span_of_a_source_in_a_reader_s_copy(tmp_path):
    (tmp_path / "copy.html").write_text(own_copy("scmp"), "utf-8")
    out = command("verify", "scmp", tmp_path / "copy.html", "--package", REPO)
    assert out.returncode == 0, out.stdout
    total = sum(1 for name, col in (("indicators", "quote"), ("targets", "quote"), ("provenance", "evidence"),
                                    ("findings", "evidence")) for r in rows(name) if r["source_id"] == "scmp")
    assert out.stdout.count(": found ") == total
    assert out.stdout.splitlines()[-1] == f"{total} of {total} quotes and evidence spans of scmp found in " \
                                          f"{tmp_path / 'copy.html'}"


def test_verify_reports_the_one_word_changed(tmp_path):
    page = own_copy("scmp")
    assert page.count("grew to 180 billion yuan") == 1
    (tmp_path / "copy.html").write_text(page.replace("grew to 180 billion yuan", "rose to 180 billion yuan"), "utf-8")
    out = command("verify", "scmp", tmp_path / "copy.html", "--package", REPO)
    assert out.returncode == 1
    missing = [line for line in out.stdout.splitlines()[:-1] if ": found " not in line]
    assert missing and all("your copy has 'rose' where the package has 'grew'" in line for line in missing), missing
    first = missing[0]
    assert re.match(r"data/(indicators|targets|provenance|findings)\.csv:\d+:(quote|evidence): ['\"].* grew ", first)
    assert " is not in " in first and "closest passage" in first


@pytest.mark.parametrize("args, says", [
    (("nosuch", "{copy}"), "'nosuch' is not a source of"),
    (("scmp", "{tmp}/missing.html"), "no such file"),
    (("scmp", "{tmp}/image.png"), "a binary file"),
])
def test_verify_unusable_input_exits_2(tmp_path, args, says):
    (tmp_path / "copy.html").write_text(own_copy("scmp"), "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    args = [a.format(copy=tmp_path / "copy.html", tmp=tmp_path) for a in args]
    out = command("verify", *args, "--package", REPO)
    assert out.returncode == 2 and says in out.stderr and "Traceback" not in out.stderr


# ------------------------------------------------------------------ with the archive
def test_add_todo_validate_on_an_article_written_for_the_test(tmp_path, archive):
    main = layout(tmp_path, archive)
    sources = tmp_path / "shared" / "sources"
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    assert command("add", tmp_path / "article.txt", "--package", main, "--archive", sources, *STATED).returncode == 0
    out = validate_cli(main, "--archive", sources)
    assert out.returncode == 1 and out.stdout.count("is neither a traced figure nor set aside") == 6, out.stdout
    assert command("todo", main, "--archive", sources, "--drafts", tmp_path / "drafts").returncode == 0
    finish_drafts(tmp_path / "drafts", main / "data", DECISIONS, [SET_ASIDE])
    out = validate_cli(main, "--archive", sources)
    assert out.returncode == 0, out.stdout
    assert command("verify", SOURCE_ID, tmp_path / "article.txt", "--package", main).returncode == 0


def archived_page(archive: Path, source_id: str) -> tuple[dict, str]:
    row = next(r for r in rows("sources") if r["source_id"] == source_id)
    text = (archive / row["archive_file"]).read_text("utf-8")
    return row, render(text, row["title"], row["url"], row["publisher"].split(" (")[0], row["published"])


@pytest.mark.parametrize("source_id", [r["source_id"] for r in rows("sources")])
def test_verify_finds_every_quote_in_a_saved_page_of_the_archived_article(tmp_path, archive, source_id):
    _, page = archived_page(archive, source_id)
    assert "\u2019" in page or "\u201c" in page  # the rendering's quotes are typographic
    (tmp_path / "page.html").write_text(page, "utf-8")
    out = command("verify", source_id, tmp_path / "page.html", "--package", REPO)
    assert out.returncode == 0, out.stdout
    assert ": found " in out.stdout and " is not in " not in out.stdout


def test_verify_names_the_word_a_saved_page_changed(tmp_path, archive):
    _, page = archived_page(archive, "techtimes")
    quoted = "with the country now home to over 4,500 AI companies"  # the quote of china-ai_companies-2024-techtimes
    assert page.count(quoted) == 1
    (tmp_path / "page.html").write_text(page.replace(quoted, quoted.replace("companies", "firms")), "utf-8")
    out = command("verify", "techtimes", tmp_path / "page.html", "--package", REPO)
    assert out.returncode == 1
    missing = [line for line in out.stdout.splitlines()[:-1] if ": found " not in line]
    assert missing and all("your copy has 'firms' where the package has 'companies'" in line for line in missing)


def test_a_saved_page_of_an_archived_article_is_refused_as_already_archived(tmp_path, archive):
    main = layout(tmp_path, archive)
    sources = tmp_path / "shared" / "sources"
    row, page = archived_page(archive, "techtimes")
    (tmp_path / "page.html").write_text(page, "utf-8")
    before = everything(main, sources)
    out = command("add", tmp_path / "page.html", "--package", main, "--archive", sources)
    assert out.returncode == 1
    assert f"already archived as {row['archive_file']}: the same text but for quote marks and spacing" in out.stderr
    assert everything(main, sources) == before


def test_add_todo_validate_on_a_saved_page_of_an_archived_article(tmp_path, archive):
    """The article archived anew from a saved page, as if it were not archived yet (its text, its source row
    and everything recorded of it taken out of the copies first): todo then lists every number of it, and
    validate names the same numbers and nothing else."""
    main = layout(tmp_path, archive)
    sources = tmp_path / "shared" / "sources"
    row, page = archived_page(archive, "techtimes")
    (sources / row["archive_file"]).unlink()
    forget(main / "data", "techtimes")
    (tmp_path / "page.html").write_text(page, "utf-8")
    out = command("add", tmp_path / "page.html", "--package", main, "--archive", sources, "--source-id", "techtimes")
    assert out.returncode == 0, out.stderr
    added = read_csv(main / "data" / "sources.csv")[-1]
    assert (added["title"], added["url"], added["publisher"], added["published"]) == (
        row["title"].replace("'", "\u2019"), row["url"], "Tech Times", "2024-06-20")
    todo = command("todo", main, "--archive", sources, "--source", "techtimes")
    listed = re.findall(rf'^{re.escape(added["archive_file"])}:\d+: "([^"]+)" in ', todo.stdout, re.MULTILINE)
    assert listed == [n.text for n in numbers.read(fold((archive / row["archive_file"]).read_text("utf-8")))]
    out = validate_cli(main, "--archive", sources)
    assert out.returncode == 1
    errors = re.findall(r"^(\S+):\d+: \"([^\"]+)\" in .* is neither a traced figure nor set aside", out.stdout, re.M)
    assert errors and {f for f, _ in errors} == {added["archive_file"]}
    assert sorted(n for _, n in errors) == sorted(listed)
    assert re.search(rf"INVALID: {len(listed)} error\(s\)", out.stdout), out.stdout[-500:]


def forget(data: Path, source_id: str) -> None:
    """Take a source and everything recorded of it out of a copy of data/."""
    records = {r["record_id"] for name in ("indicators", "targets") for r in read_csv(data / f"{name}.csv")
               if r["source_id"] == source_id}
    for path in sorted(data.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        header, body = table[0], table[1:]
        keep = [r for r in body if not _mentions(dict(zip(header, r)), source_id, records)]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows([header, *keep])


def _mentions(row: dict, source_id: str, records: set[str]) -> bool:
    return (row.get("source_id") == source_id or source_id in (row.get("other_sources") or "").split()
            or bool(records & set((row.get("records") or "").split()))
            or bool(records & {row.get("indicator_record"), row.get("target_record"), row.get("equivalent_of")}))


@pytest.mark.parametrize("args", [("add", "{article}", "--package", "{tmp}", "--archive", "{tmp}"),
                                  ("todo", "{tmp}", "--archive", "{tmp}"),
                                  ("verify", "scmp", "{article}", "--package", "{tmp}")])
def test_a_folder_without_a_package_is_unusable_input(tmp_path, args):
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT, "utf-8")
    before = snapshot(tmp_path)
    out = command(*[a.format(article=tmp_path / "article.txt", tmp=tmp_path) for a in args])
    assert out.returncode == 2 and "no datapackage.json here" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(tmp_path) == before
