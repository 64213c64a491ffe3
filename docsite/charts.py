"""The charts: SVG drawn at build time with matplotlib, so a reader needs no network to see them.

Each chart keeps the records it draws, so its caption can name them, and says
what it cannot show (a figure the package does not have is never drawn).
Bars are capped so that a package of any size gives a readable chart in
bounded time; the tables behind the charts list every record.
"""
from __future__ import annotations

import functools
import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display, and no backend that could reach for one

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from .package import Package  # noqa: E402
from .records import stated  # noqa: E402

MAX_BARS = 25
MAX_LABELS = 25  # value labels a trajectory places; more points than that are read from the table below it
OBSERVED, TARGET, PROJECTION = "#2b6cb0", "#dd6b20", "#d69e2e"
# How each kind of record is drawn: colour, bar hatch, point marker and whether the marker is hollow.
KINDS = {"observed": (OBSERVED, "", "o", False), "target": (TARGET, "", "D", True),
         "projection": (PROJECTION, "//", "s", True)}
GAP = 4  # points kept clear around a value label, so it never touches a line, a point or another label
WIDE, NARROW = 8.5, 4.6  # figure widths in inches: the page's content column, and a phone's (390 px)
WRAP = 34  # characters a line of a title or bar name on the narrow chart
UNLABELLED = "Where no label fitted clear of the lines, points and other labels, a point is left unlabelled"
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
    narrow: bytes | None = None  # the same chart drawn for a phone's width: panels stacked, text wrapped

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
    bars = [(f"{pkg.region_names.get(r.region_id, r.region_id)} ({r.source_id})", r.value, stated(r), "observed")
            for r in shown.itertuples(index=False)]
    wide, narrow = (_bars(bars, _axis(shown), title, narrow=n) for n in (False, True))
    return Chart("value-by-region", title, wide, shown, " ".join(x for x in (_nesting(pkg, shown), note) if x),
                 narrow)


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
    (wide, crowded), (narrow, crowded_narrow) = (_trajectory_svg(pkg, panels, title, n) for n in (False, True))
    if crowded or crowded_narrow:
        notes.append(f"{UNLABELLED}: the table below gives every figure.")
    return Chart("trajectory", title, wide, records, " ".join(notes), narrow)


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
        kind = _kind(r)
        when = str(r.year) if r.resource == "indicators" else f"by {r.year}"
        name = pkg.region_names.get(r.region_id, r.region_id)
        bars.append((f"{name}, {when}: {kind} ({r.source_id})", r.value, stated(r), kind))
    wide, narrow = (_bars(bars, _axis(shown), title, legend=True, narrow=n) for n in (False, True))
    return Chart("observed-and-targeted", title, wide, shown, note, narrow)


# ---------------------------------------------------------------- drawing
def _styled(draw):
    """Run a drawing function inside the charts' rc settings (a Text reads them when it is made)."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


@_styled
def _bars(bars: list[tuple], axis: tuple[float, str], title: str, legend: bool = False, narrow: bool = False
          ) -> bytes:
    """Horizontal bars, (label, value, value in words, kind) each, the value in words at each bar's end."""
    scale, unit_label = axis
    names = [_wrap(b[0], narrow) for b in bars]
    row = 0.42 + (0.14 if narrow and any("\n" in n for n in names) else 0)
    fig = Figure(figsize=(NARROW if narrow else WIDE, 1.5 + row * len(bars) + (0.35 if legend else 0)),
                 layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    values = [b[1] / scale for b in bars]
    for y, v, bar in zip(ys, values, bars):
        colour, hatch, _, _ = _look(bar[3])
        ax.barh([y], [v], color=colour, height=0.65)
        if hatch:
            ax.barh([y], [v], color="none", edgecolor="white", hatch=hatch, height=0.65)
        ax.text(v, y, "  " + bar[2], va="center", ha="left", fontsize=8)
    ax.set_yticks(ys, names)
    ax.set_xlim(0, max(values) * 1.45 if max(values) > 0 else 1)
    ax.set_xlabel(unit_label)
    # the title starts at the figure's edge, not the axes': long bar names would push it off a narrow figure
    fig.suptitle(_wrap(title, narrow), x=0.01, ha="left", fontsize=10, fontweight="bold")
    if legend:
        _legend(fig, [b[3] for b in bars], bars=True, narrow=narrow)
    _fit_value_labels(fig, ax)
    return _svg(fig)


@_styled
def _trajectory_svg(pkg: Package, panels: list[tuple[str, pd.DataFrame]], title: str, narrow: bool = False
                    ) -> tuple[bytes, int]:
    """A panel per indicator (side by side, or one above the other when narrow): the latest observed figure, each
    target, a dashed line from the one to the other, and a label per point placed clear of every line, point and
    other label. Returns the SVG and how many points had no room for a label."""
    size = (NARROW, 0.9 + 3.6 * len(panels)) if narrow else (WIDE + 0.5, 4.6)
    fig = Figure(figsize=size, layout="constrained")
    fig.suptitle(_wrap(title, narrow), x=0.01, ha="left", fontsize=10, fontweight="bold")
    axes = fig.subplots(len(panels), 1) if narrow else fig.subplots(1, len(panels))
    axes = np.atleast_1d(axes)
    labels, kinds, dashed = [], [], False
    for ax, (label, rows) in zip(axes, panels):
        if rows.empty:
            ax.set_title(label, loc="left", fontsize=9)
            ax.text(0.5, 0.5, "No figures in the package", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        scale, unit_label = _axis(rows)
        points = (rows.assign(v=rows["value"] / scale, kind=[_kind(r) for r in rows.itertuples(index=False)])
                  .groupby(["resource", "year", "value", "comparator", "kind"], dropna=False, sort=False)
                  .agg(v=("v", "first"), sources=("source_id", lambda s: list(dict.fromkeys(s))),
                       first=("record_id", "first")).reset_index())
        observed = points[points["resource"] == "indicators"]
        targets = points[points["resource"] == "targets"]
        # a panel without an observed figure says so in its title, outside the data, where no point can be
        ax.set_title(label + ("" if len(observed) else "\n(no observed figure in the package: targets only)"),
                     loc="left", fontsize=9)
        if len(observed):
            start = observed.iloc[0]
            for t in targets.itertuples(index=False):
                ax.plot([start["year"], t.year], [start["v"], t.v], ls="--", lw=1, color="#888888")
                dashed = True
        for kind, group in points.groupby("kind", sort=False):
            colour, _, marker, hollow = _look(kind)
            ax.plot(group["year"], group["v"], marker, ms=8 if kind == "observed" else 7, color=colour,
                    mfc="white" if hollow else colour, mew=2 if hollow else 1, ls="none")
            kinds.append(kind)
        for p in points.itertuples(index=False):
            who = ", ".join(p.sources[:3]) + (f" +{len(p.sources) - 3}" if len(p.sources) > 3 else "")
            labels.append((ax, f"{stated(pkg.record(p.first))}\n({who})", (p.year, p.v)))
        years = points["year"].astype(int)
        ax.set_xlim(years.min() - 0.6, years.max() + 1.4)
        ax.set_xticks(range(int(years.min()), int(years.max()) + 1))
        ax.set_ylim(0, points["v"].max() * 1.35 or 1)
        ax.set_ylabel(unit_label)
    _legend(fig, kinds, dashed=dashed, narrow=narrow)
    left_off = _place_labels(fig, labels)
    return _svg(fig), left_off


def _legend(fig: Figure, kinds: list[str], bars: bool = False, dashed: bool = False, narrow: bool = False) -> None:
    """One legend for the figure, below the axes and out of every data area, naming only the kinds drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for kind in sorted(set(kinds), key=lambda k: (list(KINDS).index(k) if k in KINDS else len(KINDS), k)):
        colour, hatch, marker, hollow = _look(kind)
        handles.append(Patch(facecolor=colour, hatch=hatch, edgecolor="white", label=kind) if bars else
                       Line2D([], [], ls="none", marker=marker, ms=7, color=colour, label=kind,
                              mfc="white" if hollow else colour, mew=2 if hollow else 1))
    if dashed:
        handles.append(Line2D([], [], ls="--", lw=1, color="#888888",
                              label="from the latest observed figure to a target"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 2 if narrow else 4),
               frameon=False, fontsize=8)


def _fit_value_labels(fig: Figure, ax) -> None:
    """Widen the value axis until every value label at a bar's end is inside the axes: a narrow chart has less
    room beside its longest bar than 45% of it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    for _ in range(3):  # each widening shortens the bars, and so the room the labels need: it settles fast
        fig.draw(renderer)
        right = max(t.get_window_extent(renderer).x1 for t in ax.texts)
        edge = ax.get_window_extent(renderer).x1
        if right <= edge:
            return
        lo, hi = ax.get_xlim()
        x_right = ax.transData.inverted().transform((right, 0))[0]
        ax.set_xlim(lo, hi + (x_right - hi) * 1.1)


def _place_labels(fig: Figure, labels: list[tuple]) -> int:
    """Put each (axes, text, point) label at the first of a ring of spots around its point where it touches no
    line, no point, no other label and stays in its axes; a label with no such spot is left off. Returns how
    many were left off.

    The figure is laid out once first and then frozen, so the boxes measured here are where the labels end up."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    fig.set_layout_engine("none")
    px = fig.dpi / 72  # pixels a point
    # what a label must keep clear of, as arrays of boxes (x0, y0, x1, y1) and of segments (x, y, x', y'), so
    # each try is a few array operations however many points the chart has
    boxes = [tuple(t.get_window_extent(renderer).extents) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text()]
    segments = []
    for ax in fig.axes:
        for line in ax.lines:
            xy = line.get_transform().transform(line.get_xydata())
            if line.get_linestyle() not in ("None", "none", "", " ") and len(xy) > 1:
                segments.append(np.hstack([xy[:-1], xy[1:]]))
            if line.get_marker() not in (None, "None", "none", "", " "):
                half = (line.get_markersize() + line.get_markeredgewidth()) * px / 2
                boxes += [(x - half, y - half, x + half, y + half) for x, y in xy]
    lines = np.vstack(segments) if segments else np.zeros((0, 4))
    taken = np.array(boxes, dtype=float).reshape(-1, 4)
    left_off = max(0, len(labels) - MAX_LABELS)  # beyond that many, a chart is a table: the one below it
    for ax, text, point in labels[:MAX_LABELS]:
        area = ax.get_window_extent(renderer)
        note = ax.annotate(text, point, xytext=(0, 0), textcoords="offset points", fontsize=7.5)
        for (dx, dy), ha, va in _SPOTS:
            note.xyann = (dx, dy)
            note.set_ha(ha)
            note.set_va(va)
            box = note.get_window_extent(renderer)
            clear = box.padded(GAP * px)
            x0, y0, x1, y1 = clear.extents
            hits = (taken[:, 0] < x1) & (taken[:, 2] > x0) & (taken[:, 1] < y1) & (taken[:, 3] > y0)
            if (area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1
                    and not hits.any() and not _crosses(lines, clear.extents)):
                taken = np.vstack([taken, box.extents])
                break
        else:
            note.remove()
            left_off += 1
    return left_off


def _crosses(segments: np.ndarray, box) -> bool:
    """Whether any segment (x, y, x', y') passes through the box (x0, y0, x1, y1): Liang and Barsky's clipping,
    every segment at once."""
    x0, y0, x1, y1 = box
    x, y = segments[:, 0], segments[:, 1]
    dx, dy = segments[:, 2] - x, segments[:, 3] - y
    p = np.stack([-dx, dx, -dy, dy])
    q = np.stack([x - x0, x1 - x, y - y0, y1 - y])
    with np.errstate(divide="ignore", invalid="ignore"):
        r = q / p
    enter = np.max(np.where(p < 0, r, 0.0), axis=0)
    leave = np.min(np.where(p > 0, r, 1.0), axis=0)
    outside_parallel = ((p == 0) & (q < 0)).any(axis=0)
    return bool(((enter <= leave) & ~outside_parallel).any())


def _spots() -> list[tuple[tuple[float, float], str, str]]:
    """Where a label may go around its point, nearest first: (offset in points, horizontal and vertical align)."""
    out = []
    for r in (8, 16, 28, 42):
        out += [((r, r / 2), "left", "bottom"), ((r, -r / 2), "left", "top"), ((-r, r / 2), "right", "bottom"),
                ((-r, -r / 2), "right", "top"), ((0, r), "center", "bottom"), ((0, -r), "center", "top"),
                ((r, 0), "left", "center"), ((-r, 0), "right", "center")]
    return out


_SPOTS = _spots()


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


def _wrap(text: str, narrow: bool) -> str:
    return "\n".join(textwrap.wrap(text, WRAP)) if narrow else text


def _kind(rec) -> str:
    return "observed" if rec.resource == "indicators" else str(rec.kind)


def _look(kind: str) -> tuple[str, str, str, bool]:
    """Colour, hatch, marker, hollow: a kind the chart does not know is drawn as a projection is, named as itself."""
    return KINDS.get(kind, KINDS["projection"])


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
