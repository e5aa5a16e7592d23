# The two commands of the contract: `make run` and `make test`. Both are idempotent:
# a second run reuses the virtualenv, the built stylesheet and the compiled catalogs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Test processes: one per core, each with its own databases and mail server; the browser tests
# all run in one of them, in order (tests/conftest.py). TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
FLASK := $(BIN)/flask --app civic

PO := $(wildcard civic/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
# Every runtime and test dependency, pinned with its hashes, and the runtime part alone for
# `make run` and servers (`make lock` writes both, with the same versions).
LOCK := requirements/lock.txt
RUN_LOCK := requirements/run.txt
SBOM := build/sbom.cdx.json

.PHONY: run test lint audit lock sbom assets vendor-axe translations extract-messages bench bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change. Only what the lock names, with the
# hashes it names, is installed; the project itself adds nothing (--no-deps).
$(VENV)/.installed-run: pyproject.toml $(RUN_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(RUN_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

# Re-pin from PyPI alone (this machine's extra indexes and wheel folders stay out of the hashes).
# Pins are kept unless asked: `make lock LOCK_ARGS=--upgrade` or `LOCK_ARGS='--upgrade-package flask'`.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet 'pip-tools==7.6.2'
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	  CUSTOM_COMPILE_COMMAND='make lock' $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --extra test $(LOCK_ARGS) --output-file $(LOCK) pyproject.toml
	cp $(LOCK) $(RUN_LOCK)
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	  CUSTOM_COMPILE_COMMAND='make lock' $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --output-file $(RUN_LOCK) pyproject.toml

# Known vulnerabilities in the locked Python packages and, where npm is installed, in the npm
# packages (the stylesheet toolchain and the GOV.UK Frontend script we ship; .ci/run audits them
# with npm before its Node-free run). Fails when a dependency could not be checked.
audit: $(VENV)/.installed-test
	@if [ -n "$$CIVIC_SKIP_AUDIT" ]; then \
	  echo "make audit: SKIPPED because CIVIC_SKIP_AUDIT is set; known vulnerabilities were not checked."; \
	else \
	  $(BIN)/pip-audit --strict --progress-spinner off --disable-pip --require-hashes -r $(LOCK) \
	  && if command -v npm >/dev/null 2>&1; then (cd frontend && npm audit --audit-level=low); \
	     else echo "make audit: npm is not installed; the npm packages (frontend/package-lock.json) were not audited."; fi \
	  || { echo "make audit: FAILED: a known vulnerability, or a dependency that could not be checked" \
	       "(offline? CIVIC_SKIP_AUDIT=1 skips the audit, see README)."; exit 1; }; \
	fi

# A CycloneDX bill of materials of the locked Python dependencies.
sbom: $(VENV)/.installed-test
	mkdir -p $(dir $(SBOM))
	$(BIN)/cyclonedx-py requirements --pyproject pyproject.toml --output-reproducible --of JSON -o $(SBOM) $(LOCK)

# The npm packages as package-lock.json pins them, (re)installed when package.json or the lock change
# (NPM_CI runs in frontend/).
NPM_CI := [ node_modules/.package-lock.json -nt package.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
  || npm ci --no-audit --no-fund --loglevel=error

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The stylesheet and the GOV.UK Frontend script are built from frontend/ with Node and committed
# (static/css, static/vendor), with frontend/build-manifest.json: the SHA-256 of every source and
# of what they built. So running and testing need no Node. Where the sources no longer match the
# manifest, `make assets` rebuilds them if npm is installed, and otherwise says so and serves the
# committed build as it is; tests/test_assets.py fails until they are rebuilt.
assets:
	@if ! $(PYTHON) frontend/assets.py check; then \
	  if command -v npm >/dev/null 2>&1; then \
	    echo "make assets: rebuilding static/css/civic.css and static/vendor/govuk-frontend.min.js with npm."; \
	    (cd frontend && { $(NPM_CI); } && npm run --silent build) && $(PYTHON) frontend/assets.py record; \
	  else \
	    echo "make assets: npm is not installed, so the committed build is served as it is, and" \
	      "tests/test_assets.py fails until \`make assets\` rebuilds it where Node is installed."; \
	  fi; \
	fi

# Whoever updates axe-core (frontend/package.json, then `npm install` in frontend/) copies the
# new version here for the browser tests, which load it from tests/browser/vendor/ without npm.
vendor-axe: frontend/node_modules/.package-lock.json
	cp frontend/node_modules/axe-core/axe.min.js frontend/node_modules/axe-core/LICENSE \
	  frontend/node_modules/axe-core/LICENSE-3RD-PARTY.txt tests/browser/vendor/axe-core/

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
# The mail worker, the bulk-file builder and the server run side by side. Ctrl-C (or a TERM) stops
# the shell's wait; it then ends exactly those three and waits for them, and make stops quietly.
# (Started with &, they ignore Ctrl-C themselves; `kill 0` would signal make and this shell too.)
	@export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	  trap 'kill $$mail $$exports $$server 2>/dev/null; wait' EXIT; \
	  trap 'exit 0' INT TERM; \
	  $(FLASK) mail send --watch --interval 2 & mail=$$!; \
	  $(FLASK) exports build --watch --interval 5 & exports=$$!; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT) & server=$$!; \
	  wait $$server

test: audit $(VENV)/.installed-test assets translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=30

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
	rm -rf $(VENV) frontend/node_modules $(MO)
