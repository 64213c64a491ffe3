"""The package as one Excel workbook: an about sheet, a sheet per resource, a sheet explaining every field.

Cells are typed (numbers, dates, true/false); every text cell is stored as
text, never as a formula, so a comparator "=" or a note that starts with
"-" reads back as written. Excel keeps 15 significant digits: a number that
needs more is refused rather than rounded.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from schemas.descriptor import Descriptor, Resource
# the limits the validator holds the data to first, so that what it accepts this export can hold
from schemas.releasable import (ABOUT_SHEET, EXCEL_DIGITS, FIELDS_SHEET, SHEET_NAME_FORBIDDEN, SHEET_NAME_MAX,
                                significant_digits)

from .. import citation, zipfiles
from .typemap import ExportError, cells

FIELDS_HEADER = ("resource", "field", "title", "type", "format", "required", "primary_key", "references",
                 "constraints", "description")
MAX_WIDTH = 60
BOLD = Font(bold=True)


def sheet_names(desc: Descriptor) -> list[str]:
    """The workbook's sheets in order; refuses resource names Excel cannot hold or that clash."""
    names = [ABOUT_SHEET, *desc.resources, FIELDS_SHEET]
    seen = set()
    for name in names:
        if len(name) > SHEET_NAME_MAX or SHEET_NAME_FORBIDDEN & set(name) or name.lower() in seen:
            raise ExportError(f"datapackage.json:resources[{name}]: {name!r} cannot be an Excel sheet name; "
                              f"expected at most {SHEET_NAME_MAX} characters, none of []:*?/\\, distinct "
                              f"(ignoring case) and other than {ABOUT_SHEET!r} and {FIELDS_SHEET!r}")
        seen.add(name.lower())
    return names


def _number(value, where: str):
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ExportError(f"{where}: {value!r} has no Excel form; expected a finite number")
    if significant_digits(value) > EXCEL_DIGITS:
        raise ExportError(f"{where}: {value!r} has {significant_digits(value)} significant digits; expected at "
                          f"most {EXCEL_DIGITS}, all that Excel keeps (it would round the rest)")
    return value


def _number_format(value) -> str:
    # General shows 12 or more digits as 1.8E+11: show every digit the value has instead
    if isinstance(value, int) or float(value).is_integer():
        return "0"
    return "0." + "#" * EXCEL_DIGITS


def write_cell(ws, row: int, col: int, value, where: str):
    """One cell, typed; text is forced to a text cell so that Excel never evaluates it."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise ExportError(f"{where}: text holds a control character that an Excel file cannot carry; "
                              "expected printable text")
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = _number(value, where)
        cell.number_format = _number_format(value)
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        raise ExportError(f"{where}: {value!r} has no Excel form; expected text, a number, a boolean or a date")
    return cell


def _sheet(wb: Workbook, title: str, header: list[str], rows, where) -> None:
    ws = wb.create_sheet(title)
    widths = [len(h) for h in header]
    for col, name in enumerate(header, start=1):
        write_cell(ws, 1, col, name, f"{title}:1").font = BOLD
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            write_cell(ws, r, col, value, where(r, header[col - 1]))
            if value is not None:
                widths[col - 1] = max(widths[col - 1], len(str(value)))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def _resource_rows(res: Resource, frame: pd.DataFrame) -> list[tuple]:
    return list(zip(*(cells(res, f, frame[f.name]) for f in res.fields)))


def _field_rows(desc: Descriptor) -> list[tuple]:
    rows = []
    for res in desc.resources.values():
        refs = {name: f"{fk.resource}.{ref}" for fk in res.foreign_keys for name, ref in zip(fk.fields, fk.ref_fields)}
        for f in res.fields:
            constraints = json.dumps(f.constraints, ensure_ascii=False) if f.constraints else None
            rows.append((res.name, f.name, f.title, f.type, f.format, f.required, f.name in res.primary_key,
                         refs.get(f.name), constraints, f.description or None))
    return rows


def _about_rows(desc: Descriptor) -> list[tuple]:
    raw = desc.raw
    rows = [("name", desc.name), ("title", raw.get("title")), ("version", desc.version),
            ("created", raw.get("created")), ("description", raw.get("description")),
            ("cite as", citation.text(desc))]
    for lic in raw.get("licenses", []):
        rows.append(("license", " ".join(str(lic[k]) for k in ("name", "path") if lic.get(k))))
        if lic.get("scope"):
            rows.append(("license scope", lic["scope"]))
    rows.append(("sheets", f"one per resource ({', '.join(desc.resources)}), each cell typed as "
                           f"datapackage.json declares; '{FIELDS_SHEET}' explains every field"))
    return rows


def workbook(desc: Descriptor, tables: dict[str, pd.DataFrame]) -> Workbook:
    sheet_names(desc)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, ABOUT_SHEET, ["property", "value"], _about_rows(desc), lambda r, f: f"{ABOUT_SHEET}:{r}:{f}")
    for name, res in desc.resources.items():
        _sheet(wb, name, res.field_names, _resource_rows(res, tables[name]),
               lambda r, f, res=res: f"{res.path}:{r}:{f}")  # row r of the sheet is line r of the CSV
    _sheet(wb, FIELDS_SHEET, list(FIELDS_HEADER), _field_rows(desc), lambda r, f: f"{FIELDS_SHEET}:{r}:{f}")
    for row in wb[ABOUT_SHEET].iter_rows(min_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    props = wb.properties
    props.title = desc.raw.get("title") or desc.name
    props.subject = desc.name
    props.version = desc.version
    props.keywords = ", ".join(desc.raw.get("keywords", []))
    props.creator = ", ".join(c.get("title", "") for c in desc.raw.get("contributors", [])) or None
    return wb


def write(desc: Descriptor, tables: dict[str, pd.DataFrame], path: Path) -> None:
    wb = workbook(desc, tables)
    when = zipfiles.date_time(desc.raw.get("created"))
    # stamped with the release's date, not the clock, so one version builds to one checksum
    wb.properties.created = wb.properties.modified = dt.datetime(*when)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # openpyxl's save_workbook would stamp 'modified' with the clock
    zipfiles.write(path, zipfiles.entries(buffer), when)
