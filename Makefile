# `make run` serves the app on http://127.0.0.1:8000; `make test` runs the whole suite;
# `make bench` runs the benchmark suite (BENCH_ARGS="--quick" for a smoke run; not part of `make test`);
# `make soak` runs the soak (SOAK_SECONDS per mode, default 600; not part of `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench soak migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

run: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only needs a Python with the project installed: `make bench VENV=/path/to/venv` reuses an existing one.
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -r bench/requirements.txt
	$(BIN)/python -m bench $(BENCH_ARGS)

# SOAK_SECONDS per mode (default 600): rounds of real use against a real server, resources per round.
soak: $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -r bench/requirements.txt
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .pytest_cache
