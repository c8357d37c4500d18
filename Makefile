# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_GET := $(shell command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo) apt-get

.PHONY: run test lint deps system-deps browser-deps package screenshots bench chaos loadtest clean-local

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Java runs DynamoDB Local; installed from Debian only when missing.
system-deps:
	@command -v java >/dev/null || { $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq default-jre-headless; }

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@command -v chromium >/dev/null || { $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium; }

deps: $(VENV)/.installed node_modules/.installed system-deps

test: deps browser-deps lint
	$(PY) -m pytest

# The linter on the whole tree and the type checker on the app (settings in pyproject.toml).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The local stack on loopback ports (README, "Local stack"); schedules every 5 s unless LOCAL_SCHEDULE_SECONDS says.
run: deps
	LOCAL_SCHEDULE_SECONDS=$${LOCAL_SCHEDULE_SECONDS:-5} $(PY) -m local.run

# PNGs of the participant and organizer pages at 360 px and 1280 px in test-artifacts/screenshots/.
screenshots: deps browser-deps
	SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_screenshots.py -q

bench: deps
	$(PY) -m bench.run_all

# 2,000 submissions against `python -m local.run` while its processes are SIGKILLed 3 times (README, "Chaos run").
chaos: deps
	$(PY) -m bench.chaos

# Locust against the local stack on free ports of its own, bounded (LOADTEST_USERS, LOADTEST_SECONDS): README.
loadtest: deps
	$(PY) -m bench.loadtest

# The deployable stack: build/package/sam.json + deployment.zip (README, Operations). No AWS credentials needed.
STAGE ?= prod
package: $(VENV)/.installed
	rm -rf build/package
	$(PY) infra/build_template.py --stage $(STAGE) --out build/merge-template.json
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-ap-southeast-1} $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template build/merge-template.json build/package
	$(PY) infra/bundle.py build/package/deployment.zip
	$(VENV)/bin/cfn-lint build/package/sam.json

clean-local:
	rm -rf .local
