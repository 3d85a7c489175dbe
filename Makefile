# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
NB     ?=
JOBS   ?= 2
PACK   ?=

.PHONY: help setup run store test lint lab data fork clean distclean

help:  ## list the commands
	@grep -E '^[a-z]+:.*## ' Makefile | sed 's/:.*## /\t/'

# Bytecode is compiled once, after the install: where PYTHONDONTWRITEBYTECODE is set (as on our CI machine), Python
# caches nothing on import, and every kernel would spend about 15 s compiling TensorFlow's Python files.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --no-compile -r requirements.txt
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null
	rm -f $(VENV)/.installed-*; touch $@

setup: $(STAMP)  ## create .venv and install requirements.txt

run: $(STAMP)  ## execute notebooks in full mode (NB=02 for one), write build/ and RESULTS.md
	$(BIN)/python -m utils.runner run $(NB)

store: $(STAMP)  ## like run, and store the full-mode outputs in notebooks/ (maintainers)
	$(BIN)/python -m utils.runner run --store $(NB)

test: $(STAMP)  ## unit tests, structure checks, and every notebook in quick mode with its exercise solutions run (nbval)
	$(BIN)/python -m utils.exercises $(NB)
	QUICK=1 EXERCISES_STRICT=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests build/solved/$(NB)*.ipynb --nbval-lax \
		-n $(JOBS) --dist loadscope \
		--nbval-cell-timeout=900 -q -W ignore::DeprecationWarning --durations=12

lint: $(STAMP)  ## ruff on utils/, tests/ and the notebooks
	$(BIN)/ruff check utils tests notebooks

lab: $(STAMP)  ## JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

data: $(STAMP)  ## download every dataset and weight file into the Keras cache (PACK=file.zip packs it)
	$(BIN)/python -m utils.data $(if $(PACK),--pack $(PACK))

fork: $(STAMP)  ## point Colab badges and setup cells at your fork: make fork REPO=you/your-fork
	$(BIN)/python -m utils.runner fork $(REPO)

clean:  ## remove build/ and caches (keeps .venv)
	rm -rf build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean  ## also remove .venv
	rm -rf $(VENV)
