# The course's commands. `make lab` and `make test` create the environment (.venv) when it is
# missing and reinstall only when pyproject.toml or this file changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ARGS ?=
NOTEBOOKS ?= notebooks
# Test files run on this many processes at once (pytest-xdist): the browser and notebook tests
# leave a core partly idle while they wait on a kernel (two workers kept 2 cores 60% busy, 20 min
# in all, with chapter 6), so three share two cores. Each process may hold a few GB.
TEST_WORKERS ?= 3
# Torch threads per test process and per kernel the tests start. With several kernels and test
# processes sharing the cores, torch's default (a thread per core each) makes its threads wait on
# each other: chapter 4 took minutes instead of 45 s.
TEST_THREADS ?= 1
# The decks' and the book's JavaScript packages, installed before the tests that share them run
# side by side (where npm is missing, the tests that need it say so and skip).
NPM_PACKAGES := $(if $(shell command -v npm),slides/node_modules/.package-lock.json)
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# JupyterLab's "get notified about Jupyter news?" pop-up and its update check: noise in a course
NO_NEWS := @jupyterlab/apputils-extension:announcements

.PHONY: lab test format notebooks slides book links venv gallery table attacks

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml Makefile  # a changed set-up recipe re-runs too
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/jupyter labextension disable --level=sys_prefix $(NO_NEWS) >/dev/null 2>&1
	touch $@

lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=$(NOTEBOOKS) $(AS_ROOT) $(ARGS)

# Every test, after the linter and the formatter's check (seconds; `make format` fixes what they
# can); the notebooks run under nbval on the Colab route (tests/e2e/test_colab.py).
test: $(INSTALLED) $(NPM_PACKAGES)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	OMP_NUM_THREADS=$(TEST_THREADS) $(BIN)/python -m pytest -rs --numprocesses=$(TEST_WORKERS) --dist=loadfile tests

# The code formatted and the linter's safe fixes applied, as `make test` wants them.
format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-execute every notebook in place, widget state stored, so committed outputs match the code.
# On two threads, whatever the machine: the tests run them on one, and their checked outputs must
# match these (tests/e2e/test_another_machine.py). CHAPTERS="notebooks/02_lime.ipynb" runs one.
CHAPTERS ?= notebooks/*.ipynb
notebooks: $(INSTALLED)
	OMP_NUM_THREADS=2 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True \
		$(CHAPTERS)

# Chapter 4's gallery: the feature visualizations too slow for the notebook, as PNG files in the
# package (xaitutor/methods/featurevis/gallery/); seeded, so it makes the same pictures again on the
# same kind of CPU (on another, pictures of the same classes that differ in their details).
# ARGS="fourier_254" makes one entry only.
gallery: $(INSTALLED)
	$(BIN)/python -m xaitutor.methods.featurevis.gallery $(ARGS)

# Chapter 6's table, which method when: every method scored with chapter 5's measures on 200 shapes
# pictures under 3 trained seeds, with 95 % intervals, and its cost; too slow for the notebook
# (44 minutes on two CPU cores: two one-thread workers), shipped in the package
# (xaitutor/evaluation/which_method.json). ARGS="Grad-CAM" measures one method again (about a
# minute; RISE, the slowest, about 15).
table: $(INSTALLED)
	$(BIN)/python -m xaitutor.evaluation.make_table $(ARGS)

# Chapter 9's measured results, too slow for the notebook (about half an hour on one thread): PGD's
# success by epsilon, the manipulations with their defences, fragility, sensitivity and the two
# manipulated pictures, shipped in the package (xaitutor/attacks/results/). ARGS="shape" makes one.
attacks: $(INSTALLED)
	$(BIN)/python -m xaitutor.attacks.results $(ARGS)

# Lecture decks (reveal.js) for every chapter in build/slides/, working offline: the web assets
# nbconvert would load come from the npm packages pinned in slides/package-lock.json.
# DECKS="notebooks/01_background.ipynb" makes one deck only.
DECKS ?= notebooks/*.ipynb
SLIDES_ASSETS := reveal.js mathjax requirejs jquery @jupyter-widgets
slides: $(INSTALLED) slides/node_modules/.package-lock.json
	mkdir -p build/slides/lib
	cd slides/node_modules && cp -r --parents $(SLIDES_ASSETS) ../../build/slides/lib/
	$(BIN)/jupyter nbconvert --config slides/config.py --to slides --output-dir build/slides $(DECKS)

slides/node_modules/.package-lock.json: slides/package.json slides/package-lock.json
	npm ci --prefix slides --no-audit --no-fund --loglevel=error

# The course as a static HTML book in build/book/ (index.html), from the committed notebooks, not
# re-run; offline, with MathJax and the widget manager from the same npm packages as the slides.
book: $(INSTALLED) slides/node_modules/.package-lock.json
	$(BIN)/python book/make_book.py

# After changing the repository in pyproject.toml ([project.urls] Repository): rewrite the badges,
# the instructors' links and every chapter's Colab cell to name it.
links: $(INSTALLED)
	$(BIN)/python book/links.py
