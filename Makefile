# Two commands: `make run` serves the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
N ?= 3

.PHONY: run test install install-dev lint bench clean serve-replicas

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

run: install
	$(BIN)/python -m dashboard init-db
	$(BIN)/python -m dashboard seed-demo --if-empty
	$(BIN)/python -m dashboard.launch --server.port $(PORT)

# nginx (Debian's package) in front of N app processes on DATABASE_URL, as deploy/ sets up
# a server; foreground, Ctrl-C stops them all. Open http://127.0.0.1:8080
serve-replicas: install
	$(BIN)/python -m dashboard init-db
	$(BIN)/python -m dashboard seed-demo --if-empty
	$(BIN)/python -m dashboard serve --replicas $(N) --port 8080

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev
	$(BIN)/python -m bench --scale S --db sqlite

clean:
	rm -rf $(VENV) data tests/e2e/artifacts
