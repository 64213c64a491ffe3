"""The charts page, and the figure (image, caption naming its records, data table) other pages embed."""
from __future__ import annotations

from .. import paths
from ..charts import Chart
from ..markup import block, esc, href, md_text, tag
from ..records import Links, records_table
from . import Page

NARROW_SCREEN = "44.9375em"  # where the theme lays a page out for a phone
COLUMNS = ("region", "indicator", "year", "value", "kind", "source", "record")


def figure(links: Links, chart: Chart) -> str:
    if chart.svg is None:
        return tag("p", esc(f"{chart.title}: {chart.note}"), class_="aidata-chart-missing")
    records = ", ".join(links.record(r) for r in chart.records["record_id"])
    caption = (f"<strong>{esc(chart.title)}.</strong> " + (esc(chart.note) + " " if chart.note else "")
               + f"Source records: {records}.")
    image = (f'<img src="{href(links.frm, paths.chart(chart.slug))}" '
             f'alt="{esc(chart.title)} (chart; the table below lists its figures)" loading="eager">')
    if chart.narrow is not None:  # a phone gets the chart drawn for its width, not the wide one shrunk
        image = tag("picture", f'<source media="(max-width: {NARROW_SCREEN})" '
                               f'srcset="{href(links.frm, paths.chart(chart.slug, narrow=True))}">' + image)
    data = tag("details", "<summary>The figures behind this chart</summary>"
               + records_table(links, chart.records, COLUMNS))
    return tag("figure", image + tag("figcaption", caption), class_="aidata-chart", id=f"chart-{chart.slug}") + data


def page(ctx) -> Page:
    links = Links(ctx.pkg, paths.CHARTS)
    md = ["Drawn from the data when the site is built. Each chart names the records it draws; each record "
          "links to the words of the article behind it. Hedges (about, more than) are in the labels: a bar "
          "for 'more than 20 billion yuan' is drawn at 20 billion."]
    for chart in ctx.charts:
        md += ["", f"## {md_text(chart.title)} {{#{chart.slug}}}", block(figure(links, chart))]
    return Page(paths.CHARTS, "Charts", "\n".join(md) + "\n")
