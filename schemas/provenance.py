"""Layer 3: every figure against the words of its article.

With the archive folder: each archived text's SHA-256 matches sources.csv,
and every quote and evidence span occurs in its article after one
normalisation (each run of Unicode whitespace is one space). An evidence span
inside its record's quote is in the article because the quote is; only a span
from elsewhere in the article is searched for in the whole text.

Always: the value's evidence reads as exactly the record's value, with its
scale word, inside the record's quote (so the quote states the value); a
record without value evidence has its quote read instead. Words with no
number may state a value too ("the largest" is rank 1, "free of charge" is a
price of 0: `numbers.states_in_words`). Stated years,
hedges and units are in their evidence; every field of every record has a
provenance row from the record's own source, and every provenance row belongs
to a field of a record.

Provenance rows are joined to their records' rows by Polars (`Checker.add`),
and each check takes the record columns it reads for the rows it reads
(`_theirs`); what the later steps need of them is kept as one boolean per
record field.
"""
from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from . import completeness, numbers, paths
from .completeness import short as _short
from .descriptor import RECORD_TABLES, TRACED, YEAR_FIELD
from .frames import fold
from .report import Problem
from .structure import Typed

PROVENANCE_COLUMNS = {"resource", "record_id", "field", "source_id", "evidence", "method"}
ARCHIVE_COLUMNS = {"source_id", "archive_file", "sha256"}  # what of sources.csv the archive is checked by
PART = 1 << 19  # provenance rows of a record table checked at a time


def traced(name: str) -> tuple[str, ...]:
    """The fields of a record that provenance traces (when not empty)."""
    return tuple(YEAR_FIELD[name] if f == "year" else f for f in TRACED)


def _problem(t: Typed, pos, field, message, expected, code) -> Problem:
    return Problem("provenance", t.file, int(t.table.lines[pos]), field, message, expected, code)


class Texts:
    """The archived texts sources.csv names, each opened once: by name, why it was not opened (paths.Refused),
    None for a file that is not there, or its SHA-256 and its text, kept as the UTF-8 bytes read (a
    UnicodeDecodeError for bytes that are not UTF-8); the texts folded, and where their numbers stand. It needs
    only the sources table, so the validator makes it beside the other tables' reading, in `parts` parts (this
    one is part `part`, from 0), which `joined` puts together. A name its field's pattern refuses is not
    opened: it is the schema layer's to report."""

    def __init__(self, archive: Path, sources: Typed, part: int = 0, parts: int = 1):
        folder = paths.Folder(archive, "the archive folder")
        pattern = _pattern(sources.resource, "archive_file")
        self.opened: dict[str, paths.Refused | tuple[str, bytes | UnicodeDecodeError] | None] = {}
        names = _texts(sources.pl["archive_file"].drop_nulls().unique(maintain_order=True))
        for name in names[part * len(names) // parts:(part + 1) * len(names) // parts]:
            if pattern is not None and not pattern.fullmatch(name):
                continue
            try:
                path = folder.inside(name)
            except paths.Refused as exc:
                self.opened[name] = exc
                continue
            if not path.is_file():
                self.opened[name] = None
                continue
            data = path.read_bytes()
            try:
                # kept as bytes: as a Python str, a text with one character past Latin-1 (a no-break space is
                # not) takes two to four bytes a character
                data.decode("utf-8")
                text: bytes | UnicodeDecodeError = data
            except UnicodeDecodeError as exc:
                text = exc
            self.opened[name] = (hashlib.sha256(data).hexdigest(), text)
        read = [(name, got[1]) for name, got in self.opened.items()
                if isinstance(got, tuple) and isinstance(got[1], bytes)]
        self.at = {name: i for i, (name, _) in enumerate(read)}  # each read text's place in `folded`
        self.folded = completeness.fold_all(
            pa.array([text for _, text in read], pa.large_binary()).cast(pa.large_string()))
        self.places = numbers.places(self.folded)

    @classmethod
    def joined(cls, parts: list[Texts | None]) -> Texts | None:
        """The parts as one, in order (None: no parts, or the archive is not checked, and then no part is read)."""
        if not parts or parts[0] is None:
            return None
        whole = cls.__new__(cls)
        whole.opened = {name: got for p in parts for name, got in p.opened.items()}
        whole.at = {name: i for i, name in enumerate(name for p in parts for name in p.at)}
        whole.folded = pa.concat_arrays([p.folded for p in parts])
        whole.places = [found for p in parts for found in p.places]
        return whole


class Checker:
    """The provenance layer over whole record tables and the provenance table."""

    def __init__(self, typed: dict[str, Typed], archive: Path | None, texts: Texts | None = None):
        self.archive = archive
        self.texts = texts  # with the archive, the texts sources.csv names (Texts), read beside the tables
        self.records = {name: typed[name] for name in RECORD_TABLES if name in typed
                        and {"record_id", "source_id", "quote"} <= set(typed[name].pl.columns)}
        self._folded_quotes: dict[str, pl.Series] = {}
        # with the archive, by record table: where each record's quote stands in its article (q_at, q_once)
        self.quote_places: dict[str, pl.DataFrame] = {}
        self.has = {name: {f: np.zeros(t.pl.height, dtype=bool) for f in traced(name)}
                    for name, t in self.records.items()}
        # records with a provenance row whose field cell was reported: which field it traces is not known, so
        # no field of theirs is said to lack provenance (that row's one error is its field)
        self.unsure = {name: np.zeros(t.pl.height, dtype=bool) for name, t in self.records.items()}
        # and fields of a record table traced by a provenance row whose resource or record_id was reported:
        # which record it traces is not known, so no record is said to lack provenance for those fields
        self.unsure_fields: dict[str, set] = {name: set() for name in self.records}
        # articles whose numbers may be traced by a record or provenance row with a cell reported already: no
        # number of theirs is said to be unaccounted for (that cell is the one error)
        self.unsure_sources: set = set()
        for t in self.records.values():
            self.unsure_sources.update(x for x in _texts(t.pl["source_id"].filter(t.bad(*t.pl.columns))) if x)
        sources = typed.get("sources")
        if sources is not None and "source_id" in sources.pl.columns:
            self.unsure_sources.update(x for x in _texts(sources.pl["source_id"].filter(sources.bad("source_id"))) if x)
        # which record cells hold something to trace, worked out once for all the provenance rows (a cell
        # reported already, such as a value that is not a number, holds something too)
        self.filled = {name: {f: t.pl[f].is_not_null().to_numpy() | t.bad(f) for f in traced(name)
                              if f in t.pl.columns} for name, t in self.records.items()}
        self.sources = typed.get("sources")
        self.number_cache: dict[str, tuple] = {}
        self.read_any = False  # a provenance table that cannot be read says so once, not once per record field
        self.set_aside = typed.get(completeness.TABLE)
        self.ledger: completeness.Ledger | None = None  # with the archive: which article numbers are traced
        self.completeness: dict | None = None  # with the archive, after finish: the account of every number

    # ------------------------------------------------------------ archive
    def check_archive(self) -> list[Problem]:
        """Each archived text (read once, `Texts`): its SHA-256 against sources.csv, then its folded text."""
        problems, read = [], []
        s = self.sources
        if self.texts is None or s is None or not ARCHIVE_COLUMNS <= set(s.pl.columns):
            return problems
        texts, self.texts = self.texts, None  # let go once read
        pattern = _pattern(s.resource, "archive_file")
        reported = s.bad("archive_file")
        digest_reported = s.bad("sha256")
        for pos, (sid, name, digest) in enumerate(s.pl.select("source_id", "archive_file", "sha256").iter_rows()):
            if sid is None or name is None or reported[pos] or (pattern is not None and not pattern.fullmatch(name)):
                continue  # a cell reported already, or failing its field's pattern, is the schema layer's, once
            opened = texts.opened[name]
            if isinstance(opened, paths.Refused):
                problems.append(_problem(s, pos, "archive_file", f"{opened}; the file is not opened",
                                         "the name of a file in the archive folder", "unsafe-path"))
                continue
            if opened is None:
                problems.append(_problem(s, pos, "archive_file", f"{name!r} is not in the archive {self.archive}",
                                         "the archived text of this source in the archive folder", "archive-missing"))
                continue
            actual, text = opened
            if digest is not None and actual != digest and not digest_reported[pos]:  # else reported already
                problems.append(_problem(s, pos, "sha256",
                                         f"the archived text {name} has SHA-256 {actual}, not the one recorded",
                                         "the SHA-256 of the archived file (the text changed, or the wrong file)",
                                         "checksum-mismatch"))
            if isinstance(text, UnicodeDecodeError):
                problems.append(_problem(s, pos, "archive_file", f"{name} is not UTF-8 ({text.reason})",
                                         "UTF-8 text", "archive-encoding"))
            else:
                read.append((sid, name, text))
        # a source_id twice (reported by its key check) keeps its last text
        kept = [read[i] for i in {sid: i for i, (sid, _, _) in enumerate(read)}.values()]
        at = [texts.at[name] for _, name, _ in kept]
        # each folded text held once, where the ledger searches it, and read from there by its article
        folded = pl.Series(pl.from_arrow(texts.folded.take(pa.array(at, pa.int64())))).cast(pl.String)
        articles = {sid: completeness.Article(sid, name, raw, (folded, k)) for k, (sid, name, raw) in enumerate(kept)}
        self.ledger = completeness.Ledger(articles, folded, [texts.places[i] for i in at])
        return problems

    def folded_quotes(self, name: str) -> pl.Series:
        """A record table's quotes, folded (worked out once: the quote check and the provenance rows read them)."""
        if name not in self._folded_quotes:
            self._folded_quotes[name] = self.records[name].pl.select(completeness.folded(pl.col("quote"))).to_series()
        return self._folded_quotes[name]

    def check_quotes(self) -> list[Problem]:
        """Each record's quote is verbatim in its article. Each distinct (source, quote) is placed in its article
        once (`Ledger.place_quotes`), and each record keeps its quote's place for the evidence inside it. The
        record tables are checked side by side: each marks its own quotes alone, and the ledger is only read."""
        if self.ledger is None:
            return []
        with ThreadPoolExecutor(len(self.records) or 1) as pool:
            return [p for found in pool.map(self._quotes, self.records) for p in found]

    def _quotes(self, name: str) -> list[Problem]:
        t = self.records[name]
        rows = pl.DataFrame([t.pl["source_id"].cast(pl.String), self.folded_quotes(name)]).with_columns(
            pos=pl.int_range(pl.len(), dtype=pl.Int64)).filter(~pl.Series(t.bad("source_id", "quote"))
                                                               & pl.col("quote").is_not_null())
        placed = self.ledger.place_quotes(rows.group_by("source_id", "quote").agg("pos")).explode("pos").sort("pos")
        self.quote_places[name] = pl.DataFrame({"pos": pl.int_range(t.pl.height, dtype=pl.Int64, eager=True)}) \
            .join(placed.select("pos", "q_at", "q_once"), on="pos", how="left", maintain_order="left").drop("pos")
        missing = placed.filter(pl.col("q_at").is_null())
        if missing.height:
            t.mark("quote", missing["pos"].to_numpy())  # its value's evidence is then not looked for in it
        return [_problem(t, pos, "quote", f"{_short(quote)!r} is not in the archived text of {sid}",
                         "a verbatim span of the article (only whitespace may differ)", "not-verbatim")
                for pos, sid, quote in missing.select("pos", "source_id", "quote").iter_rows()]

    def check_findings(self, findings: Typed | None) -> list[Problem]:
        """Each finding's evidence, documented as verbatim, is in its source's article."""
        if self.ledger is None or findings is None or not {"source_id", "evidence"} <= set(findings.pl.columns):
            return []
        rows = findings.pl.select(pl.col("source_id").cast(pl.String), completeness.folded(pl.col("evidence"))
                                  .alias("quote"), pl.col("evidence").cast(pl.String),
                                  pos=pl.int_range(pl.len(), dtype=pl.Int64))
        placed = self.ledger.place_quotes(rows.filter(~pl.Series(findings.bad("source_id", "evidence"))
                                                      & pl.col("quote").is_not_null()))
        return [_problem(findings, pos, "evidence", f"{_short(evidence)!r} is not in the archived text of {sid}",
                         "a verbatim span of the article (only whitespace may differ)", "not-verbatim")
                for pos, sid, evidence in placed.filter(pl.col("q_at").is_null()).sort("pos")
                .select("pos", "source_id", "evidence").iter_rows()]

    # --------------------------------------------------------- provenance
    def add(self, prov: Typed) -> list[Problem]:
        """The provenance table, each row joined to its record on (resource, record_id): the checks are Polars
        expressions over the rows, and Python sees only distinct evidence texts and the rows found wrong. No check
        reads more than its rows and their records, so each record table's rows are checked a part (PART rows) at
        a time: the memory the checks work in is a part's, not the whole table's."""
        p = prov.pl
        if not PROVENANCE_COLUMNS <= set(p.columns):
            return []
        self.read_any = True
        problems = []
        reported = prov.bad(*p.columns)
        if reported.any():
            self.unsure_sources.update(x for x in _texts(p["source_id"].filter(reported)) if x)
        lost = prov.bad("resource", "record_id")
        if lost.any():
            for name in self.records:
                which = lost & ((p["resource"] == name).fill_null(False).to_numpy() | prov.bad("resource"))
                self.unsure_fields[name].update(_texts(p["field"].filter(which)))
        evidence = self._evidence(p["evidence"])
        table = p.select(*PROVENANCE_COLUMNS).with_columns(
            pl.Series("sound", ~reported), pl.Series("field_bad", prov.bad("field")),
            pl.Series("ev_bad", prov.bad("evidence")))
        # the record tables' rows are checked side by side: each table marks its own records alone, and the
        # ledger's flags are only ever set
        with ThreadPoolExecutor(len(self.records) or 1) as pool:
            for found in pool.map(lambda name: self._rows_of(prov, table, evidence, name), self.records):
                problems += found
        return problems

    def _rows_of(self, prov: Typed, table: pl.DataFrame, evidence: pl.DataFrame, name: str) -> list[Problem]:
        """The provenance rows (`table`, with the marks of their reported cells) of one record table, PART of
        them at a time (`add`)."""
        rec = self.records[name]
        # each row's record (`at`), whose columns each check takes for the rows it reads (`_theirs`), not all of
        # them joined to every row at once
        record, first = self._record_columns(name, rec), _FirstRows(rec.pl["record_id"])
        mine = np.flatnonzero((table["resource"] == name).fill_null(False).to_numpy())
        problems = []
        for start in range(0, len(mine), PART):
            rows = pl.Series("row", mine[start:start + PART])
            sub = table[rows].with_columns(rows)
            # one reported already is not searched for as well
            sub = sub.with_columns(at=first.of(sub["record_id"])) \
                .join(evidence, on="evidence", how="left", maintain_order="left") \
                .with_columns(ev=pl.when(~pl.col("ev_bad")).then(pl.col("ev")))
            sub = sub.with_columns(inside=_theirs(sub, record, "r_quote").select(
                pl.col("r_quote").str.contains(pl.col("ev"), literal=True).fill_null(False)).to_series())
            problems += self._belongs(prov, sub, name, rec, record)
            if self.ledger is not None:
                problems += self._verbatim(prov, sub)
                self._cite(sub, record)
            problems += self._values(prov, sub, rec, record)
            problems += self._field_words(prov, sub, name, record)
        return problems

    @staticmethod
    def _evidence(column: pl.Series) -> pl.DataFrame:
        """Each distinct evidence text once (a fortieth of the rows at a million records): folded (`ev`), and
        whether it may state a number (`may`: evidence stating none covers no number of its article)."""
        distinct = column.drop_nulls().unique()
        may = pc.match_substring_regex(distinct.cast(pl.String).to_arrow(), numbers.MAY_STATE)
        return pl.DataFrame([distinct, pl.Series("may", may, dtype=pl.Boolean)]).with_columns(
            ev=completeness.folded(pl.col("evidence")))

    def _record_columns(self, name: str, rec: Typed) -> pl.DataFrame:
        """What the checks read of each record, named r_*, row for row with its table."""
        r, year = rec.pl, YEAR_FIELD[name]
        cols = [pl.col(c).alias(f"r_{c}") for c in ("source_id", "value", "unit", "comparator", year) if c in r.columns]
        side = r.select(*cols, self.folded_quotes(name).alias("r_quote"))
        if name in self.quote_places:
            side = pl.concat([side, self.quote_places[name]], how="horizontal")
        return side.with_columns(
            pl.Series("r_bad_source", rec.bad("source_id")), pl.Series("r_bad_vuq", rec.bad("value", "unit", "quote")),
            pl.Series("r_bad_yuc", rec.bad(year, "unit", "comparator")),
            *(pl.Series(f"filled_{f}", cell) for f, cell in self.filled[name].items()))

    def _belongs(self, prov, sub, name, rec, record) -> list[Problem]:
        """The row names a non-empty traced field of a record of the same source; the record field is covered."""
        problems = []
        known, sound = pl.col("at").is_not_null(), pl.col("sound")  # a row with a cell reported says nothing more
        self.unsure[name][sub.filter(known & pl.col("field_bad"))["at"].to_numpy()] = True
        if not rec.bad("record_id").any():  # a record_id reported already may be the one this row names
            for row, rid in sub.filter(~known & pl.col("record_id").is_not_null() & sound) \
                    .select("row", pl.col("record_id").cast(pl.String)).iter_rows():
                problems.append(_problem(prov, row, "record_id", f"{rid!r} is not a record of {rec.file}",
                                         f"a record_id of {rec.file}", "provenance-orphan"))
        sub = _theirs(sub.filter(known), record, "r_source_id", "r_bad_source",
                      *(f"filled_{f}" for f in traced(name)))
        covered = pl.lit(False)
        for f in traced(name):
            if f in self.filled[name]:
                this = (pl.col("field") == f) & pl.col(f"filled_{f}")
                covered = covered | this.fill_null(False)
                self.has[name][f][sub.filter(this)["at"].to_numpy()] = True
        for row, f, rid in sub.filter(~covered & pl.col("field").is_not_null() & sound) \
                .select("row", pl.col("field").cast(pl.String), pl.col("record_id").cast(pl.String)).iter_rows():
            problems.append(_problem(prov, row, "field", f"{f} of {rid} is empty or not traced",
                                     "provenance only for non-empty traced fields", "provenance-orphan"))
        # empty, or the record's own source wrong: reported
        wrong = pl.col("source_id").is_not_null() & sound & ~pl.col("r_bad_source") \
            & pl.col("source_id").ne_missing(pl.col("r_source_id"))
        for row, sid, theirs in sub.filter(wrong).select("row", pl.col("source_id").cast(pl.String),
                                                         pl.col("r_source_id").cast(pl.String)).iter_rows():
            problems.append(_problem(prov, row, "source_id", f"evidence from {sid}, but the record's source is "
                                     f"{'nan' if theirs is None else theirs}", "the record's own source_id",
                                     "provenance-source"))
        return problems

    def _verbatim(self, prov, sub) -> list[Problem]:
        """A span outside its record's quote is searched for in the whole article (once per source and span)."""
        outside = sub.filter(~pl.col("inside") & pl.col("ev").is_not_null()) \
            .select("row", pl.col("source_id").cast(pl.String), "ev")
        articles = self.ledger.articles
        missing = [(sid, ev) for sid, ev in outside.select("source_id", "ev").unique().iter_rows()
                   if sid in articles and ev not in articles[sid].text]
        if not missing:
            return []
        missing = pl.DataFrame(missing, schema={"source_id": pl.String, "ev": pl.String}, orient="row")
        return [_problem(prov, row, "evidence", f"{_short(ev)!r} is not in the archived text of {sid}",
                         "a verbatim span of the article (only whitespace may differ)", "not-verbatim")
                for row, sid, ev in outside.join(missing, on=["source_id", "ev"], how="semi").iter_rows()]

    def _cite(self, sub, record) -> None:
        """Tell the completeness ledger where the evidence of each traced field stands: inside its record's
        quote when it lies there, else anywhere in the article."""
        # the record's quote was placed in the record's own article: a row citing another source is placed anew
        own = pl.col("inside") & pl.col("source_id").eq_missing(pl.col("r_source_id"))
        # only the columns read, and none of them held while the ledger places them
        rows = sub.lazy().filter(pl.col("at").is_not_null() & pl.col("may")) \
            .select("source_id", "ev", "inside", "at")
        self.ledger.cite_frame(_theirs(rows.collect(), record, "r_source_id", "r_quote", "q_at", "q_once").select(
            pl.col("source_id").cast(pl.String), span=pl.col("ev"),
            quote=pl.when(pl.col("inside")).then(pl.col("r_quote")),
            q_at=pl.when(own).then(pl.col("q_at")), q_once=pl.when(own).then(pl.col("q_once"))))

    def _values(self, prov, sub, rec, record) -> list[Problem]:
        """The value's evidence reads as exactly the record's value and lies inside the record's quote.
        Each distinct evidence text is read once."""
        if "r_value" not in record.columns:
            return []
        mine = _theirs(sub.filter(pl.col("at").is_not_null() & (pl.col("field") == "value")
                                  & pl.col("evidence").is_not_null() & pl.col("sound")),
                       record, "r_bad_vuq", "r_value", "r_unit", "r_quote").filter(~pl.col("r_bad_vuq"))
        if not mine.height:
            return []
        spans = mine["ev"].unique().to_list()
        single = [(read[0] if len(read := self._number(s)) == 1 else None) for s in spans]  # None: not one number
        mine = mine.join(pl.DataFrame({"ev": spans, "single": single}, schema={"ev": pl.String, "single": pl.Float64}),
                         on="ev", how="left")
        problems = []
        digits = pl.col("single") == pl.col("r_value")
        # the few rows whose value is not in digits
        for row, at, rid, ev, value, unit, quote, inside in mine.filter(pl.col("r_value").is_not_null()
                                                                           & ~digits.fill_null(False)).select(
                "row", "at", pl.col("record_id").cast(pl.String), "ev", "r_value", pl.col("r_unit").cast(pl.String)
                if "r_unit" in mine.columns else pl.lit(None, pl.String), "r_quote", "inside").iter_rows():
            if self._in_words(ev, value, unit):
                if not inside:
                    problems.append(_not_in_quote(prov, row, ev, rid))
                continue
            quote = quote or ""
            if value in self._number(quote):  # the quote states the value: the evidence is what is wrong
                problems.append(_problem(prov, row, "evidence",
                                         f"the value evidence {_short(ev)!r} does not read as "
                                         f"{numbers.human(value, unit)} ({rid})",
                                         "a span stating exactly the record's value, with its scale word",
                                         "evidence-not-value"))
            else:
                problems.append(_value_not_in_quote(rec, at, value, unit, quote))
        for row, ev, rid in mine.filter(digits.fill_null(False) & ~pl.col("inside")) \
                .select("row", "ev", pl.col("record_id").cast(pl.String)).iter_rows():
            problems.append(_not_in_quote(prov, row, ev, rid))
        return problems

    def _number(self, span: str) -> tuple:
        if span not in self.number_cache:
            self.number_cache[span] = tuple(float(v) for v in numbers.values(span))
        return self.number_cache[span]

    def _in_words(self, span: str, value: float, unit) -> bool:
        """The span states the value in words and no number (a number in it is what it states)."""
        return not self._number(span) and numbers.states_in_words(span, value, unit)

    def _field_words(self, prov, sub, name, record) -> list[Problem]:
        """Stated years, hedges and units are in their evidence: each distinct combination of field,
        evidence, method and the record's year, unit and comparator is checked once."""
        year = YEAR_FIELD[name]
        keys = ["field", "evidence", "method", f"r_{year}", "r_unit", "r_comparator"]
        if not set(keys) <= set(sub.columns) | set(record.columns):
            return []
        mine = _theirs(sub.filter(pl.col("at").is_not_null() & pl.col("field").is_in([year, "unit", "comparator"])
                                  & pl.col("sound")), record, "r_bad_yuc", *keys[3:]) \
            .filter(~pl.col("r_bad_yuc")).select("row", "record_id", *keys)
        combos = mine.select(keys).unique()
        bad, which = [], []
        for k, key in enumerate(combos.select(*(pl.col(c).cast(pl.String) if c != f"r_{year}" else pl.col(c)
                                                for c in keys)).iter_rows()):
            f, evidence, method, y, unit, comp = key
            if evidence is None:
                continue
            if f == year and method == "stated" and y is not None and str(int(y)) not in evidence:
                bad.append((f, evidence, f"does not state the year {int(y)}", "the year in the span"))
            elif f == "unit" and unit is not None and not numbers.states_unit(evidence, unit):
                bad.append((f, evidence, f"names no {unit} unit",
                            f"a word for {unit} (e.g. {numbers.UNIT_WORDS[unit][0]})"))
            elif f == "comparator" and method == "stated" and comp in numbers.HEDGES and comp != "=" \
                    and not numbers.states_hedge(evidence, comp):  # a comparator not allowed: the enum's to report
                bad.append((f, evidence, f"has no hedge meaning {comp!r}",
                            f"a hedge word for {comp!r} (e.g. {numbers.COMPARATOR_WORDS[comp]})"))
            else:
                continue
            which.append(k)
        if not bad:
            return []
        said = pl.DataFrame(bad, schema=["f", "ev", "message", "expected"], orient="row")
        flagged = mine.join(pl.concat([combos[which], said], how="horizontal"), on=keys, nulls_equal=True)
        return [_problem(prov, row, "evidence", f"the {f} evidence {_short(ev)!r} {message} ({rid})", expected,
                         f"evidence-{f}") for row, rid, f, ev, message, expected in
                flagged.select("row", pl.col("record_id").cast(pl.String), "f", "ev", "message", "expected").iter_rows()]

    # ------------------------------------------------------------- finish
    def finish(self) -> list[Problem]:
        """After provenance is added: record fields left without provenance, the quote of a record whose value
        had no evidence row read for the value instead, and (with the archive) every number of every article
        accounted for."""
        problems = self._completeness() + self._set_aside_records()
        for name, rec in self.records.items():
            for f in traced(name) if self.read_any else ():
                if f not in self.filled[name] or f in self.unsure_fields[name]:
                    continue
                cell = self.filled[name][f] & rec.pl["record_id"].is_not_null().to_numpy() & ~self.unsure[name] \
                    & ~rec.bad("record_id")
                missing = np.flatnonzero(cell & ~self.has[name][f])
                for pos, rid in zip(missing, _texts(rec.pl["record_id"].gather(missing))):
                    problems.append(_problem(rec, pos, f, f"no provenance row for {f}",
                                             f"a row in provenance.csv for ({name}, {rid}, {f})", "provenance-missing"))
            if "value" not in rec.pl.columns:
                continue
            values = rec.pl["value"].cast(pl.Float64).to_numpy()  # a missing value is NaN
            quoted = rec.pl["quote"].is_not_null().to_numpy()
            sound = ~rec.bad("value", "unit", "quote")
            for pos in np.flatnonzero(~np.isnan(values) & ~self.has[name]["value"] & quoted & sound):
                quote = self.folded_quotes(name)[int(pos)]
                unit = _cell(rec, "unit", pos)
                if values[pos] not in self._number(quote) and not self._in_words(quote, values[pos], unit):
                    problems.append(_value_not_in_quote(rec, pos, values[pos], unit, quote))
        return problems


    def _completeness(self) -> list[Problem]:
        """Every number of every archived article traced or set aside; each set-aside span verbatim, once in its
        article, and over no traced number."""
        if self.ledger is None or not self.read_any:
            return []
        t = self.set_aside
        rows = []
        if t is not None and {"source_id", "span"} <= set(t.pl.columns):
            rows = [(pos, sid, fold(span)) for pos, (sid, span) in enumerate(t.pl.select("source_id", "span").iter_rows())
                    if sid is not None and span is not None]
        file = t.file if t is not None else completeness.TABLE_FILE
        spans = {pos: span for pos, _, span in rows}
        left, bad = self.ledger.close(rows)
        numbers_stated, traced_numbers = self.ledger.counts()
        reasons = _texts(t.pl["reason"]) if t is not None and "reason" in t.pl.columns else []
        self.completeness = {
            "articles": len(self.ledger.articles), "numbers": numbers_stated, "traced": traced_numbers,
            "unaccounted": len(left),
            "set_aside": [{"file": self.ledger.articles[sid].archive_file,
                           "line": self.ledger.articles[sid].line(n.start), "number": n.text,
                           "span": spans[pos], "reason": reasons[pos]}
                          for pos, sid, n in self.ledger.set_apart]}
        return ([_problem(t, b.key, "span", b.message, b.expected, "set-aside-span") for b in bad]
                + [Problem("provenance", u.archive_file, u.line, None, u.message, completeness.expected(file),
                           "unaccounted-number") for u in left if u.source_id not in self.unsure_sources])


    def _set_aside_records(self) -> list[Problem]:
        """A set-aside row names a record exactly when its reason is about one (a headline restating it, a
        threshold of its definition); the record is of the row's source, and a restating span states its value."""
        t = self.set_aside
        named_by = completeness.RECORD_COLUMNS
        if t is None or not {"source_id", "span", "reason", *named_by.values()} <= set(t.pl.columns):
            return []
        problems = []
        # where each named record is in its table, looked up for the whole column at once
        at_of = {name: _FirstRows(self.records[name].pl["record_id"]).of(t.pl[column]).fill_null(-1).to_numpy()
                 for name, column in named_by.items() if name in self.records}
        for pos, (sid, span, reason, *ids) in enumerate(t.pl.select("source_id", "span", "reason",
                                                                    *named_by.values()).iter_rows()):
            named = [(name, rid) for name, rid in zip(named_by, ids) if rid is not None]
            if reason is None:
                continue  # the required check reports it
            if reason in completeness.NAMES_RECORD and len(named) != 1:
                problems.append(_problem(t, pos, named_by["indicators"], f"reason {reason} names "
                                         f"{'no record' if not named else 'two records'}",
                                         "the one record it concerns, in indicator_record or target_record",
                                         "set-aside-record"))
            elif reason not in completeness.NAMES_RECORD and named:
                problems.append(_problem(t, pos, named_by[named[0][0]], f"reason {reason} names a record",
                                         f"a record only for the reasons {', '.join(completeness.NAMES_RECORD)}",
                                         "set-aside-record"))
            elif named and named[0][0] in self.records:
                name, rid = named[0]
                rec, at = self.records[name], at_of[name][pos]
                if at < 0:
                    continue  # the foreign key check reports it
                theirs, value = _cell(rec, "source_id", at), _cell(rec, "value", at)
                if sid is not None and theirs != sid:
                    problems.append(_problem(t, pos, named_by[name], f"{rid} is a record of "
                                             f"{'nan' if theirs is None else theirs}, not of {sid}",
                                             "a record of the same article", "set-aside-record"))
                elif reason == "restates_record" and value is not None and span is not None \
                        and float(value) not in self._number(fold(span)):
                    problems.append(_problem(t, pos, "span", f"{_short(span)!r} does not state "
                                             f"{numbers.human(float(value), _cell(rec, 'unit', at))}, the value "
                                             f"of {rid}", "a span restating the record's value", "set-aside-record"))
        return problems


def _pattern(res, name: str) -> re.Pattern | None:
    """The field's declared pattern, compiled (None: it has none, or one the descriptor check reports)."""
    pattern = next((f.constraints.get("pattern") for f in res.fields if f.name == name), None)
    try:
        return re.compile(pattern) if pattern is not None else None
    except re.error:
        return None


def _theirs(rows: pl.DataFrame, record: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """The rows with the named columns of their records (`record`, by each row's `at`; null where a row has no
    record); a column the record table lacks is left out."""
    have = [c for c in columns if c in record.columns]
    return pl.concat([rows, record.select(pl.col(have).gather(rows["at"]))], how="horizontal") if have else rows


def _cell(t: Typed, col: str, pos: int):
    """A cell's value (None where empty, or where the table has no such column)."""
    return t.pl[col][int(pos)] if col in t.pl.columns else None


class _FirstRows:
    """Where the first row holding each text of a column is, looked up for many texts at once (`of`). Every
    Categorical column holds its texts' ids in one store, so a numpy array by id finds the rows (the typed
    tables' text columns are Categoricals already; any other column is made one)."""

    def __init__(self, column: pl.Series):
        column = column.cast(pl.Categorical)
        known = column.is_not_null().to_numpy()
        ids, first = np.unique(column.to_physical().drop_nulls().to_numpy(), return_index=True)
        # one more place than the largest id, for the ids the column lacks (and empty cells)
        self.by_id = np.full(int(ids[-1]) + 2 if len(ids) else 1, -1, dtype=np.int64)
        self.by_id[ids] = np.flatnonzero(known)[first]

    def of(self, ids: pl.Series) -> pl.Series:
        """For each of `ids`, the first row holding the same text (null where none does)."""
        none = len(self.by_id) - 1
        at = ids.cast(pl.Categorical).to_physical().fill_null(none).to_numpy()
        row = pl.Series("row", self.by_id[np.minimum(at, none)])
        return pl.select(pl.when(row >= 0).then(row)).to_series()


def _texts(column: pl.Series) -> list:
    """A text column's cells as Python text (None where empty): for the few rows a problem is about."""
    return column.cast(pl.String).to_list()


def _not_in_quote(prov: Typed, row: int, evidence: str, record_id: str) -> Problem:
    return _problem(prov, row, "evidence", f"the value evidence {_short(evidence)!r} is not part of the quote of "
                    f"{record_id}", "the value's words inside the record's quote", "evidence-not-in-quote")


def _value_not_in_quote(rec: Typed, pos: int, value: float, unit, quote: str) -> Problem:
    said = ", ".join(repr(n.text) for n in numbers.read(quote)) or "no number"
    return _problem(rec, pos, "value", f"the quote does not state {numbers.human(value, unit)} (it states: {said})",
                    "a quote whose number, with its scale word, equals the value", "value-not-in-quote")
