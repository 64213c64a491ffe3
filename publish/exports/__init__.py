"""The release's exports, each generated from the descriptor: SQLite, Parquet, Excel."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from schemas.descriptor import Descriptor

from . import excel, parquet, sqlite
from .typemap import ExportError

__all__ = ["ExportError", "names", "write_all"]


def names(stem: str) -> dict[str, str]:
    """File (or folder) name of each export, beside `<stem>.zip` in dist/."""
    return {"sqlite": f"{stem}.sqlite", "parquet": f"{stem}-parquet", "excel": f"{stem}.xlsx"}


def write_all(desc: Descriptor, tables: dict[str, pd.DataFrame], folder: Path, stem: str) -> list[Path]:
    """Write every export into `folder`; returns the paths written (the Parquet folder as one)."""
    out = {kind: folder / name for kind, name in names(stem).items()}
    sqlite.write(desc, tables, out["sqlite"])
    parquet.write(desc, tables, out["parquet"])
    excel.write(desc, tables, out["excel"])
    return list(out.values())
