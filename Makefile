# Brave Steps: `make run` serves the app, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

# htmx is fetched through npm at setup time, pinned and hash-checked, never committed.
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HTMX := static/vendor/htmx.min.js

# The Nu HTML checker, for the HTML validity test (tests/views/test_html_validity.py reads the
# version from here): fetched the same way, into a cache outside git.
VNU_VERSION := 26.9.27
VNU_SHA256 := 22f15dd39a33bed929d2a5c0cddf5946849a647eca9272bf4d5d00bc7e7a4d47
VNU := .cache/vnu/vnu-$(VNU_VERSION).jar

.PHONY: run test lint db seed-demo browser-deps postgres-deps vnu bench clean

# The reminder scheduler runs inside this one serving process (RUN_SCHEDULER=1); with several
# web workers, run `flask reminders run` as its own process instead.
run: $(VENV)/.runtime $(HTMX) db
	@if [ "$(SEED_DEMO)" = "1" ]; then $(FLASK) seed-demo; fi
	RUN_SCHEDULER=1 BASE_URL="$${BASE_URL:-http://127.0.0.1:$(PORT)}" \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite runs twice: on SQLite, then on a throwaway PostgreSQL 15 cluster (browser tests
# only on SQLite: they test the UI, whose server side the view tests cover on both engines).
test: $(VENV)/.dev $(HTMX) $(VNU) browser-deps postgres-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadgroup
	$(BIN)/pytest -n 2 --dist loadgroup --db=postgresql

lint: $(VENV)/.dev
	$(BIN)/ruff check .

db: $(VENV)/.runtime
	$(FLASK) db upgrade

seed-demo: db
	$(FLASK) seed-demo

bench: $(VENV)/.dev $(HTMX)
	$(BIN)/python -m bench.reminders
	$(BIN)/python -m bench.pages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(HTMX):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && \
	  (cd $$tmp && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar xzf htmx.org-$(HTMX_VERSION).tgz) && \
	  echo "$(HTMX_SHA256)  $$tmp/package/dist/htmx.min.js" | sha256sum --check --quiet && \
	  cp $$tmp/package/dist/htmx.min.js $@ && rm -rf $$tmp && echo "htmx $(HTMX_VERSION) fetched and verified."

vnu: $(VNU)

$(VNU):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && \
	  (cd $$tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar xzf vnu-jar-$(VNU_VERSION).tgz) && \
	  echo "$(VNU_SHA256)  $$tmp/package/build/dist/vnu.jar" | sha256sum --check --quiet && \
	  cp $$tmp/package/build/dist/vnu.jar $@ && rm -rf $$tmp && echo "vnu.jar $(VNU_VERSION) fetched and verified."

# Browser tests drive Debian's Chromium; install it when missing (as root, or with sudo).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji; \
	fi

# Tests on PostgreSQL start a throwaway PostgreSQL 15 cluster (bench/postgres.py); install the
# server when missing.
postgres-deps:
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-15; \
	fi

clean:
	rm -rf $(VENV) static/vendor .cache .pytest_cache
