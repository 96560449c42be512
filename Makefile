# Two commands on a fresh machine (Python 3.11 + pip): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
EXAMPLE := examples/microcredentials-2023

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

.PHONY: install demo test typecheck bench

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/learnervoice tables $(EXAMPLE) --ci
	$(VENV)/bin/learnervoice tables $(EXAMPLE) -o $(EXAMPLE)/tables.html
	$(VENV)/bin/learnervoice codes $(EXAMPLE) --by career_stage --coder coder_a
	$(VENV)/bin/learnervoice quotes $(EXAMPLE) cred_not_essential --coder coder_a
	$(VENV)/bin/learnervoice agreement $(EXAMPLE) --unit turn --bootstrap 200
	@echo "Tables of the example study: $(EXAMPLE)/tables.html"

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: typecheck
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(VENV)/bin/python bench/tables.py
	$(VENV)/bin/python bench/qual.py
