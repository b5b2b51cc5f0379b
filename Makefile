# namecard: `make run` starts the bot on its embedded defaults, `make test` runs every test.
# Both create .venv when it is missing and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format check bench bench-chaos bench-hostile bench-accuracy fixtures fixture-fonts clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/namecard serve

# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
test: install
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

# Two instances on one Redis job queue; one is SIGKILLed mid-load: lost, duplicated, recovered.
bench-chaos: install
	$(PY) -m tests.performance.bench_chaos $(BENCH_ARGS)

# Photos small in bytes and huge in pixels, 3 at a time, Gemini and offline: peak and settled RSS.
bench-hostile: install
	$(PY) -m tests.performance.bench_hostile $(BENCH_ARGS)

# Offline reader accuracy over the fixture corpus: per-field precision/recall, seconds per card.
# BENCH_ARGS="--set tuning|check|both|legacy|all --tag ja --limit 10" narrows it.
bench-accuracy: install
	$(PY) -m tests.performance.bench_accuracy $(BENCH_ARGS)

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
