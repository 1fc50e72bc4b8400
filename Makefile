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

.PHONY: install demo test eval schema clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/summarizer brief --backend offline examples/example-article.txt -o out/demo.brief.json
	$(BIN)/summarizer validate out/demo.brief.json
	@cat out/demo.brief.json

test: install
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory eval

# The offline backend on the fixtures (and the seed), gated on the blessed baselines.
eval: install
	$(EVAL) --dataset evals/fixtures --baseline evals/baseline.json --report-dir out/eval/fixtures
ifneq ($(SEED),)
	$(EVAL) --dataset ../shared --baseline evals/baseline.seed.json --report-dir out/eval/seed
endif

schema: install
	$(BIN)/summarizer schema -o schemas/brief.v1.schema.json

clean:
	rm -rf $(VENV) out build dist
