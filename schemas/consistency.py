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

The arithmetic runs over whole columns, and a finding keeps its records as row
positions: its sentence is written only when it is read (`Findings`), so a
package of a million records with half a million findings costs columns of
numbers, not half a million objects.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from .descriptor import RECORD_TABLES, YEAR_FIELD
from .frames import CATEGORIES, code_in, concat, lists, row_of, spread, texts
from .numbers import COMPARATOR_WORDS, human
from .report import Finding, Problem
from .structure import Typed

BANDS = Path(__file__).with_name("exchange_rate_bands.csv")
APPROX = 0.05  # '~' reads as within 5% when two sources are compared
TEXT = ("record_id", "region_id", "indicator", "unit", "comparator", "source_id", "equivalent_of")


@dataclass
class Part:
    """The findings of one check: a row each, records as positions (columns p_*, or `members`)."""

    check: str
    frame: pd.DataFrame
    render: Callable[["Findings", pd.DataFrame], Iterator[Finding]]  # the findings of these rows, in order


class Findings(Sequence):
    """All findings, as columns; each Finding (with its sentence) is made when read.

    A renderer takes a whole frame of one check's rows and reads the records' cells from plain lists, so a
    sentence costs string formatting, not a lookup through pandas per cell."""

    def __init__(self, rec: pd.DataFrame | None = None, parts: list[Part] | None = None):
        self.rec = rec
        self.parts = [p for p in (parts or []) if len(p.frame)]
        self._ends = np.cumsum([len(p.frame) for p in self.parts])
        self._plain: dict = {}
        self._human: dict = {}
        self._refs: list[list] | None = None

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def __iter__(self):
        for part in self.parts:
            yield from part.render(self, part.frame)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        k = int(np.searchsorted(self._ends, i, side="right"))
        start = int(self._ends[k - 1]) if k else 0
        part = self.parts[k]
        return next(part.render(self, part.frame.iloc[[i - start]]))

    def counts(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for part in self.parts:
            for status, n in part.frame["status"].value_counts(sort=False).items():
                out[(part.check, status)] = int(n)
        return out

    def ref(self, pos) -> dict:
        if self._refs is None:  # kept apart from _plain: a ref is made a million times, four lookups each
            self._refs = self.columns("resource", "record_id", "source_id", "line")
        resource, record_id, source_id, line = self._refs
        return {"resource": resource[pos], "record_id": record_id[pos], "source_id": source_id[pos],
                "line": int(line[pos])}

    def columns(self, *cols: str) -> list[list]:
        """Columns of the records as plain lists (None where missing), each made when first asked for."""
        out = []
        for col in cols:
            column = self._plain.get(col)
            if column is None:
                series = self.rec[col]
                if isinstance(series.dtype, pd.CategoricalDtype):
                    column = texts(series).tolist()
                else:
                    column = [None if v != v else v for v in series.tolist()]
                self._plain[col] = column
            out.append(column)
        return out

    def human(self, value, unit, digits: int | None = None) -> str:
        """numbers.human, once per distinct stated figure: half a million findings say about a million
        figures, a tenth of them distinct (a derived figure, rarely said twice, goes to numbers.human)."""
        key = (value, unit, digits)
        said = self._human.get(key)
        if said is None:
            said = self._human[key] = human(value, unit, digits)
        return said


def records(typed: dict[str, Typed]) -> pd.DataFrame:
    """Both record tables in one frame (with their CSV lines); text columns share one set of categories."""
    parts = []
    for name in RECORD_TABLES:
        t = typed.get(name)
        need = {"record_id", "region_id", "indicator", YEAR_FIELD[name], "value", "unit", "comparator", "source_id"}
        if t is None or not need <= set(t.frame.columns):
            continue
        f = t.frame.rename(columns={YEAR_FIELD[name]: "year"})
        cols = {c: f[c] if c in f.columns else _no_text(len(f)) for c in TEXT}
        # a record with a cell reported already is left out of the arithmetic: that cell is its one error
        sound = ~t.bad(*need, *(c for c in TEXT if c in f.columns))
        parts.append(pd.DataFrame({**cols, "year": f["year"].astype("float64").to_numpy(),
                                   "value": f["value"].to_numpy(dtype="float64", na_value=np.nan),
                                   "line": t.table.lines, "resource": name, "sound": sound}))
    if not parts:  # no usable record table: no records, in the columns and types of real ones
        parts = [pd.DataFrame({**{c: _no_text(0) for c in TEXT}, "year": np.zeros(0), "value": np.zeros(0),
                               "line": np.zeros(0, dtype=np.int64), "resource": pd.Series([], dtype=object),
                               "sound": np.zeros(0, dtype=bool)})]
    rec = concat(parts)
    rec["resource"] = rec["resource"].astype("category")
    keep = rec["record_id"].notna() & rec["value"].notna() & rec["year"].notna() & rec.pop("sound")
    return rec[keep].reset_index(drop=True)


def _no_text(n: int) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(np.full(n, -1, dtype=np.int32), dtype=pd.CategoricalDtype(
        pd.Index([], dtype=CATEGORIES))))


def check(typed: dict[str, Typed]) -> tuple[list[Problem], Findings]:
    rec = records(typed)
    rec["comparator"] = texts(rec["comparator"])  # six symbols, read row by row by most checks: plain text
    defs = _frame(typed, "indicator_definitions", ["indicator", "relation", "relates_to"]).astype(object)
    indicators = rec["indicator"].cat.categories
    by_code = defs.drop_duplicates("indicator").set_index("indicator").reindex(indicators)
    codes = rec["indicator"].cat.codes.to_numpy()
    for col in ("relation", "relates_to"):
        rec[col] = spread(by_code[col].to_numpy(dtype=object), codes, None)
    # the indicator a relation points at, as a code of rec's indicator column (-1: none), found per indicator
    rec["relates_code"] = spread(code_in(by_code["relates_to"], indicators), codes, -1)
    rec["key"] = _keys(_dims(rec))[0]  # each row's own figure, as the checks look figures up
    problems, parts = currency_pairs(rec, typed)
    parts += [share_parts(rec, typed), share_base(rec), target_growth(rec), growth_prior(rec), same_figure(rec)]
    return problems, Findings(rec, [p for p in parts if p is not None])


# ------------------------------------------------------------- the checks
def currency_pairs(rec: pd.DataFrame, typed) -> tuple[list[Problem], list[Part]]:
    usd = np.flatnonzero((rec["relation"] == "currency_equivalent").to_numpy() & rec["equivalent_of"].notna().to_numpy())
    base = row_of(rec["equivalent_of"], rec["record_id"])[usd]
    usd, base = usd[base >= 0], base[base >= 0]
    if not len(usd):
        return [], []
    sources = _frame(typed, "sources", ["source_id", "published", "published_earliest"])
    year = pd.to_numeric(sources["published"].astype(object).str.slice(0, 4), errors="coerce").fillna(
        pd.to_datetime(sources["published_earliest"]).dt.year)  # a sources table not read has no dates at all
    pub = pd.Series(year.to_numpy(), index=sources["source_id"].astype(object)).groupby(level=0).first()
    f = pd.DataFrame({"p_usd": usd, "p_base": base,
                      "usd": rec["value"].to_numpy()[usd], "yuan": rec["value"].to_numpy()[base],
                      "year": pub.reindex(rec["source_id"].astype(object).to_numpy()[usd]).to_numpy()})
    impossible = (f["usd"] <= 0) | (f["yuan"] <= 0)
    problems = [Problem("consistency", typed[rec["resource"].iat[p]].file, int(rec["line"].iat[p]), "value",
                        f"{human(y, 'CNY')} and {human(u, 'USD')} cannot make an exchange rate", "two positive amounts",
                        "impossible-rate") for p, y, u in f.loc[impossible, ["p_usd", "yuan", "usd"]].itertuples(index=False)]
    f = f[~impossible].copy()
    f["rate"] = f["yuan"] / f["usd"]
    bands = pd.read_csv(BANDS).drop_duplicates("year").set_index("year")
    for col in ("min_cny_per_usd", "max_cny_per_usd", "source"):
        f[col] = bands[col].reindex(f["year"]).to_numpy()
    inside = (f["min_cny_per_usd"] <= f["rate"]) & (f["rate"] <= f["max_cny_per_usd"])
    f["status"] = np.where(f["min_cny_per_usd"].isna(), "no_band", np.where(inside, "inside_band", "outside_band"))
    return problems, [Part("currency_pair", f.reset_index(drop=True), _render_currency)]


def _render_currency(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, indicator, year_of, source, comparator = fs.columns("region_id", "indicator", "year", "source_id",
                                                                "comparator")
    for r in f.itertuples(index=False):
        said = f"{fs.human(r.yuan, 'CNY')} {_hedge(comparator[r.p_base])}= {fs.human(r.usd, 'USD')} " \
               f"{_hedge(comparator[r.p_usd])}"
        year = None if pd.isna(r.year) else int(r.year)
        # the band is the year the article appeared (when it converted), which need not be the figure's year
        if year is None:
            band = "no band: the year the article appeared is not known"
        elif r.status == "no_band":
            band = f"no band for {year}, the year the article appeared, in exchange_rate_bands.csv"
        else:
            band = (f"{'inside' if r.status == 'inside_band' else 'OUTSIDE'} the band for {year}, the year the "
                    f"article appeared, of "
                    f"{r.min_cny_per_usd} to {r.max_cny_per_usd} ({str(r.source).split(':')[0]})")
        figures = {"yuan": r.yuan, "usd": r.usd, "cny_per_usd": round(r.rate, 4), "year": year,
                   "band_min": r.min_cny_per_usd, "band_max": r.max_cny_per_usd}
        yield Finding("currency_pair", r.status,
                      f"{region[r.p_usd]} {indicator[r.p_base]} {int(year_of[r.p_usd])} ({source[r.p_usd]}): "
                      f"{said.strip()} implies {r.rate:.4f} yuan per US dollar, {band}.",
                      [fs.ref(r.p_usd), fs.ref(r.p_base)], figures)


def share_parts(rec: pd.DataFrame, typed) -> Part | None:
    shares = np.flatnonzero(rec["relation"].isin(["share_of_parent", "share_of_national"]).to_numpy())
    if not len(shares):
        return None
    regions = _frame(typed, "regions", ["region_id", "parent_id", "level"]).astype(object)
    nation = regions.loc[regions["level"] == "country", "region_id"]
    # a repeated region_id is the structure layer's to report, at the repeat: here, as for a repeated
    # indicator definition, the first row is read
    parent = regions.drop_duplicates("region_id").set_index("region_id")["parent_id"]
    region_cats = rec["region_id"].cat.categories
    # each region's parent, found once per region and spread to the shares by code
    parent_code = spread(code_in(parent.reindex(region_cats.astype(object)).to_numpy(), region_cats),
                         rec["region_id"].cat.codes.to_numpy()[shares], -1)
    nation_code = code_in([nation.iloc[0] if len(nation) else None], region_cats)[0]
    whole_code = np.where(rec["relation"].to_numpy()[shares] == "share_of_parent", parent_code, nation_code)
    part = _best(rec, shares, rec["region_id"].cat.codes.to_numpy()[shares])
    whole = _best(rec, shares, whole_code)
    f = pd.DataFrame({"p_share": shares, "p_part": part, "p_whole": whole, "whole_code": whole_code})
    f = f[f["p_part"] >= 0].copy()
    if f.empty:
        return None
    v = rec["value"].to_numpy()
    f["share"], f["part"] = v[f["p_share"]], v[f["p_part"]]
    f["whole"] = spread(v, f["p_whole"].to_numpy(), np.nan)
    f = f[f["whole_code"] >= 0]  # no region to divide by: nothing to say
    f = f[f["whole"].notna() | (f["share"] > 0)]  # a share of 0 implies no whole: nothing to say either
    lo, hi = _stated(f["share"].to_numpy(), rec["comparator"].to_numpy()[f["p_share"]], relative=None)
    f["lo"], f["hi"] = lo, hi
    f["computed"] = f["part"] / f["whole"] * 100
    ok = (f["lo"] <= f["computed"]) & (f["computed"] <= f["hi"])
    f["status"] = np.where(f["whole"].isna(), "implied", np.where(ok, "agrees", "disagrees"))
    f["whole_region"] = region_cats.to_numpy(dtype=object)[f["whole_code"]]
    return Part("share_parts", f.reset_index(drop=True), _render_share)


def _render_share(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, indicator, year, source, unit_of, comparator, relates_to = fs.columns(
        "region_id", "indicator", "year", "source_id", "unit", "comparator", "relates_to")
    for r in f.itertuples(index=False):
        unit = unit_of[r.p_part]
        stated = f"{fs.human(r.share, 'percent')} ({_words(comparator[r.p_share])})"
        parts = f"{fs.human(r.part, unit)} {_hedge(comparator[r.p_part])}".strip()
        head = f"{region[r.p_share]} {indicator[r.p_share]} {int(year[r.p_share])} ({source[r.p_share]})"
        if r.status == "implied":
            implied = r.part / (r.share / 100)
            direction = {">": "below", ">=": "at most", "<": "above", "<=": "at least"}.get(comparator[r.p_share],
                                                                                           "about")
            yield Finding("share_parts", "implied",
                          f"{head}: {parts} as {stated} of {r.whole_region} implies a {r.whole_region} "
                          f"{relates_to[r.p_share]} {direction} {human(implied, unit, 4)}; no {r.whole_region} "
                          f"figure to check it against.",
                          [fs.ref(r.p_share), fs.ref(r.p_part)],
                          {"share": r.share, "part": r.part, "implied_whole": implied})
            continue
        ok = r.status == "agrees"
        yield Finding("share_parts", r.status,
                      f"{head}: stated {stated}; {parts} / {fs.human(r.whole, unit_of[r.p_whole])} "
                      f"{_hedge(comparator[r.p_whole])}= {r.computed:.2f}%, {'within' if ok else 'OUTSIDE'} "
                      f"{_interval_text(r.lo, r.hi)}.",
                      [fs.ref(r.p_share), fs.ref(r.p_part), fs.ref(r.p_whole)],
                      {"stated": r.share, "part": r.part, "whole": r.whole, "computed": round(r.computed, 4),
                       "accepted_min": r.lo, "accepted_max": r.hi})


def share_base(rec: pd.DataFrame) -> Part | None:
    f = _related(rec, ["share_of_external"], "p_share", "p_part")
    if f.empty:
        return None
    v = rec["value"].to_numpy()
    f["share"], f["part"] = v[f["p_share"]], v[f["p_part"]]
    half = np.array([_half_unit(x) for x in f["share"]]) if len(f) else np.zeros(0)
    # a share that rounds to nothing (0%, or 0.4% read as 0.4 +/- 0.5) bounds no base from above: left out
    bounded = (f["share"] - half > 0).to_numpy()
    f, half = f[bounded].copy(), half[bounded]
    f["low"] = f["part"] / ((f["share"] + half) / 100)
    f["high"] = f["part"] / ((f["share"] - half) / 100)
    keys = [rec[c].cat.codes.to_numpy()[f["p_share"]] for c in ("source_id", "region_id", "indicator")]
    f["group"] = pd.MultiIndex.from_arrays([*keys, rec["resource"].cat.codes.to_numpy()[f["p_share"]]]).factorize()[0] \
        if len(f) else []
    groups = f.groupby("group")
    out = groups.agg(low=("low", "max"), high=("high", "min"), n=("p_share", "size"))
    group = f["group"].to_numpy()
    out["members"] = lists(group, f["p_share"])
    out["parts"] = lists(group, f["p_part"])
    out["lows"] = lists(group, f["low"])  # each member's implied base, for the sentence
    out["highs"] = lists(group, f["high"])
    out = out[out["n"] >= 2]
    out["status"] = np.where(out["low"] <= out["high"], "agrees", "disagrees")
    return Part("share_base", out.reset_index(drop=True), _render_share_base)


def _render_share_base(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, indicator, source, unit, v = fs.columns("region_id", "indicator", "source_id", "unit", "value")
    for r in f.itertuples(index=False):
        each = []
        for s, p, lo_, hi_ in zip(r.members, r.parts, r.lows, r.highs):
            u = unit[p]
            each.append(f"{fs.human(v[p], u)} / {fs.human(v[s], 'percent')} = {human(v[p] / (v[s] / 100), u, 4)} "
                        f"({human(lo_, u, 4)} to {human(hi_, u, 4)})")
        ok = r.status == "agrees"
        first = r.members[0]
        yield Finding("share_base", r.status,
                      f"{region[first]} {indicator[first]} ({source[first]}): each share implies the base, within "
                      f"the rounding of the stated share: {'; '.join(each)}. The implied bases "
                      f"{'overlap' if ok else 'do NOT overlap'}.",
                      [fs.ref(p) for p in r.members] + [fs.ref(p) for p in r.parts],
                      {"implied_min": list(r.lows), "implied_max": list(r.highs)})


def target_growth(rec: pd.DataFrame) -> Part | None:
    res = rec["resource"].astype(object).to_numpy()
    region, indicator = rec["region_id"].cat.codes.to_numpy(), rec["indicator"].cat.codes.to_numpy()
    targets, observed = res == "targets", res == "indicators"
    t_key, o_key = _keys([region[targets], indicator[targets]], [region[observed], indicator[observed]])
    t = pd.DataFrame({"key": t_key, "p_target": np.flatnonzero(targets)})
    o = pd.DataFrame({"key": o_key, "p_obs": np.flatnonzero(observed)})
    pairs = t.merge(o, on="key")
    if pairs.empty:
        return None
    year, value = rec["year"].to_numpy(), rec["value"].to_numpy()
    pairs["years"] = year[pairs["p_target"]] - year[pairs["p_obs"]]
    pairs = pairs[pairs["years"] > 0]
    latest = pairs.groupby("p_target")["years"].transform("min")  # the latest observation before the target
    pairs = pairs[(pairs["years"] == latest) & (value[pairs["p_obs"]] > 0) & (value[pairs["p_target"]] > 0)].copy()
    pairs["rate"] = ((value[pairs["p_target"]] / value[pairs["p_obs"]]) ** (1 / pairs["years"]) - 1) * 100
    pairs["status"] = "implied"
    return Part("target_growth", pairs.drop(columns="key").sort_values(["p_target", "p_obs"]).reset_index(drop=True),
                _render_growth)


def _render_growth(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, indicator, value, unit, comparator, year, source = fs.columns(
        "region_id", "indicator", "value", "unit", "comparator", "year", "source_id")
    for o, t, years, rate in zip(f["p_obs"].tolist(), f["p_target"].tolist(), f["years"].tolist(),
                                 f["rate"].tolist()):
        years = int(years)
        yield Finding("target_growth", "implied",
                      f"{region[t]} {indicator[t]}: from {fs.human(value[o], unit[o])} {_hedge(comparator[o])}in "
                      f"{int(year[o])} ({source[o]}) to {fs.human(value[t], unit[t])} {_hedge(comparator[t])}by "
                      f"{int(year[t])} ({source[t]}) needs {rate:.1f}% a year over {years} year(s).",
                      [fs.ref(o), fs.ref(t)],
                      {"from": value[o], "to": value[t], "years": years, "yearly_growth_percent": round(rate, 2)})


def growth_prior(rec: pd.DataFrame) -> Part | None:
    f = _related(rec, ["growth_of"], "p_growth", "p_base")
    if f.empty:
        return None
    v = rec["value"].to_numpy()
    g, b = v[f["p_growth"]], v[f["p_base"]]
    half = np.array([_half_unit(x) for x in g])
    f["lo"], f["mid"], f["hi"] = b / (1 + (g + half) / 100), b / (1 + g / 100), b / (1 + (g - half) / 100)
    comp = rec["comparator"].to_numpy()[f["p_base"]]
    f.loc[np.isin(comp, [">", ">="]), "hi"] = np.inf  # 'over 578 billion' implies 'over' the prior value
    f.loc[np.isin(comp, ["<", "<="]), "lo"] = -np.inf
    approx = comp == "~"
    f.loc[approx, "lo"] *= 1 - APPROX
    f.loc[approx, "hi"] *= 1 + APPROX
    # the stated prior year, if any: same region, indicator and table, the year before
    prior_year = rec["year"].to_numpy()[f["p_base"]] - 1
    wanted, own = _keys(_dims(rec, rows=f["p_base"].to_numpy(), year=prior_year), _dims(rec))
    table = pd.DataFrame({"key": own, "p_prior": np.arange(len(rec))})
    f["key"] = wanted
    f = f.merge(table, on="key", how="left").drop(columns="key")
    f["p_prior"] = f["p_prior"].fillna(-1).astype(np.int64)
    has = f["p_prior"] >= 0
    plo, phi = _stated(spread(v, f["p_prior"].to_numpy(), np.nan),
                       spread(rec["comparator"].to_numpy(), f["p_prior"].to_numpy(), "="), relative=APPROX)
    ok = (plo <= f["hi"]) & (f["lo"] <= phi)
    f["status"] = np.where(~has, "implied", np.where(ok, "agrees", "disagrees"))
    return Part("growth_prior", f.reset_index(drop=True), _render_prior)


def _render_prior(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, relates_to, value, unit_of, comparator, year, source = fs.columns(
        "region_id", "relates_to", "value", "unit", "comparator", "year", "source_id")
    for r in f.itertuples(index=False):
        b, g = r.p_base, r.p_growth
        unit = unit_of[b]
        bound = f"{COMPARATOR_WORDS[comparator[b]]} " if comparator[b] in (">", ">=", "<", "<=") else ""
        prior = int(year[b]) - 1
        head = (f"{region[g]} {relates_to[g]}: {fs.human(value[b], unit)} {_hedge(comparator[b])}in {int(year[b])} "
                f"after {fs.human(value[g], 'percent')} growth ({source[g]}) implies {bound}{human(r.mid, unit, 4)} "
                f"in {prior} ({_range(r.lo, r.hi, unit)} within the rounding of the rate)")
        refs = [fs.ref(g), fs.ref(b)]
        if r.status == "implied":
            yield Finding("growth_prior", "implied", head + f"; no {prior} figure to compare.", refs,
                          {"implied_prior": r.mid, "min": r.lo, "max": r.hi})
            continue
        p = r.p_prior
        yield Finding("growth_prior", r.status,
                      head + f"; {source[p]} states {_hedge(comparator[p])}{fs.human(value[p], unit_of[p])}: "
                      f"{'consistent' if r.status == 'agrees' else 'NOT consistent'}.",
                      refs + [fs.ref(p)], {"implied_prior": r.mid, "stated_prior": value[p]})


def same_figure(rec: pd.DataFrame) -> Part | None:
    key = rec["key"].to_numpy()
    f = pd.DataFrame({"key": key, "source": rec["source_id"].cat.codes.to_numpy()})
    sources = f.groupby("key")["source"].transform("nunique")
    rows = np.flatnonzero((sources > 1).to_numpy())
    if not len(rows):
        return None
    lo, hi = _stated(rec["value"].to_numpy()[rows], rec["comparator"].to_numpy()[rows], relative=APPROX)
    g = pd.DataFrame({"key": key[rows], "pos": rows, "lo": lo, "hi": hi})
    groups = g.groupby("key", sort=False)
    out = groups.agg(lo=("lo", "max"), hi=("hi", "min"))
    out["members"] = lists(groups.ngroup().to_numpy(), g["pos"])
    out["status"] = np.where(out["lo"] <= out["hi"], "agrees", "conflict")
    return Part("same_figure", out.reset_index(drop=True), _render_same)


def _render_same(fs: Findings, f: pd.DataFrame) -> Iterator[Finding]:
    region, indicator, year, source, value, unit, comparator, resource = fs.columns(
        "region_id", "indicator", "year", "source_id", "value", "unit", "comparator", "resource")
    for members, status in zip(f["members"].tolist(), f["status"].tolist()):
        first = members[0]
        ok = status == "agrees"
        said = "; ".join(f"{source[p]}: {_hedge(comparator[p])}{fs.human(value[p], unit[p])}" for p in members)
        targets = resource[first] == "targets"
        n = len({source[p] for p in members})
        yield Finding("same_figure", status,
                      f"{region[first]} {indicator[first]} {'by ' if targets else ''}{int(year[first])}, "
                      f"one {'target' if targets else 'figure'} from {n} sources: {said}. "
                      f"{'They agree' if ok else 'They CONFLICT'}{'' if ok else ' (no value satisfies them all)'}.",
                      [fs.ref(p) for p in members],
                      {"values": [value[p] for p in members], "comparators": [comparator[p] for p in members]})


# ---------------------------------------------------------------- helpers
def _frame(typed, name, cols) -> pd.DataFrame:
    t = typed.get(name)
    if t is None or not set(cols) <= set(t.frame.columns):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return t.frame[cols]


def _dims(rec: pd.DataFrame, rows=None, year=None, indicator=None, region=None) -> list[np.ndarray]:
    """What names a figure: (table, region, indicator, year) of each row, as integer codes. `year`,
    `indicator` and `region` (codes) replace the rows' own, to ask for another figure."""
    rows = np.arange(len(rec)) if rows is None else np.asarray(rows)

    def own(col):
        return rec[col].cat.codes.to_numpy().astype(np.int64)[rows]

    reg = own("region_id") if region is None else np.asarray(region, dtype=np.int64)
    ind = own("indicator") if indicator is None else np.asarray(indicator, dtype=np.int64)
    yr = (rec["year"].to_numpy()[rows] if year is None else np.asarray(year)).astype(np.int64)
    return [own("resource"), reg, ind, yr]


def _keys(*sets: list[np.ndarray]) -> list[np.ndarray]:
    """For sets of tuples of codes (each a list of columns), one integer per tuple, equal exactly where the
    tuples are equal, across all the sets: the tuples are numbered by grouping, not packed into one number,
    so no count of regions or indicators and no year makes two figures one."""
    sizes = [len(s[0]) for s in sets]
    columns = [np.concatenate([np.asarray(s[i], dtype=np.int64) for s in sets]) for i in range(len(sets[0]))]
    numbers = pd.MultiIndex.from_arrays(columns).factorize()[0].astype(np.int64)
    return np.split(numbers, np.cumsum(sizes)[:-1])


def _related(rec: pd.DataFrame, relations: list[str], own: str, other: str) -> pd.DataFrame:
    """The rows of these relations (column `own`) with the figure each relates to in its own region
    (column `other`), for the rows that have one."""
    rows = np.flatnonzero(rec["relation"].isin(relations).to_numpy())
    match = _best(rec, rows, rec["region_id"].cat.codes.to_numpy()[rows])
    return pd.DataFrame({own: rows[match >= 0], other: match[match >= 0]})


def _best(rec: pd.DataFrame, rows: np.ndarray, region_codes: np.ndarray) -> np.ndarray:
    """For each of `rows`, the row (same table and year) of `region_codes`' region and of the indicator the
    row's relation points at, the same source's when there is one; -1 where there is none."""
    relates = rec["relates_code"].to_numpy()[rows]
    wanted, own = _keys(_dims(rec, rows=rows, indicator=relates, region=region_codes), _dims(rec))
    wanted = np.where((region_codes >= 0) & (relates >= 0), wanted, -1)
    left = pd.DataFrame({"key": wanted, "i": np.arange(len(rows)),
                         "source": rec["source_id"].cat.codes.to_numpy()[rows]})
    right = pd.DataFrame({"key": own, "pos": np.arange(len(rec)),
                          "match_source": rec["source_id"].cat.codes.to_numpy()})
    m = left.merge(right, on="key")
    m["other"] = m["source"] != m["match_source"]
    m = m.sort_values(["i", "other", "pos"]).drop_duplicates("i")
    out = np.full(len(rows), -1, dtype=np.int64)
    out[m["i"].to_numpy()] = m["pos"].to_numpy()
    return out


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
