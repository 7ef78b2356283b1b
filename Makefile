# make run   - the app with DynamoDB Local on http://127.0.0.1:$(PORT)/ (data under $(DATA_DIR));
#              SSO_DEMO=1 also starts the test OpenID provider with a demo user (docs/console.md)
# make test  - the test suite, then tests/integration again with the boto3/botocore of the Lambda
#              python3.13 runtime (.venv-lambda-runtime); extra pytest arguments via PYTEST_ARGS="..."
# make lint  - ruff check, ruff format --check and mypy (chalicelib/ and app.py, typed defs), and
#              Biome (widget/ JavaScript and CSS: lint and format, no warnings)
# make widget - builds the visitor widget (widget/src -> widget/loader.js, chat.*) and the agent
#               console (widget/console/src -> widget/console/) when changed
# make bench - speed, sizes, calls and cost on the local stack, beside baselines (about ten
#              minutes): bench/results.json, bench/results.md and docs/performance.md
# Each target first installs what is missing: .venv, Python packages, node_modules, Chromium,
# and builds the widget.
#
# AWS (docs/deploy.md):
# make package     - CloudFormation template + Lambda zip in build/package/$(STAGE)/; needs no
#                    AWS account or credentials (only PyPI, for the Lambda wheels)
# make lint-infra  - cfn-lint and checkov on the packaged template, cfn-lint on what AWS's SAM
#                    translator makes of it (the tests do the same)
# make deploy      - package, then deploy as stack $(STACK) with your AWS credentials and upload
#                    the widget and console; DOMAIN, CERTIFICATE_ARN, MAIL_SENDER, MAIL_IDENTITY,
#                    CREATE_MAIL_IDENTITY=true, ALARM_EMAIL, PARAMETERS="Name=Value ..." (any
#                    stack parameter: throttling, WebAclArn); YES=1 runs the change set unasked
# make setup-admin - first admin account (ADMIN_EMAIL) and departments (DEPARTMENTS) in AWS
# make destroy     - delete the stack, its tables and files (asks; YES=1 does not)

# Python 3.13, as in the Lambda runtime: from PATH, or else from pyenv's versions (on these
# machines pyenv has 3.13 installed without making it the global version).
PYTHON ?= $(or $(shell command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys' 2>/dev/null \
	&& echo python3.13),$(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13))),\
	$(error Python 3.13 is needed: install it, e.g. `pyenv install 3.13`, see README.md))
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= .data
PYTEST_ARGS ?=
SSO_DEMO ?=
STAGE ?= prod
STACK ?= livechat-$(STAGE)
TOOLS_VENV := .venv-tools
LAMBDA_RUNTIME_VENV := .venv-lambda-runtime

# Kept inside .venv so that a new .venv also reinstalls the packages.
REQUIREMENTS_STAMP := $(VENV)/requirements.stamp
NODE_STAMP := node_modules/.package-lock.json
TOOLS_STAMP := $(TOOLS_VENV)/requirements.stamp
LAMBDA_RUNTIME_STAMP := $(LAMBDA_RUNTIME_VENV)/requirements.stamp

.PHONY: run test lint setup chromium widget tools package lint-infra deploy setup-admin destroy \
	bench

# exec: the devserver is make's own child, so that it dies with a killed make (and with it
# DynamoDB Local) instead of living on under an orphaned shell.
run: setup
	PORT=$(PORT) DATA_DIR=$(DATA_DIR) SSO_DEMO=$(SSO_DEMO) exec $(PY) -m devserver

# The second run: the older botocore of the Lambda runtime calls utcnow(), deprecated since
# Python 3.12, thousands of times; the warning says nothing about the app.
# Two workers: the browser tier in one, everything else in the other (tests/conftest.py).
test: setup tools
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(LAMBDA_RUNTIME_VENV)/bin/python -m pytest -p no:cacheprovider \
		-W "ignore:datetime.datetime.utcnow:DeprecationWarning" tests/integration

bench: setup package
	$(PY) -m bench --lambda-zip build/package/$(STAGE)/deployment.zip

lint: $(REQUIREMENTS_STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node_modules/.bin/biome ci --error-on-warnings

setup: $(REQUIREMENTS_STAMP) $(NODE_STAMP) chromium widget

# A venv of another Python (an older checkout's) lacks python3.13 and is made anew.
$(PY): $(VENV)/bin/python3.13
$(VENV)/bin/python3.13:
	$(PYTHON) -m venv --clear $(VENV)

$(REQUIREMENTS_STAMP): requirements.txt requirements-dev.txt constraints.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	touch $@

tools: $(TOOLS_STAMP) $(LAMBDA_RUNTIME_STAMP)

$(TOOLS_VENV)/bin/python: $(TOOLS_VENV)/bin/python3.13
$(TOOLS_VENV)/bin/python3.13:
	$(PYTHON) -m venv --clear $(TOOLS_VENV)

$(TOOLS_STAMP): requirements-tools.txt | $(TOOLS_VENV)/bin/python
	$(TOOLS_VENV)/bin/python -m pip install -r requirements-tools.txt
	touch $@

# The SDK the zip runs with in AWS (it leaves boto3/botocore out): docs/deploy.md.
$(LAMBDA_RUNTIME_VENV)/bin/python: $(LAMBDA_RUNTIME_VENV)/bin/python3.13
$(LAMBDA_RUNTIME_VENV)/bin/python3.13:
	$(PYTHON) -m venv --clear $(LAMBDA_RUNTIME_VENV)

$(LAMBDA_RUNTIME_STAMP): requirements-lambda-runtime.txt | $(LAMBDA_RUNTIME_VENV)/bin/python
	$(LAMBDA_RUNTIME_VENV)/bin/python -m pip install -r requirements-lambda-runtime.txt
	touch $@

package: $(REQUIREMENTS_STAMP)
	$(PY) -m infra.package --stage $(STAGE)

lint-infra: package tools
	$(PY) -m infra.lint build/package/$(STAGE)/sam.json

deploy: package widget
	$(PY) -m infra.deploy deploy --stack $(STACK) --stage $(STAGE) \
		$(if $(DOMAIN),--domain $(DOMAIN)) \
		$(if $(CERTIFICATE_ARN),--certificate-arn $(CERTIFICATE_ARN)) \
		$(if $(MAIL_SENDER),--mail-sender $(MAIL_SENDER)) \
		$(if $(MAIL_IDENTITY),--mail-identity $(MAIL_IDENTITY)) \
		$(if $(CREATE_MAIL_IDENTITY),--create-mail-identity $(CREATE_MAIL_IDENTITY)) \
		$(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) \
		$(foreach parameter,$(PARAMETERS),--parameter "$(parameter)") \
		$(if $(YES),--yes)

setup-admin: $(REQUIREMENTS_STAMP)
	$(PY) -m infra.deploy setup --stack $(STACK) --admin-email "$(ADMIN_EMAIL)" \
		$(foreach department,$(DEPARTMENTS),--department "$(department)")

destroy: $(REQUIREMENTS_STAMP)
	$(PY) -m infra.deploy destroy --stack $(STACK) $(if $(YES),--yes)

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

# The visitor widget: sources in widget/src, built by esbuild into the files the snippet and the
# iframe load (not committed). The tests assert the loader's gzip budget.
WIDGET_OUTPUTS := widget/loader.js widget/button.js widget/check.js widget/chat.html widget/chat.js widget/chat.css \
	widget/console/index.html widget/console/console.js widget/console/console.css

widget: $(WIDGET_OUTPUTS)

$(WIDGET_OUTPUTS) &: widget/build.mjs $(wildcard widget/src/* widget/src/chat/* widget/common/*) \
		$(wildcard widget/console/src/*) \
		$(NODE_STAMP)
	node widget/build.mjs
