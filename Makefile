# The two commands of the README's quick start, `make run` and `make test`, set everything
# up themselves and only redo what changed (stamps in .venv track pyproject.toml).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := $(patsubst %.po,%.mo,$(wildcard assessor/translations/*/LC_MESSAGES/messages.po))

# `make test-postgres` runs the suite against this database, a fresh schema per test; the
# role needs to own it (CI creates both, see .ci/run).
TEST_DATABASE_URL ?= postgresql+psycopg://assessor_test:assessor_test@127.0.0.1/assessor_test

.PHONY: run test test-postgres bench lint validate translations extract-messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml hatch_build.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml hatch_build.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(CATALOGS)

# A secret for the local server, made once and kept out of git (instance/ is ignored).
instance/secret_key: | $(BIN)/python
	mkdir -p instance
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@

run: $(VENV)/.installed translations instance/secret_key
	$(BIN)/assessor db upgrade
	$(BIN)/assessor run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	TEST_DATABASE_URL= $(BIN)/pytest

test-postgres: $(VENV)/.installed-test translations
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/pytest

validate: $(VENV)/.installed
	$(BIN)/assessor validate

# Refresh the catalogs after changing interface strings; translators then fill the gaps.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --omit-header \
		-o assessor/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i assessor/translations/messages.pot \
		-d assessor/translations

lint: $(VENV)/.installed-test
	$(BIN)/ruff check assessor tests bench
	$(BIN)/ruff format --check assessor tests bench
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) build dist *.egg-info $(CATALOGS)

# The report benchmark, the server benchmark (wrk: `apt-get install wrk`), and the load and
# crash tests with BENCH_RESPONDENTS respondents instead of the suite's 100.
BENCH_RESPONDENTS ?= 300
bench: $(VENV)/.installed-test translations
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_server.py
	LOAD_RESPONDENTS=$(BENCH_RESPONDENTS) $(BIN)/pytest -q -p no:cacheprovider tests/test_load.py
