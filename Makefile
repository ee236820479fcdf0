# The two commands of the README: each sets everything up on a fresh machine, then runs.
#   make demo   — audit the bundled demo sites and write the HTML report
#   make test   — the import rules of the floors, then the test suite (real Chromium on loopback, SQLite and PostgreSQL)
# and a third, for deployment (docs/deploiement.md):
#   make image  — the Docker image, with docker or podman, whichever is there

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup chromium clean bench image

# make bench: on N DSFR services (4 pages each), each served on its own loopback address, the
# floor (page load and axe-core, nothing else), Veilleur twice (a first campaign, then a second
# in the same database) and pa11y-ci. pa11y-ci runs on Debian's full Chromium (on the headless
# shell it loses most pages' results), installed here when missing and run as root.
# make bench N=1000 SCALE=1: Veilleur alone, throughput of the first and last tenth, memory.
N ?= 30
bench: setup bench/node_modules/.package-lock.json
	@if [ -z "$(SCALE)" ] && [ -z "$$VEILLEUR_BENCH_PA11Y_CHROMIUM" ] && [ ! -x /usr/bin/chromium ] \
	    && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium (the full browser, for pa11y-ci)..."; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	fi
	$(BIN)/python -m bench.run --services $(N) $(if $(SCALE),--scale,)

# pa11y-ci and the State design system, from the npm registry, at the locked versions; no
# install script runs and Puppeteer downloads no browser (it uses ours).
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	cd bench && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund


demo: setup
	$(BIN)/veilleur demo --out veilleur-report

# Most tests wait on a browser, a timeout or a subprocess rather than compute: three workers fill
# two cores. A test file stays on one worker (its module fixtures run once).
# The floors' import rules (docs/architecture.md) first: a lower floor importing a higher one fails.
TEST_WORKERS ?= 3
test: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# make image IMAGE=name BASE=image IMAGE_BUILD_FLAGS=…: docker when its daemon answers, else podman.
# BASE replaces the Dockerfile's python:3.11-slim-bookworm (deploy/test-image.sh passes a Debian base
# made locally, where no image registry is reachable).
IMAGE ?= veilleur
image:
	@if docker info >/dev/null 2>&1; then engine=docker; \
	elif command -v podman >/dev/null 2>&1; then engine=podman; \
	else echo "Ni docker (son démon en marche) ni podman : installez l’un des deux." >&2; exit 1; fi; \
	set -x; $$engine build $(IMAGE_BUILD_FLAGS) $(if $(BASE),--build-arg BASE=$(BASE)) -t $(IMAGE) .

setup: $(STAMP) chromium
	@$(BIN)/python -m probes.axe_locale --fetch

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

# Chromium, in the order probes/chromium.py gives: VEILLEUR_CHROMIUM, Playwright's browser,
# Debian's headless shell, /usr/bin/chromium. As root, Debian's headless shell is installed when
# nothing better is found (it probes with 40 % less CPU than the full browser; see bench/).
chromium: $(STAMP)
	@$(BIN)/python -m veilleur.chromium --check >/dev/null 2>&1; found=$$?; \
	if [ $$found != 0 ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium-headless-shell..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	      chromium-headless-shell fonts-dejavu-core fonts-liberation; \
	  elif [ $$found = 1 ]; then \
	    echo "No Chromium found: set VEILLEUR_CHROMIUM or install the 'chromium-headless-shell' package (as root)." >&2; exit 1; \
	  fi; \
	fi
	@echo "Chromium: $$($(BIN)/python -m veilleur.chromium)"

clean:
	rm -rf $(VENV) veilleur-data veilleur-report build *.egg-info bench/node_modules
