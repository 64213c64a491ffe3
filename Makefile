# Quick start: `make` (install into .venv, validate, build the release into dist/
# and the docs into site/), then `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The archived article texts: quotes are checked against them when present.
ARCHIVE ?= $(wildcard ../shared/sources)
ARCHIVE_ARG = $(if $(ARCHIVE),--archive $(ARCHIVE))
# One validation serves validate, release and docs: each reuses the one kept here while the package, the
# archive and the validator are byte for byte the same (schemas/cache.py).
CACHE := .cache/validation
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: all venv validate docs serve release test bench clean

all: validate release docs

$(BIN)/.core: requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; expected Python 3.11 (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

$(BIN)/.test: requirements-test.txt $(BIN)/.core
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

venv: $(BIN)/.core

validate: venv
	$(BIN)/china-ai-validate $(ARCHIVE_ARG) --cache $(CACHE)

docs: venv
	$(BIN)/china-ai-docs build $(ARCHIVE_ARG) --cache $(CACHE)

serve: venv
	$(BIN)/china-ai-docs serve $(ARCHIVE_ARG)

release: venv
	$(BIN)/china-ai-release $(ARCHIVE_ARG) --cache $(CACHE)

# axe-core, the accessibility checker the browser test runs in each page (package.json pins it)
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found; expected Node.js with npm, to install axe-core for the browser test"; exit 2; }
	npm ci --no-audit --no-fund --loglevel=error

test: $(BIN)/.test node_modules/.package-lock.json
	@test -n "$(ARCHIVE)" || { echo "make test: no archive at ../shared/sources; expected ARCHIVE=dir, the folder of archived article texts"; exit 2; }
	ARCHIVE="$(abspath $(ARCHIVE))" $(BIN)/python -m pytest

bench: venv
	$(BIN)/china-ai-bench $(BENCH_ARGS)

clean:
	rm -rf site dist .pytest_cache .cache node_modules
