# Thin wrappers over the real tools. A fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000
# The browser tests drive Debian's Chromium, never a downloaded browser.
CHROMIUM ?= $(or $(ETABLERA_CHROMIUM),/usr/bin/chromium)

.PHONY: demo test test-fast chromium lint format bench ci messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): requirements/lock.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): requirements/lock-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/lock-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(STAMP_RUN)

## demo: install, migrate, load the demo data and serve it on http://127.0.0.1:8000/
demo: $(STAMP_RUN)
	$(BIN)/etablera demo --port $(PORT)

## test: install what the suite needs (Chromium too, when run as root) and run the whole suite
test: $(STAMP_DEV) chromium
	ETABLERA_ENV=test ETABLERA_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -p xdist -n 2

## test-fast: the suite without the browser and slow property tests, for daily work
test-fast: $(STAMP_DEV)
	ETABLERA_ENV=test $(BIN)/pytest -p xdist -n 2 -m "not browser and not slow"

# Installs Debian's Chromium as root; anyone else is told the one command to run.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Chromium for the browser tests (apt-get install chromium) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium at $(CHROMIUM). Install it with" >&2; \
	    echo "    sudo apt-get install chromium" >&2; \
	    echo "(or set CHROMIUM=/path/to/chromium), or run 'make test-fast' to leave them out." >&2; \
	    exit 1; \
	  fi; \
	fi

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP_DEV)
	$(BIN)/python -m bench

messages: $(STAMP_DEV)
	cd src/etablera && ../../$(BIN)/etablera makemessages -l en --no-obsolete && ../../$(BIN)/etablera compilemessages

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
