# The README's two commands: `make run` (the main job on the bundled samples) and
# `make test`. Both set up the environment first (scripts/bootstrap.sh), as do
# `make faults` (the fault suite alone, ending with its table; `make test` runs it too)
# and `make bench` (speed and memory, README "Speed"; BENCH_SIZES="1000 10000 100000"
# for the largest corpus too).
VENV := .venv
STAMP := $(VENV)/.bootstrapped

.PHONY: run test faults lint setup clean bench

$(STAMP): requirements.lock pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/minutes run
	$(VENV)/bin/minutes report --out data/report.html
	@echo
	@echo 'Open the report: data/report.html'
	@echo 'Try a first query:'
	@echo '  $(VENV)/bin/minutes sql "SELECT body, meeting_date, section, title, outcome FROM decisions ORDER BY meeting_date"'
	@echo 'Browse and search the decisions (http://127.0.0.1:8000):'
	@echo '  $(VENV)/bin/minutes browse'

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# The fault table is printed at the end; MINUTES_FAULTS_JSON=path writes it as JSON.
faults: $(STAMP)
	$(VENV)/bin/python -m pytest tests/faults

BENCH_SIZES ?= 1000 10000

bench: $(STAMP)
	$(VENV)/bin/minutes bench $(foreach n,$(BENCH_SIZES),--items $(n)) --out bench/results.json

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf data/warehouse .prefect
	find data/raw -mindepth 1 -maxdepth 1 ! -name samples -exec rm -rf {} +
