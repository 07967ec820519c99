# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 1
SEED_ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test install browser lint format worker clean serve bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate, seed the demo data, then serve http://$(HOST):$(PORT) with the
## task worker and the deadline workers (Procfile; one Ctrl-C stops them all).
## make run PORT=8080 HOST=0.0.0.0 · SEED=0 (no demo data) · SEED_ARGS="--cases 50"
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages -v0 || true
	$(if $(filter 0,$(SEED)),,$(PY) manage.py seed_demo $(SEED_ARGS))
	PATH="$(abspath $(BIN)):$$PATH" PYTHONUNBUFFERED=1 HOST=$(HOST) \
	  $(BIN)/honcho -f Procfile start -p $(PORT)

## A real browser for the end-to-end tests (Debian's Chromium; needs root or sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk; }

## Set up and run the whole test suite (unit, API, admin, browser) in a random
## order (the seed is printed: PYTEST_ARGS=--randomly-seed=N repeats an order,
## PYTEST_ARGS="-p no:randomly" runs in file order)
test: install browser
	$(PY) manage.py compilemessages -v0 || true
	$(PY) -m pytest -n 2 -p randomly $(PYTEST_ARGS)

## The workers alone (tasks, deadline sweep, stale-task requeue), without the
## web server: the Procfile's other lines
worker: install
	PY=$(PY) scripts/worker.sh

## The production stack locally: gunicorn + whitenoise + PostgreSQL, task and
## deadline workers (DATABASE_URL, CACHE_URL; docs/deploy.md)
serve: install
	PY=$(PY) PORT=$(PORT) scripts/serve.sh

## Every page and endpoint at a million cases (docs/performance.md)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/million
BENCH_ARGS ?=
bench: install
	CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/1} \
	  $(PY) bench/million.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-results
