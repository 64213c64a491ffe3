"""Without the archive beside the clone, the tests that need it, directly or through a fixture, are skipped
and the summary names each one with the reason; the others run. On CI (CI=true), or when ARCHIVE names a
folder that is not there, they fail instead: CI never passes without them."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

TESTS = '''
import pytest

@pytest.fixture(scope="session")
def report(archive):
    return str(archive)

def test_direct(archive):
    assert archive.is_dir()

def test_through_a_fixture(report):
    assert report

def test_without_the_archive():
    assert True

def test_asked_for_while_running(request):
    assert request.getfixturevalue("archive").is_dir()
'''


@pytest.fixture
def clone(tmp_path):
    """A clone's tests folder with no ../shared beside it: conftest.py and three tests."""
    tests = tmp_path / "main" / "tests"
    tests.mkdir(parents=True)
    shutil.copy(REPO / "tests" / "conftest.py", tests / "conftest.py")
    (tests / "test_some.py").write_text(TESTS, "utf-8")
    return tests


def pytest_in(tests, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE", "CI", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-ra", "-p", "no:cacheprovider", str(tests)],
                          cwd=tests.parent, capture_output=True, text=True, env=base | env)


def test_without_the_archive_the_tests_that_need_it_are_skipped_and_named(clone):
    out = pytest_in(clone)
    assert out.returncode == 0, out.stdout
    assert "1 passed, 3 skipped" in out.stdout
    where = str(clone.parent.parent / "shared" / "sources")
    for name in ("test_direct", "test_through_a_fixture"):
        assert re.search(rf"^SKIPPED \[1\] tests/test_some\.py: {name}: needs the archive of article texts, and there is "
                         rf"none at {re.escape(where)}", out.stdout, re.M), out.stdout
    assert out.stdout.count("SKIPPED [1] tests/test_some.py") == 3
    # a test that asks for the archive only while running is skipped by the fixture itself
    assert re.search(r"^SKIPPED \[1\] tests/test_some\.py:\d+: needs the archive of article texts", out.stdout, re.M)


def test_on_ci_a_missing_archive_fails_loudly(clone):
    out = pytest_in(clone, CI="true")
    assert out.returncode == 1, out.stdout
    assert "1 failed, 1 passed, 2 errors" in out.stdout
    assert "CI=true or ARCHIVE given: the tests that need the archive must run, not skip" in out.stdout


def test_an_archive_named_but_missing_fails(clone, tmp_path):
    out = pytest_in(clone, ARCHIVE=str(tmp_path / "nowhere"))
    assert out.returncode == 1, out.stdout
    assert f"ARCHIVE={tmp_path / 'nowhere'} is not a folder" in out.stdout


def test_with_the_archive_they_run(clone, archive):
    out = pytest_in(clone, ARCHIVE=str(archive), CI="true")
    assert out.returncode == 0 and "4 passed" in out.stdout, out.stdout


def test_ci_refuses_to_run_without_the_archive(tmp_path):
    """.ci/run stops before any test when ../shared/sources is missing."""
    main = tmp_path / "main"
    (main / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "run", main / ".ci" / "run")
    (main / "Makefile").write_text("test:\n\t@echo ran the tests\n", "utf-8")
    out = subprocess.run(["bash", str(main / ".ci" / "run")], capture_output=True, text=True)
    assert out.returncode != 0 and "ran the tests" not in out.stdout
    assert "no archive at ../shared/sources" in out.stderr
