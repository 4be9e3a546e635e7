# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Bytecode caches make each Python start (the suite's, and its workers' and servers') faster.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install install-dev lint migrations-check messages worker-smoke clean

# What runs Kotae (requirements.txt); `make test` and `make lint` add the test and
# development tools (requirements-dev.txt), which production never installs.
$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Kotae needs $(PYTHON)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)
	$(PY) -m config.compile_messages

install-dev: $(DEV_STAMP) install

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m config.devrun

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n 0 -p no:cacheprovider tests/test_layout.py
	$(PY) manage.py makemigrations --check --dry-run
	@if command -v msgfmt >/dev/null; then msgfmt --check -o /dev/null locale/ja/LC_MESSAGES/django.po \
	  && echo "msgfmt --check: the Japanese catalogue is clean"; \
	else echo "msgfmt not found: catalogue not checked (apt-get install gettext)"; fi

messages: install-dev
	$(PY) manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=tests
	$(PY) -m config.compile_messages

clean:
	rm -rf $(VENV) var staticfiles
