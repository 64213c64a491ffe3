"""Download and use: the files, the release when it is built, and code to read the package with."""
from __future__ import annotations

from .. import paths, snippets
from ..markup import block, code, digest, esc, table
from ..records import Links
from . import Page


def page(ctx) -> Page:
    pkg = ctx.pkg
    desc = pkg.desc
    links = Links(pkg, paths.DOWNLOAD)
    rows = [[links.to(d.uri, code(d.uri)), esc(d.label), str(pkg.report.rows.get(d.resource, "")),
             f"{d.size:,}", digest(d.sha256)] for d in ctx.tables]
    md = ["Everything here is a copy of the files this site was built from. Keep `datapackage.json` and the "
          "`data/` folder side by side: the descriptor names each file by its relative path and gives its types.",
          "", "## The tables", block(table(["File", "What", "Rows", "Bytes", "SHA-256"], rows, stack=True)),
          "## The release", ""]
    if ctx.release is None:
        md.append(f"This build found no release of version {esc(desc.version)} in `dist/`. Run `make release`, "
                  "then `make docs`, to add the release archive and its exports (SQLite, Parquet, Excel) to this "
                  "page.")
    else:
        rows = [[links.to(d.uri, code(d.uri.removeprefix(paths.DOWNLOADS_DIR + "/"))), esc(d.label), f"{d.size:,}",
                 digest(d.sha256)] for d in ctx.release]
        md += [f"Version {esc(desc.version)}, as `make release` built it. Compare a download's SHA-256 with the "
               "one listed here.", block(table(["File", "What", "Bytes", "SHA-256"], rows, stack=True))]
    md += ["## Use the data", "",
           "Each snippet runs from the folder that holds `datapackage.json`. The types come from the descriptor.",
           "", _tab("frictionless (Python)", "python", snippets.frictionless()),
           _tab("pandas", "python", snippets.pandas(desc)),
           _tab("R", "r", snippets.r(desc)),
           _tab("DuckDB", "sql", snippets.duckdb(desc)),
           _spreadsheet(ctx, links),
           "## Check a copy in your CI", "",
           "If you keep a copy of the package in a repository, this GitHub Actions workflow validates it on "
           "every push with the same frictionless release the package is checked with (structure only: the "
           "provenance and consistency checks need this project's validator and the archived articles).", "",
           "```yaml", snippets.workflow().rstrip(), "```", ""]
    return Page(paths.DOWNLOAD, "Download and use", "\n".join(md))


def _tab(title: str, lang: str, text: str) -> str:
    body = "\n".join("    " + line if line else "" for line in [f"```{lang}", *text.rstrip().splitlines(), "```"])
    return f'=== "{title}"\n\n{body}\n'


def _spreadsheet(ctx, links: Links) -> str:
    text = snippets.text_columns(ctx.pkg.desc, ctx.pkg.report.tables)
    cols = "; ".join(f"{code(name + '.csv')}: " + ", ".join(code(c) for c in cols) for name, cols in text.items())
    excel = next((d for d in ctx.release or [] if d.uri.endswith(".xlsx")), None)
    lines = ["Import the CSV with the spreadsheet's import dialog (LibreOffice: open it and the dialog appears; "
             "Excel: Data, From Text/CSV) rather than by double-clicking it. Choose UTF-8 and comma-separated, "
             "and set these columns to Text, or they are read as numbers or dates: " + (cols or "none") + ". "
             "`value` is in base units: divide by 1,000,000,000 for billions. No cell begins with `=`, `+`, `-` or "
             "`@` (the validator rejects such text), so no cell can run as a formula."]
    if excel is not None:
        lines.append(f"The release's {links.to(excel.uri, 'Excel workbook')} has every table as a typed sheet.")
    body = "\n\n".join(lines)
    return '=== "Spreadsheet"\n\n' + "\n".join("    " + line for line in body.splitlines()) + "\n"

