"""The charts: SVG drawn at build time with matplotlib, so a reader needs no network to see them.

Each chart keeps the records it draws, so its caption can name them, and says
what it cannot show (a figure the package does not have is never drawn).
Bars are capped so that a package of any size gives a readable chart in
bounded time; the tables behind the charts list every record.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display, and no backend that could reach for one

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .package import Package  # noqa: E402
from .records import stated  # noqa: E402

MAX_BARS = 25
OBSERVED, TARGET, PROJECTION = "#2b6cb0", "#dd6b20", "#d69e2e"
SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million")]
UNIT_NAMES = {"CNY": "yuan", "USD": "US dollars", "EFLOPS": "exaflops", "percent": "%", "count": "", "rank": ""}
# parse_math off: data text such as "US$25 billion" must not be read as TeX.
STYLE = {"svg.hashsalt": "aidata-site", "svg.fonttype": "path", "text.parse_math": False, "font.size": 9,
         "axes.spines.top": False, "axes.spines.right": False}


@dataclass
class Chart:
    slug: str
    title: str
    svg: bytes | None  # None: the package has no records this chart could draw
    records: pd.DataFrame  # the records drawn, in the order drawn
    note: str  # what the chart leaves out or cannot show; '' when nothing

    @property
    def regions(self) -> set[str]:
        return set(self.records["region_id"])


def make_all(pkg: Package) -> list[Chart]:
    return [value_by_region(pkg, "ai_industry_value", 2023),
            trajectory(pkg, "guangdong", ("ai_industry_value", "computing_power")),
            observed_and_targeted(pkg, "computing_power")]


def value_by_region(pkg: Package, indicator: str, year: int) -> Chart:
    label = pkg.labels.get(indicator, indicator)
    title = f"{label} by region, {year}"
    rec = pkg.records
    rows = rec[(rec["resource"] == "indicators") & (rec["indicator"] == indicator) & (rec["year"] == year)
               & rec["value"].notna()].sort_values("value", ascending=False, kind="stable")
    shown, note = _cap(rows, "largest")
    if shown.empty:
        return Chart("value-by-region", title, None, shown, f"The package has no observed {label} for {year}.")
    bars = [(f"{pkg.region_names.get(r.region_id, r.region_id)} ({r.source_id})", r.value, stated(r), OBSERVED, "")
            for r in shown.itertuples(index=False)]
    svg = _bars(bars, _axis(shown), title)
    return Chart("value-by-region", title, svg, shown, " ".join(x for x in (_nesting(pkg, shown), note) if x))


def trajectory(pkg: Package, region_id: str, indicators: tuple[str, ...]) -> Chart:
    name = pkg.region_names.get(region_id, region_id)
    labels = [pkg.labels.get(i, i) for i in indicators]
    title = f"{name}: {' and '.join(labels)}, latest observed figure and targets"
    rec = pkg.records
    panels, drawn, notes = [], [], []
    for indicator, label in zip(indicators, labels):
        mine = rec[(rec["region_id"] == region_id) & (rec["indicator"] == indicator) & rec["value"].notna()]
        observed = mine[mine["resource"] == "indicators"]
        latest = observed[observed["year"] == observed["year"].max()] if len(observed) else observed
        targets = mine[mine["resource"] == "targets"]
        if len(latest):
            targets = targets[targets["year"] >= latest["year"].iloc[0]]
        else:
            notes.append(f"No observed {label} figure for {name} is in the package: its panel shows the "
                         "targets only.")
        rows = pd.concat([latest, targets]).sort_values(["year", "resource"], kind="stable")
        panels.append((label, rows))
        drawn.append(rows)
    records = pd.concat(drawn) if drawn else rec.iloc[0:0]
    if records.empty:
        return Chart("trajectory", title, None, records, f"The package has no figures or targets for {name}.")
    return Chart("trajectory", title, _trajectory_svg(pkg, panels, title), records, " ".join(notes))


def observed_and_targeted(pkg: Package, indicator: str) -> Chart:
    label = pkg.labels.get(indicator, indicator)
    title = f"{label} by region: observed and targeted"
    rec = pkg.records
    order = {k: i for i, k in enumerate(pkg.regions.index)}
    rows = rec[(rec["indicator"] == indicator) & rec["value"].notna()]
    rows = rows.assign(_r=rows["region_id"].map(order)).sort_values(["_r", "resource", "year"], kind="stable")
    shown, note = _cap(rows.drop(columns="_r"), "first")
    if shown.empty:
        return Chart("observed-and-targeted", title, None, shown, f"The package has no {label} figures.")
    bars = []
    for r in shown.itertuples(index=False):
        kind = "observed" if r.resource == "indicators" else r.kind
        colour = {"observed": OBSERVED, "target": TARGET}.get(kind, PROJECTION)
        when = str(r.year) if r.resource == "indicators" else f"by {r.year}"
        name = pkg.region_names.get(r.region_id, r.region_id)
        bars.append((f"{name}, {when}: {kind} ({r.source_id})", r.value, stated(r), colour,
                     "//" if kind == "projection" else ""))
    return Chart("observed-and-targeted", title, _bars(bars, _axis(shown), title, legend=True), shown, note)


# ---------------------------------------------------------------- drawing
def _styled(draw):
    """Run a drawing function inside the charts' rc settings (a Text reads them when it is made)."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


@_styled
def _bars(bars: list[tuple], axis: tuple[float, str], title: str, legend: bool = False) -> bytes:
    scale, unit_label = axis
    fig = Figure(figsize=(8.5, 1.3 + 0.42 * len(bars)), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    values = [b[1] / scale for b in bars]
    ax.barh(ys, values, color=[b[3] for b in bars], hatch=None, height=0.65)
    for y, v, bar in zip(ys, values, bars):
        if bar[4]:
            ax.barh([y], [v], color="none", edgecolor="white", hatch=bar[4], height=0.65)
        ax.text(v, y, "  " + bar[2], va="center", ha="left", fontsize=8)
    ax.set_yticks(ys, [b[0] for b in bars])
    ax.set_xlim(0, max(values) * 1.45 if max(values) > 0 else 1)
    ax.set_xlabel(unit_label)
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=OBSERVED, label="observed"), Patch(color=TARGET, label="target"),
                           Patch(facecolor=PROJECTION, hatch="//", edgecolor="white", label="projection")],
                  loc="lower right", frameon=False)
    return _svg(fig)


@_styled
def _trajectory_svg(pkg: Package, panels: list[tuple[str, pd.DataFrame]], title: str) -> bytes:
    fig = Figure(figsize=(9, 4.2), layout="constrained")
    fig.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (label, rows) in zip(axes, panels):
        ax.set_title(label, loc="left", fontsize=9)
        if rows.empty:
            ax.text(0.5, 0.5, "No figures in the package", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        scale, unit_label = _axis(rows)
        points = (rows.assign(v=rows["value"] / scale)
                  .groupby(["resource", "year", "value", "comparator", "kind"], dropna=False, sort=False)
                  .agg(v=("v", "first"), sources=("source_id", lambda s: list(dict.fromkeys(s))),
                       first=("record_id", "first")).reset_index())
        observed = points[points["resource"] == "indicators"]
        targets = points[points["resource"] == "targets"]
        if len(observed):
            start = observed.iloc[0]
            for t in targets.itertuples(index=False):
                ax.plot([start["year"], t.year], [start["v"], t.v], ls="--", lw=1, color="#888888")
            ax.plot(observed["year"], observed["v"], "o", ms=8, color=OBSERVED, label="observed")
        else:
            ax.text(0.03, 0.96, "No observed figure in the package:\ntargets only", transform=ax.transAxes,
                    va="top", fontsize=8, color="#9b2c2c")
        ax.plot(targets["year"], targets["v"], "D", ms=7, mfc="white", mew=2, color=TARGET, label="target")
        for p in points.itertuples(index=False):
            who = ", ".join(p.sources[:3]) + (f" +{len(p.sources) - 3}" if len(p.sources) > 3 else "")
            ax.annotate(f"{stated(pkg.record(p.first))}\n({who})", (p.year, p.v), textcoords="offset points",
                        xytext=(6, 6), fontsize=7.5)
        years = points["year"].astype(int)
        ax.set_xlim(years.min() - 0.6, years.max() + 1.4)
        ax.set_xticks(range(int(years.min()), int(years.max()) + 1))
        ax.set_ylim(0, points["v"].max() * 1.35 or 1)
        ax.set_ylabel(unit_label)
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _svg(fig)


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # no date: the same data gives the same file
    return buf.getvalue()


# ---------------------------------------------------------------- helpers
def _nesting(pkg: Package, rows: pd.DataFrame) -> str:
    """Bars side by side read as peers: say which of them contain others, so no one adds them up."""
    shown = list(dict.fromkeys(rows["region_id"]))
    parts = []
    for rid in shown:
        parent = pkg.regions.at[rid, "parent_id"] if rid in pkg.regions.index else None
        if isinstance(parent, str) and parent in shown:
            parts.append(f"{pkg.region_names.get(rid, rid)} is part of {pkg.region_names.get(parent, parent)}")
    if not parts:
        return ""
    return "Some bars contain others: " + "; ".join(parts) + "."


def _cap(rows: pd.DataFrame, which: str) -> tuple[pd.DataFrame, str]:
    if len(rows) <= MAX_BARS:
        return rows, ""
    return rows.head(MAX_BARS), (f"It shows the {which} {MAX_BARS} of {len(rows)} records; the tables on the "
                                 "figures and targets pages list them all.")


def _axis(rows: pd.DataFrame) -> tuple[float, str]:
    """Divisor and axis label for the rows' unit: 180000000000 CNY reads as 180 on a 'billion yuan' axis."""
    unit = rows["unit"].dropna().iloc[0] if rows["unit"].notna().any() else ""
    top = rows["value"].abs().max()
    scale, word = next(((s, w) for s, w in SCALES if unit in ("CNY", "USD") and top >= s), (1, ""))
    return scale, " ".join(x for x in (word, UNIT_NAMES.get(unit, unit)) if x) or "value"
