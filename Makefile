# Three commands on a fresh Debian machine:  make demo   |   make test   |   make serve
# Both install what is missing (Debian packages when run as root, a .venv with the package)
# and then run. `make bench` measures every stage against the bare engine underneath.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UNO_VENV := .venv-uno
APT_PACKAGES := libreoffice-writer-nogui fonts-noto-cjk fonts-crosextra-carlito fonts-symbola poppler-utils libnss3-tools python3-uno python3-venv chromium postgresql

.PHONY: setup sysdeps venv unoserver demo serve test bench lint clean

setup: sysdeps venv unoserver

sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages. Run: sudo apt-get install -y --no-install-recommends$$missing"; exit 2; \
	  fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# unoserver's server side must run on Debian's own python3 (the one python3-uno installs into).
unoserver: $(UNO_VENV)/.installed

$(UNO_VENV)/.installed:
	@test -x $(UNO_VENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(UNO_VENV)
	$(UNO_VENV)/bin/python -m pip install -q 'unoserver>=2.0'
	@touch $@

demo: setup
	rm -rf demo-out
	$(VENV)/bin/pipdocs demo -o demo-out

serve: setup
	rm -rf serve-demo
	$(VENV)/bin/pipdocs demo --serve -o serve-demo

test: setup
	$(VENV)/bin/ruff check pipdocs tests
	$(VENV)/bin/mypy pipdocs
	$(VENV)/bin/pytest -q

bench: setup
	$(PY) benchmarks/run.py

lint: venv
	$(VENV)/bin/ruff check pipdocs tests
	$(VENV)/bin/mypy pipdocs

clean:
	rm -rf $(VENV) $(UNO_VENV) demo-out serve-demo .pytest_cache .mypy_cache .ruff_cache
