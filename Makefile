# The two commands of the contract: `make run` and `make test`. Both are idempotent:
# a second run reuses the virtualenv, the built stylesheet and the compiled catalogs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app civic

CSS := static/css/civic.css
JS := static/vendor/govuk-frontend.min.js
SCSS := $(shell find frontend/scss -name '*.scss' 2>/dev/null)
PO := $(wildcard civic/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint assets translations extract-messages bench bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS) $(JS) &: $(SCSS) frontend/package.json frontend/node_modules/.package-lock.json
	cd frontend && npm run --silent build

assets: $(CSS) $(JS)

%.mo: %.po $(VENV)/.installed-run
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(MO)

# Collect new strings from code and templates into both catalogs.
extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o civic/translations/messages.pot --no-location --sort-output --project civic .
	$(BIN)/pybabel update -i civic/translations/messages.pot -d civic/translations --no-fuzzy-matching --ignore-obsolete

run: $(VENV)/.installed-run assets translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) search reindex --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) - mail is printed in this terminal (see README)."
	@export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	  trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) mail send --watch --interval 2 & \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-test assets translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

# Load test of the case pages at 10k and 100k cases on PostgreSQL (see bench/README.md).
bench: $(VENV)/.installed-run translations
	$(BIN)/python bench/run.py

# Search latency over 100k cases on PostgreSQL (goal: p95 under 200 ms).
bench-search: $(VENV)/.installed-run translations
	BENCH_DB=civic_bench_search $(BIN)/python bench/search.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) frontend/node_modules $(CSS) $(JS) $(MO)
