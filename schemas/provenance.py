"""Layer 3: every figure against the words of its article.

With the archive folder: each archived text's SHA-256 matches sources.csv,
and every quote and evidence span occurs in its article after one
normalisation (each run of Unicode whitespace is one space). Always: each
row's quote states its value with the scale word, the value's evidence reads
as exactly that value, stated years, hedges and units are in their evidence,
and every field of every record has a provenance row from the record's own
source. Work is done per distinct text (a quote serves many rows), never per
row.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import numbers
from .descriptor import RECORD_TABLES, Descriptor
from .report import Problem
from .structure import Typed

WHITESPACE = re.compile(r"\s+")
YEAR_FIELD = {"indicators": "period", "targets": "target_year"}


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def check(desc: Descriptor, typed: dict[str, Typed], archive: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    if archive is not None and "sources" in typed:
        texts, p = _archive(typed["sources"], archive)
        problems += p
        problems += _verbatim(typed, texts)
    problems += _numbers(typed)
    problems += _coverage(desc, typed)
    problems += _field_evidence(typed)
    return problems


def _problem(t: Typed, pos, field, message, expected, code) -> Problem:
    return Problem("provenance", t.file, int(t.table.lines[pos]), field, message, expected, code)


def _archive(sources: Typed, archive: Path) -> tuple[dict[str, str], list[Problem]]:
    """Folded text of each source whose archived file is present and matches its SHA-256."""
    texts, problems = {}, []
    f = sources.frame
    if not {"source_id", "archive_file", "sha256"} <= set(f.columns):
        return texts, problems
    for pos, (sid, name, digest) in enumerate(f[["source_id", "archive_file", "sha256"]].itertuples(index=False)):
        if pd.isna(sid) or pd.isna(name):
            continue
        path = archive / name
        if not path.is_file():
            problems.append(_problem(sources, pos, "archive_file", f"{name!r} is not in the archive {archive}",
                                     "the archived text of this source in the archive folder", "archive-missing"))
            continue
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            problems.append(_problem(sources, pos, "sha256",
                                     f"the archived text {name} has SHA-256 {actual}, not the one recorded",
                                     "the SHA-256 of the archived file (the text changed, or the wrong file)",
                                     "checksum-mismatch"))
        try:
            texts[sid] = fold(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(_problem(sources, pos, "archive_file", f"{name} is not UTF-8 ({exc.reason})",
                                     "UTF-8 text", "archive-encoding"))
    return texts, problems


def _verbatim(typed: dict[str, Typed], texts: dict[str, str]) -> list[Problem]:
    problems = []
    spans = [(name, "quote") for name in RECORD_TABLES] + [("provenance", "evidence"), ("findings", "evidence")]
    for name, col in spans:
        t = typed.get(name)
        if t is None or not {col, "source_id"} <= set(t.frame.columns):
            continue
        pairs = t.frame[["source_id", col]]
        checkable = pairs["source_id"].isin(list(texts)) & pairs[col].notna()
        distinct = pairs[checkable].drop_duplicates()
        missing = [(sid, span) for sid, span in distinct.itertuples(index=False) if fold(span) not in texts[sid]]
        if not missing:
            continue
        bad = _rows_in(pairs, pd.DataFrame(missing, columns=["source_id", col])) & checkable.to_numpy()
        for pos in np.flatnonzero(bad):
            sid, span = pairs.iloc[pos]
            problems.append(_problem(t, pos, col, f"{_short(span)!r} is not in the archived text of {sid}",
                                     "a verbatim span of the article (only whitespace may differ)", "not-verbatim"))
    return problems


def _parsed(spans: pd.Series) -> pd.DataFrame:
    """(span, number) for every number each distinct span states."""
    rows = [(s, float(v)) for s in spans.dropna().unique() for v in numbers.values(s)]
    return pd.DataFrame(rows, columns=["span", "number"]).drop_duplicates()


def _numbers(typed: dict[str, Typed]) -> list[Problem]:
    """A record's quote states its value; the value's evidence reads as exactly that value, inside the quote."""
    problems = []
    prov = typed.get("provenance")
    for name in RECORD_TABLES:
        t = typed.get(name)
        if t is None or not {"record_id", "value", "quote"} <= set(t.frame.columns):
            continue
        f = t.frame
        has_value = f["value"].notna() & f["quote"].notna()
        stated = _parsed(f.loc[has_value, "quote"])
        ok = pd.MultiIndex.from_frame(f[["quote", "value"]]).isin(pd.MultiIndex.from_frame(stated[["span", "number"]])) \
            if len(stated) else np.zeros(len(f), bool)
        for pos in np.flatnonzero(has_value.to_numpy() & ~np.asarray(ok)):
            row = f.iloc[pos]
            said = ", ".join(repr(n.text) for n in numbers.read(row["quote"])) or "no number"
            problems.append(_problem(t, pos, "value",
                                     f"the quote does not state {numbers.human(row['value'], row.get('unit'))} "
                                     f"(it states: {said})",
                                     "a quote whose number, with its scale word, equals the value", "value-not-in-quote"))
        if prov is None or not {"resource", "record_id", "field", "evidence"} <= set(prov.frame.columns):
            continue
        p = prov.frame
        ev = p[(p["resource"] == name) & (p["field"] == "value")][["record_id", "evidence"]]
        ev = ev.assign(prov_pos=np.flatnonzero(((p["resource"] == name) & (p["field"] == "value")).to_numpy()))
        joined = ev.merge(f.reindex(columns=["record_id", "value", "quote", "unit"]).assign(rec_pos=np.arange(len(f))),
                          on="record_id", how="inner")
        joined = joined[joined["value"].notna() & joined["evidence"].notna()]
        if joined.empty:
            continue
        parsed = _parsed(joined["evidence"])
        single = parsed[~parsed["span"].duplicated(keep=False)]  # spans that state exactly one number
        exact = pd.MultiIndex.from_frame(joined[["evidence", "value"]]).isin(
            pd.MultiIndex.from_frame(single[["span", "number"]]))
        pairs = joined[["evidence", "quote"]].drop_duplicates()
        outside = [(e, q) for e, q in pairs.itertuples(index=False) if not (isinstance(q, str) and fold(e) in fold(q))]
        inside = ~_rows_in(joined[["evidence", "quote"]], pd.DataFrame(outside, columns=["evidence", "quote"]))
        for row in joined[~exact].itertuples(index=False):
            problems.append(_problem(prov, row.prov_pos, "evidence",
                                     f"the value evidence {_short(row.evidence)!r} does not read as "
                                     f"{numbers.human(row.value, row.unit)} ({row.record_id})",
                                     "a span stating exactly the record's value, with its scale word",
                                     "evidence-not-value"))
        for row in joined[exact & ~inside].itertuples(index=False):
            problems.append(_problem(prov, row.prov_pos, "evidence",
                                     f"the value evidence {_short(row.evidence)!r} is not part of the "
                                     f"quote of {row.record_id}",
                                     "the value's words inside the record's quote", "evidence-not-in-quote"))
    return problems


def _positions(ids: pd.Series, of: pd.Series) -> np.ndarray:
    """Row of `of` holding each of `ids` (its first row when repeated), -1 where none does."""
    first = ~of.duplicated().to_numpy()
    found = pd.Index(of[first]).get_indexer(ids)
    return np.where(found >= 0, np.flatnonzero(first)[found], -1)


def _coverage(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Every non-empty traced field of every record has a provenance row from the record's source,
    and every provenance row belongs to a non-empty traced field of a record."""
    prov = typed.get("provenance")
    if prov is None or not {"resource", "record_id", "field", "source_id"} <= set(prov.frame.columns):
        return []
    p = prov.frame
    problems = []
    for name in RECORD_TABLES:
        t = typed.get(name)
        if t is None or not {"record_id", "source_id"} <= set(t.frame.columns):
            continue
        f = t.frame
        traced = [c for c in ("region_id", "indicator", YEAR_FIELD[name], "value", "unit", "comparator", "announced")
                  if c in f.columns]
        rows = np.flatnonzero((p["resource"] == name).fillna(False).to_numpy())
        mine = p.iloc[rows]
        at = _positions(mine["record_id"], f["record_id"])
        fields = mine["field"].fillna("").to_numpy(dtype=object)
        stray = at < 0
        for field in traced:
            cell = f[field].notna().to_numpy() & f["record_id"].notna().to_numpy()
            this = (fields == field) & (at >= 0)
            has = np.zeros(len(f), dtype=bool)
            has[at[this]] = True
            for pos in np.flatnonzero(cell & ~has):
                problems.append(_problem(t, pos, field, f"no provenance row for {field}",
                                         f"a row in provenance.csv for ({name}, {f['record_id'].iloc[pos]}, {field})",
                                         "provenance-missing"))
            stray |= this & ~cell[np.maximum(at, 0)]
        stray |= (at >= 0) & ~np.isin(fields, traced)
        for i in np.flatnonzero(stray):
            row = mine.iloc[i]
            if at[i] < 0:
                message, expected, field = (f"{row['record_id']!r} is not a record of {name}.csv",
                                            f"a record_id of {desc.resources[name].path}", "record_id")
            else:
                message, expected, field = (f"{row['field']} of {row['record_id']} is empty or not traced",
                                            "provenance only for non-empty traced fields", "field")
            problems.append(_problem(prov, rows[i], field, message, expected, "provenance-orphan"))
        known = at >= 0
        theirs = np.full(len(mine), "", dtype=object)
        theirs[known] = f["source_id"].fillna("").to_numpy(dtype=object)[at[known]]
        wrong = known & (mine["source_id"].fillna("").to_numpy(dtype=object) != theirs)
        for i in np.flatnonzero(wrong):
            problems.append(_problem(prov, rows[i], "source_id",
                                     f"evidence from {mine['source_id'].iloc[i]}, but the record's source is {theirs[i]}",
                                     "the record's own source_id", "provenance-source"))
    return problems


def _field_evidence(typed: dict[str, Typed]) -> list[Problem]:
    """Stated years, hedges and units are in their evidence; a stated '=' is not a field that needs words."""
    prov = typed.get("provenance")
    if prov is None or not {"resource", "record_id", "field", "evidence", "method"} <= set(prov.frame.columns):
        return []
    p = prov.frame.assign(prov_pos=np.arange(len(prov.frame)))
    problems = []
    for name in RECORD_TABLES:
        t = typed.get(name)
        year = YEAR_FIELD[name]
        if t is None or not {"record_id", year, "unit", "comparator"} <= set(t.frame.columns):
            continue
        mine = p[((p["resource"] == name) & p["field"].isin([year, "unit", "comparator"])).fillna(False)]
        at = _positions(mine["record_id"], t.frame["record_id"])
        mine, at = mine[at >= 0], at[at >= 0]
        if mine.empty:
            continue
        rec = t.frame[[year, "unit", "comparator"]].iloc[at].reset_index(drop=True)
        j = pd.concat([mine.reset_index(drop=True), rec], axis=1)
        distinct = j[["field", "evidence", "method", year, "unit", "comparator"]].drop_duplicates()
        bad = set()
        for field, evidence, method, y, unit, comp in distinct.itertuples(index=False):
            if not isinstance(evidence, str):
                continue
            if field == year and method == "stated" and pd.notna(y) and str(int(y)) not in evidence:
                bad.add((field, evidence, method, y, unit, comp, f"does not state the year {int(y)}", "the year in the span"))
            elif field == "unit" and pd.notna(unit) and not numbers.states_unit(evidence, unit):
                bad.add((field, evidence, method, y, unit, comp, f"names no {unit} unit",
                         f"a word for {unit} (e.g. {numbers.UNIT_WORDS[unit][0]})"))
            elif field == "comparator" and method == "stated" and pd.notna(comp) and comp != "=" \
                    and not numbers.states_hedge(evidence, comp):
                bad.add((field, evidence, method, y, unit, comp, f"has no hedge meaning {comp!r}",
                         f"a hedge word for {comp!r} (e.g. {numbers.HEDGES[comp].split('|')[0]})"))
        if not bad:
            continue
        keys = ["field", "evidence", "method", year, "unit", "comparator"]
        flagged = j.merge(pd.DataFrame(sorted(bad, key=str), columns=keys + ["message", "expected"]), on=keys)
        for row in flagged.itertuples(index=False):
            problems.append(_problem(prov, row.prov_pos, "evidence",
                                     f"the {row.field} evidence {_short(row.evidence)!r} {row.message} "
                                     f"({row.record_id})", row.expected, f"evidence-{row.field}"))
    return problems


def _rows_in(frame: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """For each row of `frame`, whether its values (in keys' columns) are a row of `keys`."""
    if keys.empty:
        return np.zeros(len(frame), dtype=bool)
    cols = list(keys.columns)
    hits = frame[cols].merge(keys.drop_duplicates().astype(frame[cols].dtypes.to_dict()).assign(_hit=True),
                             on=cols, how="left")  # a left merge keeps the frame's order
    return hits["_hit"].notna().to_numpy()


def _short(text: str, n: int = 80) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"
