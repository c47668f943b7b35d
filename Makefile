# award_flow — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export FLASK_APP := wsgi.py
## Unset, AWARD_FLOW_ENV means production (config.py); these targets are a developer's.
export AWARD_FLOW_ENV ?= development

.PHONY: run test e2e lint install translations extract-messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# Static instances of the bundled variable font, built once per machine (see documents/render.py).
	$(BIN)/python -c "from award_flow.documents.render import prepare_fonts; prepare_fonts()"
	touch $(STAMP)

install: $(STAMP)

## Compile the catalogues (.mo files are built here, never committed): the app's messages
## and the Vietnamese catalogue of WTForms' own messages (award_flow/core/forms.py).
translations: install
	$(BIN)/pybabel -q compile -D "messages wtforms" -d award_flow/translations

## Serve the demo on http://127.0.0.1:5000 (SQLite under instance/).
run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## The whole suite but the browser; on PostgreSQL when TEST_DATABASE_URL is set.
test: translations
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

## Browser tests in headless Chromium (/usr/bin/chromium).
e2e: translations
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

## Lint (ruff: pycodestyle, Pyflakes, import order, bugbear, pyupgrade) and type-check the
## app (mypy); both configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## Refresh the message catalogue after changing user-facing strings.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 -k secretariat_l -o award_flow/translations/messages.pot .
	$(BIN)/pybabel update -i award_flow/translations/messages.pot -d award_flow/translations

bench: install
	$(BIN)/python bench/bench_queue.py
	$(BIN)/python bench/bench_decision_pdf.py
	$(BIN)/python bench/bench_approval_lock.py

## The virtual environment only: instance/ holds the database and the uploads.
clean:
	rm -rf $(VENV) .pytest_cache
