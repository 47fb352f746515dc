# Observatory: `make run` serves a demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGINS := interventions missions assistance advocacy
LANGUAGES := en fr es
STAMP := $(VENV)/.installed-stamp
EXTRACT := $(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 \
	--no-location --sort-output \
	--project=Observatory --copyright-holder=Observatory --msgid-bugs-address=translations@observatory.invalid
RUN_ENV := OBSERVATORY_ENV=development
# Python keeps compiled modules (__pycache__): the suite starts many interpreters (CLI, workers, imports alone)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run test bench bench-load bench-publications translations-extract translations-update \
	translations-compile worker clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: install translations-compile
	$(RUN_ENV) $(BIN)/observatory db upgrade
	$(RUN_ENV) $(BIN)/observatory demo --if-empty
	$(RUN_ENV) $(BIN)/observatory run --host 127.0.0.1 --port 5000

worker: install
	$(BIN)/observatory worker

# The whole suite on SQLite, then again on PostgreSQL when OBSERVATORY_TEST_POSTGRES_URL is set.
test: install translations-compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$OBSERVATORY_TEST_POSTGRES_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		OBSERVATORY_TEST_DATABASE_URL="$$OBSERVATORY_TEST_POSTGRES_URL" $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

# Translations: extract the messages, merge them into each catalog, compile the catalogs.
translations-extract: install
	$(EXTRACT) -o core/translations/messages.pot core templates
	for p in $(PLUGINS); do $(EXTRACT) -o plugins/$$p/translations/messages.pot plugins/$$p; done

translations-update: translations-extract
	for dir in core/translations $(addprefix plugins/,$(addsuffix /translations,$(PLUGINS))); do \
		for lang in $(LANGUAGES); do \
			if [ -f $$dir/$$lang/LC_MESSAGES/messages.po ]; then \
				$(BIN)/pybabel -q update --no-fuzzy-matching -i $$dir/messages.pot -d $$dir -l $$lang; \
			else \
				$(BIN)/pybabel -q init -i $$dir/messages.pot -d $$dir -l $$lang; \
			fi; \
		done; \
	done

translations-compile: install
	$(BIN)/pybabel -q compile -d core/translations
	for p in $(PLUGINS); do $(BIN)/pybabel -q compile -d plugins/$$p/translations; done

clean:
	rm -rf $(VENV) instance .pytest_cache

# Requests per second and SQL statements per main page, at about 1,000 and 100,000 records.
bench: install translations-compile
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Many users at once on PostgreSQL with gunicorn, Redis and rq workers (bench/load.py; needs both servers).
bench-load: install translations-compile
	$(BIN)/python -m pip install --quiet -e ".[load]"
	$(BIN)/python bench/load.py $(BENCH_ARGS)

bench-publications: install translations-compile
	$(BIN)/python bench/publications.py $(BENCH_ARGS)
