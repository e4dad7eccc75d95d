# 石首督导看板: set-up, run and test on a fresh Debian 12 machine.
#   make run    venv + demo database + chromium (PDF export), then the dashboard on :8050
#   make test   venv + Debian packages (chromium, PostgreSQL, LibreOffice Calc), then every test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.stamp-requirements
DB_FILE := var/dashboard.sqlite3
HOST ?= 127.0.0.1
PORT ?= 8050
# pytest-xdist workers. Each worker starts its own PostgreSQL and chromium (about 2.5 s), and
# the browser tests keep chromium and gunicorn busy too, so on fewer than 4 CPUs one process is
# faster. `make test PYTEST_WORKERS=2` forces workers, PYTEST_WORKERS=0 one process.
PYTEST_WORKERS ?= $(shell if [ "$$(nproc)" -ge 4 ]; then echo 2; else echo 0; fi)
PYTEST_ARGS ?=

ifeq ($(PYTEST_WORKERS),0)
PYTEST_XDIST :=
else
PYTEST_XDIST := -n $(PYTEST_WORKERS)
endif

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export PIP_PROGRESS_BAR := off

.PHONY: venv system db run test test-postgres bench serve-gunicorn lint check

venv: $(VENV_STAMP)

# Re-installs only when a requirements file changed since the last install.
$(VENV_STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || bash scripts/setup_system.sh python
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install -r requirements-dev.txt
	@touch $@

system:
	bash scripts/setup_system.sh

# Demo data go only into the default SQLite file (data_access/paths.py default_database_url):
# it is created with them once (demo-data migrates it first, and loads the demo county's
# divisions); delete the file to start over. Any other DATABASE_URL may hold
# real data: `db` only migrates it, and demo data need an explicit `python -m dashboard
# demo-data` (which refuses a database with real imports).
DEFAULT_DATABASE_URL := sqlite:///$(abspath $(DB_FILE))
ifeq ($(or $(DATABASE_URL),$(DEFAULT_DATABASE_URL)),$(DEFAULT_DATABASE_URL))
db: venv
	@if [ ! -f $(DB_FILE) ]; then \
	  mkdir -p $(dir $(DB_FILE)); \
	  echo "creating $(DB_FILE) with demo data"; \
	  $(VENV_PY) -m dashboard demo-data || { rm -f $(DB_FILE); exit 1; }; \
	fi
else
db: venv
	$(VENV_PY) -m dashboard init-db
endif

# chromium and the CJK fonts print the weekly report's PDF on the server.
run: venv db
	bash scripts/setup_system.sh python browser
	@if [ "$(or $(DATABASE_URL),$(DEFAULT_DATABASE_URL))" = "$(DEFAULT_DATABASE_URL)" ]; then \
	  $(VENV_PY) -m dashboard demo-accounts; fi
	DASHBOARD_BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server

# pytest exits non-zero on failures, and with 5 when it collected no tests: both fail `make test`.
test: venv system check
	$(VENV_PY) -m pytest tests -p no:cacheprovider --durations=10 $(PYTEST_XDIST) $(PYTEST_ARGS)

# Every integration and browser test on the demo built in PostgreSQL (the tests start the
# server); `make test` runs the tests marked both_backends on it.
test-postgres: venv system check
	DEMO_BACKEND=postgresql $(VENV_PY) -m pytest tests/integration tests/e2e -p no:cacheprovider \
	  --durations=10 $(PYTEST_XDIST) $(PYTEST_ARGS)

bench: venv
	$(VENV_PY) benchmarks/run_benchmarks.py

serve-gunicorn: venv db
	$(VENV)/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server

lint: venv
	$(VENV)/bin/ruff check .

# Lint (ruff), the import contracts of pyproject.toml (dashboard > callbacks > layouts |
# data_access > metrics) and the types of the application packages (mypy): each fails the build,
# so the tree stays clean rather than collecting findings nobody reads.
check: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
