# Two commands for a fresh machine with Python 3.11, pip and make:
#   make demo   set up .venv, install, run the system on embedded SQLite with demo content
#   make test   install what the tests need and run everything (what CI runs)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format bench clean i18n-check system-packages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV) || { $(PYTHON) -m pip install --quiet virtualenv && $(PYTHON) -m virtualenv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Playwright drives Debian's Chromium: never a browser download of its own.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The browser tests need Chromium; the read-aloud button needs espeak-ng.
system-packages:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@command -v espeak-ng >/dev/null || (apt-get update && apt-get install -y espeak-ng)

demo: $(VENV)/.installed-run
	$(BIN)/python deploy/demo.py

test: $(VENV)/.installed-test system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ventanilla content check --quiet
	$(BIN)/python -m ventanilla.i18n_check
	$(BIN)/python -m pytest

# Benchmarks print ratios against limits measured in the same run; results go to bench/results/.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/accept.py --json bench/results/accept.json
	$(BIN)/python bench/sync_link.py --json bench/results/sync_link.json
	$(BIN)/python bench/operations.py --json bench/results/operations.json

# Every user-facing message needs its Quechua and English translation (exits 1 if not).
i18n-check: $(VENV)/.installed-run
	$(BIN)/python -m ventanilla.i18n_check

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache .hypothesis
