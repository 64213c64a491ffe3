"""The GitHub Actions workflows: well-formed by the linter, and doing what the README promises.

The linter is check-jsonschema with its vendored GitHub-workflow schema
(SchemaStore's): a pure-Python wheel that shares frictionless' jsonschema.
actionlint itself reaches PyPI only as an sdist that downloads its binary
at install time, which an offline install cannot do.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, VENV_BIN

WORKFLOWS = REPO / ".github" / "workflows"


def lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, paths)], capture_output=True, text=True)


def load(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def steps(doc: dict) -> list[dict]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def test_workflows_pass_the_linter():
    result = lint(WORKFLOWS / "ci.yml", WORKFLOWS / "docs.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name, old, new, complaint", [
    ("ci.yml", "    runs-on: ubuntu-latest\n", "", "'runs-on' is a required property"),
    ("ci.yml", "  pull_request:", "  pull_requests:", "$.on"),
    ("docs.yml", "pages: write ", "pages: writ ", "'writ' is not one of"),
])
def test_the_linter_catches_broken_workflows(tmp_path, name, old, new, complaint):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / name
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = lint(broken)
    assert result.returncode == 1 and complaint in result.stdout, result.stdout


def test_ci_validates_and_tests_on_every_push_and_pull_request():
    doc = load("ci.yml")
    assert set(doc["on"]) == {"push", "pull_request"} and not any(doc["on"].values())  # no branch filters
    by_run = {step.get("run"): step for step in steps(doc)}
    always = [".venv/bin/frictionless validate datapackage.json", "make validate"]
    for command in always:
        assert command in by_run and "if" not in by_run[command], command
    assert by_run["make test"]["if"] == "env.HAS_ARCHIVE == 'true'"


def test_ci_lays_the_archive_beside_the_project_as_the_makefile_expects():
    doc = load("ci.yml")
    [job] = doc["jobs"].values()
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    project, archive = checkouts
    assert project["with"]["path"] == job["defaults"]["run"]["working-directory"] == "main"
    assert archive["with"]["repository"] == "${{ vars.ARCHIVE_REPOSITORY }}"
    assert archive["with"]["token"] == "${{ secrets.ARCHIVE_TOKEN }}"
    assert (Path("/ws") / project["with"]["path"] / "../shared/sources").resolve() == \
        Path("/ws") / archive["with"]["path"]  # ARCHIVE ?= ../shared/sources, from main/
    assert archive["if"] == "env.HAS_ARCHIVE == 'true'" and "vars.ARCHIVE_REPOSITORY" in job["env"]["HAS_ARCHIVE"]
    assert doc["permissions"] == {"contents": "read"}


def test_docs_builds_the_site_and_deploys_it_to_pages(repo):
    doc = load("docs.yml")
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    [make] = [s["run"].split() for s in build["steps"] if s.get("run", "").startswith("make ")]
    assert make[-1] == "docs" and make.index("release") < make.index("docs")  # the site links the release
    [upload] = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    mkdocs = repo / "mkdocs.yml"
    assert mkdocs.is_file()
    # where mkdocs writes the site: its config may say, else "site"
    site_dir = yaml.load(mkdocs.read_text(encoding="utf-8"), Loader=yaml.BaseLoader).get("site_dir", "site")
    assert upload["with"]["path"] == f"main/{site_dir}"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert doc["permissions"] == {"contents": "read"}  # only the deploy job may write
