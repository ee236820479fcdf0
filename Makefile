# The two commands of the README: each sets everything up on a fresh machine, then runs.
#   make demo   — audit the bundled demo sites and write the HTML report
#   make test   — the test suite (real Chromium on loopback, SQLite and PostgreSQL)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup chromium clean

demo: setup
	$(BIN)/veilleur demo --out veilleur-report

test: setup
	$(BIN)/python -m pytest -q

setup: $(STAMP) chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

# Chromium, in the order DEVELOPERS.md gives: VEILLEUR_CHROMIUM, Playwright's browser,
# /usr/bin/chromium — and Debian's package when none is found and we may install it.
chromium: $(STAMP)
	@if ! $(BIN)/python -m probes.chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	      chromium fonts-dejavu-core fonts-liberation; \
	  else \
	    echo "No Chromium found: set VEILLEUR_CHROMIUM or install the 'chromium' package (as root)." >&2; exit 1; \
	  fi; \
	fi
	@echo "Chromium: $$($(BIN)/python -m probes.chromium)"

clean:
	rm -rf $(VENV) veilleur-data veilleur-report build *.egg-info
