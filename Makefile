# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
INSTANCE := instance
PYTEST_ARGS ?= -n auto --maxprocesses 4

.PHONY: run test install migrate seed worker lint bench fuzz translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate setup.cfg constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(FLASK) db upgrade

$(INSTANCE)/.demo-seeded: | migrate
	$(FLASK) seed demo && touch $@

seed: migrate $(INSTANCE)/.demo-seeded

run: seed
	$(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:8000 --workers 2 wsgi:app

worker: install
	$(FLASK) rq worker

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check moviesx tests bench

bench: install
	@echo "See bench/README.md for the benchmarks and what they need."

# schemathesis against a throw-away server: every check, against the app's own /api/schema/ (bench/README.md).
fuzz: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt 'schemathesis==4.32.5'
	$(BIN)/python bench/fuzz.py $(FUZZ_ARGS)

# Message ids are the English strings of API.md; `translate()` and `error()` mark them.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k translate -k error:2 -k gettext -o moviesx/translations/messages.pot .
	$(BIN)/pybabel update -i moviesx/translations/messages.pot -d moviesx/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d moviesx/translations

clean:
	rm -rf $(VENV) .pytest_cache
