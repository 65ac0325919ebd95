# Ura: two commands. `make run` sets everything up and serves; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
export URA_ENV ?= development

.PHONY: run test install lint format messages clean-db

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	$(BIN)/ura migrate --noinput
	$(BIN)/ura demo-data --first-run
	@echo "Ura is starting on http://127.0.0.1:$(PORT) (Ctrl+C stops it)"
	$(BIN)/ura runserver 127.0.0.1:$(PORT)

# On SQLite unless DATABASE_URL is set; --create-db so a reused test database never hides a migration.
test: $(STAMP)
	URA_ENV=test $(BIN)/ura makemigrations --check --dry-run
	URA_ENV=test $(BIN)/pytest --create-db -n 2 -p xdist $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (apt-get install gettext); the compiled catalogues are committed so
# that `make run` works without it.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py
