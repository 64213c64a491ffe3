"""The file mkdocs.yml names under `hooks`: it only makes the project importable and hands over to hooks.py."""
import sys
from pathlib import Path

# MkDocs runs this file with its own folder first on sys.path; the project's modules must not be found as
# top-level ones from there, and the project root must be importable when MkDocs is run directly.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
_PROJECT = str(_HERE.parent.parent)
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

from aidata.site.hooks import on_config, on_files, on_page_content, on_page_markdown  # noqa: E402

__all__ = ["on_config", "on_files", "on_page_content", "on_page_markdown"]
