"""Read a resource's CSV as text cells with the CSV line of every row.

The file is scanned as bytes first (byte-order mark, CRLF line ends, bytes
that are not UTF-8), then parsed by pyarrow on one thread, so that rows of the
wrong width come back with their line numbers, in blocks. Every text column
is dictionary-encoded: a pandas Categorical whose categories are each distinct
text once, so that a check of a text runs once however many rows repeat it
and a table of millions of rows stays small. Cells stay text here; casting to
the Table Schema types is the structure layer's job, so that a bad cell is
reported rather than lost.

`read` gives a whole table; `read_batches` gives a table a block at a time,
for a table that no check needs whole (provenance).
"""
from __future__ import annotations

import codecs
import csv
import ctypes
import io
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from collections import deque
from queue import Queue, SimpleQueue
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .descriptor import Resource
from .frames import categorical
from .report import Problem

SCAN_BLOCK = 1 << 22
PARSE_BLOCK = 1 << 23  # pyarrow's reader holds several times a block while it parses: keep blocks small
BATCH_ROWS = 500_000  # and hand the checks batches of about this many rows (fewer, larger steps)
BOM = codecs.BOM_UTF8
UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
TEXT = pa.dictionary(pa.int32(), pa.string())


@dataclass
class Table:
    """A resource's rows as text: `frame` has one categorical column per descriptor field found in the header."""

    resource: Resource
    file: str  # the path as users see it
    frame: pd.DataFrame
    lines: np.ndarray  # CSV line of each row of `frame` (header = line 1)
    # per field, the rows too short to hold a cell for it: the short row is reported once, at its line, and its
    # missing cells, padded empty, are not reported again as empty (one fault, one error)
    padded: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def pl(self):
        """The text cells as a Polars frame (Categorical columns, empty cells null)."""
        from .frames import to_polars
        return to_polars(self.frame)


@dataclass
class Scan:
    bom: bool = False
    crlf_first_line: int | None = None
    crlf_count: int = 0
    bad_utf8: tuple[int, int] | None = None  # (line, byte offset)
    size: int = 0
    utf16: bool = False  # it starts with a UTF-16 byte-order mark


def scan(path: Path) -> Scan:
    """Byte-level facts, in blocks: UTF-8 is validated by pyarrow (C++), a block at a time. Lines are
    counted only for a file with something to report (a second pass), never for a clean one."""
    s = Scan()
    offset, carry, prev_cr = 0, b"", False
    crlf_at = bad_at = None  # byte offsets of the first CRLF and the first byte that is not UTF-8
    with open(path, "rb") as fh:
        while block := fh.read(SCAN_BLOCK):
            if offset == 0 and block.startswith(BOM):
                s.bom = True
            if offset == 0 and block.startswith(UTF16):
                s.utf16, offset = True, len(block)
                break  # nothing more to learn from the bytes of a file in another encoding
            joined = prev_cr and block.startswith(b"\n")
            crlf = (block.count(b"\r\n") if b"\r" in block else 0) + joined  # memchr first: a clean file has none
            if crlf and crlf_at is None:
                crlf_at = offset - 1 if joined else offset + block.find(b"\r\n")
            s.crlf_count += crlf
            if bad_at is None:
                data, carry_next = _complete_utf8(carry + block)
                bad = _first_bad_utf8(data)
                if bad is not None:
                    bad_at = offset - len(carry) + bad
                carry = carry_next
            prev_cr = block.endswith(b"\r")
            offset += len(block)
    if bad_at is None and carry:  # the file ends inside a character
        bad_at = offset - len(carry)
    s.size = offset
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


def _complete_utf8(data: bytes) -> tuple[bytes, bytes]:
    """Split off a character cut by the block's end, to prepend to the next block."""
    cut = 0
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: the start of the last character
            need = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4 if byte & 0xF8 == 0xF0 else 1
            cut = back if need > back else 0
            break
    return (data[:-cut], data[-cut:]) if cut else (data, b"")


def _first_bad_utf8(data: bytes) -> int | None:
    try:
        pa.array([data], pa.binary()).cast(pa.string())
        return None
    except pa.ArrowInvalid:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start
        return None


def read(root: Path, resource: Resource) -> tuple[Table | None, list[Problem]]:
    """The whole table, or None (with the reason) when it cannot be read."""
    reader = _Reader(root, resource)
    if not reader.open():
        return None, reader.problems
    parts = list(reader.arrow_batches())
    if reader.failed:
        return None, reader.problems
    batches = [b for b, _ in parts]
    table = pa.Table.from_batches(batches, schema=reader.schema) if batches else reader.schema.empty_table()
    lines = np.concatenate([l for _, l in parts]) if parts else np.zeros(0, dtype=np.int64)
    whole = reader.table(table.unify_dictionaries(), lines)
    del table, batches, parts
    release_memory()
    return whole, reader.problems


def read_batches(root: Path, resource: Resource) -> Iterator[tuple[Table | None, list[Problem]]]:
    """The table a block at a time; the problems of reading come with the batch they were met in
    (and a None table when it cannot be read at all)."""
    reader = _Reader(root, resource)
    if not reader.open():
        yield None, reader.problems
        return
    for batch, lines in reader.arrow_batches():
        table = reader.table(pa.Table.from_batches([batch]), lines)
        problems, reader.problems = reader.problems, []
        yield table, problems
    if reader.problems or reader.failed:
        yield None, reader.problems


class _Reader:
    def __init__(self, root: Path, resource: Resource):
        self.resource = resource
        self.file = resource.path
        self.path = resource.file  # None: the descriptor check refused the path, and it is not opened
        self.problems: list[Problem] = []
        self.failed = False
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
        info = scan(self.path)
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

    def arrow_batches(self) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        """Each parsed block with the CSV line of each of its rows; rows of the wrong width are kept,
        padded or cut to the header, so that the cells they have are checked too."""
        # Skipped rows, from the parsing thread: a queue is all the two threads share (it has its own lock).
        # The rows not yet placed stay with this thread alone, in order: pyarrow parses a block ahead.
        arrived: SimpleQueue = SimpleQueue()
        pool: deque[tuple[int, int, str]] = deque()

        def on_invalid(row):
            arrived.put((row.number, row.actual_columns, row.text))
            return "skip"

        try:
            reader = pacsv.open_csv(
                self.source,
                read_options=pacsv.ReadOptions(use_threads=False, block_size=PARSE_BLOCK, column_names=self.names,
                                               skip_rows=1),
                parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False,
                                               newlines_in_values=True),  # a quoted line break may cross a block
                convert_options=pacsv.ConvertOptions(column_types={n: TEXT for n in self.schema.names},
                                                     include_columns=self.schema.names,
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False))
            first = (2, 2)  # the record and the line of the first row after the header
            group: list[tuple[pa.RecordBatch, np.ndarray]] = []
            for batch in _ahead(reader):
                batch, lines, first = self._place(batch, _taken(arrived, pool), first)
                group.append((batch, lines))
                if sum(b.num_rows for b, _ in group) >= BATCH_ROWS:
                    yield _joined(group, self.schema)
                    group = []
            if group:
                yield _joined(group, self.schema)
            if _taken(arrived, pool):  # the file ends in rows of the wrong width
                empty = pa.RecordBatch.from_arrays([pa.array([], TEXT)] * len(self.schema), schema=self.schema)
                batch, lines, _ = self._place(empty, pool, first, last=True)
                yield batch, lines
        except (pa.ArrowInvalid, OSError) as exc:  # e.g. a quote left open at the end of the file
            self.failed = True
            self.problem(None, None, f"the CSV cannot be parsed: {str(exc).splitlines()[0]}",
                         "well-formed CSV: quoted cells closed, the declared dialect", "source-error")

    def _place(self, batch, pool, first, last=False):
        """The block's rows with the skipped rows that lie among them, each with its CSV line.

        `first` is (record, line) of the block's first row: pyarrow numbers a skipped row by its record (the
        header is record 1), and a quoted cell holding line breaks makes a record longer than one line, so a
        record's line is found by adding up the heights of the records before it."""
        record, line = first
        heights = _heights(batch)
        end = record + batch.num_rows - 1  # the block's last record, before skipped rows push it down
        mine = []
        while pool and (last or (pool[0][0] or 0) <= end):
            mine.append(pool.popleft())
            end += 1
        batch, lines, bad_lines = _with_lines(batch, heights, mine, record, line, self.kept, self.schema)
        self._report_width(mine, bad_lines)
        return batch, lines, (end + 1, line + int(heights.sum()) + sum(1 + r[2].count("\n") for r in mine))

    def _report_width(self, rows, lines):
        width = len(self.header)
        for (_, actual, _), line in zip(rows, lines):
            if actual < width:
                self.short[int(line)] = actual
            kind, what = ("extra-cell", "more") if actual > width else ("missing-cell", "fewer")
            self.problem(int(line), None, f"row has {actual} cell(s), {what} than the header's {width}",
                         f"{width} cells, one per header label", kind)

    def table(self, arrow: pa.Table, lines: np.ndarray) -> Table:
        """Blank rows reported and dropped; the descriptor's columns as categoricals, empty cells missing."""
        blank = np.ones(arrow.num_rows, dtype=bool)
        for name in self.schema.names:
            blank &= _empty(arrow.column(name))
        for line in lines[blank]:
            self.problem(int(line), None, "row is blank", "a value in at least one cell", "blank-row")
        if blank.any():
            arrow = arrow.filter(pa.array(~blank))
            lines = lines[~blank]
        frame = pd.DataFrame({label: categorical(arrow.column(n)) for label, n in self.known.items()},
                             index=pd.RangeIndex(arrow.num_rows))
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

    def _swallowed(self, frame: pd.DataFrame, lines: np.ndarray) -> None:
        """A quote left open runs on over the rows after it, which then vanish into one cell: a cell whose later
        lines read as whole rows of the header's width is reported at its own line (each distinct text once)."""
        width = len(self.header)
        for label, column in frame.items():
            texts = column.cat.categories
            broken = np.flatnonzero(texts.str.contains("\n", regex=False)) if len(texts) else []
            for code in broken:
                rows = [r for r in texts[code].split("\n")[1:] if len(next(csv.reader([r]), [])) >= width]
                if not rows:
                    continue
                for line in lines[column.cat.codes.to_numpy() == code]:
                    self.problem(int(line), label, f"a quote opened in this cell is closed only {texts[code].count(chr(10))} "
                                 f"line(s) later, taking in {len(rows)} line(s) that read as rows (the first: "
                                 f"{rows[0][:60]!r})", "each quoted cell closed in its own row", "unclosed-quote")


def _taken(arrived: SimpleQueue, pool: deque) -> deque:
    """The pool with the rows that have arrived from the parsing thread added, in line order (the parser
    goes through the file in order, so they all come after the rows already in the pool)."""
    new = []
    while not arrived.empty():
        new.append(arrived.get())
    pool.extend(sorted(new, key=lambda r: r[0] or 0))
    return pool


def _empty(column) -> np.ndarray:
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    empty_codes = np.flatnonzero(pc.equal(arr.dictionary, "").to_numpy(zero_copy_only=False))
    return np.isin(arr.indices.to_numpy(zero_copy_only=False), empty_codes)


def _ahead(reader) -> Iterator[pa.RecordBatch]:
    """The reader's batches, the next one parsed on a second thread while the caller checks this one:
    pyarrow lets go of the interpreter while it parses, so the two really run at once. Parsing itself
    stays on one thread, which is what keeps the line numbers of malformed rows."""
    queue: Queue = Queue(maxsize=1)

    def produce():
        try:
            for batch in reader:
                queue.put(batch)
            queue.put(None)
        except BaseException as exc:  # handed to the caller, raised there
            queue.put(exc)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    while (item := queue.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


def _joined(group, schema) -> tuple[pa.RecordBatch, np.ndarray]:
    """Parsed blocks as one batch (their dictionaries made one) with their lines."""
    if len(group) == 1:
        return group[0]
    table = pa.Table.from_batches([b for b, _ in group], schema=schema).unify_dictionaries().combine_chunks()
    batches = table.to_batches()
    return (batches[0] if batches else group[0][0]), np.concatenate([l for _, l in group])


def release_memory() -> None:
    """Hand freed memory back to the system between tables and batches, so that what the allocators keep
    for reuse does not add up across a table of millions of rows."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def tune_allocator() -> None:
    """Keep freed blocks of up to 32 MB (glibc's ceiling for this) in malloc's heap for the next array,
    rather than unmapping each and faulting its pages in again: at a million records that was a quarter of
    the page faults and of the system time. release_memory still hands the heap back between batches."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        mallopt(_M_TRIM_THRESHOLD, 1 << 30)  # explicit trims only: see release_memory


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def _libc():
    try:
        # by its name, not by ctypes.util.find_library, which starts a process (ldconfig) to look for it
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


_LIBC = _libc() if sys.platform.startswith("linux") else None


def _heights(batch: pa.RecordBatch) -> np.ndarray:
    """How many lines each row spans: a quoted cell may hold line breaks."""
    heights = np.ones(batch.num_rows, dtype=np.int64)
    for col in batch.columns:
        if len(col.dictionary) and pc.any(pc.match_substring(col.dictionary, "\n")).as_py():
            per_code = pc.count_substring(col.dictionary, "\n").to_numpy(zero_copy_only=False)
            heights += per_code[col.indices.to_numpy(zero_copy_only=False)]
    return heights


def _with_lines(batch, heights, bad_rows, first_record, first_line, kept, schema):
    """The CSV line of each row of the block, the skipped rows put back in their place, and their lines.

    The block's records are numbered from `first_record` on; the skipped ones hold the numbers pyarrow gave
    them, the parsed rows the rest, in order. A skipped row without a usable number goes after the others."""
    n, total = batch.num_rows, batch.num_rows + len(bad_rows)
    slot = np.full(len(bad_rows), -1, dtype=np.int64)
    taken = np.zeros(total, dtype=bool)
    for i, (number, _, _) in enumerate(bad_rows):
        at = (number - first_record) if number is not None else -1
        if 0 <= at < total and not taken[at]:
            slot[i], taken[at] = at, True
    for i in np.flatnonzero(slot < 0):  # no number, or one outside the block: after the rows it came with
        slot[i] = np.flatnonzero(~taken)[-1]
        taken[slot[i]] = True
    height = np.empty(total, dtype=np.int64)
    height[~taken] = heights
    height[slot] = [1 + text.count("\n") for _, _, text in bad_rows]
    line = first_line + np.concatenate([[0], np.cumsum(height)[:-1]]) if total else np.zeros(0, dtype=np.int64)
    lines, bad_lines = line[~taken].astype(np.int64), line[slot].astype(np.int64)
    if not bad_rows:
        return batch, lines, bad_lines
    rows = [next(csv.reader(io.StringIO(text)), []) for _, _, text in bad_rows]
    cells = [[row[i] if i < len(row) else "" for i in kept] for row in rows]  # padded or cut to the header
    extra = pa.RecordBatch.from_arrays([pa.array([c[k] for c in cells], pa.string()).dictionary_encode().cast(TEXT)
                                        for k in range(len(kept))], schema=schema)
    both = pa.Table.from_batches([batch, extra]).unify_dictionaries().combine_chunks()
    all_lines = np.concatenate([lines, bad_lines])
    order = np.argsort(all_lines, kind="stable")
    return both.take(pa.array(order)).to_batches()[0], all_lines[order], bad_lines


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
