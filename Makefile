# The two quick-start commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Trust the operating system's certificate store (agency networks often inspect TLS).
export UV_SYSTEM_CERTS := true
PORT ?= 8000

.PHONY: run test install install-dev migrate demo lint worker beat clean benchmark

$(PY):
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

install: $(PY)
	$(UV) sync --frozen --inexact --no-dev

install-dev: $(PY)
	$(UV) sync --frozen --inexact

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Quick start 1: install, migrate, load demo data and serve PAC at http://127.0.0.1:$(PORT)
run: demo
	@echo "PAC is at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Quick start 2: install what the tests need and run the whole suite
test: install-dev
	$(PY) -m pytest

## Time the pairing suggestion, the PDF documents, clip uploads and transcodes (docs/benchmarks/) and every page under load at two
## scales it seeds on PostgreSQL (docs/benchmarks.md; needs DATABASE_URL, Redis and wrk).
## BENCHMARK_ARGS=--quick for scales 1 and 2, 1 s per run, one round.
benchmark: install-dev
	$(PY) -m pairings.benchmark --write docs/benchmarks/pairing.md
	$(PY) -m pytest tests/benchmarks/bench_documents.py -s -q -p no:randomly
	$(PY) -m pytest tests/benchmarks/bench_clips.py -s -q -p no:randomly
	$(PY) -m tests.benchmarks.bench_pages $(BENCHMARK_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

worker: install
	$(VENV)/bin/celery -A pac worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A pac beat -S django --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
