"""The charts read at a glance: checked on the boxes matplotlib lays out, not on the code that placed them.

Each chart's figure is drawn with a renderer; every visible text (titles, tick labels, axis labels, value labels,
legend entries) is a box in display pixels. No two boxes overlap; no box crosses a drawn line (sampled a pixel
at a time along each segment) or sits on a data point's marker; every box is inside the figure; a legend is
outside every axes' data area and names only the kinds drawn.
"""
from __future__ import annotations

import dataclasses
import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from conftest import REPO
from docsite import charts
from docsite.package import load

SLACK = 0.5  # pixels two boxes may share where their edges meet (rounding), never more


@pytest.fixture(scope="module")
def pkg():
    return load(REPO)


def drawn(monkeypatch, make) -> list:
    """The figures `make()` draws, as the charts module hands each to be written as SVG."""
    figures = []
    write = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda fig: figures.append(fig) or write(fig))
    make()
    return figures


def texts(fig, renderer) -> list[tuple[str, object]]:
    """Every text the figure draws, with its box; a tick label only where its tick is in view (matplotlib keeps
    the labels of ticks beyond the axis limits, and does not draw them)."""
    ticks, shown = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks |= {tick.label1, tick.label2}
                if ax.axison and lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    shown |= {tick.label1, tick.label2}
    out = []
    for t in fig.findobj(Text):
        if not (t.get_visible() and t.get_text().strip()) or (t in ticks and t not in shown):
            continue
        box = t.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append((t.get_text().strip().replace("\n", " / "), box))
    return out


def overlap(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > SLACK and min(a.y1, b.y1) - max(a.y0, b.y0) > SLACK


def inside(point, box) -> bool:
    x, y = point
    return box.x0 + SLACK < x < box.x1 - SLACK and box.y0 + SLACK < y < box.y1 - SLACK


def line_points(line) -> np.ndarray:
    """Points a pixel apart along every drawn segment of a line, in display pixels."""
    xy = line.get_transform().transform(line.get_xydata())
    out = [xy]
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
        n = int(np.hypot(x1 - x0, y1 - y0)) + 2
        out.append(np.column_stack([np.linspace(x0, x1, n), np.linspace(y0, y1, n)]))
    return np.vstack(out)


def marker_boxes(line, fig) -> list:
    """A box around each drawn marker of a line: its size in points, as pixels."""
    if line.get_marker() in (None, "None", "none", "", " "):
        return []
    half = line.get_markersize() * fig.dpi / 72 / 2 + line.get_markeredgewidth() * fig.dpi / 72 / 2
    xy = line.get_transform().transform(line.get_xydata())
    return [matplotlib.transforms.Bbox([[x - half, y - half], [x + half, y + half]]) for x, y in xy]


def problems(fig) -> list[str]:
    """Every way the figure fails to read at a glance, each said once."""
    with matplotlib.rc_context(charts.STYLE):
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        found = []
        boxes = texts(fig, renderer)
        for (s, a), (t, b) in itertools.combinations(boxes, 2):
            if overlap(a, b):
                found.append(f"label {s!r} over label {t!r}")
        page = fig.bbox
        for s, a in boxes:
            if a.x0 < page.x0 - SLACK or a.y0 < page.y0 - SLACK or a.x1 > page.x1 + SLACK or a.y1 > page.y1 + SLACK:
                found.append(f"label {s!r} outside the figure")
        for ax in fig.axes:
            for line in ax.lines:
                if not line.get_visible():
                    continue
                drawn_line = line.get_linestyle() not in ("None", "none", "", " ") and len(line.get_xydata()) > 1
                points = line_points(line) if drawn_line else np.zeros((0, 2))
                markers = marker_boxes(line, fig)
                for s, a in boxes:
                    if any(inside(p, a) for p in points):
                        found.append(f"label {s!r} over a line")
                    if any(overlap(a, m) for m in markers):
                        found.append(f"label {s!r} over a data point")
            data_area = ax.get_window_extent(renderer)
            for legend in [*fig.legends, *([ax.get_legend()] if ax.get_legend() else [])]:
                if overlap(legend.get_window_extent(renderer), data_area):
                    found.append(f"legend {[t.get_text() for t in legend.get_texts()]} inside a data area")
        return sorted(set(found))


def legend_kinds(fig) -> list[str]:
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return sorted(t.get_text() for lg in legends for t in lg.get_texts())


def bar_colours(fig) -> set[tuple]:
    return {tuple(np.round(p.get_facecolor(), 3)) for ax in fig.axes for p in ax.patches
            if isinstance(p, Rectangle) and p.get_facecolor()[3] > 0}


# ---------------------------------------------------------------- the real package's charts
def test_every_chart_of_the_real_package_reads_at_a_glance(pkg, monkeypatch):
    figures = drawn(monkeypatch, lambda: charts.make_all(pkg))
    assert len(figures) == 6  # the three charts the site shows, each drawn for a wide page and for a phone
    assert {f"figure {i}: {p}" for i, fig in enumerate(figures) for p in problems(fig)} == set()


def test_the_bar_chart_legend_names_only_the_kinds_of_its_bars(pkg, monkeypatch):
    """Computing power: the real package has targets and one observed figure, and no projection."""
    wide, narrow = drawn(monkeypatch, lambda: charts.observed_and_targeted(pkg, "computing_power"))
    kinds = set(pkg.records.loc[pkg.records["indicator"] == "computing_power", "kind"].fillna("observed"))
    assert kinds == {"observed", "target"}  # read off the CSVs: Guizhou observed, the rest targets
    for fig in (wide, narrow):
        assert legend_kinds(fig) == ["observed", "target"]
        assert len(bar_colours(fig)) == 2


def test_a_legend_entry_is_never_taken_for_a_data_point(pkg, monkeypatch):
    """The Guangdong panel of computing power has targets only: its legend used to sit among the points."""
    figures = drawn(monkeypatch, lambda: charts.trajectory(pkg, "guangdong", ("ai_industry_value", "computing_power")))
    assert len(figures) == 2
    for fig in figures:
        with matplotlib.rc_context(charts.STYLE):
            renderer = FigureCanvasAgg(fig).get_renderer()
            fig.draw(renderer)
            legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
            assert legends
            for lg in legends:
                for ax in fig.axes:
                    assert not overlap(lg.get_window_extent(renderer), ax.get_window_extent(renderer))


# ---------------------------------------------------------------- crowded synthetic figures
def crowded(pkg) -> object:
    """Guangdong's AI industry value with close targets from several sources, one a projection: labels of
    near points and the dashed lines between them compete for the same space."""
    base = pkg.records[(pkg.records["region_id"] == "guangdong") & (pkg.records["indicator"] == "ai_industry_value")
                       & (pkg.records["resource"] == "targets")].iloc[0]
    extra = []
    close = [(2024, 195e9, ">", "target"), (2024, 205e9, "~", "projection"), (2025, 310e9, "=", "target"),
             (2025, 290e9, ">=", "target"), (2026, 350e9, "~", "projection"), (2027, 430e9, "=", "target")]
    for i, (year, value, comparator, kind) in enumerate(close):
        extra.append(base.copy())
        extra[-1][["record_id", "year", "value", "comparator", "kind", "source_id"]] = \
            [f"synthetic-{i}", year, value, comparator, kind, ["scmp", "ceoinsights", "multiplatform"][i % 3]]
    records = pd.concat([pkg.records, pd.DataFrame(extra)], ignore_index=True)
    return dataclasses.replace(pkg, records=records)


def test_a_crowded_trajectory_reads_at_a_glance(pkg, monkeypatch):
    busy = crowded(pkg)
    for fig in drawn(monkeypatch, lambda: charts.trajectory(busy, "guangdong", ("ai_industry_value",))):
        assert problems(fig) == []
        assert {"observed", "target", "projection"} <= set(legend_kinds(fig))


def test_a_crowded_bar_chart_reads_at_a_glance(pkg, monkeypatch):
    busy = crowded(pkg)
    for fig in drawn(monkeypatch, lambda: charts.observed_and_targeted(busy, "ai_industry_value")):
        assert problems(fig) == []
        assert legend_kinds(fig) == ["observed", "projection", "target"]


def test_the_checks_see_an_overlap(pkg, monkeypatch):
    """The checks above can fail: a label moved onto another, and a legend moved into the data area, are seen."""
    fig = drawn(monkeypatch, lambda: charts.observed_and_targeted(pkg, "computing_power"))[0]
    ax = fig.axes[0]
    first, second = [t for t in ax.texts][:2]
    second.set_position(first.get_position())
    ax.legend(handles=[Rectangle((0, 0), 1, 1, label="kind")], loc="center")
    found = problems(fig)
    assert any(p.startswith(f"label {first.get_text().strip()!r} over label") for p in found), found
    assert "legend ['kind'] inside a data area" in found
    ax.plot([0, 300], [0, 4], "-")
    assert any(p.endswith("over a line") for p in problems(fig))


def test_labels_that_find_no_room_are_left_off_and_the_chart_says_so(pkg, monkeypatch):
    base = crowded(pkg).records
    row = base[base["record_id"] == "synthetic-2"].iloc[0]
    many = pd.DataFrame([row] * 30)
    many["record_id"] = [f"many-{i}" for i in range(30)]
    many["value"] = [300e9 + i * 1e9 for i in range(30)]  # thirty points a billion apart: no room for each label
    busy = dataclasses.replace(pkg, records=pd.concat([pkg.records, many], ignore_index=True))
    chart = None

    def make():
        nonlocal chart
        chart = charts.trajectory(busy, "guangdong", ("ai_industry_value",))

    figures = drawn(monkeypatch, make)
    for fig in figures:
        assert problems(fig) == []
        ax = fig.axes[0]
        points = sum(len(line.get_xydata()) for line in ax.lines if line.get_linestyle() in ("None", "none"))
        assert len(ax.texts) < points  # a label per point where it fitted, and not all fitted
    assert "a point is left unlabelled: the table below gives every figure" in chart.note


def test_a_trajectory_labels_at_most_max_labels_points(pkg, monkeypatch):
    """A region with hundreds of targets gets a chart in bounded time: past MAX_LABELS, points go unlabelled."""
    row = crowded(pkg).records.query("record_id == 'synthetic-2'").iloc[0]
    many = pd.DataFrame([row] * 200)
    many["record_id"] = [f"many-{i}" for i in range(200)]
    many["year"] = [2025 + i % 3 for i in range(200)]
    many["value"] = [300e9 + i * 7e9 for i in range(200)]
    busy = dataclasses.replace(pkg, records=pd.concat([pkg.records, many], ignore_index=True))
    chart = None

    def make():
        nonlocal chart
        chart = charts.trajectory(busy, "guangdong", ("ai_industry_value",))

    for fig in drawn(monkeypatch, make):
        assert 0 < len(fig.axes[0].texts) <= charts.MAX_LABELS
    assert charts.UNLABELLED in chart.note
