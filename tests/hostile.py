"""Hostile and broken input for the validator: the named cases of what has gone wrong before, and a seeded
generator of more (hostile values in every column of every table, damage to the bytes of the tables, the
descriptor and the archive). Each case damages a copy of the package (and of the archive) and says which
file the report must name and which exit statuses are right.
"""
from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from conftest import REPO, table

GD = "guangdong-ai_industry_value-2023-scmp"
SZ_SHARE = "shenzhen-ai_industry_share_of_province-2023-scmp"
DESC = "datapackage.json"
SRC = "data/sources.csv"
TABLES = ("sources", "regions", "indicator_definitions", "indicators", "targets", "provenance", "findings")
INVALID, UNUSABLE, EITHER, VALID = (1,), (2,), (1, 2), (0,)


@dataclass(frozen=True)
class Case:
    name: str
    damage: Callable[["Copy"], None]
    names: str | None  # the file (or file:line:field) the report must name (None: any; the damage may be harmless)
    exits: tuple[int, ...] = INVALID
    only: bool = False  # every problem is in that file (one fault does not echo in other files)


@dataclass(frozen=True)
class Copy:
    """A damaged copy: the package, the archive, and a folder outside both that nothing may open."""

    pkg: Path
    archive: Path
    outside: Path


# ----------------------------------------------------------------- tools
def descriptor(change: Callable[[dict], object]) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        path = c.pkg / DESC
        raw = json.loads(path.read_text(encoding="utf-8"))
        change(raw)
        path.write_text(json.dumps(raw), encoding="utf-8")
    return damage


def res(raw: dict, name: str) -> dict:
    return next(r for r in raw["resources"] if r["name"] == name)


def fld(raw: dict, name: str, field: str) -> dict:
    return next(f for f in res(raw, name)["schema"]["fields"] if f["name"] == field)


def setter(obj_of: Callable[[dict], dict], key: str, value) -> Callable[[dict], None]:
    return lambda raw: obj_of(raw).__setitem__(key, value)


def cell(name: str, field: str, value: str, key: str | None = None, keyval: str | None = None, line: int = 2):
    def damage(c: Copy) -> None:
        t = table(c.pkg, name)
        t.set(t.line_of(key, keyval) if key else line, field, value).save()
    return damage


def raw_bytes(name: str, change: Callable[[bytes], bytes]) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        path = c.pkg / "data" / f"{name}.csv"
        path.write_bytes(change(path.read_bytes()))
    return damage


def lines_of(change: Callable[[list[bytes]], None]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        lines = data.split(b"\n")
        change(lines)
        return b"\n".join(lines)
    return apply


def both(*damages: Callable[[Copy], None]) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        for d in damages:
            d(c)
    return damage


def no_pattern(name: str, field: str) -> Callable[[Copy], None]:
    """The field's pattern taken out of the descriptor, so that only the path rule stands between a name and
    the file system."""
    return descriptor(lambda raw: fld(raw, name, field)["constraints"].pop("pattern"))


def symlink_out(rel: str, base: str = "pkg") -> Callable[[Copy], None]:
    """The file replaced by a symlink to a copy of itself outside the package (or the archive): read, it
    would pass."""
    def damage(c: Copy) -> None:
        link = (c.pkg if base == "pkg" else c.archive) / rel
        target = c.outside / link.name
        shutil.copy(link, target)
        link.unlink()
        os.symlink(target, link)
    return damage


def archive_file(name: str) -> Callable[[Copy], None]:
    return cell("sources", "archive_file", name, "source_id", "scmp")


def outside_archive_file(c: Copy) -> None:
    """An archive_file that leads out of the archive to a copy of the true text (same SHA-256)."""
    real = table(c.pkg, "sources")
    text = c.archive / real.get(real.line_of("source_id", "scmp"), "archive_file")
    shutil.copy(text, c.outside / "x.txt")
    archive_file(os.path.relpath(c.outside / "x.txt", c.archive))(c)


def wide_header(n: int) -> Callable[[Copy], None]:
    def change(lines: list[bytes]) -> None:
        lines[0] = lines[0].replace(b"value", b"valu", 1) + b"".join(b",x%d" % i for i in range(n))
    return raw_bytes("targets", lines_of(change))


def swap_header(lines: list[bytes]) -> None:
    lines[0], lines[1] = lines[1], lines[0]


def swap_rows(lines: list[bytes]) -> None:
    lines[2], lines[3] = lines[3], lines[2]


def deep_json(c: Copy) -> None:
    (c.pkg / DESC).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def cycle(*regions: str) -> Callable[[Copy], None]:
    """Each region's parent the next one's, the last one's the first's."""
    def damage(c: Copy) -> None:
        t = table(c.pkg, "regions")
        for child, parent in zip(regions, regions[1:] + regions[:1]):
            t.set(t.line_of("region_id", child), "parent_id", parent)
        t.save()
    return damage


def evidence_not_verbatim(c: Copy) -> None:
    t = table(c.pkg, "findings")
    line = t.line_of("finding_id", "scmp-ai-tigers-count")
    t.set(line, "evidence", t.get(line, "evidence").replace("Three", "Five")).save()


def stray_quote(c: Copy) -> None:
    path = c.pkg / "data" / "indicators.csv"
    path.write_bytes(path.read_bytes().replace(b",180000000000,", b',180"000000000,', 1))


def unclosed_quote(c: Copy) -> None:
    """A quote opened in the notes of a row in the middle of regions.csv: it runs on over the rows after it."""
    path = c.pkg / "data" / "regions.csv"
    path.write_bytes(path.read_bytes().replace(b",110000,", b',110000,"', 1))


# ----------------------------------------------------------- named cases
def _desc(name, change, exits=EITHER):
    return Case(name, descriptor(change), DESC, exits)


NAMED = [
    # reads outside the package or the archive
    _desc("path-etc-passwd", setter(lambda r: res(r, "regions"), "path", "/etc/passwd")),
    _desc("path-dotdot", setter(lambda r: res(r, "regions"), "path", "../outside/regions.csv")),
    Case("csv-symlink-outside", symlink_out("data/regions.csv"), "data/regions.csv"),
    Case("descriptor-symlink-outside", symlink_out(DESC), DESC, EITHER),
    Case("archive-file-dotdot", archive_file("../x"), SRC),
    Case("archive-file-dotdot-no-pattern", both(no_pattern("sources", "archive_file"), outside_archive_file), SRC),
    Case("archive-text-symlink-outside", symlink_out("000_035b6af365817832.txt", base="archive"), SRC),
    # the network
    _desc("profile-url", setter(lambda r: r, "profile", "http://127.0.0.1:9/profile.json")),
    _desc("resource-profile-url", setter(lambda r: res(r, "regions"), "profile", "https://example.org/p.json")),
    _desc("path-url", setter(lambda r: res(r, "regions"), "path", "https://example.org/regions.csv")),
    # internal errors once
    Case("sources-header-swapped", raw_bytes("sources", lines_of(swap_header)), SRC),
    Case("sources-utf16", raw_bytes("sources", lambda b: b.decode("utf-8").encode("utf-16")), SRC),
    Case("value-1e309", cell("indicators", "value", "1e309", "record_id", GD), "data/indicators.csv"),
    Case("value-1e309-in-a-share", cell("indicators", "value", "1e309", "record_id", SZ_SHARE), "data/indicators.csv"),
    Case("target-1e309", cell("targets", "value", "1e309", line=17), "data/targets.csv"),
    # a comparator its evidence is read for (a stated hedge: "surpassed")
    Case("comparator-free-text", cell("indicators", "comparator", "roughly", "record_id",
                                      "beijing-ai_industry_value-2023-scmp"), "data/indicators.csv"),
    Case("stray-quote-in-value", stray_quote, "data/indicators.csv"),
    Case("archive-file-300", archive_file("a" * 296 + ".txt"), SRC),
    Case("archive-file-300-no-pattern", both(no_pattern("sources", "archive_file"), archive_file("a" * 300)), SRC),
    _desc("path-nul", setter(lambda r: res(r, "regions"), "path", "data/re\0gions.csv")),
    _desc("path-list", setter(lambda r: res(r, "regions"), "path", ["data/regions.csv"])),
    _desc("path-number", setter(lambda r: res(r, "regions"), "path", 7)),
    _desc("field-name-number", setter(lambda r: res(r, "regions")["schema"]["fields"][1], "name", 5)),
    _desc("enum-not-a-list", setter(lambda r: fld(r, "regions", "level")["constraints"], "enum", "country")),
    _desc("pattern-not-text", setter(lambda r: fld(r, "regions", "iso_3166_2")["constraints"], "pattern", 5)),
    _desc("constraints-a-list", setter(lambda r: fld(r, "regions", "region_id"), "constraints", ["required"])),
    _desc("hash-foo", setter(lambda r: res(r, "regions"), "hash", "foo:")),
    _desc("hash-shake", setter(lambda r: res(r, "regions"), "hash", "shake_128:")),
    Case("json-100000-deep", deep_json, DESC, EITHER),
    # time and memory
    Case("header-100000-extra-columns", wide_header(100_000), "data/targets.csv"),
    # accepted, but wrong
    Case("nul-in-text", cell("regions", "notes", "a\0b", "region_id", "beijing"), "data/regions.csv"),
    Case("parent-cycle-of-two", cycle("guangdong", "shenzhen"), "data/regions.csv"),
    Case("parent-cycle-of-three", cycle("guangdong", "shenzhen", "beijing"), "data/regions.csv"),
    Case("country-with-parent", cell("regions", "parent_id", "beijing", "region_id", "china"), "data/regions.csv"),
    _desc("dialect-delimiter", setter(lambda r: res(r, "regions")["dialect"], "delimiter", ";"), INVALID),
    _desc("dialect-quote", setter(lambda r: res(r, "indicators")["dialect"], "quoteChar", "'"), INVALID),
    _desc("encoding-utf16", setter(lambda r: res(r, "sources"), "encoding", "utf-16"), INVALID),
    Case("range-bound-nan", cell("indicator_definitions", "max", "NaN", "indicator", "ai_industry_value"),
         "data/indicator_definitions.csv"),
    Case("tab-before-equals", cell("indicators", "notes", "\t=1+1", "record_id", GD), "data/indicators.csv"),
    Case("cr-before-plus", cell("indicators", "notes", "\r+1", "record_id", GD), "data/indicators.csv"),
    Case("cr-before-minus", cell("indicators", "notes", "\r-1", "record_id", GD), "data/indicators.csv"),
    Case("tab-before-at", cell("indicators", "notes", "\t@SUM(A1)", "record_id", GD), "data/indicators.csv"),
    Case("unclosed-quote", unclosed_quote, "data/regions.csv:3:notes"),  # at its own line, not only at its echoes
    Case("findings-evidence-not-verbatim", evidence_not_verbatim, "data/findings.csv"),
    # one fault, one error
    Case("value-abc", cell("indicators", "value", "abc", "record_id", GD), "data/indicators.csv", only=True),
    Case("percent-440", cell("indicators", "value", "440", "record_id", SZ_SHARE), "data/indicators.csv", only=True),
    # damage that leaves the data valid
    Case("two-rows-swapped", raw_bytes("indicators", lines_of(swap_rows)), None, VALID),
]
# The cases of the other half of the work on hostile input (cascades and rules the release already holds):
# they pass once that work is in.
ELSEWHERE = {"nul-in-text", "parent-cycle-of-two", "parent-cycle-of-three", "country-with-parent", "range-bound-nan",
             "tab-before-equals", "cr-before-plus", "cr-before-minus", "tab-before-at",
             "findings-evidence-not-verbatim", "value-abc", "percent-440"}


# ------------------------------------------------------- generated cases
HOSTILE = ["", " ", "abc", "1e309", "-1e309", "NaN", "-INF", "9" * 400, "1e-400", 'x"y', "\t=1", "\r+1", "=1+1",
           "@SUM(A1)", "a" * 300, "../../x", "/etc/passwd", "\u202e\u0000", "１２３", "2023-02-30", "true", "null",
           "\n", "0x1F", "1,000"]
JSON_HOSTILE = [None, 5, -1, 1e308, "", "\0", [], {}, [1, [2]], "x" * 300, True, "../x", "/etc/passwd",
                "http://127.0.0.1:9/x.json", {"$ref": "http://127.0.0.1:9/x"}]


def every_column() -> list[Case]:
    """A copy for each column of each table, with hostile values in as many of its rows as the table has
    (a different mix in each column, from a seeded generator)."""
    rng = random.Random(15)
    out = []
    for name in TABLES:
        for field in table(REPO, name).header:
            values = rng.sample(HOSTILE, len(HOSTILE))
            out.append(Case(f"{name}.{field}", _column(name, field, values + ["=1+1"]), f"data/{name}.csv"))
    return out


def _column(name: str, field: str, values: list[str]) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        t = table(c.pkg, name)
        for line, value in zip(range(2, len(t.rows) + 1), values):
            t.set(line, field, value)
        if len(t.rows) - 1 < len(values):  # a short table: its last row takes the formula, which no text field allows
            t.set(len(t.rows), field, values[-1])
        t.save()
    return damage


BYTE_DAMAGE = {
    # kind -> (change of the bytes given a generator, does it always break the file itself)
    "not-utf8": (lambda b, r: _at(b, r, b"\xff\xfe"), True),
    "cut-line": (lambda b, r: _line(b, r, lambda l: l[: r.randrange(1, max(2, l.rfind(b",")))]), True),
    "extra-cell": (lambda b, r: _line(b, r, lambda l: l + b",extra"), True),
    "doubled-line": (lambda b, r: _line(b, r, lambda l: l + b"\n" + l), True),
    "crlf-line": (lambda b, r: _line(b, r, lambda l: l + b"\r"), True),
    "bom": (lambda b, r: b"\xef\xbb\xbf" + b, True),
    "truncated": (lambda b, r: b[: r.randrange(1, len(b) - 1)], False),
    "flipped-bytes": (lambda b, r: _flip(b, r), False),
    "quote": (lambda b, r: _at(b, r, b'"'), False),
    "nul-byte": (lambda b, r: _at(b, r, b"\0"), False),
    "random-bytes": (lambda b, r: _at(b, r, r.randbytes(r.randrange(1, 40))), False),
}


def _at(data: bytes, rng: random.Random, insert: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + insert + data[at:]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _line(data: bytes, rng: random.Random, change) -> bytes:
    lines = data.split(b"\n")
    i = rng.randrange(1, len(lines) - 1)  # a data row (the last split is the empty text after the final \n)
    lines[i] = change(lines[i])
    return b"\n".join(lines)


def byte_damage(per_kind: int = 3) -> list[Case]:
    """Damage to the bytes of a table, a seeded few of each kind, each to a table drawn at random."""
    rng = random.Random(1015)
    out = []
    for kind, (change, breaks) in BYTE_DAMAGE.items():
        for i in range(per_kind):
            name, seed = rng.choice(TABLES), rng.randrange(1 << 30)
            out.append(Case(f"bytes-{kind}-{i}-{name}", raw_bytes(name, lambda b, c=change, s=seed: c(b, random.Random(s))),
                            f"data/{name}.csv" if breaks else None, INVALID if breaks else (0, 1)))
    return out


def descriptor_damage(n: int = 12) -> list[Case]:
    """A hostile JSON value put in place of a part of the descriptor drawn at random (a seeded walk)."""
    rng = random.Random(2015)
    raw = json.loads((REPO / DESC).read_text(encoding="utf-8"))
    places = list(_places(raw, ()))
    out = []
    for i in range(n):
        place, value = rng.choice(places), rng.choice(JSON_HOSTILE)
        out.append(Case(f"descriptor-{'.'.join(map(str, place))}={json.dumps(value)[:20]}",
                        descriptor(lambda r, p=place, v=value: _put(r, p, v)), None, (0, 1, 2)))
    return out


def _places(obj, here: tuple):
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        yield here + (key,)
        yield from _places(value, here + (key,))


def _put(raw, place: tuple, value) -> None:
    for key in place[:-1]:
        raw = raw[key]
    raw[place[-1]] = value


ARCHIVE_DAMAGE = [
    Case("archive-text-missing", lambda c: (c.archive / "001_26dfe74ffcca64ce.txt").unlink(), SRC),
    Case("archive-text-utf16", lambda c: (c.archive / "002_ff931db7a704fc12.txt").write_bytes(
        (c.archive / "002_ff931db7a704fc12.txt").read_text(encoding="utf-8").encode("utf-16")), SRC),
    Case("archive-text-a-folder", lambda c: ((c.archive / "003_b697a7851b347f48.txt").unlink(),
                                             (c.archive / "003_b697a7851b347f48.txt").mkdir()), SRC),
    Case("archive-text-truncated", lambda c: (c.archive / "004_18ecb0817abf8c4d.txt").write_bytes(
        (c.archive / "004_18ecb0817abf8c4d.txt").read_bytes()[:100]), SRC),
]


def cases() -> list[Case]:
    return NAMED + every_column() + byte_damage() + descriptor_damage() + ARCHIVE_DAMAGE
