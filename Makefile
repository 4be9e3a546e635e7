# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Bytecode caches make each Python start (the suite's, and its workers' and servers') faster.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install lint migrations-check messages worker-smoke clean

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Kotae needs $(PYTHON)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)
	$(PY) -m config.compile_messages

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m config.devrun

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n 0 -p no:cacheprovider tests/test_layout.py
	$(PY) manage.py makemigrations --check --dry-run
	@if command -v msgfmt >/dev/null; then msgfmt --check -o /dev/null locale/ja/LC_MESSAGES/django.po \
	  && echo "msgfmt --check: the Japanese catalogue is clean"; \
	else echo "msgfmt not found: catalogue not checked (apt-get install gettext)"; fi

messages: install
	$(PY) manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=tests
	$(PY) -m config.compile_messages

clean:
	rm -rf $(VENV) var staticfiles
