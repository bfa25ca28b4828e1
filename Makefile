# Gateway Lab — two commands: `make run` (serve on http://127.0.0.1:8000) and `make test`.
# Setup is incremental: the virtualenv is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
# The second pass: every test but the browser ones on a private PostgreSQL + Redis (tests/services.py).
SERVICES_PYTEST_ARGS ?=
# uvicorn's WebSocket protocol plus frame sizes, so the 32 KB frame limit holds (livegw/wsframes.py)
WS_FRAMES := --ws gateway_lab.livegw.wsframes:FrameReportingProtocol

.PHONY: run test setup setup-dev serve lint format bench messages clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    - set up (venv, migrations, content, demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test   - set up with dev tools, ruff check, the whole test suite on SQLite (browser tests too),"
	@echo "              then every non-browser test again on PostgreSQL + Redis (private servers)"
	@echo "make serve  - production mode: DEBUG off, compressed static files, $(WORKERS) uvicorn workers"
	@echo "make bench  - run every benchmark in bench/"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Compiled translations; rebuilt when a .po file changes.
# The site's catalog and each app's own (gateway_lab/<app>/locale/…), which Django loads too.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard gateway_lab/locale/*/LC_MESSAGES/*.po gateway_lab/*/locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles

messages: $(VENV)/.installed $(MO_FILES)

setup: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_site

setup-dev: $(VENV)/.installed-dev setup

# uvicorn, not Daphne's runserver: Daphne (autobahn) cannot close with AWS's 1001/1003/1009 nor refuse an
# upgrade with 401. DEBUG is on, so servestatic's middleware serves static/ as runserver did.
run: setup
	$(VENV)/bin/uvicorn gateway_lab.asgi:application --host $(HOST) --port $(PORT) --reload $(WS_FRAMES) \
		--reload-dir gateway_lab --reload-dir templates --reload-include '*.html' --lifespan off

test: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)
	$(PY) tests/services.py postgres redis -- $(PY) -m pytest -m "not browser" $(SERVICES_PYTEST_ARGS)

serve: setup
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=false $(VENV)/bin/uvicorn gateway_lab.asgi:application --host $(HOST) --port $(PORT) $(WS_FRAMES) \
		--workers $(WORKERS) --proxy-headers --no-server-header --timeout-keep-alive 5

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup-dev
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test-db.sqlite3 .pytest_cache .ruff_cache
