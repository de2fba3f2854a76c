# Three commands on a fresh Debian machine:  make demo   |   make test   |   make serve
# Both install what is missing (Debian packages when run as root, a .venv with the package)
# and then run. `make bench` measures every stage against the bare engine underneath.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UNO_VENV := .venv-uno
APT_PACKAGES := libreoffice-writer-nogui fonts-noto-cjk fonts-crosextra-carlito fonts-symbola poppler-utils libnss3-tools python3-uno python3-venv chromium postgresql faketime

.PHONY: setup sysdeps venv unoserver demo serve test bench lint lock clean

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

# Exact versions with their hashes from the committed lock (a new release of a dependency
# cannot change what a fresh clone runs); then pipdocs itself, without resolving anything.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

# Refresh the lock after changing a dependency in pyproject.toml (lower bounds live there).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes --upgrade \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header --quiet \
	  -o requirements.lock

# unoserver's server side must run on Debian's own python3 (the one python3-uno installs into).
unoserver: $(UNO_VENV)/.installed

$(UNO_VENV)/.installed: requirements.lock
	@test -x $(UNO_VENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(UNO_VENV)
	$(UNO_VENV)/bin/python -m pip install -q --no-deps "$$(grep -o '^unoserver==[^ ]*' requirements.lock)"
	@touch $@

demo: setup
	rm -rf demo-out
	$(VENV)/bin/pipdocs demo -o demo-out

serve: setup
	rm -rf serve-demo
	$(VENV)/bin/pipdocs demo --serve -o serve-demo

test: setup
	$(VENV)/bin/ruff check pipdocs tests tools benchmarks
	$(VENV)/bin/mypy pipdocs tools benchmarks
	$(VENV)/bin/pytest -q

bench: setup
	$(PY) benchmarks/run.py

lint: venv
	$(VENV)/bin/ruff check pipdocs tests tools benchmarks
	$(VENV)/bin/mypy pipdocs tools benchmarks

clean:
	rm -rf $(VENV) $(UNO_VENV) demo-out serve-demo .pytest_cache .mypy_cache .ruff_cache
