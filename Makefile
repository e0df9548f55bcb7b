# JasperRec: `make demo` serves the demo portal, `make test` runs the tests.
# Each target installs what it needs first, so both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-x tests/browser"
PYTEST_ARGS ?=

.PHONY: demo test lint install node_modules

# Rebuilt whenever pyproject.toml changes; the stamp file records the last install.
$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e '.[test,dev]'
	touch $@

# axe-core for the accessibility tests. Without npm they are skipped (and fail in CI).
node_modules/.installed: package.json $(wildcard package-lock.json)
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm not found: the accessibility tests will be skipped."; \
	elif [ -f package-lock.json ]; then \
		npm ci --no-audit --no-fund && touch $@; \
	else \
		npm install --no-audit --no-fund && touch $@; \
	fi

node_modules: node_modules/.installed

install: $(VENV)/.installed node_modules

demo: $(VENV)/.installed
	$(VENV)/bin/jasperrec demo

test: $(VENV)/.installed node_modules
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
