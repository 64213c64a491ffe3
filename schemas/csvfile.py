"""Read a resource's CSV as text cells with the CSV line of every row.

The file is first scanned as bytes in blocks (byte-order mark, CRLF line
ends, bytes that are not UTF-8, line count), then parsed by pyarrow, one
thread so that rows of the wrong width come back with their line numbers.
Cells stay text here: casting to the Table Schema types is the structure
layer's job, so that a bad cell is reported rather than lost.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .descriptor import Resource
from .report import Problem

BLOCK = 1 << 22
BOM = codecs.BOM_UTF8


@dataclass
class Scan:
    newlines: int = 0
    bom: bool = False
    crlf_first_line: int | None = None
    crlf_count: int = 0
    bad_utf8: tuple[int, int] | None = None  # (line, byte offset)
    size: int = 0


@dataclass
class Table:
    """A resource's rows as text: `frame` has one column per descriptor field found in the header."""

    resource: Resource
    file: str  # the path as users see it
    frame: pd.DataFrame
    lines: np.ndarray  # CSV line of each row of `frame` (header = line 1)
    missing: list[str] = field(default_factory=list)  # descriptor fields absent from the header

    def line_of(self, positions) -> np.ndarray:
        return self.lines[np.asarray(positions, dtype=np.int64)]


def scan(path: Path) -> Scan:
    s = Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    prev_cr = False
    with open(path, "rb") as fh:
        offset = 0
        while block := fh.read(BLOCK):
            if offset == 0 and block.startswith(BOM):
                s.bom = True
            crlf = block.count(b"\r\n") + (1 if prev_cr and block.startswith(b"\n") else 0)
            if crlf and s.crlf_first_line is None:
                pos = block.find(b"\r\n")
                if prev_cr and block.startswith(b"\n"):
                    pos = -1
                s.crlf_first_line = s.newlines + block.count(b"\n", 0, max(pos, 0)) + 1
            s.crlf_count += crlf
            if s.bad_utf8 is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    s.bad_utf8 = (s.newlines + block.count(b"\n", 0, exc.start) + 1, offset + exc.start)
            s.newlines += block.count(b"\n")
            prev_cr = block.endswith(b"\r")
            offset += len(block)
        s.size = offset
    if s.bad_utf8 is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            s.bad_utf8 = (s.newlines + 1, s.size)
    return s


def read(root: Path, resource: Resource) -> tuple[Table | None, list[Problem]]:
    file = resource.path
    path = root / file
    problems: list[Problem] = []

    def problem(line, fld, message, expected, code):
        problems.append(Problem("structure", file, line, fld, message, expected, code))

    if not path.is_file():
        problem(None, None, "file is missing", f"the CSV file that resource '{resource.name}' names", "missing-file")
        return None, problems
    info = scan(path)
    if info.size == 0:
        problem(None, None, "file is empty", "a header row naming the fields: " + ",".join(resource.field_names),
                "empty-file")
        return None, problems
    if info.bom:
        problem(1, None, "file starts with a UTF-8 byte-order mark", "UTF-8 without a byte-order mark", "bom")
    if info.crlf_count:
        problem(info.crlf_first_line, None, f"{info.crlf_count} line(s) end with CRLF, the first here",
                "'\\n' line ends", "crlf")
    source: object = str(path)
    if info.bad_utf8 is not None or info.bom:
        data = path.read_bytes()
        if info.bad_utf8 is not None:
            line, at = info.bad_utf8
            problem(line, None, f"bytes that are not UTF-8 (byte {at}: {data[at:at + 4]!r})",
                    "UTF-8 text", "encoding-error")
        source = pa.py_buffer(data.removeprefix(BOM).decode("utf-8", errors="replace").encode("utf-8"))

    header = _header(path, info.bom)
    if not header or all(h == "" for h in header):
        problem(1, None, "header row is blank", "a header row naming the fields: " + ",".join(resource.field_names),
                "blank-header")
        return None, problems
    problems += _check_header(file, header, resource.field_names)

    bad_rows: list[tuple[int, int, str]] = []

    def on_invalid(row):
        bad_rows.append((row.number, row.actual_columns, row.text))
        return "skip"

    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=BLOCK, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, OSError) as exc:  # e.g. a quote left open at the end of the file
        problem(None, None, f"the CSV cannot be parsed: {str(exc).splitlines()[0]}",
                "well-formed CSV: quoted cells closed, the declared dialect", "source-error")
        return None, problems

    for number, width, _ in bad_rows:
        kind = "extra-cell" if width > len(header) else "missing-cell"
        what = "more" if width > len(header) else "fewer"
        problem(number, None, f"row has {width} cell(s), {what} than the header's {len(header)}",
                f"{len(header)} cells, one per header label", kind)

    lines = _lines(table, bad_rows)
    frame = pd.DataFrame({n: table.column(n).to_pandas(types_mapper=_str_dtype) for n in names},
                         index=pd.RangeIndex(table.num_rows))
    if bad_rows:  # keep the cells such rows have, so that they are checked too (missing cells are empty)
        frame, lines = _with_bad_rows(frame, lines, bad_rows)

    blank = (frame == "").all(axis=1).to_numpy()
    for line in lines[blank]:
        problem(int(line), None, "row is blank", "a value in at least one cell", "blank-row")
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        lines = lines[~blank]
    # the descriptor's fields by name; a label that occurs twice (reported above) keeps its first column
    known = {}
    for label, n in zip(header, names):
        if label in resource.field_names and label not in known:
            known[label] = n
    frame = frame[list(known.values())].set_axis(list(known), axis=1)

    missing = [name for name in resource.field_names if name not in frame.columns]
    return Table(resource, file, frame, lines, missing), problems


def _with_bad_rows(frame, lines, bad_rows):
    width = len(frame.columns)
    cells = [(next(csv.reader(io.StringIO(text)), []) + [""] * width)[:width] for _, _, text in bad_rows]
    extra = pd.DataFrame(cells, columns=frame.columns, index=pd.RangeIndex(len(cells))).astype(_str_dtype(pa.string()))
    both = pd.concat([frame, extra], ignore_index=True)
    all_lines = np.concatenate([lines, np.array([r[0] or 0 for r in bad_rows], dtype=np.int64)])
    order = np.argsort(all_lines, kind="stable")
    return both.iloc[order].reset_index(drop=True), all_lines[order]


def _str_dtype(arrow_type):
    return pd.StringDtype("pyarrow") if arrow_type == pa.string() else None


def _header(path: Path, bom: bool) -> list[str]:
    with open(path, "rb") as fh:
        first = fh.readline()
    text = first.removeprefix(BOM if bom else b"").decode("utf-8", errors="replace")
    return next(csv.reader(io.StringIO(text)), [])


def _check_header(file: str, header: list[str], expected: list[str]) -> list[Problem]:
    out = []

    def p(field, message, wanted, code):
        out.append(Problem("structure", file, 1, field, message, wanted, code))

    seen = set()
    for pos, label in enumerate(header, start=1):
        if label == "":
            p(None, f"column {pos} has a blank header label", "a field name", "blank-label")
        elif label in seen:
            p(label, f"column {pos} repeats the header label {label!r}", "each field once", "duplicate-label")
        elif label not in expected:
            near = ", ".join(n for n in expected if n not in header) or "none missing"
            p(label, f"column {pos} is {label!r}, which the descriptor does not define",
              f"only the descriptor's fields (missing here: {near})", "extra-label")
        seen.add(label)
    for pos, name in enumerate(expected, start=1):
        if name not in header:
            p(name, f"column {name!r} is missing from the header", f"{name!r} as column {pos}", "missing-label")
    present = [h for h in header if h in expected]
    order = [n for n in expected if n in header]
    if present != order and len(set(present)) == len(present):
        p(None, f"columns are in the order {', '.join(present)}", f"the descriptor's order {', '.join(order)}",
          "incorrect-label")
    return out


def _lines(table: pa.Table, bad_rows: list[tuple[int, int, str]]) -> np.ndarray:
    """CSV line of every parsed row: the rows fill the lines the skipped rows do not."""
    n = table.num_rows
    heights = np.ones(n, dtype=np.int64)
    for col in table.columns:  # a quoted cell may hold line breaks: its row spans more lines
        if pc.any(pc.match_substring(col, "\n")).as_py():
            heights += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
    bad_lines = np.array(sorted(r[0] for r in bad_rows if r[0] is not None), dtype=np.int64)
    if (heights == 1).all() and not any("\n" in r[2] for r in bad_rows):
        total = n + len(bad_rows)
        return np.setdiff1d(np.arange(2, total + 2, dtype=np.int64), bad_lines, assume_unique=True)[:n]
    # rare: multi-line cells; walk the skipped rows in order
    starts = 2 + np.concatenate([[0], np.cumsum(heights)[:-1]]) if n else np.zeros(0, dtype=np.int64)
    for number, _, text in sorted((r for r in bad_rows if r[0] is not None), key=lambda r: r[0]):
        starts[starts >= number] += 1 + text.count("\n")
    return starts.astype(np.int64)
