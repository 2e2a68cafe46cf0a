# facekg: two commands.
#   make run    set up .venv, load the demo corpus into the embedded store, serve http://127.0.0.1:$(FACEKG_PORT)
#   make test   set up .venv, start a real Neo4j (unless NEO4J_URI is set), run the whole suite, stop Neo4j
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FACEKG := $(VENV)/bin/facekg
STAMP := $(VENV)/.installed
SOURCES := facekg ontology graph ingest analysis review api cli
ASSETS := api/web/static/vendor/MANIFEST.json
export FACEKG_DATA_DIR ?= data
export FACEKG_PORT ?= 8000

.PHONY: install browser run demo test test-fast lint typecheck bench bench-extract bench-readers bench-load bench-first-answers eval-extraction train-ner simulate-screening clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The website's front-end packages (npm, pinned by package-lock.json), copied into the package: no CDN.
$(ASSETS): package-lock.json scripts/vendor_assets.py | $(STAMP)
	$(PY) scripts/vendor_assets.py

install: $(STAMP) $(ASSETS)

# Debian's chromium for the browser test (browser downloads do not work here); quiet when already there.
browser:
	@scripts/install-chromium.sh

demo: install
	$(FACEKG) load ingest/demo/studies.jsonl
	$(FACEKG) ingest ingest/demo/demo.ris ingest/demo/demo.nbib
	$(FACEKG) gaps universe

run: demo
	$(FACEKG) serve --port $(FACEKG_PORT)

# The suite runs against a real Neo4j: started here unless NEO4J_URI points at one already. The throwaway
# server gets NEO4J_PASSWORD (facekg-test-pw unless set), and the tests connect with the same.
test: install browser
	@set -euo pipefail; \
	export NEO4J_PASSWORD="$${NEO4J_PASSWORD:-facekg-test-pw}"; \
	if [ -z "$${NEO4J_URI:-}" ]; then \
	  scripts/neo4j-local.sh fetch; \
	  export NEO4J_INSTANCE=make-test; \
	  uri_line="$$(scripts/neo4j-local.sh start)"; \
	  trap 'scripts/neo4j-local.sh stop' EXIT; \
	  export "$$uri_line"; \
	fi; \
	echo "tests against NEO4J_URI=$$NEO4J_URI"; \
	$(PY) -m ruff check $(SOURCES) tests scripts; \
	$(PY) -m mypy $(SOURCES); \
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: install
	$(PY) -m pytest -q -m "not neo4j and not slow and not browser"

lint: install
	$(PY) -m ruff check $(SOURCES) tests scripts

typecheck: install
	$(PY) -m mypy $(SOURCES)

# Load and serve 1k/10k/100k synthetic studies on both stores (BENCH_SIZES=1000,10000 for a quicker run;
# BENCH_ARGS for scripts/bench.py, e.g. "--workers 1"); rewrites the Store section of docs/benchmarks.md.
# A throwaway Neo4j is started unless NEO4J_URI is set (NEO4J_HEAP / NEO4J_PAGECACHE size it).
bench: install
	@set -euo pipefail; \
	export NEO4J_PASSWORD="$${NEO4J_PASSWORD:-facekg-test-pw}"; \
	if [ -z "$${NEO4J_URI:-}" ]; then \
	  scripts/neo4j-local.sh fetch; \
	  export NEO4J_INSTANCE=bench NEO4J_HEAP="$${NEO4J_HEAP:-1g}" NEO4J_PAGECACHE="$${NEO4J_PAGECACHE:-512m}"; \
	  uri_line="$$(scripts/neo4j-local.sh start)"; \
	  trap 'scripts/neo4j-local.sh stop' EXIT; \
	  export "$$uri_line"; \
	fi; \
	$(PY) scripts/bench.py $(BENCH_ARGS)

bench-extract: install
	$(PY) scripts/bench_extract.py

bench-readers: install
	$(PY) scripts/bench_readers.py

# 50 loopback clients for 60 s over every read endpoint, one worker then one per CPU (BENCH_LOAD_ARGS to change)
bench-load: install
	$(PY) scripts/bench_load.py $(BENCH_LOAD_ARGS)

# The first answers after a write at review scale, and serving memory (BENCH_FIRST_ARGS="--studies 10000 --baseline-ref main").
bench-first-answers: install
	$(PY) scripts/bench_first_answers.py $(BENCH_FIRST_ARGS)

eval-extraction: install
	$(PY) scripts/eval_extraction.py $(EVAL_ARGS)

# Retrain the shipped disease NER (ingest/nlp/models/disease_ner) on ../shared/benchmarks/ncbi-disease.
train-ner: install
	$(PY) scripts/train_ner.py

simulate-screening: install
	$(PY) scripts/simulate_screening.py --relevant 20 --repeats 5

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache node_modules api/web/static/vendor test-artifacts
