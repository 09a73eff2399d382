# Isoko: `make hub` runs the platform on 127.0.0.1; `make test` runs every test.
# Both install whatever is missing first, so they work on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# One Python environment serves the hub, learners' servers and graders. When the hub
# runs as root, learner accounts must be able to run it, so it lives in a system
# location rather than in a (possibly private) checkout.
ifeq ($(shell id -u),0)
ISOKO_ENV ?= /opt/isoko/env
else
ISOKO_ENV ?= $(CURDIR)/.venv
endif
# Debian's interpreter is readable by every account; others (pyenv under /root) may not be.
BASE_PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || command -v python3)
PY := $(ISOKO_ENV)/bin/python
# Tools called by name from inside (nbgrader runs alembic) come from the same environment.
export PATH := $(ISOKO_ENV)/bin:$(PATH)
PIP := $(PY) -m pip --disable-pip-version-check --quiet
DEPS_STAMP := $(ISOKO_ENV)/.isoko-deps-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PROXY := node_modules/.bin/configurable-http-proxy
CHROMIUM := /usr/bin/chromium
GALLERY_PAGE := $(ISOKO_ENV)/share/jupyter/voila/templates/isoko-app/static

.PHONY: help hub test install lint format system-packages browser postgres translations

help:
	@echo "make hub    run Isoko on http://127.0.0.1:8000 (ISOKO_PORT to change)"
	@echo "make test   run ruff and every test"
	@echo "make translations   extract messages and update the catalogues (for translators)"

hub: install
	$(ISOKO_ENV)/bin/isoko hub --checkout "$(CURDIR)"

test: install browser postgres
	$(ISOKO_ENV)/bin/ruff check .
	$(ISOKO_ENV)/bin/ruff format --check .
	$(ISOKO_ENV)/bin/isoko course check
	$(ISOKO_ENV)/bin/pytest

install: system-packages $(DEPS_STAMP) $(PROXY)
	@# The .mo files are not in git: tests read the source tree, so compile them there too.
	PYTHONPATH=widgets $(PY) -m isoko.i18n compile >/dev/null
	@# Not editable: learner accounts cannot read a private checkout, so they get a copy
	@# (whose build compiles the catalogues again, into the copy).
	$(PIP) install --no-deps --no-build-isolation --force-reinstall . >/dev/null
	@rm -rf build
	@# The gallery's app page script and stylesheet (isoko.gallery.page_script).
	node_modules/.bin/esbuild widgets/isoko/gallery/frontend/app.js --bundle --minify \
	  --format=iife --target=es2020 --legal-comments=none --log-level=warning \
	  --outfile=$(GALLERY_PAGE)/isoko-app.js
	chmod -R a+rX $(GALLERY_PAGE)
	@# Voila pages' scripts and stylesheets in Brotli, once, at their best quality.
	$(PY) -m isoko.hub.compression

# For translators: extract the messages from the code, then update the templates
# (widgets/isoko/locale/*.pot) and every language's catalogues; running it again changes
# nothing. A new language: `PYTHONPATH=widgets python -m isoko.i18n start rw`.
translations: $(DEPS_STAMP)
	PYTHONPATH=widgets $(PY) -m isoko.i18n update
	PYTHONPATH=widgets $(PY) -m isoko.i18n compile >/dev/null

$(DEPS_STAMP): pyproject.toml | system-packages
	test -x $(PY) || $(BASE_PYTHON) -m venv $(ISOKO_ENV)
	chmod 755 $(ISOKO_ENV)
	$(PIP) install --upgrade "pip>=24" "setuptools>=77" wheel
	$(PIP) install ".[test]"
	rm -f $(ISOKO_ENV)/.isoko-deps-*
	touch $@

$(PROXY): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The venv module, Node.js, and the grading sandbox (bubblewrap; sudo, through which a
# grader account starts it as the sandbox account) come from Debian when run as root.
system-packages:
	@missing=""; \
	$(BASE_PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v useradd >/dev/null || missing="$$missing passwd"; \
	test -x /usr/bin/bwrap || missing="$$missing bubblewrap"; \
	if [ "$$(id -u)" = 0 ]; then test -x /usr/bin/sudo || missing="$$missing sudo"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (Debian packages)"; exit 1; fi; \
	fi

# Debian's Chromium drives the browser tests; never a browser downloaded by a test tool.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; \
	fi

# Debian's PostgreSQL server: one integration test runs the hub and the gradebooks on it
# (on 127.0.0.1, in a temporary folder), as Compose and Kubernetes do.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "The PostgreSQL test needs Debian's postgresql: sudo apt-get install postgresql"; exit 1; fi; \
	fi

lint:
	$(ISOKO_ENV)/bin/ruff check .
	$(ISOKO_ENV)/bin/ruff format --check .

format:
	$(ISOKO_ENV)/bin/ruff check --fix .
	$(ISOKO_ENV)/bin/ruff format .

# Benchmarks live beside the package, not in it; they share helpers with the tests.
BENCH := PYTHONPATH=$(CURDIR)/tests $(PY)

# Benchmarks: simulator recompute times; one app from the gallery, stock Voila and a
# learner's server side by side (weight, first chart, control -> chart, repeat visit, on
# loopback and a slow link); 50 visitors at once on the gallery, behind a real hub as
# root. Takes the whole machine for about ten minutes.
.PHONY: bench
bench: install browser
	$(BENCH) benchmarks/bench.py

# A nine o'clock start: N learners (default 100) start their servers at once on a real
# hub as root; prints one line of JSON. Takes the whole machine for minutes.
.PHONY: bench-class
bench-class: install
	$(BENCH) benchmarks/bench_class.py --checkout "$(CURDIR)" $(if $(N),--learners $(N)) \
	  --hub-log test-artifacts/bench-class-hub.log

# Stock `nbgrader autograde` against `isoko grade` on the same synthetic class of N
# learners (default 60) of a real assignment, plus the bad-submission fixtures; checks
# that every score is identical and prints one line of JSON. As root; takes minutes.
.PHONY: bench-grading
bench-grading: install
	$(BENCH) benchmarks/bench_grading.py --checkout "$(CURDIR)" $(if $(N),--learners $(N))

# Isoko on one Docker host (docker/README.md): docker/.env with new secrets on first
# use, the learner image first (the graders are built FROM it), then every service.
.PHONY: compose
compose:
	python3 docker/make_env.py
	docker compose -f docker/compose.yaml build learner
	docker compose -f docker/compose.yaml up -d --build

# Memory of one learner's server idle, active and with a simulator app open, for
# capacity planning (docs/operators.md); as root, starts its own hub; prints JSON.
.PHONY: footprint
footprint: install
	$(BENCH) benchmarks/footprint.py --checkout "$(CURDIR)"
