"""A synthetic data package of any size, valid by the data model, for the benchmark.

It keeps the real descriptor (datapackage.json, copied as it is) and the real
indicator definitions, keeps the real regions and adds every province and
as many generated cities as the size needs, and generates the rest: articles
(archive texts whose SHA-256 sources.csv records), observed figures and
targets for every indicator, region, unit and comparator, currency
equivalents linked to their yuan rows, qualitative targets, the same figure
restated by a second article (mostly agreeing, sometimes not, as findings
say), and a provenance row for every traced field of every record, each
evidence span verbatim in its article.

Everything is drawn from one seed and built a column at a time with numpy;
the only Python loops run over distinct strings (formatting numbers, joining
an article's sentences), never over provenance rows.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from schemas import descriptor
from schemas.descriptor import RECORD_TABLES, TRACED, YEAR_FIELD, Descriptor, Resource
from schemas.provenance import traced

from . import csvwrite, wording
from .provinces import PROVINCES, SYLLABLES

REPO = Path(__file__).resolve().parent.parent
RECORDS_PER_SOURCE = 50  # an article states about 50 figures (the real five state about 10 each)
RECORDS_PER_REGION = 100  # regions grow with the package: more cities as records grow
OBSERVED_SHARE = 0.6  # the rest are targets and projections
QUALITATIVE_SHARE = 0.03  # of targets: aims with no number
RESTATED_SHARE = 0.08  # figures a second article states again
RESTATED_CONFLICT = 0.15  # of those, a different value: a cross-source conflict
PAIR_SHARE = 0.4  # yuan figures stated with a US-dollar equivalent beside them
PROJECTION_SHARE = 0.25  # of quantitative targets
LAST_YEAR_SHARE = 0.5  # of figures for the year before publication, worded "last year"
NBSP_SHARE = 0.05  # sentences whose archived text has a non-breaking space where the quote has a space
FIRST_YEAR, FINAL_YEAR = 2019, 2025  # publication years
PUBLISHERS = (("techherald", "Tech Herald"), ("industryweekly", "Industry Weekly"),
              ("regionaleconomy", "Regional Economy Review"), ("aibusiness", "AI Business Daily"))
AUTHORS = np.array(["", "Staff reporter", "Economics desk", "Technology desk"], dtype=object)
INFERRED_EQUAL = "no hedge word beside the number: taken as stated exactly"


@dataclass
class Package:
    """A generated package in memory: the descriptor, each resource as an Arrow table, the archive texts."""

    descriptor: Descriptor  # the repository's, as it is
    tables: dict[str, pa.Table]
    texts: dict[str, str]  # archive file name -> text
    verbatim: dict[str, bytes] = field(default_factory=dict)  # resources written as the repository has them

    def rows(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}

    @property
    def records(self) -> int:
        return sum(self.tables[name].num_rows for name in RECORD_TABLES)

    def path(self, name: str) -> str:
        return self.descriptor.resources[name].path


def build(n_records: int, seed: int = 0) -> Package:
    """A valid package of about `n_records` figure rows (indicators plus targets)."""
    if n_records < 20:
        raise ValueError(f"{n_records} records: expected at least 20, enough for every seeded error")
    rng = np.random.default_rng(seed)
    desc = descriptor.load(REPO)
    defs = _read(desc, "indicator_definitions")
    regions = _regions(_read(desc, "regions"), max(1, n_records // RECORDS_PER_REGION), rng)
    sources = _sources(max(5, -(-n_records // RECORDS_PER_SOURCE)), rng)
    st = _statements(n_records, defs, regions, sources, rng)
    st = _wording(st, defs, regions, sources, rng)
    records, prov = _records(st, regions, sources)
    texts = _articles(st, sources, rng)
    sources = sources.assign(sha256=[hashlib.sha256(texts[i].encode("utf-8")).hexdigest()
                                     for i in range(len(sources))])
    sources["archive_file"] = [f"{i:06d}_{h[:16]}.txt" for i, h in enumerate(sources["sha256"])]
    findings = _findings(st, records)
    # the headline's month and year are the article's date, not a figure: set aside, as the real articles' dates are
    set_aside = pd.DataFrame({"source_id": sources["source_id"], "span": sources["title"], "reason": "publication_date",
                              "note": "The month the article appeared, in its headline."})
    frames = {"sources": sources, "regions": regions, "indicator_definitions": defs, "indicators": records[0],
              "targets": records[1], "provenance": prov, "findings": findings, "set_aside": set_aside}
    tables = {name: _arrow(frames[name], res) for name, res in desc.resources.items() if name in frames}
    definitions = desc.root / desc.resources["indicator_definitions"].path
    return Package(desc, tables, dict(zip(sources["archive_file"], texts)),
                   {"indicator_definitions": definitions.read_bytes()})


def write(pkg: Package, root: Path, archive: Path) -> None:
    """The package as files: datapackage.json and its CSVs under `root`, the article texts in `archive`."""
    root, archive = Path(root), Path(archive)
    if root.exists():
        shutil.rmtree(root)
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    for name, text in pkg.texts.items():
        (archive / name).write_bytes(text.encode("utf-8"))
    root.mkdir(parents=True)
    (root / "datapackage.json").write_text(json.dumps(pkg.descriptor.raw, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    for name, res in pkg.descriptor.resources.items():
        path = root / res.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if name in pkg.verbatim:
            path.write_bytes(pkg.verbatim[name])
        else:
            csvwrite.write(path, pkg.tables[name], res.raw)


# ------------------------------------------------------------ the tables
def _read(desc: Descriptor, name: str) -> pd.DataFrame:
    return pd.read_csv(desc.root / desc.resources[name].path, dtype=str, keep_default_na=False)


def _arrow(frame: pd.DataFrame, resource: Resource) -> pa.Table:
    """The descriptor's fields in its order; a field the generator does not fill stays empty."""
    empty = np.full(len(frame), "", dtype=object)
    return pa.table({n: pa.array(frame[n].to_numpy(dtype=object) if n in frame else empty, pa.string())
                     for n in resource.field_names})


def _regions(real: pd.DataFrame, n_cities: int, rng: np.random.Generator) -> pd.DataFrame:
    """The real regions, every province not yet among them, and generated cities under random provinces."""
    known = set(real["region_id"])
    provinces = pd.DataFrame([p for p in PROVINCES if p[0] not in known],
                             columns=["region_id", "name_en", "name_zh", "level", "iso_3166_2", "admin_code"])
    provinces = provinces.assign(parent_id="china", notes="")
    taken = known | set(provinces["region_id"])
    k = len(SYLLABLES)
    ids, names, zh = [], [], []
    i = 0
    while len(ids) < n_cities:  # mixed-radix names: Anbai, Anbao ... then three syllables
        parts = [SYLLABLES[i % k], SYLLABLES[(i // k) % k]] + ([SYLLABLES[i // (k * k) - 1]] if i >= k * k else [])
        i += 1
        name = parts[0][0] + "".join(p[0].lower() for p in parts[1:])
        if name.lower() in taken:
            continue
        taken.add(name.lower())
        ids.append(name.lower())
        names.append(name)
        zh.append("".join(p[1] for p in parts) + "市")
    under = np.array([p for p in PROVINCES if p[3] != "municipality"], dtype=object)
    parents = under[rng.integers(0, len(under), len(ids))]
    cities = pd.DataFrame({"region_id": ids, "name_en": names, "name_zh": zh, "level": "city",
                           "parent_id": parents[:, 0], "iso_3166_2": "",
                           "admin_code": [f"{p[:2]}{1000 + j % 9000:04d}" for j, p in enumerate(parents[:, 5])],
                           "notes": "Generated city of a synthetic package."})
    return pd.concat([real, provinces, cities], ignore_index=True).fillna("")


def _sources(n: int, rng: np.random.Generator) -> pd.DataFrame:
    days = (np.datetime64(f"{FINAL_YEAR}-12-31") - np.datetime64(f"{FIRST_YEAR}-01-01")).astype(int)
    date = np.datetime64(f"{FIRST_YEAR}-01-01") + rng.integers(0, days + 1, n).astype("timedelta64[D]")
    iso = np.datetime_as_string(date, unit="D").astype(object)
    year = date.astype("datetime64[Y]").astype(int) + 1970
    month = date.astype("datetime64[M]").astype(int) % 12 + 1
    precision = rng.choice(3, n, p=[0.75, 0.2, 0.05])  # day, month or year known
    published = np.where(precision == 0, iso, np.where(precision == 1, [s[:7] for s in iso], [s[:4] for s in iso]))
    pub = rng.integers(0, len(PUBLISHERS), n)
    slug = np.array([p[0] for p in PUBLISHERS], dtype=object)[pub]
    ids = slug + np.array([f"-{i:06d}" for i in range(n)], dtype=object)
    province = np.array([p[1] for p in PROVINCES], dtype=object)[rng.integers(0, len(PROVINCES), n)]
    titles = province + " AI industry: figures and targets, " + wording.MONTHS[month - 1] + " " + year.astype(str)
    # a plan the article reports was released up to a year before it
    back = rng.integers(0, 12, n)
    plan_month_index = year * 12 + (month - 1) - back
    return pd.DataFrame({
        "source_id": ids, "title": titles, "publisher": np.array([p[1] for p in PUBLISHERS], dtype=object)[pub],
        "author": AUTHORS[rng.integers(0, len(AUTHORS), n)], "published": published,
        "published_earliest": np.where(precision == 0, iso, np.where(precision == 1, [s[:7] + "-01" for s in iso], "")),
        "published_latest": np.where(precision == 0, iso, ""),
        "url": "https://news.example.org/articles/" + ids, "related_url": "", "archived": "",
        "notes": np.where(precision == 0, "Synthetic article.",
                          "Synthetic article; the day of publication is not known."),
        "_year": year, "_plan_year": plan_month_index // 12, "_plan_month": plan_month_index % 12 + 1,
    })


def _statements(n: int, defs: pd.DataFrame, regions: pd.DataFrame, sources: pd.DataFrame,
                rng: np.random.Generator) -> pd.DataFrame:
    """Which article states which figure: one row per figure as one article states it."""
    qualitative = defs["qualitative"].str.lower() == "true"
    is_usd = defs["relation"] == "currency_equivalent"
    base = defs.loc[~qualitative & ~is_usd, "indicator"].to_numpy()
    qual = defs.loc[qualitative, "indicator"].to_numpy()
    draws = int(n * 1.3) + 64
    obs = rng.random(draws) < OBSERVED_SHARE
    src = rng.integers(0, len(sources), draws)
    ind = base[rng.integers(0, len(base), draws)]
    if len(qual):
        aim = ~obs & (rng.random(draws) < QUALITATIVE_SHARE)
        ind[aim] = qual[rng.integers(0, len(qual), aim.sum())]
    pub_year = sources["_year"].to_numpy()[src]
    lag = rng.choice(4, draws, p=[0.35, 0.45, 0.15, 0.05])
    year = np.where(obs, pub_year - lag, pub_year + rng.integers(1, 7, draws))
    st = pd.DataFrame({"table": np.where(obs, 0, 1), "src": src, "region": rng.integers(0, len(regions), draws),
                       "indicator": ind, "year": year, "lag": np.where(obs, lag, -1)})
    st = st.drop_duplicates(["table", "region", "indicator", "year"]).reset_index(drop=True)
    st["primary"] = np.arange(len(st))
    again = st.sample(frac=RESTATED_SHARE, random_state=rng).copy()
    again["src"] = _same_year_source(again["src"].to_numpy(), sources["_year"].to_numpy(), rng)
    again = again[again["src"] >= 0]
    st = pd.concat([st, again], ignore_index=True).drop_duplicates(["table", "src", "region", "indicator", "year"])
    st = st.sample(frac=1, random_state=rng).reset_index(drop=True)
    usd_of = dict(zip(defs.loc[is_usd, "relates_to"], defs.loc[is_usd, "indicator"]))
    st["usd"] = np.where(st["indicator"].isin(list(usd_of)) & (rng.random(len(st)) < PAIR_SHARE),
                         st["indicator"].map(usd_of), "")
    rows = 1 + (st["usd"] != "").to_numpy()
    st = st[np.cumsum(rows) <= n]
    return st.sort_values(["src", "table"], kind="stable").reset_index(drop=True)


def _same_year_source(src: np.ndarray, year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another article of the same publication year for each of `src` (-1 when there is none)."""
    order = np.argsort(year, kind="stable")
    y = year[src]
    lo, hi = np.searchsorted(year[order], y, "left"), np.searchsorted(year[order], y, "right")
    pick = lo + (rng.random(len(src)) * (hi - lo)).astype(np.int64)
    other = order[np.minimum(pick, len(order) - 1)]
    shifted = order[lo + (pick - lo + 1) % np.maximum(hi - lo, 1)]
    other = np.where(other == src, shifted, other)
    return np.where((hi - lo > 1) & (other != src), other, -1)


def _wording(st: pd.DataFrame, defs: pd.DataFrame, regions: pd.DataFrame, sources: pd.DataFrame,
             rng: np.random.Generator) -> pd.DataFrame:
    """Values and the words that state them: sentence, and the span for every traced field."""
    n = len(st)
    d = defs.set_index("indicator")
    unit = d["unit"].reindex(st["indicator"]).to_numpy(dtype=object)
    lo = pd.to_numeric(d["min"], errors="coerce").reindex(st["indicator"]).to_numpy()
    hi = pd.to_numeric(d["max"], errors="coerce").reindex(st["indicator"]).to_numpy()
    qual = unit == ""
    mant, dec, scale = np.ones(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    value_words = np.full(n, "", dtype=object)
    unit_words = np.full(n, "", dtype=object)
    converted = np.zeros(n, bool)

    cny = unit == "CNY"
    v = _log_uniform(np.fmax(lo[cny], 1e7), np.fmin(hi[cny], 5e12) / 2, rng)
    scale[cny] = np.where(v >= 1e12, 12, np.where(v >= 1e9, 9, 6))
    mant[cny], dec[cny] = _round(v / 10.0 ** scale[cny], (v / 10.0 ** scale[cny] < 100) & (rng.random(len(v)) < 0.3))
    value_words[cny] = wording.scaled(mant[cny], dec[cny], scale[cny]) + " yuan"
    unit_words[cny] = "yuan"
    converted[cny] = True

    ef = unit == "EFLOPS"
    v = _log_uniform(np.fmax(lo[ef], 1), np.fmin(hi[ef], 1000), rng)
    mant[ef], dec[ef] = _round(v, (v < 10) & (rng.random(len(v)) < 0.5))
    value_words[ef] = wording.mantissa_text(mant[ef], dec[ef]) + " exaflops"
    unit_words[ef] = "exaflops"

    pct = unit == "percent"
    v = rng.uniform(np.fmax(lo[pct], 0.5), np.fmin(hi[pct], 95))
    mant[pct], dec[pct] = _round(v, rng.random(len(v)) < 0.3)
    form = wording.PERCENT_FORMS[rng.integers(0, len(wording.PERCENT_FORMS), pct.sum())]
    value_words[pct] = wording.mantissa_text(mant[pct], dec[pct]) + form
    unit_words[pct] = np.array([f.strip() for f in form], dtype=object)

    cnt = unit == "count"
    v = np.rint(_log_uniform(np.fmax(lo[cnt], 1), np.fmax(np.fmin(hi[cnt] / 10, 1e6), 1), rng)).astype(np.int64)
    mant[cnt] = v
    spelled = rng.random(len(v)) < 0.5
    value_words[cnt] = wording.count_text(v, spelled)
    converted[cnt] = spelled & (v < len(wording.NUMBER_WORDS))

    rank = unit == "rank"
    mant[rank] = rng.integers(np.fmax(lo[rank], 1).astype(np.int64), np.fmin(hi[rank], 10).astype(np.int64) + 1)
    value_words[rank] = wording.ORDINALS[mant[rank]]
    converted[rank] = True

    other = ~(qual | cny | ef | pct | cnt | rank)  # a unit added to the definitions later: digits in its range
    mant[other] = np.rint(rng.uniform(np.fmax(lo[other], 1), np.fmin(hi[other], 1000))).astype(np.int64)
    value_words[other] = wording.mantissa_text(mant[other], dec[other])

    comparator = wording.COMPARATORS[rng.choice(len(wording.COMPARATORS), n, p=wording.COMPARATOR_WEIGHTS)]
    comparator[rank] = "="
    # a restatement that agrees states the figure as its first article did
    agree = (st["primary"].duplicated(keep=False) & (rng.random(n) >= RESTATED_CONFLICT)).to_numpy()
    first = pd.Series(np.arange(n)).groupby(st["primary"].to_numpy()).transform("min").to_numpy()
    for arr in (mant, dec, scale, value_words, unit_words, converted, comparator):
        arr[agree] = arr[first[agree]]
    comparator[qual] = ""

    st = st.assign(unit=unit, mant=mant, dec=dec, scale=scale, value_words=value_words, unit_words=unit_words,
                   converted=converted, comparator=comparator, hedge=wording.hedges(comparator, rng))
    st["value"] = np.where(qual, "", wording.plain(mant, dec, scale))
    st.loc[qual, "value_words"] = ""
    _usd(st, rng)
    return _sentences(st, d, regions, sources, rng)


def _usd(st: pd.DataFrame, rng: np.random.Generator) -> None:
    """The US-dollar equivalent beside a yuan figure, at a plausible rate, to the cent of a billion."""
    pair = (st["usd"] != "").to_numpy()
    yuan = st.loc[pair, "mant"].to_numpy() * 10.0 ** (st.loc[pair, "scale"] - st.loc[pair, "dec"]).to_numpy()
    usd = yuan / rng.uniform(6.9, 7.3, pair.sum())
    scale = np.where(usd >= 1e9, 9, 6)
    mant, dec = _round(usd / 10.0 ** scale, np.ones(len(usd), bool), places=2)
    st["usd_value"] = ""
    st["usd_words"] = ""
    st.loc[pair, "usd_value"] = wording.plain(mant, dec, scale)
    st.loc[pair, "usd_words"] = "US$" + wording.scaled(mant, dec, scale)


def _sentences(st: pd.DataFrame, d: pd.DataFrame, regions: pd.DataFrame, sources: pd.DataFrame,
               rng: np.random.Generator) -> pd.DataFrame:
    n = len(st)
    target = (st["table"] == 1).to_numpy()
    name = regions["name_en"].to_numpy(dtype=object)[st["region"].to_numpy()]
    label = d["label"].reindex(st["indicator"]).to_numpy(dtype=object)
    phrase = np.array([s[0].lower() + s[1:] if len(s) > 1 and s[1].islower() else s for s in label], dtype=object)
    unit = st["unit"].to_numpy(dtype=object)
    hedge = st["hedge"].to_numpy(dtype=object)
    h = np.where(hedge != "", hedge + " ", "")
    v = st["value_words"].to_numpy(dtype=object)
    usd = np.where(st["usd"] != "", " (" + st["usd_words"].to_numpy(dtype=object) + ")", "")
    year = st["year"].to_numpy().astype(str).astype(object)
    pub_year = sources["_year"].to_numpy()[st["src"].to_numpy()]
    last_year = ~target & (st["lag"].to_numpy() == 1) & (rng.random(n) < LAST_YEAR_SHARE)
    when = np.where(target, "by " + year, np.where(last_year, "last year", "in " + year))

    src = st["src"].to_numpy()
    plan_month = wording.MONTHS[sources["_plan_month"].to_numpy()[src] - 1]
    plan_year = sources["_plan_year"].to_numpy()[src].astype(str).astype(object)
    qual = unit == ""
    projection = target & ~qual & (rng.random(n) < PROJECTION_SHARE)
    released = np.where(projection, "published in ", "released in ") + plan_month + " " + plan_year
    prefix = np.where(target, np.where(projection, "Forecasts " + released + " say ", "Under a plan " + released + ", "),
                      "")

    count, rank = unit == "count", unit == "rank"
    amount = ~(count | rank | qual)
    verb = np.select([amount & target, amount, count & target, count, rank & target, rank],
                     ["should reach", "reached", "should have", "counted", "should be", "was"], "aims to achieve")
    possessive = name + "'s"
    sentence = np.select(
        [amount, count, rank],
        [prefix + possessive + " " + phrase + " " + verb + " " + h + v + usd + " " + when,
         prefix + name + " " + verb + " " + h + v + " " + phrase + " " + when,
         prefix + possessive + " " + phrase + " " + verb + " " + v + " " + when],
        prefix + name + " " + verb + " " + phrase + " " + when)
    return st.assign(
        sentence=sentence, kind=np.where(target, np.where(projection, "projection", "target"), ""),
        plan=np.where(target & ~projection, name + " AI development plan (" + plan_month + " " + plan_year + ")", ""),
        announced=np.where(target, plan_year + "-" + np.char.zfill(
            sources["_plan_month"].to_numpy()[src].astype(str), 2).astype(object), ""),
        ev_region=np.where(amount | rank, possessive, name), ev_indicator=phrase,
        ev_year=when, year_method=np.where(last_year, "inferred", "stated"),
        year_note=np.where(last_year, "'last year' resolved from the publication year " + pub_year.astype(str).astype(
            object), ""),
        ev_unit=np.where(count | rank, phrase, st["unit_words"].to_numpy(dtype=object)),
        ev_comparator=np.where(hedge != "", hedge, verb + " " + v), ev_announced=released,
        notes=np.where(qual, "Qualitative target: no number is set.", ""),
    )


def _records(st: pd.DataFrame, regions: pd.DataFrame, sources: pd.DataFrame):
    """The two record tables (a yuan figure's US-dollar row right after it) and their provenance."""
    region_id = regions["region_id"].to_numpy(dtype=object)[st["region"].to_numpy()]
    source_id = sources["source_id"].to_numpy(dtype=object)[st["src"].to_numpy()]
    target = (st["table"] == 1).to_numpy()
    year = st["year"].to_numpy().astype(str).astype(object)
    rid = region_id + "-" + st["indicator"].to_numpy(dtype=object) + "-" + np.where(target, "by", "") + year + "-" \
        + source_id
    st = st.assign(record_id=rid, region_id=region_id, source_id=source_id)
    pair = st[st["usd"] != ""]
    usd = pair.assign(
        record_id=pair["region_id"] + "-" + pair["usd"] + "-" + np.where(pair["table"] == 1, "by", "")
        + pair["year"].astype(str) + "-" + pair["source_id"],
        equivalent_of=pair["record_id"], indicator=pair["usd"], value=pair["usd_value"], unit="USD",
        value_words=pair["usd_words"], unit_words="US$", ev_unit="US$", ev_indicator="(" + pair["usd_words"] + ")",
        converted=True,
        ev_comparator=np.where(pair["hedge"] != "", pair["hedge"], "(" + pair["usd_words"] + ")"),
        notes="", _order=1)
    both = pd.concat([st.assign(equivalent_of="", _order=0), usd], ignore_index=True)
    both["_stmt"] = np.concatenate([np.arange(len(st)), pair.index.to_numpy()])
    both = both.sort_values(["_stmt", "_order"], kind="stable").reset_index(drop=True)
    both["quote"] = both["sentence"]
    tables = []
    for t, name in enumerate(RECORD_TABLES):
        part = both[both["table"] == t].reset_index(drop=True)
        tables.append(part.rename(columns={"year": YEAR_FIELD[name]}).assign(
            **{YEAR_FIELD[name]: part["year"].astype(str)}))
    return tables, _provenance(tables)


def _provenance(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per non-empty traced field of every record, in record order."""
    parts = []
    for t, name in enumerate(RECORD_TABLES):
        rec = tables[t]
        n = len(rec)
        qual = (rec["unit"] == "").to_numpy()
        usd_note = np.where(rec["equivalent_of"] != "", "the US-dollar equivalent the article gives beside the yuan "
                                                        "figure", "")
        spans = {
            "region_id": (rec["ev_region"], "normalized", ""),
            "indicator": (rec["ev_indicator"], "normalized", usd_note),
            "year": (rec["ev_year"], rec["year_method"], rec["year_note"]),
            "value": (rec["value_words"], np.where(rec["converted"], "converted", "stated"), ""),
            "unit": (rec["ev_unit"], "normalized", ""),
            "comparator": (rec["ev_comparator"], np.where(rec["hedge"] != "", "stated", "inferred"),
                           np.where(rec["hedge"] != "", "", INFERRED_EQUAL)),
            "announced": (rec["ev_announced"], "stated", ""),
        }
        for k, (field_, column) in enumerate(zip(TRACED, traced(name))):
            if field_ == "announced" and name != "targets":
                continue
            evidence, method, note = spans[field_]
            keep = ~qual if field_ in ("value", "unit", "comparator") else np.ones(n, bool)
            parts.append(pd.DataFrame({
                "resource": name, "record_id": rec["record_id"].to_numpy()[keep], "field": column,
                "source_id": rec["source_id"].to_numpy()[keep],
                "evidence": np.asarray(evidence, dtype=object)[keep] if np.ndim(evidence) else evidence,
                "method": np.broadcast_to(np.asarray(method, dtype=object), n)[keep],
                "note": np.broadcast_to(np.asarray(note, dtype=object), n)[keep],
                "_order": t * 10 ** 12 + np.flatnonzero(keep) * 10 + k}))
    prov = pd.concat(parts, ignore_index=True)
    return prov.sort_values("_order", kind="stable").reset_index(drop=True)


def _articles(st: pd.DataFrame, sources: pd.DataFrame, rng: np.random.Generator) -> list[str]:
    """Each article: its headline, a line of context, then its sentences in paragraphs of three."""
    text = st["sentence"].to_numpy(dtype=object)
    nbsp = rng.random(len(text)) < NBSP_SHARE
    text[nbsp] = [s.replace(" ", "\u00a0", 1) for s in text[nbsp]]
    position = st.groupby("src").cumcount().to_numpy()
    text = text + np.where(position % 3 == 2, ".\n\n", ". ")
    bounds = np.searchsorted(st["src"].to_numpy(), np.arange(len(sources) + 1))
    head = sources["title"].to_numpy(dtype=object) + "\n\n" + np.where(
        sources["author"] != "", "By " + sources["author"].to_numpy(dtype=object) + "\n\n", "")
    intro = "The figures below come from government statements, plans and industry reports.\n\n"
    return [head[i] + intro + "".join(text[bounds[i]:bounds[i + 1]]).rstrip() + "\n" for i in range(len(sources))]


def _findings(st: pd.DataFrame, records: list[pd.DataFrame]) -> pd.DataFrame:
    """A finding for each restated figure whose two articles disagree, as the data model asks."""
    rows = []
    for rec in records:
        base = rec[rec["_order"] == 0]
        cols = ["primary", "record_id", "source_id", "value", "comparator", "quote"]
        twice = base[base["primary"].duplicated(keep=False)][cols]
        a = twice.drop_duplicates("primary", keep="first")
        b = twice.drop_duplicates("primary", keep="last")
        pairs = a.merge(b, on="primary", suffixes=("", "_other"))
        pairs = pairs[(pairs["value"] != pairs["value_other"]) | (pairs["comparator"] != pairs["comparator_other"])]
        rows.append(pairs)
    pairs = pd.concat(rows, ignore_index=True)
    return pd.DataFrame({
        "finding_id": [f"conflict-{i:06d}" for i in range(len(pairs))], "kind": "cross_source_conflict",
        "basis": "archive", "source_id": pairs["source_id"], "other_sources": pairs["source_id_other"],
        "records": pairs["record_id"] + " " + pairs["record_id_other"], "evidence": pairs["quote"],
        "summary": "Two articles state different figures for the same region, indicator and year; both rows are "
                   "kept and the consistency checks list the conflict.",
    })


# -------------------------------------------------------------- numbers
def _log_uniform(lo, hi, rng: np.random.Generator) -> np.ndarray:
    lo = np.asarray(lo, dtype=float)
    hi = np.fmax(np.asarray(hi, dtype=float), lo)
    return np.exp(rng.uniform(np.log(lo), np.log(hi)))


def _round(x: np.ndarray, decimal: np.ndarray, places: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x to `places` decimals where `decimal`, else whole; trailing zeros dropped so the words stay minimal."""
    dec = np.where(decimal, places, 0).astype(np.int64)
    mant = np.maximum(np.rint(x * 10.0 ** dec).astype(np.int64), 1)
    for _ in range(places):
        strip = (dec > 0) & (mant % 10 == 0)
        mant = np.where(strip, mant // 10, mant)
        dec = np.where(strip, dec - 1, dec)
    return mant, dec
