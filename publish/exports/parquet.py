"""The package as Parquet: one file per resource, its Arrow schema generated from the descriptor.

Each column carries its field's title, description, Table Schema type and
constraints as Arrow field metadata, and each file the package's name,
version and licences and its resource's descriptor, so one file alone says
what it is and which release it came from.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.descriptor import Descriptor, Resource

from .typemap import ExportError, mapping

PACKAGE_KEYS = ("name", "title", "version", "created", "licenses")


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def arrow_schema(desc: Descriptor, resource: Resource) -> pa.Schema:
    fields = []
    for f in resource.fields:
        meta = {b"title": f.title.encode("utf-8"), b"description": f.description.encode("utf-8"),
                b"type": f.type.encode("utf-8"), b"constraints": _json(f.constraints)}
        fields.append(pa.field(f.name, mapping(resource, f).arrow, nullable=not f.required, metadata=meta))
    package = {k: desc.raw[k] for k in PACKAGE_KEYS if k in desc.raw}
    return pa.schema(fields, metadata={b"package": _json(package), b"resource": _json(resource.raw)})


def arrow_table(desc: Descriptor, resource: Resource, frame: pd.DataFrame) -> pa.Table:
    schema = arrow_schema(desc, resource)
    arrays = []
    for f, target in zip(resource.fields, schema):
        try:
            # a safe cast: a date with a time of day, or a fractional integer, fails rather than being cut
            arrays.append(pa.Array.from_pandas(frame[f.name]).cast(target.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ExportError(f"{resource.path}:{f.name}: cannot be stored as Arrow {target.type} ({exc}); "
                              f"expected {f.type} values") from None
    return pa.Table.from_arrays(arrays, schema=schema)


def write(desc: Descriptor, tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, res in desc.resources.items():
        path = folder / f"{name}.parquet"
        pq.write_table(arrow_table(desc, res, tables[name]), path)
        paths.append(path)
    return paths
