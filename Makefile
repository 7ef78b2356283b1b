# make run   - the app with DynamoDB Local on http://127.0.0.1:$(PORT)/ (data under $(DATA_DIR))
# make test  - the test suite; extra pytest arguments via PYTEST_ARGS="..."
# make lint  - ruff
# Each target first installs what is missing: .venv, Python packages, node_modules, Chromium.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= .data
PYTEST_ARGS ?=

# Kept inside .venv so that a new .venv also reinstalls the packages.
REQUIREMENTS_STAMP := $(VENV)/requirements.stamp
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test lint setup chromium

run: setup
	PORT=$(PORT) DATA_DIR=$(DATA_DIR) $(PY) -m devserver

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(REQUIREMENTS_STAMP)
	$(VENV)/bin/ruff check .

setup: $(REQUIREMENTS_STAMP) $(NODE_STAMP) chromium

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REQUIREMENTS_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	touch $@

# npm writes node_modules/.package-lock.json on every install; touch it so that it is newer
# than package-lock.json even when npm left it unchanged.
$(NODE_STAMP): package-lock.json
	npm ci
	touch $@

chromium:
	@if [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "note: /usr/bin/chromium is missing and installing it needs root;" \
			"browser tests need it (apt-get install chromium)"; \
	fi
