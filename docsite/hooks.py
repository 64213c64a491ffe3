"""The MkDocs events that add the generated site to the hand-written pages of docs/.

MkDocs loads these through mkdocs_hook.py (named in mkdocs.yml). `build.py`
hands over the package it has validated; a plain `mkdocs build` or a rebuild
under `mkdocs serve` loads it afresh (AIDATA_DOCS_ROOT and AIDATA_DOCS_ARCHIVE
may name the package and the archive; the default is the package beside
mkdocs.yml, without the archive).
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage

from schemas.descriptor import UnusableInput

from . import not_found, package
from .generate import Site, context
from .markup import BEGIN, END, esc

BLOCK = re.compile(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), re.DOTALL)
SLOT = re.compile(r"<!-- aidata:slot (\d+) -->")


@dataclass
class Request:
    root: Path | None = None
    archive: Path | None = None
    pkg: package.Package | None = None  # validated already: used once, then a rebuild reads the files again


_request = Request()
_site: Site | None = None
_blocks: dict[str, list[str]] = {}  # per page: the HTML blocks lifted out of its Markdown


def prepare(root: Path | None = None, archive: Path | None = None, pkg: package.Package | None = None) -> None:
    global _request
    _request = Request(root, archive, pkg)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    _quiet_jieba()
    project = Path(config.config_file_path).parent
    try:
        pkg, _request.pkg = _request.pkg, None
        if pkg is None:
            root = _request.root or Path(os.environ.get("AIDATA_DOCS_ROOT") or project)
            pkg = package.load(root, _request.archive or os.environ.get("AIDATA_DOCS_ARCHIVE") or None)
        _site = Site(context(pkg, project))
    except (package.SiteError, UnusableInput) as exc:
        raise PluginError(str(exc)) from None
    # MkDocs' templates print these unescaped: they come from the data, so escape them here.
    config.site_name = esc(pkg.title)
    config.site_description = esc(pkg.desc.raw.get("description", ""))
    config.copyright = esc("; ".join(f"{lic.get('name', '')}: {lic.get('scope', '')}"
                                     for lic in pkg.desc.raw.get("licenses", [])))
    if _site.ctx.repo_url and not config.repo_url:
        config.repo_url = _site.ctx.repo_url
        config.repo_name = _site.ctx.repo_url.split("://", 1)[1].split("/", 1)[1]
    docs = Path(config.docs_dir)
    config.nav = _site.nav(sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, page in _site.pages.items():
        _refuse_clash(files, uri)
        inclusion = InclusionLevel.INCLUDED if uri in _site.listed else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, uri, content=page.markdown, inclusion=inclusion))
    for uri, data in _site.files.items():
        _refuse_clash(files, uri)
        made = File.generated(config, uri, content=data) if isinstance(data, bytes) else \
            File.generated(config, uri, abs_src_path=str(data))
        files.append(made)
    return files


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    uri = page.file.src_uri
    made = _site.pages.get(uri)
    if made is not None:
        # the page's title as MkDocs shows it in the navigation, the header and <title>, escaped once
        page.meta["title"] = esc(made.title)
    else:
        try:
            markdown = _site.fill(markdown, uri)
        except package.SiteError as exc:
            raise PluginError(str(exc)) from None
    blocks = _blocks[uri] = []

    def lift(m: re.Match) -> str:
        blocks.append(m.group(1))
        return f"<!-- aidata:slot {len(blocks) - 1} -->"
    return BLOCK.sub(lift, markdown)


def on_page_content(html: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    blocks = _blocks.pop(page.file.src_uri, [])
    out, n = SLOT.subn(lambda m: blocks[int(m.group(1))], html)
    if n != len(blocks):
        raise PluginError(f"{page.file.src_uri}: {len(blocks) - n} generated block(s) lost by Markdown; expected "
                          "each on its own line between blank lines")
    return out


# The theme's search box is a dialog without a name; screen readers announce it by this one.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def on_post_page(output: str, page: MkPage, config: MkDocsConfig) -> str:
    return _name_search_dialog(output, page.file.src_uri)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != "404.html":
        return output
    return not_found.anywhere(_name_search_dialog(output, template_name))


def _name_search_dialog(html: str, where: str) -> str:
    if html.count(_SEARCH_DIALOG) != 1:
        raise PluginError(f"{where}: expected the theme's search dialog once, as {_SEARCH_DIALOG!r}, to name it; "
                          "the theme's markup has changed")
    return html.replace(_SEARCH_DIALOG, _NAMED_SEARCH_DIALOG)


def _refuse_clash(files: Files, uri: str) -> None:
    if files.get_file_from_path(uri) is not None:
        raise PluginError(f"docs/{uri} is in the way of a generated page or file of the same path; expected "
                          "docs/ to hold hand-written pages only (the generated ones are made at build time)")


def _quiet_jieba() -> None:
    """The search plugin's Chinese segmenter announces its dictionary on stderr at every build: only its
    warnings are worth a line of the build's output."""
    try:
        import jieba
    except ImportError:  # the search then indexes Chinese unsegmented; the browser test says so
        return
    jieba.setLogLevel(logging.WARNING)
