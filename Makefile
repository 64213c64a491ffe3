# Quick start: `make` (install into .venv, validate, build the release into dist/
# and the docs into site/), then `make test`. Adding an article: CONTRIBUTING.md
# (`make add FILE=...`, `make todo [SOURCE=...]`, `make verify SOURCE=... COPY=...`).
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

.PHONY: all venv validate docs serve release test bench clean add todo verify

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

# pip compiles what it installs, but not an editable install's own code; where bytecode is never written
# (PYTHONDONTWRITEBYTECODE) each run would compile the validator again (0.03 s of a small package's 0.8)
venv: $(BIN)/.core
	@$(BIN)/python -m compileall -q schemas publish docsite benchmark contribute

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

# Without an archive the tests that need it are skipped, each named in the summary (with CI=true they fail).
test: $(BIN)/.test node_modules/.package-lock.json
	@test -n "$(ARCHIVE)" || echo "make test: no archive at ../shared/sources: the tests that need it are skipped; give ARCHIVE=dir to run them"
	$(if $(ARCHIVE),ARCHIVE="$(abspath $(ARCHIVE))") $(BIN)/python -m pytest

bench: venv
	$(BIN)/china-ai-bench $(BENCH_ARGS)

# The contributor's commands (CONTRIBUTING.md). The archive they write to or read: ARCHIVE, else ../shared/sources.
ARCHIVE_DIR = $(or $(ARCHIVE),../shared/sources)

add: venv
	@test -n "$(FILE)" || { echo "make add: expected FILE=path, a plain-text file or a saved web page"; exit 2; }
	$(BIN)/china-ai-add "$(FILE)" --archive "$(ARCHIVE_DIR)" $(if $(SOURCE),--source-id "$(SOURCE)") \
		$(if $(TITLE),--title "$(TITLE)") $(if $(URL),--url "$(URL)") $(if $(PUBLISHER),--publisher "$(PUBLISHER)") \
		$(if $(AUTHOR),--author "$(AUTHOR)") $(if $(PUBLISHED),--published "$(PUBLISHED)")

todo: venv
	$(BIN)/china-ai-todo --archive "$(ARCHIVE_DIR)" $(if $(SOURCE),--source "$(SOURCE)") $(if $(DRAFTS),--drafts "$(DRAFTS)")

verify: venv
	@test -n "$(SOURCE)" -a -n "$(COPY)" || { echo "make verify: expected SOURCE=source_id COPY=path (your saved copy of the article)"; exit 2; }
	$(BIN)/china-ai-verify "$(SOURCE)" "$(COPY)"

clean:
	rm -rf site dist .pytest_cache .cache node_modules
