# Build/dev entry points. Everything goes through uv and the committed uv.lock.
SHELL := /bin/bash
.DEFAULT_GOAL := test

# --- environment for every target -------------------------------------------
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
# Use the machine's CPython 3.11; never let uv download an interpreter.
export UV_PYTHON := python3.11
export UV_PYTHON_DOWNLOADS := never
# Install the dependencies with their bytecode: where PYTHONDONTWRITEBYTECODE is set, every process
# (each Prefect flow run, worker, `budgetdq run`) would otherwise compile Prefect and GX again.
export UV_COMPILE_BYTECODE := 1

# --- tools -------------------------------------------------------------------
UV_VERSION := 0.13.9
# Interpreter used only to bootstrap uv when it is missing.
ifndef BOOTSTRAP_PYTHON
BOOTSTRAP_PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
endif
# Where `pip install --user` puts scripts (normally $(HOME)/.local/bin).
USER_BIN := $(shell $(BOOTSTRAP_PYTHON) -c 'import site; print(site.getuserbase())' 2>/dev/null || echo $(HOME)/.local)/bin
# uv on PATH if present, else the --user install location (installed by `setup`).
ifndef UV
UV := $(shell command -v uv 2>/dev/null || echo $(USER_BIN)/uv)
endif

# Source dirs for lint: only those that exist.
LINT_DIRS := $(wildcard budgetdq tests flows benchmarks)

ARGS ?=

.PHONY: setup browser run test lint bench dashboard screenshots

setup:
	@if ! command -v "$(UV)" >/dev/null 2>&1; then \
		echo "uv not found; installing uv==$(UV_VERSION) from PyPI into $(USER_BIN)"; \
		"$(BOOTSTRAP_PYTHON)" -m pip install --user --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; \
	fi
	"$(UV)" sync --frozen

run: setup
	"$(UV)" run --frozen budgetdq run $(ARGS)

# The dashboard's browser test drives Debian's Chromium; CJK and emoji fonts make its pages legible.
# Installed once, when missing (as root, or through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
		|| ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Chromium, ChromeDriver and CJK fonts (Debian packages) for the browser test"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

test: setup browser
	"$(UV)" run --frozen pytest $(ARGS)

lint: setup
	"$(UV)" run --frozen ruff format --check $(LINT_DIRS)
	"$(UV)" run --frozen ruff check $(LINT_DIRS)
	"$(UV)" run --frozen mypy budgetdq

bench: setup
	"$(UV)" run --frozen python benchmarks/parse_bench.py $(ARGS)

dashboard: setup
	"$(UV)" run --frozen budgetdq dashboard $(ARGS)

screenshots: setup browser
	BUDGETDQ_SCREENSHOTS="$(CURDIR)/docs/screenshots" "$(UV)" run --frozen pytest tests/dashboard/test_browser.py
