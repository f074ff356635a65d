# Two commands on a fresh machine (see README.md):
#   make lab    set up .venv, install the course, open it in JupyterLab
#   make test   set up .venv, install the course, run every test and every notebook (quick mode)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test setup clean

setup: $(STAMP)

# Re-installs only when the pins or the package change, so `make test` works offline once installed.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed (3.11 recommended), found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# JupyterLab refuses to start as root (containers, some workshop machines) unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG)

test: $(STAMP)
	COURSE_MODE=quick TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m pytest tests notebooks --nbval-lax \
		--nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider

clean:
	rm -rf $(VENV) notebooks/outputs
