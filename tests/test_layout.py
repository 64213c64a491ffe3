"""The code's layout as the README states it: each folder imports only the folders before it, and no
module imports another in a cycle. Imports are read from the source (every `import`, conditional ones
included), so a cycle hidden behind `if TYPE_CHECKING:` counts too."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from conftest import REPO

# folder -> the folders of ours it may import (besides itself); the README's Layout section says the same
ALLOWED = {"schemas": set(), "publish": {"schemas"}, "docsite": {"schemas", "publish"}, "benchmark": {"schemas"},
           "contribute": {"schemas"}}


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the layered folders under root."""
    out = {}
    for top in ALLOWED:
        for path in sorted((root / top).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that a module imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the module pkg.mod where there is one, else a name of pkg
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def problems(root: Path) -> list[str]:
    mods = modules(root)
    graph = {name: imports(name, path, set(mods)) for name, path in mods.items()}
    out = []
    for name, targets in sorted(graph.items()):
        top = name.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if other != top and other not in ALLOWED[top]:
                out.append(f"{mods[name].relative_to(root)}: imports {target}; {top} may import "
                           f"{', '.join(sorted(ALLOWED[top])) or 'nothing of ours'}")
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        out.append(f"import cycle: {' -> '.join(exc.args[1])}")
    return out


def test_the_code_keeps_its_layers_and_has_no_cycle():
    assert problems(REPO) == []


def test_every_layered_folder_is_a_package_the_project_installs():
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    for top in ALLOWED:
        assert (REPO / top / "__init__.py").is_file()
        assert f'"{top}"' in pyproject


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    for top in ALLOWED:
        (root / top).mkdir(exist_ok=True)
        (root / top / "__init__.py").touch()
    return root


@pytest.mark.parametrize("files, expected", [
    ({"schemas/report.py": "from publish import zipfiles\n", "publish/zipfiles.py": ""},
     "schemas/report.py: imports publish.zipfiles; schemas may import nothing of ours"),
    ({"benchmark/run.py": "from docsite.pages import home\n", "docsite/pages/__init__.py": "",
      "docsite/pages/home.py": ""},
     "benchmark/run.py: imports docsite.pages.home; benchmark may import schemas"),
    ({"publish/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
      "publish/b.py": "from . import a\n"},
     "import cycle"),
    ({"docsite/pages/home.py": "from .. import citation\n", "docsite/pages/__init__.py": "",
      "docsite/citation.py": "from .pages import home\n"},
     "import cycle"),
])
def test_a_forbidden_import_or_a_cycle_is_named(tmp_path, files, expected):
    found = problems(write(tmp_path, files))
    assert any(p.startswith(expected) for p in found), found
