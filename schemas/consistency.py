"""Layer 4: arithmetic across records, published as findings.

- currency_pair: a yuan figure and the US-dollar equivalent stated beside it
  imply an exchange rate; it is compared with a band for the year the article
  appeared (schemas/exchange_rate_bands.csv, a table with its own source).
- share_parts: a stated share against its stated parts (a city's share of its
  province, a region's share of the nation).
- share_base: shares of one outside base (GDP) imply that base; the implied
  bases must overlap.
- target_growth: a target against the latest observed figure for the same
  region and indicator gives the yearly growth it needs.
- growth_prior: a stated growth rate and value imply the year before.
- same_figure: one figure from two or more sources agrees or conflicts.

None of these fails validation: they are facts about the sources. Only
arithmetic that is impossible inside one row (an exchange rate from a zero
or negative amount) is an error.

The arithmetic runs over whole columns (Polars joins and groups), and a
finding keeps its records as row positions: its JSON, sentence included, is
written only when it is read (`Findings`), a chunk of findings at a time and
a column at a time, so a package of a million records with half a million
findings costs columns of numbers, not half a million objects.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import orjson
import polars as pl
import pyarrow as pa

from .descriptor import RECORD_TABLES, YEAR_FIELD
from .numbers import COMPARATOR_WORDS, human
from .report import Finding, Problem
from .structure import Typed

BANDS = Path(__file__).with_name("exchange_rate_bands.csv")
APPROX = 0.05  # '~' reads as within 5% when two sources are compared
TEXT = ("record_id", "region_id", "indicator", "unit", "comparator", "source_id", "equivalent_of")
FIGURE = ["resource", "region_id", "indicator", "year"]  # what names a figure
CHUNK = 50_000  # findings made into JSON at a time
# the JSON made ahead waits compressed (a tenth of its size) until it is written: 290 MB of a million records'
# findings would otherwise be held through the provenance layer's busiest step
AHEAD = pa.Codec("zstd", compression_level=1)
HEDGES = {c: f"({w}) " for c, w in COMPARATOR_WORDS.items() if w}


@dataclass
class Part:
    """The findings of one check: a row each (a `status`, the records as positions p_*, the numbers), and what
    makes their JSON: `render` gives each row's sentence, records (JSON arrays) and figures (JSON objects)."""

    check: str
    frame: pl.DataFrame
    render: Callable[["Findings", pl.DataFrame], tuple[pl.Series, pl.Series, pl.Series]]


class Findings(Sequence):
    """All findings, as columns. The JSON of each is made when read, a chunk at a time (`json`), and a Finding
    is read back from it: the report and the objects cannot say different things."""

    def __init__(self, rec: pl.DataFrame | None = None, parts: list[Part] | None = None):
        self.rec = rec
        self.parts = [p for p in (parts or []) if p.frame.height]
        self._ends = np.cumsum([p.frame.height for p in self.parts])
        self._human: dict = {}
        self._ahead: queue.SimpleQueue | None = None  # the JSON made ahead (make_ahead), a chunk at a time

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def __iter__(self):
        for lines in self._chunks():
            for line in lines:
                yield Finding(**orjson.loads(line))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        k = int(np.searchsorted(self._ends, i, side="right"))
        start = int(self._ends[k - 1]) if k else 0
        return Finding(**orjson.loads(self._lines(self.parts[k], i - start, 1)[0]))

    def json(self) -> Iterator[bytes]:
        """The JSON of every finding, in order, one a line, a chunk of lines at a time (joined by ",\\n"): as
        made ahead (`make_ahead`), else made now."""
        if self._ahead is None:
            yield from self._json()
            return
        ahead, self._ahead = self._ahead, None
        while (chunk := ahead.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield AHEAD.decompress(chunk[0], decompressed_size=chunk[1])

    def make_ahead(self) -> None:
        """Start making the JSON of every finding on a thread of its own, for `json` to hand on as it comes:
        the validator's JSON report is then made while the provenance layer runs beside it."""
        self._ahead = queue.SimpleQueue()
        threading.Thread(target=self._make, args=(self._ahead,), daemon=True).start()

    def _make(self, ahead: queue.SimpleQueue) -> None:
        try:
            for chunk in self._json():
                ahead.put((AHEAD.compress(chunk), len(chunk)))
            ahead.put(None)
        except BaseException as exc:  # raised where the JSON is read
            ahead.put(exc)

    def _json(self) -> Iterator[bytes]:
        for lines in self._chunks():
            yield lines.str.join(",\n").item().encode()

    def _chunks(self, chunk: int = CHUNK) -> Iterator[pl.Series]:
        for part in self.parts:
            for start in range(0, part.frame.height, chunk):
                yield self._lines(part, start, chunk)

    def _lines(self, part: Part, start: int, n: int) -> pl.Series:
        f = part.frame.slice(start, n)
        summary, records, figures = part.render(self, f)
        return _cat(f'{{"check":{orjson.dumps(part.check).decode()},"status":', _json(f["status"]), ',"summary":',
                    _json(summary), ',"records":', records, ',"figures":', figures, "}")

    def counts(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for part in self.parts:
            for status, n in part.frame.group_by("status", maintain_order=True).len().iter_rows():
                out[(part.check, status)] = n
        return out

    def at(self, positions: pl.Series, *cols: str) -> pl.DataFrame:
        """The records' cells at these positions (a missing position gives missing cells)."""
        return self.rec.select(pl.col(c).gather(positions) for c in cols)

    def cells(self, positions: pl.Series, *cols: str) -> list[list]:
        """The same as plain lists, for the checks whose sentences are written row by row."""
        return [s.to_list() for s in self.at(positions, *cols).get_columns()]

    def refs(self, positions: pl.Series) -> pl.Series:
        """Each record's reference, as JSON: {resource, record_id, source_id, line}."""
        r = self.at(positions, "resource", "record_id", "source_id", "line")
        return _object({c: _json(r[c]) for c in r.columns})

    def human(self, value, unit, digits: int | None = None) -> str:
        """numbers.human, once per distinct stated figure: half a million findings say about a million
        figures, a tenth of them distinct (a derived figure, rarely said twice, goes to numbers.human)."""
        key = (value, unit, digits)
        said = self._human.get(key)
        if said is None:
            said = self._human[key] = human(value, unit, digits)
        return said

    def humans(self, values: pl.Series, units: pl.Series | str) -> pl.Series:
        """`human` of each stated figure, called once per distinct (value, unit)."""
        if isinstance(units, str):
            units = pl.repeat(units, len(values), eager=True)
        # -0.0 is said as 0.0 is: one key, so that the join finds one match for each row
        pairs = pl.DataFrame({"v": values.cast(pl.Float64) + 0.0, "u": units.cast(pl.String)})
        distinct = pairs.unique()
        said = pl.Series([self.human(v, u) for v, u in distinct.iter_rows()], dtype=pl.String)
        return pairs.join(distinct.with_columns(said=said), on=["v", "u"], how="left", nulls_equal=True,
                          maintain_order="left")["said"]


def records(typed: dict[str, Typed]) -> tuple[pl.DataFrame, pl.Series]:
    """Both record tables in one frame (with their CSV lines and each row's position), and the regions the
    tables name anywhere (a record left out included): a share of a region no record names says nothing."""
    parts, named = [], [pl.Series([], dtype=pl.Categorical)]
    for name in RECORD_TABLES:
        t = typed.get(name)
        need = {"record_id", "region_id", "indicator", YEAR_FIELD[name], "value", "unit", "comparator", "source_id"}
        if t is None or not need <= set(t.pl.columns):
            continue
        f = t.pl
        # a record with a cell reported already is left out of the arithmetic: that cell is its one error
        sound = ~t.bad(*need, *(c for c in TEXT if c in f.columns))
        parts.append(f.select(*(pl.col(c) if c in f.columns else pl.lit(None, pl.Categorical).alias(c) for c in TEXT),
                              pl.col(YEAR_FIELD[name]).cast(pl.Int64).alias("year"), pl.col("value").cast(pl.Float64),
                              pl.lit(pl.Series(t.table.lines, dtype=pl.Int64)).alias("line"),
                              pl.lit(name, pl.Categorical).alias("resource"), pl.lit(pl.Series(sound)).alias("sound")))
        named.append(f["region_id"].drop_nulls())
    rec = pl.concat(parts) if parts else pl.DataFrame(schema={**{c: pl.Categorical for c in TEXT}, "year": pl.Int64,
                                                              "value": pl.Float64, "line": pl.Int64,
                                                              "resource": pl.Categorical, "sound": pl.Boolean})
    keep = (pl.col("record_id").is_not_null() & pl.col("value").is_not_null() & pl.col("value").is_not_nan()
            & pl.col("year").is_not_null() & pl.col("sound"))
    rec = rec.filter(keep).drop("sound").with_row_index("pos").with_columns(pl.col("pos").cast(pl.Int64))
    return rec, pl.concat(named).unique()


def check(typed: dict[str, Typed]) -> tuple[list[Problem], Findings]:
    rec, named = records(typed)
    defs = _frame(typed, "indicator_definitions", ["indicator", "relation", "relates_to"])
    rec = rec.join(defs.unique("indicator", keep="first", maintain_order=True), on="indicator", how="left",
                   maintain_order="left")
    problems, parts = currency_pairs(rec, typed)
    parts += [share_parts(rec, typed, named), share_base(rec), target_growth(rec), growth_prior(rec),
              same_figure(rec)]
    return problems, Findings(rec, [p for p in parts if p is not None])


# ------------------------------------------------------------- the checks
def currency_pairs(rec: pl.DataFrame, typed) -> tuple[list[Problem], list[Part]]:
    f = (rec.filter((pl.col("relation") == "currency_equivalent") & pl.col("equivalent_of").is_not_null())
         .select(p_usd="pos", record_id="equivalent_of", usd="value", source_id="source_id"))
    first = (rec.filter(pl.col("record_id").is_in(f["record_id"].implode())).group_by("record_id")
             .agg(p_base=pl.col("pos").min()))  # a repeated record_id: its first row
    f = f.join(first, on="record_id", maintain_order="left")
    if not f.height:
        return [], []
    sources = _frame(typed, "sources", ["source_id", "published", "published_earliest"], pl.Date)
    # a sources table not read has no dates at all
    stated = pl.col("published").cast(pl.String).str.slice(0, 4).cast(pl.Float64, strict=False).fill_nan(None)
    year = pl.coalesce(stated, pl.col("published_earliest").dt.year().cast(pl.Float64))
    pub = sources.drop_nulls("source_id").group_by("source_id", maintain_order=True).agg(
        year=year.drop_nulls().first())
    f = f.join(pub, on="source_id", how="left", maintain_order="left").with_columns(
        yuan=rec["value"].gather(f["p_base"]))
    impossible = (f["usd"] <= 0) | (f["yuan"] <= 0)
    resource, line = rec["resource"], rec["line"]
    problems = [Problem("consistency", typed[resource[p]].file, int(line[p]), "value",
                        f"{human(y, 'CNY')} and {human(u, 'USD')} cannot make an exchange rate", "two positive amounts",
                        "impossible-rate")
                for p, y, u in f.filter(impossible).select("p_usd", "yuan", "usd").iter_rows()]
    bands = pl.read_csv(BANDS).unique("year", keep="first", maintain_order=True).select(
        pl.col("year").cast(pl.Float64), "min_cny_per_usd", "max_cny_per_usd", "source")
    f = f.filter(~impossible).with_columns(rate=pl.col("yuan") / pl.col("usd")).join(
        bands, on="year", how="left", maintain_order="left")
    inside = (pl.col("min_cny_per_usd") <= pl.col("rate")) & (pl.col("rate") <= pl.col("max_cny_per_usd"))
    f = f.with_columns(status=pl.when(pl.col("min_cny_per_usd").is_null()).then(pl.lit("no_band"))
                       .when(inside).then(pl.lit("inside_band")).otherwise(pl.lit("outside_band")))
    return problems, [Part("currency_pair", f, _render_currency)]


def _render_currency(fs: Findings, f: pl.DataFrame):
    region, indicator, year_of, source, comparator = fs.cells(f["p_usd"], "region_id", "indicator", "year",
                                                              "source_id", "comparator")
    base_indicator, base_comparator = fs.cells(f["p_base"], "indicator", "comparator")
    summary = []
    for i, (yuan, usd, rate, year, status, low, high, band_source) in enumerate(f.select(
            "yuan", "usd", "rate", "year", "status", "min_cny_per_usd", "max_cny_per_usd", "source").iter_rows()):
        said = f"{fs.human(yuan, 'CNY')} {_hedge(base_comparator[i])}= {fs.human(usd, 'USD')} {_hedge(comparator[i])}"
        year = None if year is None else int(year)
        # the band is the year the article appeared (when it converted), which need not be the figure's year
        if year is None:
            band = "no band: the year the article appeared is not known"
        elif status == "no_band":
            band = f"no band for {year}, the year the article appeared, in exchange_rate_bands.csv"
        else:
            band = (f"{'inside' if status == 'inside_band' else 'OUTSIDE'} the band for {year}, the year the "
                    f"article appeared, of {low} to {high} ({str(band_source).split(':')[0]})")
        summary.append(f"{region[i]} {base_indicator[i]} {int(year_of[i])} ({source[i]}): "
                       f"{said.strip()} implies {rate:.4f} yuan per US dollar, {band}.")
    figures = _object({"yuan": _json(f["yuan"]), "usd": _json(f["usd"]), "cny_per_usd": _rounded(f["rate"], 4),
                       "year": _json(f["year"].cast(pl.Int64)), "band_min": _json(f["min_cny_per_usd"]),
                       "band_max": _json(f["max_cny_per_usd"])})
    return pl.Series(summary, dtype=pl.String), _array(fs.refs(f["p_usd"]), fs.refs(f["p_base"])), figures


def share_parts(rec: pl.DataFrame, typed, named: pl.Series) -> Part | None:
    shares = rec.filter(pl.col("relation").is_in(["share_of_parent", "share_of_national"]))
    if not shares.height:
        return None
    regions = _frame(typed, "regions", ["region_id", "parent_id", "level"])
    nation = regions.filter(pl.col("level") == "country")["region_id"]
    # a repeated region_id is the structure layer's to report, at the repeat: here, as for a repeated
    # indicator definition, the first row is read
    parent = regions.unique("region_id", keep="first", maintain_order=True).select("region_id", "parent_id")
    shares = shares.join(parent, on="region_id", how="left", maintain_order="left").with_columns(
        whole_region=pl.when(pl.col("relation") == "share_of_parent").then(pl.col("parent_id"))
        .otherwise(pl.lit(nation[0] if len(nation) else None, pl.Categorical)))
    f = shares.select(p_share="pos", p_part=pl.lit(_best(rec, shares, "region_id")),
                      p_whole=pl.lit(_best(rec, shares, "whole_region")), whole_region="whole_region", share="value")
    v = rec["value"]
    # no part, or no region to divide by (none the records name): nothing to say
    f = f.filter(pl.col("p_part").is_not_null() & pl.col("whole_region").is_in(named))
    f = f.with_columns(part=v.gather(f["p_part"]), whole=v.gather(f["p_whole"]))
    f = f.filter(pl.col("whole").is_not_null() | (pl.col("share") > 0))  # a share of 0 implies no whole: nothing to say
    if not f.height:
        return None
    lo, hi = _stated(f["share"].to_numpy(), _texts(rec["comparator"], f["p_share"]), relative=None)
    f = f.with_columns(lo=pl.Series(lo), hi=pl.Series(hi), computed=pl.col("part") / pl.col("whole") * 100)
    ok = (pl.col("lo") <= pl.col("computed")) & (pl.col("computed") <= pl.col("hi"))
    f = f.with_columns(status=pl.when(pl.col("whole").is_null()).then(pl.lit("implied"))
                       .when(ok).then(pl.lit("agrees")).otherwise(pl.lit("disagrees")))
    return Part("share_parts", f, _render_share)


def _render_share(fs: Findings, f: pl.DataFrame):
    region, indicator, year, source, comparator, relates_to = fs.cells(
        f["p_share"], "region_id", "indicator", "year", "source_id", "comparator", "relates_to")
    unit, part_comparator = fs.cells(f["p_part"], "unit", "comparator")
    whole_unit, whole_comparator = fs.cells(f["p_whole"], "unit", "comparator")
    summary, implied = [], []
    for i, (status, share, part, whole, computed, lo, hi, whole_region) in enumerate(f.select(
            "status", "share", "part", "whole", "computed", "lo", "hi", "whole_region").iter_rows()):
        stated = f"{fs.human(share, 'percent')} ({_words(comparator[i])})"
        parts = f"{fs.human(part, unit[i])} {_hedge(part_comparator[i])}".strip()
        head = f"{region[i]} {indicator[i]} {int(year[i])} ({source[i]})"
        if status == "implied":
            implied.append(part / (share / 100))
            direction = {">": "below", ">=": "at most", "<": "above", "<=": "at least"}.get(comparator[i], "about")
            summary.append(f"{head}: {parts} as {stated} of {whole_region} implies a {whole_region} "
                           f"{relates_to[i]} {direction} {human(implied[-1], unit[i], 4)}; no {whole_region} "
                           f"figure to check it against.")
            continue
        implied.append(None)
        ok = status == "agrees"
        summary.append(f"{head}: stated {stated}; {parts} / {fs.human(whole, whole_unit[i])} "
                       f"{_hedge(whole_comparator[i])}= {computed:.2f}%, {'within' if ok else 'OUTSIDE'} "
                       f"{_interval_text(lo, hi)}.")
    share, part = _json(f["share"]), _json(f["part"])
    is_implied = f["status"] == "implied"
    refs = _array(fs.refs(f["p_share"]), fs.refs(f["p_part"]))
    records = _choose(is_implied, refs, _cat(refs.str.head(-1), ",", fs.refs(f["p_whole"]), "]"))
    figures = _choose(is_implied, _object({"share": share, "part": part,
                                           "implied_whole": _json(pl.Series(implied, dtype=pl.Float64))}),
                      _object({"stated": share, "part": part, "whole": _json(f["whole"]),
                               "computed": _rounded(f["computed"], 4), "accepted_min": _json(f["lo"]),
                               "accepted_max": _json(f["hi"])}))
    return pl.Series(summary, dtype=pl.String), records, figures


def share_base(rec: pl.DataFrame) -> Part | None:
    f = _related(rec, ["share_of_external"], "p_share", "p_part")
    if not f.height:
        return None
    v = rec["value"]
    f = f.with_columns(share=v.gather(f["p_share"]), part=v.gather(f["p_part"]))
    # (a share with no last digit has no half unit: missing, never more than 0)
    f = f.with_columns(half=pl.Series([_half_unit(x) for x in f["share"].to_list()], dtype=pl.Float64).fill_nan(None))
    # a share that rounds to nothing (0%, or 0.4% read as 0.4 +/- 0.5) bounds no base from above: left out
    f = f.filter(pl.col("share") - pl.col("half") > 0).with_columns(
        low=pl.col("part") / ((pl.col("share") + pl.col("half")) / 100),
        high=pl.col("part") / ((pl.col("share") - pl.col("half")) / 100))
    keys = rec.select("source_id", "region_id", "indicator", "resource")[f["p_share"]]
    out = (pl.concat([f, keys], how="horizontal")
           .group_by("source_id", "region_id", "indicator", "resource", maintain_order=True)
           .agg(pl.col("low").max().alias("low"), pl.col("high").min().alias("high"), members=pl.col("p_share"),
                parts=pl.col("p_part"), lows=pl.col("low"), highs=pl.col("high"))
           .filter(pl.col("members").list.len() >= 2))
    out = out.with_columns(status=pl.when(pl.col("low") <= pl.col("high")).then(pl.lit("agrees"))
                           .otherwise(pl.lit("disagrees")))
    return Part("share_base", out, _render_share_base)


def _render_share_base(fs: Findings, f: pl.DataFrame):
    summary = []
    for members, parts, lows, highs, status in f.select("members", "parts", "lows", "highs", "status").iter_rows():
        region, indicator, source, share = fs.cells(pl.Series(members), "region_id", "indicator", "source_id", "value")
        unit, part = fs.cells(pl.Series(parts), "unit", "value")
        each = [f"{fs.human(p, u)} / {fs.human(s, 'percent')} = {human(p / (s / 100), u, 4)} "
                f"({human(lo, u, 4)} to {human(hi, u, 4)})" for s, p, u, lo, hi in zip(share, part, unit, lows, highs)]
        summary.append(f"{region[0]} {indicator[0]} ({source[0]}): each share implies the base, within "
                       f"the rounding of the stated share: {'; '.join(each)}. The implied bases "
                       f"{'overlap' if status == 'agrees' else 'do NOT overlap'}.")
    records = _cat(_array_of(f["members"], fs.refs).str.head(-1), ",", _array_of(f["parts"], fs.refs).str.tail(-1))
    return (pl.Series(summary, dtype=pl.String), records,
            _object({"implied_min": _json(f["lows"]), "implied_max": _json(f["highs"])}))


def target_growth(rec: pl.DataFrame) -> Part | None:
    t = rec.filter(pl.col("resource") == "targets").select("region_id", "indicator", p_target="pos", t_year="year",
                                                            t_value="value")
    o = rec.filter(pl.col("resource") == "indicators").select("region_id", "indicator", p_obs="pos", o_year="year",
                                                               o_value="value")
    pairs = (t.join(o, on=["region_id", "indicator"], nulls_equal=True)
             .with_columns(years=pl.col("t_year") - pl.col("o_year")).filter(pl.col("years") > 0)
             # the latest observation before the target
             .filter(pl.col("years") == pl.col("years").min().over("p_target"))
             .filter((pl.col("o_value") > 0) & (pl.col("t_value") > 0))
             .sort("p_target", "p_obs"))
    if not pairs.height:
        return None
    # numpy's power, as the rates were always computed
    rate = ((pairs["t_value"].to_numpy() / pairs["o_value"].to_numpy()) ** (1 / pairs["years"].to_numpy()) - 1) * 100
    return Part("target_growth", pairs.select("p_target", "p_obs", "years", rate=pl.Series(rate),
                                              status=pl.lit("implied")), _render_growth)


def _render_growth(fs: Findings, f: pl.DataFrame):
    cols = ("region_id", "indicator", "value", "unit", "comparator", "year", "source_id")
    o, t = fs.at(f["p_obs"], *cols), fs.at(f["p_target"], *cols)
    rate = f["rate"].to_list()
    summary = _cat(_said(t["region_id"]), " ", _said(t["indicator"]), ": from ", fs.humans(o["value"], o["unit"]), " ",
                   _hedges(o["comparator"]), "in ", _said(o["year"]), " (", _said(o["source_id"]), ") to ",
                   fs.humans(t["value"], t["unit"]), " ", _hedges(t["comparator"]), "by ", _said(t["year"]), " (",
                   _said(t["source_id"]), ") needs ", pl.Series([f"{r:.1f}" for r in rate], dtype=pl.String),
                   "% a year over ", _said(f["years"]), " year(s).")
    figures = _object({"from": _json(o["value"]), "to": _json(t["value"]), "years": _json(f["years"]),
                       "yearly_growth_percent": _rounded(f["rate"], 2)})
    return summary, _array(fs.refs(f["p_obs"]), fs.refs(f["p_target"])), figures


def growth_prior(rec: pl.DataFrame) -> Part | None:
    f = _related(rec, ["growth_of"], "p_growth", "p_base")
    if not f.height:
        return None
    v = rec["value"]
    g, b = v.gather(f["p_growth"]).to_numpy(), v.gather(f["p_base"]).to_numpy()
    half = np.array([_half_unit(x) for x in g])
    lo, mid, hi = b / (1 + (g + half) / 100), b / (1 + g / 100), b / (1 + (g - half) / 100)
    comp = _texts(rec["comparator"], f["p_base"])
    hi = np.where(np.isin(comp, [">", ">="]), np.inf, hi)  # 'over 578 billion' implies 'over' the prior value
    lo = np.where(np.isin(comp, ["<", "<="]), -np.inf, lo)
    approx = comp == "~"
    lo, hi = np.where(approx, lo * (1 - APPROX), lo), np.where(approx, hi * (1 + APPROX), hi)
    # the stated prior year, if any: same region, indicator and table, the year before
    base = rec.select(*FIGURE)[f["p_base"]].with_columns(pl.col("year") - 1)
    f = (pl.concat([f.with_columns(lo=pl.Series(lo), mid=pl.Series(mid), hi=pl.Series(hi)).with_row_index("i"),
                    base], how="horizontal")
         .join(rec.select(*FIGURE, p_prior="pos"), on=FIGURE, how="left", nulls_equal=True)
         .sort("i", "p_prior", nulls_last=True).drop("i", *FIGURE))
    plo, phi = _stated(v.gather(f["p_prior"]).fill_null(np.nan).to_numpy(),
                       _texts(rec["comparator"], f["p_prior"], "="), relative=APPROX)
    ok = (plo <= f["hi"].to_numpy()) & (f["lo"].to_numpy() <= phi)
    status = np.where(f["p_prior"].is_null().to_numpy(), "implied", np.where(ok, "agrees", "disagrees"))
    return Part("growth_prior", f.with_columns(status=pl.Series(status, dtype=pl.String)), _render_prior)


def _render_prior(fs: Findings, f: pl.DataFrame):
    region, relates_to, growth, source = fs.cells(f["p_growth"], "region_id", "relates_to", "value", "source_id")
    value, unit, comparator, year = fs.cells(f["p_base"], "value", "unit", "comparator", "year")
    prior_value, prior_unit, prior_comparator, prior_source = fs.cells(f["p_prior"], "value", "unit", "comparator",
                                                                       "source_id")
    summary = []
    for i, (status, lo, mid, hi) in enumerate(f.select("status", "lo", "mid", "hi").iter_rows()):
        bound = f"{COMPARATOR_WORDS[comparator[i]]} " if comparator[i] in (">", ">=", "<", "<=") else ""
        prior = int(year[i]) - 1
        head = (f"{region[i]} {relates_to[i]}: {fs.human(value[i], unit[i])} {_hedge(comparator[i])}in "
                f"{int(year[i])} after {fs.human(growth[i], 'percent')} growth ({source[i]}) implies "
                f"{bound}{human(mid, unit[i], 4)} in {prior} ({_range(lo, hi, unit[i])} within the rounding of the "
                f"rate)")
        if status == "implied":
            summary.append(head + f"; no {prior} figure to compare.")
            continue
        summary.append(head + f"; {prior_source[i]} states {_hedge(prior_comparator[i])}"
                       f"{fs.human(prior_value[i], prior_unit[i])}: "
                       f"{'consistent' if status == 'agrees' else 'NOT consistent'}.")
    is_implied = f["status"] == "implied"
    refs = _array(fs.refs(f["p_growth"]), fs.refs(f["p_base"]))
    records = _choose(is_implied, refs, _cat(refs.str.head(-1), ",", fs.refs(f["p_prior"]), "]"))
    mid = _json(f["mid"])
    figures = _choose(is_implied, _object({"implied_prior": mid, "min": _json(f["lo"]), "max": _json(f["hi"])}),
                      _object({"implied_prior": mid, "stated_prior": _json(fs.rec["value"].gather(f["p_prior"]))}))
    return pl.Series(summary, dtype=pl.String), records, figures


def same_figure(rec: pl.DataFrame) -> Part | None:
    rows = rec.filter(pl.struct(FIGURE).is_duplicated())
    rows = rows.filter(pl.col("source_id").n_unique().over(FIGURE) > 1)
    if not rows.height:
        return None
    lo, hi = _stated(rows["value"].to_numpy(), _texts(rows["comparator"]), relative=APPROX)
    out = (rows.select(*FIGURE, "pos", lo=pl.Series(lo), hi=pl.Series(hi))
           .group_by(FIGURE, maintain_order=True)
           .agg(pl.col("lo").max(), pl.col("hi").min(), members=pl.col("pos")))
    out = out.select("members", status=pl.when(pl.col("lo") <= pl.col("hi")).then(pl.lit("agrees"))
                     .otherwise(pl.lit("conflict")))
    return Part("same_figure", out, _render_same)


def _render_same(fs: Findings, f: pl.DataFrame):
    members = f["members"]
    row = np.repeat(np.arange(f.height), members.list.len().to_numpy())  # each member's finding
    c = fs.at(members.explode(), "pos", "source_id", "comparator", "value", "unit")
    said = _cat(_said(c["source_id"]), ": ", _hedges(c["comparator"]), fs.humans(c["value"], c["unit"]))
    each = pl.DataFrame({"row": row, "said": said, "source": c["source_id"]}).group_by("row", maintain_order=True).agg(
        pl.col("said").str.join("; "), pl.col("source").n_unique().cast(pl.String))
    first = fs.at(members.list.first(), "region_id", "indicator", "year", "resource")
    targets, ok = first["resource"] == "targets", f["status"] == "agrees"
    summary = _cat(_said(first["region_id"]), " ", _said(first["indicator"]), " ", _choose(targets, "by ", ""),
                   _said(first["year"]), ", one ", _choose(targets, "target", "figure"), " from ", each["source"],
                   " sources: ", each["said"], ". ", _choose(ok, "They agree", "They CONFLICT"),
                   _choose(ok, "", " (no value satisfies them all)"), ".")
    figures = _object({"values": _arrays(row, _json(c["value"])), "comparators": _arrays(row, _json(c["comparator"]))})
    return summary, _arrays(row, fs.refs(c["pos"])), figures


# ---------------------------------------------------------------- helpers
def _frame(typed, name, cols, last=pl.Categorical) -> pl.DataFrame:
    """Some columns of a table; no rows for a table not read (text columns, the last of type `last`)."""
    t = typed.get(name)
    if t is None or not set(cols) <= set(t.pl.columns):
        return pl.DataFrame(schema={**{c: pl.Categorical for c in cols}, cols[-1]: last})
    return t.pl.select(cols)


def _texts(column: pl.Series, positions: pl.Series | None = None, missing=None) -> np.ndarray:
    """Cells of a text column as Python text (for numpy), at these positions."""
    column = column if positions is None else column.gather(positions)
    column = column.cast(pl.String)
    return (column if missing is None else column.fill_null(missing)).to_numpy()


def _best(rec: pl.DataFrame, ask: pl.DataFrame, region: str) -> pl.Series:
    """For each record of `ask`, the record (same table and year) of the region in its column `region` and of
    the indicator its relation points at, the same source's when there is one, else the first; missing where
    there is none."""
    want = ask.select(pl.int_range(pl.len()).alias("i"), "resource", pl.col(region).alias("region_id"),
                      pl.col("relates_to").alias("indicator"), "year", "source_id")
    found = (want.join(rec.select(*FIGURE, "pos", match="source_id"), on=FIGURE)
             .with_columns(other=pl.col("source_id").ne_missing(pl.col("match")))
             .sort("i", "other", "pos").unique("i", keep="first"))
    return want.join(found.select("i", "pos"), on="i", how="left", maintain_order="left")["pos"]


def _related(rec: pl.DataFrame, relations: list[str], own: str, other: str) -> pl.DataFrame:
    """The rows of these relations (column `own`) with the figure each relates to in its own region
    (column `other`), for the rows that have one."""
    rows = rec.filter(pl.col("relation").is_in(relations))
    return pl.DataFrame({own: rows["pos"], other: _best(rec, rows, "region_id")}).drop_nulls(other)


# JSON made a column at a time, byte for byte what orjson makes of a Finding
def _cat(*pieces) -> pl.Series:
    """Texts (Series, or one text for every row) joined row by row."""
    return pl.select(pl.concat_str([pl.lit(p) for p in pieces])).to_series()


def _choose(mask: pl.Series, yes, no) -> pl.Series:
    return pl.select(pl.when(pl.lit(mask)).then(pl.lit(yes)).otherwise(pl.lit(no))).to_series()


def _json(values: pl.Series) -> pl.Series:
    """Each value as JSON: a number as orjson writes it (null for NaN and infinity, as a Finding holds them),
    text quoted (escaped by orjson where it must be), a list as an array."""
    if isinstance(values.dtype, pl.List):
        return _array_of(values, _json)
    if values.dtype.is_float():
        numbers = values.fill_null(np.nan).to_numpy()
        said = orjson.dumps(numbers, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].decode()
        return pl.Series(said.split(",") if len(numbers) else [], dtype=pl.String)
    if values.dtype.is_integer():
        return values.cast(pl.String).fill_null("null")
    text = values.cast(pl.String)
    out = _cat('"', text, '"')
    escape = text.str.contains(r'["\\\x00-\x1f]').fill_null(False)
    if escape.any():
        rows = escape.arg_true()
        out = out.scatter(rows, pl.Series([orjson.dumps(t).decode() for t in text.gather(rows)], dtype=pl.String))
    return out.fill_null("null")


def _rounded(values: pl.Series, digits: int) -> pl.Series:
    """Python's round (correctly rounded), as the figures always were."""
    return _json(pl.Series([None if v is None else round(v, digits) for v in values.to_list()], dtype=pl.Float64))


def _object(fields: dict[str, pl.Series]) -> pl.Series:
    pieces = []
    for k, v in fields.items():
        pieces += [("{" if not pieces else ",") + orjson.dumps(k).decode() + ":", v]
    return _cat(*pieces, "}")


def _array(*items: pl.Series) -> pl.Series:
    pieces = []
    for v in items:
        pieces += ["[" if not pieces else ",", v]
    return _cat(*pieces, "]")


def _arrays(row: np.ndarray, texts: pl.Series) -> pl.Series:
    """JSON arrays of items, each item's JSON text given with the number of its array (in order, none empty)."""
    return pl.DataFrame({"row": row, "t": texts}).group_by("row", maintain_order=True).agg(
        pl.concat_str(pl.lit("["), pl.col("t").str.join(","), pl.lit("]")).alias("t"))["t"]


def _array_of(lists: pl.Series, texts_of: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Each list as a JSON array, the texts of all their items made at once by `texts_of`."""
    return _arrays(np.repeat(np.arange(len(lists)), lists.list.len().to_numpy()), texts_of(lists.explode()))


def _said(values: pl.Series) -> pl.Series:
    """Each value as an f-string says it (None where missing)."""
    return values.cast(pl.String).fill_null("None")


def _hedges(comparators: pl.Series) -> pl.Series:
    return comparators.cast(pl.String).replace_strict(HEDGES, default="", return_dtype=pl.String).fill_null("")


def _half_unit(value: float) -> float:
    """Half the place of the last decimal digit: 44 -> 0.5, 13.9 -> 0.05, 2.3 -> 0.05."""
    if not np.isfinite(value):  # 1e309 reads as infinity, which has no last digit (its range check reports it)
        return np.nan
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(int(exponent), 0)


def _stated(values: np.ndarray, comparators: np.ndarray, relative: float | None) -> tuple[np.ndarray, np.ndarray]:
    """What each stated value admits, given its hedge. With `relative` (figures in base units), '=' is exact
    and '~' widens by that fraction; without (a share), '=' widens by its rounding and '~' by twice that."""
    values = np.asarray(values, dtype="float64")
    comparators = np.asarray(comparators, dtype=object)
    if relative is not None:
        spread = np.where(comparators == "~", np.abs(values) * relative, 0.0)
    else:
        half = np.array([_half_unit(v) if v == v else 0.0 for v in values])
        spread = np.where(comparators == "~", 2 * half, half)
    lo = np.where(np.isin(comparators, ["<", "<="]), -np.inf, values - spread)
    hi = np.where(np.isin(comparators, [">", ">="]), np.inf, values + spread)
    lo = np.where(np.isin(comparators, [">", ">="]), values, lo)
    hi = np.where(np.isin(comparators, ["<", "<="]), values, hi)
    return lo, hi


def _range(lo, hi, unit) -> str:
    if np.isinf(hi):
        return f"above {human(lo, unit, 4)}"
    if np.isinf(lo):
        return f"below {human(hi, unit, 4)}"
    return f"{human(lo, unit, 4)} to {human(hi, unit, 4)}"


def _interval_text(lo, hi) -> str:
    if np.isinf(hi):
        return f"the stated more than {lo:g}%"
    if np.isinf(lo):
        return f"the stated at most {hi:g}%"
    return f"the {lo:g}% to {hi:g}% the stated share admits"


def _hedge(comparator) -> str:
    words = COMPARATOR_WORDS.get(comparator)
    return f"({words}) " if words else ""


def _words(comparator) -> str:
    return "as stated" if comparator == "=" else COMPARATOR_WORDS.get(comparator, comparator)
