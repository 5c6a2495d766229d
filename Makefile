# Thin wrappers over the real tools. A fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: demo test lint format bench ci messages clean

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

## test: install the development tools and run the whole test suite
test: $(STAMP_DEV)
	ETABLERA_ENV=test $(BIN)/pytest -p xdist -n 2

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

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
