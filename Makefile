# The two commands of the README: `make serve` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX ?= var/index
CORPUS ?= corpus

.PHONY: serve test install index check bench soak fuzz lint clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	test -e $(INDEX)/current || $(BIN)/bloomr index --corpus $(CORPUS) --index $(INDEX)
	$(BIN)/bloomr serve --index $(INDEX)

index: $(STAMP)
	$(BIN)/bloomr index --corpus $(CORPUS) --index $(INDEX)

check: $(STAMP)
	$(BIN)/bloomr check --corpus $(CORPUS)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
		|| echo "bench: wrk is missing and cannot be installed here; the serving figures will be skipped"
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench.soak

fuzz: $(STAMP)
	$(BIN)/python -m bench.fuzz

lint: $(STAMP)
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
