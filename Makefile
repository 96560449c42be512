# Two commands on a fresh machine (Python 3.11 + pip): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
EXAMPLE := examples/microcredentials-2023

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[dev,spark]'
	touch $(STAMP)

.PHONY: install demo test typecheck bench

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/learnervoice tables $(EXAMPLE) -q motivations -q credentials_preference
	$(VENV)/bin/learnervoice report $(EXAMPLE) -o $(EXAMPLE)/report.html
	$(VENV)/bin/learnervoice report $(EXAMPLE) -o $(EXAMPLE)/report.docx
	@echo "The example study's report: $(EXAMPLE)/report.html (and report.docx)"

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: typecheck
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(VENV)/bin/python bench/tables.py
	$(VENV)/bin/python bench/qual.py
	$(VENV)/bin/python bench/report.py
	$(VENV)/bin/python bench/web.py
	$(VENV)/bin/python bench/scale.py
