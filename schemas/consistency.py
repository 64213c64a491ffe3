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
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .descriptor import RECORD_TABLES
from .numbers import human
from .report import Finding, Problem
from .structure import Typed

BANDS = Path(__file__).with_name("exchange_rate_bands.csv")
YEAR = {"indicators": "period", "targets": "target_year"}
APPROX = 0.05  # '~' reads as within 5% when two sources are compared
COLUMNS = ["resource", "record_id", "region_id", "indicator", "year", "value", "unit", "comparator", "source_id",
           "line"]


def records(typed: dict[str, Typed]) -> pd.DataFrame:
    """Both record tables in one long frame, with their CSV lines."""
    parts = []
    for name in RECORD_TABLES:
        t = typed.get(name)
        need = {"record_id", "region_id", "indicator", YEAR[name], "value", "unit", "comparator", "source_id"}
        if t is None or not need <= set(t.frame.columns):
            continue
        f = t.frame.rename(columns={YEAR[name]: "year"})
        extra = [c for c in ("equivalent_of",) if c in f.columns]
        parts.append(f[COLUMNS[1:-1] + extra].assign(resource=name, line=t.table.lines))
    if not parts:
        return pd.DataFrame(columns=COLUMNS + ["equivalent_of"])
    out = pd.concat(parts, ignore_index=True)
    return out[out["record_id"].notna() & out["value"].notna() & out["year"].notna()].reset_index(drop=True)


def check(typed: dict[str, Typed]) -> tuple[list[Problem], list[Finding]]:
    rec = records(typed)
    defs = _frame(typed, "indicator_definitions", ["indicator", "relation", "relates_to"]).set_index("indicator")
    rec = rec.join(defs, on="indicator")
    problems, findings = [], []
    p, f = currency_pairs(rec, typed)
    problems += p
    findings += f
    findings += share_parts(rec, typed)
    findings += share_base(rec)
    findings += target_growth(rec)
    findings += growth_prior(rec)
    findings += same_figure(rec)
    return problems, findings


# ------------------------------------------------------------- the checks
def currency_pairs(rec: pd.DataFrame, typed) -> tuple[list[Problem], list[Finding]]:
    usd = rec[(rec["relation"] == "currency_equivalent") & rec.get("equivalent_of", pd.Series(dtype=str)).notna()]
    pairs = usd.merge(rec.add_prefix("base_"), left_on=["resource", "equivalent_of"],
                      right_on=["base_resource", "base_record_id"])
    if pairs.empty:
        return [], []
    sources = _frame(typed, "sources", ["source_id", "published", "published_earliest"])
    year = pd.to_numeric(sources["published"].str.slice(0, 4), errors="coerce").fillna(
        sources["published_earliest"].dt.year)
    pairs["pub_year"] = pairs["source_id"].map(dict(zip(sources["source_id"], year)))
    bands = pd.read_csv(BANDS)
    pairs = pairs.merge(bands, left_on="pub_year", right_on="year", how="left", suffixes=("", "_band"))
    problems, findings = [], []
    for r in pairs.itertuples(index=False):
        who = [_ref(r, ""), _ref(r, "base_")]
        if r.value <= 0 or r.base_value <= 0:
            problems.append(Problem("consistency", f"data/{r.resource}.csv", int(r.line), "value",
                                    f"{human(r.base_value, r.base_unit)} and {human(r.value, r.unit)} cannot make an "
                                    "exchange rate", "two positive amounts", "impossible-rate"))
            continue
        rate = r.base_value / r.value
        figures = {"yuan": r.base_value, "usd": r.value, "cny_per_usd": round(rate, 4), "year": _int(r.pub_year),
                   "band_min": _num(r.min_cny_per_usd), "band_max": _num(r.max_cny_per_usd)}
        said = f"{human(r.base_value, 'CNY')} {_hedge(r.base_comparator)}= {human(r.value, 'USD')} {_hedge(r.comparator)}"
        if pd.isna(r.min_cny_per_usd):
            status, band = "no_band", f"no band for {figures['year']} in exchange_rate_bands.csv"
        else:
            inside = r.min_cny_per_usd <= rate <= r.max_cny_per_usd
            status = "inside_band" if inside else "outside_band"
            band = (f"{'inside' if inside else 'OUTSIDE'} the {figures['year']} band of {r.min_cny_per_usd}"
                    f" to {r.max_cny_per_usd} ({r.source.split(':')[0]})")
        findings.append(Finding("currency_pair", status,
                                f"{r.region_id} {r.base_indicator} {int(r.year)} ({r.source_id}): {said.strip()} implies "
                                f"{rate:.4f} yuan per US dollar, {band}.", who, figures))
    return problems, findings


def share_parts(rec: pd.DataFrame, typed) -> list[Finding]:
    shares = rec[rec["relation"].isin(["share_of_parent", "share_of_national"])].copy()
    if shares.empty:
        return []
    regions = _frame(typed, "regions", ["region_id", "parent_id", "level"])
    nation = regions.loc[regions["level"] == "country", "region_id"]
    parent = dict(zip(regions["region_id"], regions["parent_id"]))
    shares["den_region"] = np.where(shares["relation"] == "share_of_parent", shares["region_id"].map(parent),
                                    nation.iloc[0] if len(nation) else None)
    num = _best(shares, rec, {"region_id": "region_id", "relates_to": "indicator"}, "num_")
    both = _best(num, rec, {"den_region": "region_id", "relates_to": "indicator"}, "den_")
    findings = []
    for r in both.itertuples(index=False):
        if pd.isna(r.num_value) or pd.isna(r.den_region):
            continue
        lo, hi = _stated_interval(r.value, r.comparator)
        stated = f"{human(r.value, 'percent')} ({_words(r.comparator)})"
        parts = f"{human(r.num_value, r.num_unit)} {_hedge(r.num_comparator)}"
        if pd.isna(r.den_value):
            implied = r.num_value / (r.value / 100)
            direction = {">": "below", ">=": "at most", "<": "above", "<=": "at least"}.get(r.comparator, "about")
            findings.append(Finding(
                "share_parts", "implied",
                f"{r.region_id} {r.indicator} {int(r.year)} ({r.source_id}): {parts.strip()} as {stated} of "
                f"{r.den_region} implies a {r.den_region} {r.relates_to} {direction} {human(implied, r.num_unit, 4)}; "
                f"no {r.den_region} figure to check it against.",
                [_ref(r, ""), _ref(r, "num_")], {"share": r.value, "part": r.num_value, "implied_whole": implied}))
            continue
        computed = r.num_value / r.den_value * 100
        ok = lo <= computed <= hi
        findings.append(Finding(
            "share_parts", "agrees" if ok else "disagrees",
            f"{r.region_id} {r.indicator} {int(r.year)} ({r.source_id}): stated {stated}; "
            f"{parts.strip()} / {human(r.den_value, r.den_unit)} {_hedge(r.den_comparator)}= {computed:.2f}%, "
            f"{'within' if ok else 'OUTSIDE'} {_interval_text(lo, hi)}.",
            [_ref(r, ""), _ref(r, "num_"), _ref(r, "den_")],
            {"stated": r.value, "part": r.num_value, "whole": r.den_value, "computed": round(computed, 4),
             "accepted_min": lo, "accepted_max": hi}))
    return findings


def share_base(rec: pd.DataFrame) -> list[Finding]:
    shares = rec[rec["relation"] == "share_of_external"]
    if shares.empty:
        return []
    withnum = _best(shares, rec, {"region_id": "region_id", "relates_to": "indicator"}, "num_")
    withnum = withnum[withnum["num_value"].notna()]
    findings = []
    for (src, region, ind, res), g in withnum.groupby(["source_id", "region_id", "indicator", "resource"]):
        if len(g) < 2:
            continue
        half = g["value"].map(_half_unit)
        low = g["num_value"] / ((g["value"] + half) / 100)
        high = g["num_value"] / ((g["value"] - half) / 100)
        ok = low.max() <= high.min()
        each = "; ".join(f"{human(n, u)} / {human(v, 'percent')} = {human(n / (v / 100), u, 4)} "
                         f"({human(lo_, u, 4)} to {human(hi_, u, 4)})"
                         for n, u, v, lo_, hi_ in zip(g["num_value"], g["num_unit"], g["value"], low, high))
        findings.append(Finding(
            "share_base", "agrees" if ok else "disagrees",
            f"{region} {ind} ({src}): each share implies the base, within the rounding of the stated share: {each}. "
            f"The implied bases {'overlap' if ok else 'do NOT overlap'}.",
            [_ref(r, "") for r in g.itertuples(index=False)] + [_ref(r, "num_") for r in g.itertuples(index=False)],
            {"implied_min": list(low), "implied_max": list(high)}))
    return findings


def target_growth(rec: pd.DataFrame) -> list[Finding]:
    targets = rec[rec["resource"] == "targets"]
    observed = rec[rec["resource"] == "indicators"]
    pairs = targets.merge(observed.add_prefix("obs_"), left_on=["region_id", "indicator"],
                          right_on=["obs_region_id", "obs_indicator"])
    pairs = pairs[pairs["obs_year"] < pairs["year"]]
    if pairs.empty:
        return []
    latest = pairs.groupby("record_id")["obs_year"].transform("max")
    pairs = pairs[pairs["obs_year"] == latest]
    findings = []
    for r in pairs.itertuples(index=False):
        years = int(r.year) - int(r.obs_year)
        if r.obs_value <= 0 or r.value <= 0:
            continue
        rate = ((r.value / r.obs_value) ** (1 / years) - 1) * 100
        findings.append(Finding(
            "target_growth", "implied",
            f"{r.region_id} {r.indicator}: from {human(r.obs_value, r.obs_unit)} {_hedge(r.obs_comparator)}in "
            f"{int(r.obs_year)} ({r.obs_source_id}) to {human(r.value, r.unit)} {_hedge(r.comparator)}by {int(r.year)} "
            f"({r.source_id}) needs {rate:.1f}% a year over {years} year(s).",
            [_ref(r, "obs_"), _ref(r, "")],
            {"from": r.obs_value, "to": r.value, "years": years, "yearly_growth_percent": round(rate, 2)}))
    return findings


def growth_prior(rec: pd.DataFrame) -> list[Finding]:
    growth = rec[rec["relation"] == "growth_of"]
    if growth.empty:
        return []
    g = _best(growth, rec, {"region_id": "region_id", "relates_to": "indicator"}, "base_")
    g = g[g["base_value"].notna()].copy()
    half = g["value"].map(_half_unit)
    g["lo"] = g["base_value"] / (1 + (g["value"] + half) / 100)
    g["mid"] = g["base_value"] / (1 + g["value"] / 100)
    g["hi"] = g["base_value"] / (1 + (g["value"] - half) / 100)
    # the base's hedge carries over: 'over 578 billion' implies 'over' the prior value
    g.loc[g["base_comparator"].isin([">", ">="]), "hi"] = np.inf
    g.loc[g["base_comparator"].isin(["<", "<="]), "lo"] = -np.inf
    approx = g["base_comparator"] == "~"
    g.loc[approx, "lo"] *= 1 - APPROX
    g.loc[approx, "hi"] *= 1 + APPROX
    g["prior_year"] = g["year"] - 1
    prior = rec[COLUMNS].add_prefix("prior_")
    g = g.merge(prior, left_on=["region_id", "relates_to", "prior_year", "resource"],
                right_on=["prior_region_id", "prior_indicator", "prior_year", "prior_resource"], how="left")
    findings = []
    for r in g.itertuples(index=False):
        bound = {">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most "}.get(r.base_comparator, "")
        head = (f"{r.region_id} {r.relates_to}: {human(r.base_value, r.base_unit)} {_hedge(r.base_comparator)}in "
                f"{int(r.year)} after {human(r.value, 'percent')} growth ({r.source_id}) implies {bound}"
                f"{human(r.mid, r.base_unit, 4)} in {int(r.prior_year)} ({_range(r.lo, r.hi, r.base_unit)} "
                f"within the rounding of the rate)")
        refs = [_ref(r, ""), _ref(r, "base_")]
        if pd.isna(r.prior_value):
            findings.append(Finding("growth_prior", "implied", head + f"; no {int(r.prior_year)} figure to compare.",
                                    refs, {"implied_prior": r.mid, "min": _num(r.lo), "max": _num(r.hi)}))
            continue
        plo, phi = _stated_interval(r.prior_value, r.prior_comparator, relative=APPROX)
        ok = plo <= r.hi and r.lo <= phi
        findings.append(Finding("growth_prior", "agrees" if ok else "disagrees",
                                head + f"; {r.prior_source_id} states {_hedge(r.prior_comparator)}"
                                f"{human(r.prior_value, r.prior_unit)}: {'consistent' if ok else 'NOT consistent'}.",
                                refs + [_ref(r, "prior_")], {"implied_prior": r.mid, "stated_prior": r.prior_value}))
    return findings


def same_figure(rec: pd.DataFrame) -> list[Finding]:
    keys = ["resource", "region_id", "indicator", "year"]
    counts = rec.groupby(keys)["source_id"].transform("nunique")
    multi = rec[counts > 1]
    findings = []
    for (res, region, ind, year), g in multi.groupby(keys):
        bounds = [_stated_interval(v, c, relative=APPROX) for v, c in zip(g["value"], g["comparator"])]
        lo, hi = max(b[0] for b in bounds), min(b[1] for b in bounds)
        ok = lo <= hi
        said = "; ".join(f"{s}: {_hedge(c)}{human(v, u)}" for s, c, v, u in
                         zip(g["source_id"], g["comparator"], g["value"], g["unit"]))
        what = "target" if res == "targets" else "figure"
        findings.append(Finding(
            "same_figure", "agrees" if ok else "conflict",
            f"{region} {ind} {'by ' if res == 'targets' else ''}{int(year)}, one {what} from {g['source_id'].nunique()} "
            f"sources: {said}. {'They agree' if ok else 'They CONFLICT'}"
            f"{'' if ok else ' (no value satisfies them all)'}.",
            [_ref(r, "") for r in g.itertuples(index=False)],
            {"values": list(g["value"]), "comparators": list(g["comparator"])}))
    return findings


# ---------------------------------------------------------------- helpers
def _frame(typed, name, cols) -> pd.DataFrame:
    t = typed.get(name)
    if t is None or not set(cols) <= set(t.frame.columns):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return t.frame[cols]


def _best(left: pd.DataFrame, rec: pd.DataFrame, on: dict[str, str], prefix: str) -> pd.DataFrame:
    """Left rows with their matching record (same year and table), the same source's when there is one."""
    right = rec[COLUMNS].add_prefix(prefix)
    left_on = list(on) + ["year", "resource"]
    right_on = [prefix + v for v in on.values()] + [prefix + "year", prefix + "resource"]
    merged = left.merge(right, left_on=left_on, right_on=right_on, how="left")
    merged["_same"] = merged["source_id"] == merged[prefix + "source_id"]
    merged = merged.sort_values(["record_id", "_same"], ascending=[True, False], kind="stable")
    return merged.drop_duplicates(["resource", "record_id"]).drop(columns="_same")


def _ref(r, prefix: str) -> dict:
    return {"resource": getattr(r, prefix + "resource"), "record_id": getattr(r, prefix + "record_id"),
            "source_id": getattr(r, prefix + "source_id"), "line": int(getattr(r, prefix + "line"))}


def _half_unit(value: float) -> float:
    """Half the place of the last decimal digit: 44 -> 0.5, 13.9 -> 0.05, 2.3 -> 0.05."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(int(exponent), 0)


def _stated_interval(value: float, comparator: str, relative: float | None = None) -> tuple[float, float]:
    """What a stated value with its hedge admits. '=' and '~' of a share widen by its rounding;
    with `relative`, '=' is exact and '~' widens by that fraction (figures in base units)."""
    if comparator in (">", ">="):
        return value, np.inf
    if comparator in ("<", "<="):
        return -np.inf, value
    if relative is not None:
        spread = abs(value) * relative if comparator == "~" else 0.0
    else:
        spread = _half_unit(value) * (2 if comparator == "~" else 1)
    return value - spread, value + spread


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
    return {"~": "(about) ", ">": "(more than) ", ">=": "(at least) ", "<": "(less than) ",
            "<=": "(at most) "}.get(comparator, "")


def _words(comparator) -> str:
    return {"=": "as stated", "~": "about", ">": "more than", ">=": "at least", "<": "less than",
            "<=": "at most"}.get(comparator, comparator)


def _int(v):
    return None if pd.isna(v) else int(v)


def _num(v):
    return None if pd.isna(v) or np.isinf(v) else float(v)
