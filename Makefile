# Portal Partisipasi Publik — everyday commands. GNU make; recipes run in /bin/sh.
#
#   make run            install, migrate, seed demo data, serve on http://127.0.0.1:$(PORT) with a job worker
#   make test           the whole test suite (PYTEST_ARGS="-x -k login" passes arguments on)
#   make test-browser   only the real-browser journeys
#   make lint           ruff
#   make audit          bandit on our code, pip-audit on the installed packages
#   make translations   extract messages and update the English catalog
#   make bench          every benchmark in bench/
#
# Installs go into .venv. A stamp file named after a checksum of the requirements files
# records what is installed, so pip runs only when those files change.

SHELL := /bin/sh
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 5000
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input
TRANSLATIONS := portal/translations
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

RUNTIME_SUM := $(shell cat requirements.txt | cksum | cut -d ' ' -f 1)
DEV_SUM := $(shell cat requirements.txt requirements-dev.txt | cksum | cut -d ' ' -f 1)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(RUNTIME_SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_SUM)

.PHONY: help install install-dev compile-translations run test test-browser lint audit translations bench clean

help:
	@sed -n 's/^#   make/  make/p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The development install includes the runtime one, so it writes both stamps.
$(RUNTIME_STAMP): | $(BIN)/python
	if [ -f $(DEV_STAMP) ]; then :; else $(PIP) install -q -r requirements.txt; fi
	rm -f $(VENV)/.installed-runtime-*
	touch $@

$(DEV_STAMP): | $(BIN)/python
	$(PIP) install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-runtime-* $(VENV)/.installed-dev-*
	touch $@ $(RUNTIME_STAMP)

# The .mo files are built here, never committed. Untranslated entries fall back to the
# Indonesian source text. --use-fuzzy: without it pybabel silently skips a whole catalog whose
# header is marked fuzzy; `make translations` makes no fuzzy guesses, so nothing unreviewed leaks.
compile-translations:
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

install: $(RUNTIME_STAMP)
	@$(MAKE) --no-print-directory compile-translations

install-dev: $(DEV_STAMP)
	@$(MAKE) --no-print-directory compile-translations

# The job worker (mails, file clean-ups, search drains, periodic jobs) runs beside the web server
# and stops with it.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: install-dev
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Bandit fails on any finding of medium severity or more; pip-audit on any known vulnerability.
audit: install-dev
	$(BIN)/bandit -q -r portal forum konsultasi --severity-level medium
	$(BIN)/python .ci/audit_dependencies.py

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
		--project="Portal Partisipasi Publik" --version="$(VERSION)" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l en
	@$(MAKE) --no-print-directory compile-translations

bench: install-dev
	@found=no; \
	for script in bench/*.py; do \
		[ -f "$$script" ] || continue; \
		found=yes; \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done; \
	[ $$found = yes ] || echo "No benchmarks in bench/ yet."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find $(TRANSLATIONS) -name '*.mo' -delete
