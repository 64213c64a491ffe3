"""The file mkdocs.yml names under `hooks`: it only hands over to docsite.hooks (the project is installed)."""
import sys
from pathlib import Path

# MkDocs runs this file with its own folder first on sys.path: the site's modules (package, paths, charts ...)
# must not be found from there as top-level ones, shadowing libraries of the same name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from docsite.hooks import (  # noqa: E402
    on_config, on_files, on_page_content, on_page_markdown, on_post_page, on_post_template)

__all__ = ["on_config", "on_files", "on_page_content", "on_page_markdown", "on_post_page", "on_post_template"]
