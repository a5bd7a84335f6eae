# Skydd – the two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000

# Python >= 3.12: the first interpreter found on PATH or under pyenv (the machine's python3
# may be 3.11, and a pyenv shim without that version set exits non-zero – skipped here).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3 /usr/bin/python3 python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$p; break; fi; done)

APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
APT_TEST := $(APT_RUN) chromium poppler-utils gettext

.PHONY: help run test test-fast e2e lint bench bench-statistics bench-national system-deps system-deps-test services-check \
	deps deps-dev node-deps clean

help:
	@echo "make run   – installera, migrera, skapa demodata och starta Skydd på http://$(HOST):$(PORT)"
	@echo "make test  – installera och kör hela testsviten mot PostgreSQL och Redis"
	@echo "make lint  – ruff, mypy, importregler, makemigrations --check, check --deploy, compose-validering"
	@echo "make bench – mät PDF, påminnelser, statistik och sidorna på 200 000 ärenden (nationell skala)"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.12 eller senare hittades inte (sätt PYTHON=/sökväg/python3.12)."; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# `--inexact` so that `make run` does not uninstall the test tools and vice versa.
deps: $(UV)
	$(UV) sync --frozen --inexact --no-dev --python $(PYTHON)

deps-dev: $(UV)
	$(UV) sync --frozen --inexact --python $(PYTHON)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

node-deps: node_modules/.package-lock.json

# Debian packages: installed when missing and we are root; otherwise a clear message.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installerar Debian-paket:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else echo "Saknade Debian-paket:$$missing (installera dem som root)"; exit 1; fi; \
	fi
endef

system-deps:
	$(call apt_ensure,$(APT_RUN))

system-deps-test:
	$(call apt_ensure,$(APT_TEST))

# `make run` serves as production does – DEBUG off, so an error or a missing page is the
# app's own Swedish page, never Django's debug page – with keys of its own (var/local/),
# plain HTTP on this machine only, static files collected and served by WhiteNoise, the
# demo data, and e-mail printed in the terminal.
LOCAL_KEYS := var/local
RUN_ENV := DEBUG=0 SKYDD_DEMO=1 \
	SECRET_KEY_FILE=$(LOCAL_KEYS)/secret_key PERSONNUMMER_HMAC_KEY_FILE=$(LOCAL_KEYS)/personnummer_hmac_key \
	SITE_URL=http://$(HOST):$(PORT) ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost \
	SECURE_COOKIES=0 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

run: system-deps deps
	@mkdir -p var/static
	@$(PY) scripts/local_secrets.py $(LOCAL_KEYS)
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(PY) manage.py seed_demo --credentials-file var/demo-credentials.json
	@echo
	@echo "Skydd körs på http://$(HOST):$(PORT)/  (Ctrl-C avslutar; e-post skrivs i terminalen)"
	@# No beat without Redis: the outbox sweep runs every minute beside the server and
	@# prints the e-mails to the console; it ends with the server. The server warms the PDF
	@# engine when it starts (skydd/wsgi.py), so the first PDF is as fast as the next.
	$(RUN_ENV) $(PY) manage.py send_notifications --every 60 & sweeper=$$!; \
	trap 'kill $$sweeper 2>/dev/null' EXIT; \
	$(RUN_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

services-check: deps-dev
	$(PY) scripts/check_services.py

test: system-deps-test deps-dev node-deps services-check
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: deps-dev services-check
	$(PY) -m pytest -n 2 --dist loadfile -m "not e2e" $(PYTEST_ARGS)

e2e: system-deps-test deps-dev node-deps services-check
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

# Production settings for `check --deploy`: every secret set, DEBUG off.
PROD_ENV := DEBUG=0 SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	PERSONNUMMER_HMAC_KEY=ci-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n') \
	ALLOWED_HOSTS=skydd.example.org SITE_URL=https://skydd.example.org \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/skydd REDIS_URL=redis://127.0.0.1:6379/0

lint: deps-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_private_imports.py
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m check_jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# All four run even when one misses its target; the exit status is non-zero if any did.
# Each merges its figures into var/bench/results.json. The notification, statistics and
# national benchmarks need PostgreSQL (the server of DATABASE_URL, default 127.0.0.1:5432)
# and make their own databases there; no Redis. The national one loads skydd_national once
# (5–6 min) and reuses it on later runs (bench/national_data.py).
bench: system-deps deps-dev
	@status=0; \
	$(PY) bench/bench_pdf.py || status=1; \
	$(PY) bench/bench_notifications.py || status=1; \
	$(PY) bench/bench_statistics.py || status=1; \
	$(PY) bench/bench_national.py || status=1; \
	exit $$status

# The national benchmark alone (loads skydd_national first if it is missing or outdated).
bench-national: deps-dev
	$(PY) bench/bench_national.py

# The statistics benchmark alone (fills DATABASE_URL's name + _bench_statistics once).
bench-statistics: deps-dev
	$(PY) bench/bench_statistics.py

clean:
	rm -rf .venv .tools node_modules var/static
