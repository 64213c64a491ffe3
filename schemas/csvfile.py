"""Read a resource's CSV as text cells with the CSV line of every row.

The file is scanned as bytes first (byte-order mark, CRLF line ends, bytes
that are not UTF-8), then parsed by pyarrow's streaming reader on all cores. Every text
column is dictionary-encoded and handed on as a Polars Categorical, each
distinct text stored once, so that a table of millions of rows stays small.
Cells stay text here; casting to the Table Schema types is the structure
layer's job, so that a bad cell is reported rather than lost.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .descriptor import Resource
from .report import Problem

SCAN_BLOCK = 1 << 22
PARSE_BLOCK = 1 << 22  # each parsing thread holds a few blocks at a time
BOM = codecs.BOM_UTF8
UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
TEXT = pa.dictionary(pa.int32(), pa.string())


@dataclass
class Table:
    """A resource's rows as text: `pl` has one Categorical column per descriptor field found in the header."""

    resource: Resource
    file: str  # the path as users see it
    pl: pl.DataFrame
    lines: np.ndarray  # CSV line of each row of `pl` (header = line 1)
    # per field, the rows too short to hold a cell for it: the short row is reported once, at its line, and its
    # missing cells, padded empty, are not reported again as empty (one fault, one error)
    padded: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class Scan:
    bom: bool = False
    crlf_first_line: int | None = None
    crlf_count: int = 0
    bad_utf8: tuple[int, int] | None = None  # (line, byte offset)
    size: int = 0
    utf16: bool = False  # it starts with a UTF-16 byte-order mark
    newlines: int = 0  # line feeds, counted to learn whether any row spans lines
    returns: int = 0  # carriage returns: one without a line feed after it ends a row too
    ends_with_newline: bool = False


def scan(path: Path) -> Scan:
    """Byte-level facts, in blocks: UTF-8 is validated by pyarrow (C++), a block at a time. Lines are
    counted only for a file with something to report (a second pass), never for a clean one. The blocks are
    read into one buffer, again and again (a fresh buffer for each block cost a page fault every 4 kB), and
    looked at through numpy."""
    s = Scan()
    buf = bytearray(SCAN_BLOCK + 3)  # room for the bytes of a character the last block cut, before the next
    base, carried, prev_cr = 0, 0, False  # the file offset of buf[0]; the cut character's bytes at its front
    crlf_at = bad_at = None  # byte offsets of the first CRLF and the first byte that is not UTF-8
    with open(path, "rb") as fh, memoryview(buf) as whole:
        while n := fh.readinto(whole[carried:carried + SCAN_BLOCK]):
            block = np.frombuffer(buf, np.uint8, count=carried + n)
            start = block[:len(BOM)].tobytes() if base == 0 else b""
            if start.startswith(BOM):
                s.bom = True
            if start.startswith(UTF16):
                s.utf16, base, carried = True, fh.seek(0, io.SEEK_END), 0
                break  # nothing more to learn from the bytes of a file in another encoding
            # the carried bytes of a character are neither a line feed nor a carriage return: counted once
            cr = block == 13
            returns = int(np.count_nonzero(cr))
            joined = bool(prev_cr and block[0] == 10)
            crlf = np.flatnonzero(cr[:-1] & (block[1:] == 10)) if returns else ()
            if (len(crlf) or joined) and crlf_at is None:
                crlf_at = base - 1 if joined else base + int(crlf[0])
            s.crlf_count += len(crlf) + joined
            s.newlines += int(np.count_nonzero(block == 10))
            s.returns += returns
            s.ends_with_newline, prev_cr = bool(block[-1] == 10), bool(block[-1] == 13)
            cut = _cut_character(block)
            if bad_at is None:
                bad = _first_bad_utf8(whole[:len(block) - cut])
                if bad is not None:
                    bad_at = base + bad
            buf[:cut] = buf[len(block) - cut:len(block)]  # the cut character starts the next block
            base, carried = base + len(block) - cut, cut
    if bad_at is None and carried:  # the file ends inside a character
        bad_at = base
    s.size = base + carried
    if crlf_at is not None:
        s.crlf_first_line = _line_at(path, crlf_at)
    if bad_at is not None:
        s.bad_utf8 = (_line_at(path, bad_at), bad_at)
    return s


def _line_at(path: Path, offset: int) -> int:
    """The line (1 = first) of a byte offset."""
    lines, seen = 1, 0
    with open(path, "rb") as fh:
        while seen < offset and (block := fh.read(min(SCAN_BLOCK, offset - seen))):
            lines += block.count(b"\n")
            seen += len(block)
    return lines


def _cut_character(data: np.ndarray) -> int:
    """How many bytes at the end are a character the block's end cut (0 to 3)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = int(data[-back])
        if byte & 0xC0 != 0x80:  # not a continuation byte: the start of the last character
            need = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4 if byte & 0xF8 == 0xF0 else 1
            return back if need > back else 0
    return 0


def _first_bad_utf8(data: memoryview) -> int | None:
    """Where in the bytes the first that is not UTF-8 is (None: there is none)."""
    try:
        pa.Array.from_buffers(pa.binary(), 1, [None, pa.array([0, len(data)], pa.int32()).buffers()[1],
                                               pa.py_buffer(data)]).cast(pa.string())
        return None
    except pa.ArrowInvalid:
        pass
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def read(root: Path, resource: Resource) -> tuple[Table | None, list[Problem]]:
    """The whole table, or None (with the reason) when it cannot be read."""
    reader = _Reader(root, resource)
    if not reader.open():
        return None, reader.problems
    parsed = reader.parse()
    if parsed is None:
        return None, reader.problems
    return reader.table(*parsed), reader.problems


class _Reader:
    def __init__(self, root: Path, resource: Resource):
        self.resource = resource
        self.file = resource.path
        self.path = resource.file  # None: the descriptor check refused the path, and it is not opened
        self.problems: list[Problem] = []
        self.short: dict[int, int] = {}  # line of each row with fewer cells than the header -> the cells it had

    def problem(self, line, fld, message, expected, code):
        self.problems.append(Problem("structure", self.file, line, fld, message, expected, code))

    def open(self) -> bool:
        res = self.resource
        if self.path is None:
            return False
        if not self.path.is_file():
            self.problem(None, None, "file is missing", f"the CSV file that resource '{res.name}' names",
                         "missing-file")
            return False
        info = self.info = scan(self.path)
        if info.size == 0:
            self.problem(None, None, "file is empty", "a header row naming the fields: " + ",".join(res.field_names),
                         "empty-file")
            return False
        if info.utf16:
            self.problem(1, None, "file is UTF-16 (it starts with a UTF-16 byte-order mark)", "UTF-8 text",
                         "encoding-error")
            return False
        if info.bom:
            self.problem(1, None, "file starts with a UTF-8 byte-order mark", "UTF-8 without a byte-order mark", "bom")
        if info.crlf_count:
            self.problem(info.crlf_first_line, None, f"{info.crlf_count} line(s) end with CRLF, the first here",
                         "'\\n' line ends", "crlf")
        self.source: object = str(self.path)
        if info.bad_utf8 is not None or info.bom:
            data = self.path.read_bytes()  # rare: only a file with a problem is read whole
            if info.bad_utf8 is not None:
                line, at = info.bad_utf8
                self.problem(line, None, f"bytes that are not UTF-8 (byte {at}: {data[at:at + 4]!r})",
                             "UTF-8 text", "encoding-error")
            self.source = pa.py_buffer(data.removeprefix(BOM).decode("utf-8", errors="replace").encode("utf-8"))
        self.header = _header(self.path, info.bom)
        if not self.header or all(h == "" for h in self.header):
            self.problem(1, None, "header row is blank",
                         "a header row naming the fields: " + ",".join(res.field_names), "blank-header")
            return False
        self.problems += _check_header(self.file, self.header, res.field_names)
        # the descriptor's fields by name; a label that occurs twice keeps its first column
        self.known: dict[str, str] = {}
        fields = set(res.field_names)
        for i, label in enumerate(self.header):
            if label in fields and label not in self.known:
                self.known[label] = f"c{i}"
        # Only those columns are made cells: a header of a hundred thousand labels the descriptor does not define
        # costs its labels, not a column of cells each. (pyarrow reads an empty list as every column: a header
        # with no field at all keeps its first column, for the lines of its rows.)
        self.kept = sorted(int(n[1:]) for n in self.known.values()) or [0]
        self.names = [f"c{i}" for i in range(len(self.header))]
        self.schema = pa.schema([(self.names[i], TEXT) for i in self.kept])
        return True

    def parse(self) -> tuple[pl.DataFrame, np.ndarray, bool] | None:
        """The rows with the CSV line of each, and whether every row is one line. A file whose rows all have
        the header's width is parsed with threads; pyarrow numbers a row of another width only when it parses
        on one thread, so a file with such rows is parsed again that way, and those rows are kept, padded or cut
        to the header, so that the cells they have are checked too."""
        skipped: list[tuple[int | None, int, str]] = []
        try:
            try:
                frame = self._read(use_threads=True)
            except pa.ArrowInvalid as exc:
                if "columns, got" not in str(exc):
                    raise
                frame = self._read(use_threads=False, on_invalid=lambda row: skipped.append(
                    (row.number, row.actual_columns, row.text)) or "skip")
        except (pa.ArrowInvalid, OSError) as exc:  # e.g. a quote left open at the end of the file
            self.problem(None, None, f"the CSV cannot be parsed: {str(exc).splitlines()[0]}",
                         "well-formed CSV: quoted cells closed, the declared dialect", "source-error")
            return None
        # the fewest line feeds the header and these rows can have, and every row ended by one: then no quoted
        # cell holds a line break
        info = self.info
        one_line_each = info.returns == info.crlf_count \
            and info.newlines == 1 + frame.height + len(skipped) - (not info.ends_with_newline)
        frame, lines, bad_lines = _with_lines(frame, skipped, self.kept, one_line_each)
        self._report_width(skipped, bad_lines)
        return frame, lines, one_line_each

    def _read(self, use_threads: bool, on_invalid=None) -> pl.DataFrame:
        """The file through Arrow's streaming reader, each block made Polars columns as it comes: the whole
        file is never held as Arrow text and as Polars columns at once."""
        reader = pacsv.open_csv(
            self.source,
            read_options=pacsv.ReadOptions(use_threads=use_threads, block_size=PARSE_BLOCK, column_names=self.names,
                                           skip_rows=1),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False,
                                             newlines_in_values=True),  # a quoted line break may cross a block
            # an empty cell, quoted or not, is missing
            convert_options=pacsv.ConvertOptions(column_types={n: TEXT for n in self.schema.names},
                                                 include_columns=self.schema.names, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True))
        parts = [pl.from_arrow(batch) for batch in reader]
        if not parts:
            return pl.DataFrame({n: pl.Series(n, [], pl.Categorical) for n in self.schema.names})
        return pl.concat(parts, rechunk=True)

    def _report_width(self, rows, lines):
        width = len(self.header)
        for (_, actual, _), line in zip(rows, lines):
            if actual < width:
                self.short[int(line)] = actual
            kind, what = ("extra-cell", "more") if actual > width else ("missing-cell", "fewer")
            self.problem(int(line), None, f"row has {actual} cell(s), {what} than the header's {width}",
                         f"{width} cells, one per header label", kind)

    def table(self, frame: pl.DataFrame, lines: np.ndarray, one_line_each: bool) -> Table:
        """Blank rows reported and dropped; the descriptor's columns by their labels."""
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series().to_numpy()
        for line in lines[blank]:
            self.problem(int(line), None, "row is blank", "a value in at least one cell", "blank-row")
        if blank.any():
            frame = frame.filter(pl.Series(~blank))
            lines = lines[~blank]
        frame = frame.select([pl.col(name).alias(label) for label, name in self.known.items()]) if self.known \
            else pl.DataFrame(height=len(lines))  # no field of the descriptor: only the rows' lines are kept
        if not one_line_each:
            self._swallowed(frame, lines)
        return Table(self.resource, self.file, frame, lines, self._padded(lines))

    def _padded(self, lines: np.ndarray) -> dict[str, np.ndarray]:
        if not self.short:
            return {}
        had = np.full(len(lines), len(self.header), dtype=np.int64)
        short = np.fromiter(self.short, dtype=np.int64)
        at = np.isin(lines, short)
        had[at] = [self.short[int(line)] for line in lines[at]]
        return {label: had <= int(name[1:]) for label, name in self.known.items()}

    def _swallowed(self, frame: pl.DataFrame, lines: np.ndarray) -> None:
        """A quote left open runs on over the rows after it, which then vanish into one cell: a cell whose later
        lines read as whole rows of the header's width is reported at its own line (each distinct text read once)."""
        width = len(self.header)
        for label in frame.columns:
            said = {}
            for text in _with_breaks(frame[label]):
                rows = [r for r in text.split("\n")[1:] if len(next(csv.reader([r]), [])) >= width]
                if rows:
                    said[text] = (f"a quote opened in this cell is closed only {text.count(chr(10))} line(s) later, "
                                  f"taking in {len(rows)} line(s) that read as rows (the first: {rows[0][:60]!r})")
            if not said:
                continue
            hit = frame[label].is_in(list(said)).fill_null(False).to_numpy()
            for line, text in zip(lines[hit], frame[label].filter(pl.Series(hit)).cast(pl.String).to_list()):
                self.problem(int(line), label, said[text], "each quoted cell closed in its own row", "unclosed-quote")


def _with_breaks(column: pl.Series) -> list[str]:
    """The distinct texts of a column that hold a line break."""
    distinct = column.unique().drop_nulls().cast(pl.String)
    return distinct.filter(distinct.str.contains("\n", literal=True)).to_list()


def _heights(frame: pl.DataFrame) -> np.ndarray:
    """How many lines each row spans: a quoted cell may hold line breaks (counted once per distinct text)."""
    heights = np.ones(frame.height, dtype=np.int64)
    for name in frame.columns:
        texts = _with_breaks(frame[name])
        if not texts:
            continue
        breaks = pl.DataFrame({"t": texts}).select(pl.col("t").cast(pl.Categorical), n=pl.col("t").str.count_matches("\n"))
        heights += frame.select(name).join(breaks, left_on=name, right_on="t", how="left", maintain_order="left")[
            "n"].fill_null(0).to_numpy()
    return heights


def _with_lines(frame: pl.DataFrame, bad_rows, kept, one_line_each: bool = False) \
        -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """The CSV line of each row, the skipped rows put back in their place, and their lines.

    Records are numbered from 2 (the header is record 1): the skipped ones hold the numbers pyarrow gave
    them, the parsed rows the rest, in order; a record's line is found by adding up the heights of the
    records before it (a quoted cell holding line breaks makes a record longer than one line). A skipped row
    without a usable number goes after the others."""
    total = frame.height + len(bad_rows)
    slot = np.full(len(bad_rows), -1, dtype=np.int64)
    taken = np.zeros(total, dtype=bool)
    for i, (number, _, _) in enumerate(bad_rows):
        at = (number - 2) if number is not None else -1
        if 0 <= at < total and not taken[at]:
            slot[i], taken[at] = at, True
    for i in np.flatnonzero(slot < 0):  # no number, or one outside the file: after the rows it came with
        slot[i] = np.flatnonzero(~taken)[-1]
        taken[slot[i]] = True
    height = np.empty(total, dtype=np.int64)
    height[~taken] = 1 if one_line_each else _heights(frame)
    height[slot] = [1 + text.count("\n") for _, _, text in bad_rows]
    # each record's line: the heights of the records before it, after the header's line (made in place: a
    # million-row table's lines are not copied again and again)
    line = np.cumsum(height)
    line -= height
    line += 2
    lines, bad_lines = (line[~taken] if len(slot) else line), line[slot]
    if not bad_rows:
        return frame, lines, bad_lines
    rows = [next(csv.reader(io.StringIO(text)), []) for _, _, text in bad_rows]
    extra = pl.DataFrame({name: pl.Series(name, [(row[i] or None) if i < len(row) else None for row in rows],
                                          pl.String).cast(pl.Categorical)  # padded or cut to the header
                          for i, name in zip(kept, frame.columns)})
    all_lines = np.concatenate([lines, bad_lines])
    order = np.argsort(all_lines, kind="stable")
    return pl.concat([frame, extra])[order], all_lines[order], bad_lines


def _header(path: Path, bom: bool) -> list[str]:
    with open(path, "rb") as fh:
        first = fh.readline()
    text = first.removeprefix(BOM if bom else b"").decode("utf-8", errors="replace")
    return next(csv.reader(io.StringIO(text)), [])


def _check_header(file: str, header: list[str], expected: list[str]) -> list[Problem]:
    out = []

    def p(field, message, wanted, code):
        out.append(Problem("structure", file, 1, field, message, wanted, code))

    seen, labels, fields = set(), set(header), set(expected)
    near = ", ".join(n for n in expected if n not in labels) or "none missing"  # once, not once per label
    for pos, label in enumerate(header, start=1):
        if label == "":
            p(None, f"column {pos} has a blank header label", "a field name", "blank-label")
        elif label in seen:
            p(label, f"column {pos} repeats the header label {label!r}", "each field once", "duplicate-label")
        elif label not in fields:
            p(label, f"column {pos} is {label!r}, which the descriptor does not define",
              f"only the descriptor's fields (missing here: {near})", "extra-label")
        seen.add(label)
    for pos, name in enumerate(expected, start=1):
        if name not in labels:
            p(name, f"column {name!r} is missing from the header", f"{name!r} as column {pos}", "missing-label")
    present = [h for h in header if h in fields]
    order = [n for n in expected if n in labels]
    if present != order and len(set(present)) == len(present):
        p(None, f"columns are in the order {', '.join(present)}", f"the descriptor's order {', '.join(order)}",
          "incorrect-label")
    return out
