# Two commands: `make run` and `make test`. Everything else is a step they take, or
# `make test-fast`: the loop while editing, without browsers, servers and load tests.
PYTHON ?= python3
PORT ?= 5000
# The demo admin signs in with the demo password alone; `make run DEMO_MFA=admin` asks for
# the two-step sign-in as production does by default.
DEMO_MFA ?= none
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-fast lint format

# System packages the tests need (Chromium, node and npm, xmlsec1, pdfinfo, LibreOffice) are
# installed by tools/test-system-deps.sh where apt-get and root allow; elsewhere it names them.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) course load-content
	$(FLASK) course demo-accounts
	MFA_REQUIRED_ROLES=$(DEMO_MFA) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-test
	bash tools/test-system-deps.sh
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser and not slow and not load"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
