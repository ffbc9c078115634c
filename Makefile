# The two commands: `make run` (everything on one machine, demo data) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint format fuzz install install-dev services system-packages axe fedify clean

run: install
	TREFFPUNKT_DEMO=1 SOURCES_ALLOW_PRIVATE=1 $(BIN)/treffpunkt run

# The suite runs in TEST_WORKERS pytest-xdist processes, each on databases and a Redis database of
# its own (README: Running part of the suite); a file's tests stay in one process (--dist loadfile:
# a module's browser and servers start once). TEST_WORKERS=0: everything in one process.
TEST_WORKERS ?= 2
test: lint system-packages axe fedify services
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Code health, before any test runs; each step fails the build. Configured in pyproject.toml:
# ruff (lint and format), mypy (strict on the domain packages and shared/), import-linter contracts.
lint: install-dev
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# For developers: apply ruff's safe fixes and its formatting (mypy and the contracts need a person).
format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The fuzz suite (tests/fuzz, also part of `make test`) with FUZZ_SCALE times the examples, at
# random instead of the same ones every run: for before a release. Prints its figures at the end.
FUZZ_SCALE ?= 20
fuzz: install-dev system-packages services
	FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/python -m pytest tests/fuzz --timeout=7200 $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# PostgreSQL and Redis must be real; start them where installed but stopped.
services:
	.ci/ensure-services

# Debian tools the suite drives: docker-compose (validates the compose file), litmus, chromium.
system-packages:
	.ci/system-packages

# The Node packages the suite uses, from the npm registry, pinned, into a git-ignored folder, in one
# npm install (npm removes from the folder whatever the install does not name); fetched again only
# when a version changes.
# - axe-core, the accessibility checker the browser tests inject into each page (tests/support/axe.py)
# - Fedify, an independent ActivityPub implementation: the fediverse tests run a small server made
#   with it (tests/support/fedify/peer.mjs) that follows our actors and checks our signatures.
#   2.3.6: the newest whose own packages are all published; it asks for Node 22 but runs on Node 20
#   (Temporal from its polyfill). @fedify/cli is not used: its installer downloads a binary from
#   GitHub; the peer's /_lookup does what `fedify lookup` does, with the same library.
AXE_VERSION    := 4.10.3
FEDIFY_VERSION := 2.3.6
AXE_DIR        := .node
NODE_STAMP     := $(AXE_DIR)/.installed-axe-$(AXE_VERSION)-fedify-$(FEDIFY_VERSION)
axe fedify: $(NODE_STAMP)
$(NODE_STAMP):
	npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error --prefix $(AXE_DIR) \
		axe-core@$(AXE_VERSION) @fedify/fedify@$(FEDIFY_VERSION)
	rm -f $(AXE_DIR)/.installed-*
	touch $@

clean:
	rm -rf var/

# Re-extract the German texts marked in shared/ and services/, merge them into the English catalogue
# (shared/translations/en/LC_MESSAGES/messages.po) and compile messages.mo; lists what is left to translate.
.PHONY: translations
translations: install
	$(BIN)/python -m shared.translations.catalogue
