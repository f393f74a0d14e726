# The two commands of the README's quick start, `make run` and `make test`, set everything
# up themselves and only redo what changed (stamps in .venv track pyproject.toml).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint validate clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

validate: $(VENV)/.installed
	$(BIN)/assessor validate

test: $(VENV)/.installed-test
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check assessor tests
	$(BIN)/ruff format --check assessor tests

clean:
	rm -rf $(VENV) build dist *.egg-info
