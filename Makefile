# Two commands on a fresh machine (see README.md):
#   make lab    set up .venv, install the course, open it in JupyterLab
#   make test   set up .venv, install the course, run every test and every notebook (quick mode)
# And for contributors:
#   make unit   the unit and exercise tests only (no lesson is run): under two minutes
#   make repeat-check   every lesson twice in quick mode: the same seed must print the same numbers (CI runs two)
#   make lock   re-resolve requirements.txt into requirements.lock (needs the network; commit both files)
#   make home REPO=owner/name [BRANCH=main]   point every Colab badge and bootstrap at a fork
#   make site   the course as a website with every output (lessons run in load mode): build/site/html/index.html
#               (SITE_ARGS="--lessons 02 05", "--training train", ...: see docs/site/build_site.py)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := .tools
# One lock for every platform (Linux, macOS, Windows) and Python >= 3.11: the markers in it pick each machine's line.
UV_COMPILE := $(TOOLS)/bin/uv pip compile --universal --python-version 3.11 --annotation-style line \
              --custom-compile-command "make lock"
# Notebook runs: quick mode, every cell bounded (conftest.py also bounds each whole notebook, NOTEBOOK_TIME_LIMITS).
PYTEST := COURSE_MODE=quick TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: lab test unit repeat-check setup lock home site clean

setup: $(STAMP)

# Installs exactly requirements.lock into a new .venv, and again only when the lock or the package change (a package
# the lock dropped must not linger), so `make test` works offline once installed. tests/test_environment_lock.py
# checks that the environment is the lock.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed, found " + sys.version'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$$(grep -o '^pip==[^ ]*' requirements.lock)"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# JupyterLab refuses to start as root (containers, some workshop machines) unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG)

test: $(STAMP)
	$(PYTEST) tests notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=300

unit: $(STAMP)
	$(PYTEST) tests -m "not slow" -n 2   # both cores: the tests build graphs one thread at a time

repeat-check: $(STAMP)
	COURSE_REPEAT_LESSONS=all $(PYTEST) tests/test_quick_mode_repeats.py

lock:
	$(PYTHON) -m pip install --quiet --upgrade --target $(TOOLS) uv
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-browser.txt -c requirements.lock -o requirements-browser.lock
	$(UV_COMPILE) requirements-site.txt -c requirements.lock -o requirements-site.lock

home:
	@test -n "$(REPO)" || { echo 'usage: make home REPO=owner/name [BRANCH=main]'; exit 2; }
	python3 -m tests.course_home $(REPO) $(or $(BRANCH),main)

# The site's tools (Sphinx, MyST-NB, the book theme, MathJax) go into the course's .venv, within its lock.
SITE_STAMP := $(VENV)/.site-installed
$(SITE_STAMP): $(STAMP) requirements-site.lock
	$(BIN)/python -m pip install --quiet -r requirements-site.lock
	touch $(SITE_STAMP)

site: $(SITE_STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python docs/site/build_site.py $(SITE_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) notebooks/outputs
