# One-command start (make run) and one-command test (make test); `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv run migrate seed superuser test bench fuzz drill lint format messages screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/base.txt requirements/prod.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.installed ## Create the virtualenv and install the pinned requirements

migrate: venv ## Apply database migrations
	$(PY) manage.py migrate --no-input

seed: migrate ## Load the demo content in English and Arabic (idempotent)
	$(PY) manage.py seed_demo
	$(PY) manage.py prepare_images

superuser: migrate ## Create the admin user (DJANGO_SUPERUSER_* or a generated password)
	$(PY) manage.py ensure_superuser

# Image and link URLs are absolute: they name the address the CMS is served on.
run: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)
run: seed superuser ## Bring up the CMS (and its worker) with demo content on http://127.0.0.1:8000
	@echo "Admin: http://$(HOST):$(PORT)/admin/"
	$(PY) manage.py cms_worker & trap 'kill %1' EXIT; $(PY) manage.py runserver $(HOST):$(PORT)

test: venv ## Run the test suite, with coverage, against a throwaway PostgreSQL and Redis
	scripts/install-system-deps
	cd clients/typescript && npm ci --silent --no-audit --no-fund && npm run --silent build
	scripts/with-services $(PY) -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

screenshots: venv ## Retake the editors' guide's screenshots (docs/screenshots/) with the browser tests
	scripts/install-system-deps
	CMS_DOCS_SCREENSHOTS=1 scripts/with-services $(PY) -m pytest -p no:cacheprovider tests/browser/test_release_flow.py

bench: venv ## Benchmark /api/website-data/ (nginx, gunicorn, the TypeScript client), publishing, images
	scripts/install-system-deps
	cd clients/typescript && npm ci --silent --no-audit --no-fund && npm run --silent build
	scripts/with-services $(PY) scripts/bench_website_data.py $(BENCH_ARGS)
	scripts/with-services $(PY) scripts/bench_publish.py
	scripts/with-services $(PY) scripts/bench_images.py

DRILL_SCENARIOS = tests/stack/test_consistency.py \
	tests/stack/test_edge_caches.py::test_no_read_that_starts_after_a_publish_returned_is_stale_through_any_layer

drill: venv ## Freeze, kill and break the real Redis and PostgreSQL under load; print what readers saw
	scripts/install-system-deps
	scripts/with-services $(PY) scripts/fault_drill.py $(DRILL_ARGS)
	# Publishes while Redis refuses, pauses, freezes or forgets, read through nginx (with and
	# without Origin) and straight from gunicorn; publishes read by browsers through every layer.
	CMS_DRILL_FAULT_SECONDS=10 scripts/with-services $(PY) -m pytest -s -p no:cacheprovider $(DRILL_SCENARIOS)

fuzz: venv ## Fuzz every API operation through gunicorn (FUZZ_EXAMPLES per operation, default 300)
	scripts/install-system-deps
	CMS_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),300) scripts/with-services $(PY) -m pytest -s -p no:cacheprovider tests/stack/test_fuzz.py

lint: venv ## ruff, import layers, mypy, Django checks, no missing migrations, bandit, actionlint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit --quiet --recursive --severity-level medium --exclude "*/migrations/*" cms home sitecontent config providers
	cd scripts/workflow-lint && npm ci --silent --no-audit --no-fund && node lint.mjs

format: venv ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: ## Compile the reference site's translations (cms/locale/*/django.po; needs gettext)
	for po in cms/locale/*/LC_MESSAGES/django.po; do msgfmt --check-format -o "$${po%.po}.mo" "$$po"; done

clean: ## Remove the virtualenv, the SQLite database and local media
	rm -rf $(VENV) db.sqlite3 media static
