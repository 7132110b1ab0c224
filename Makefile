# Kithkin: `make run` to start it, `make test` to test it. Both set everything up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test test-pg test-browser lint format bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# The environment, exactly as uv.lock pins it, compiled to bytecode once so every
# `kithkin` command starts quickly (later runs only compile what changed).
setup: $(UV)
	$(UV) sync --frozen --compile-bytecode --python "$(PYTHON)"

run: setup
	$(BIN)/kithkin migrate
	$(BIN)/kithkin serve --with-worker

# The suites run on every core (pytest-xdist; at most 4 workers, each with its own
# test database). `make test PYTEST_WORKERS=0` runs them in this one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --maxprocesses 4

test: setup
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The same suite against PostgreSQL: DATABASE_URL must point to a server that
# lets this user create a test database (.ci/run sets this up).
test-pg: setup
	@test -n "$$DATABASE_URL" || { echo "make test-pg: set DATABASE_URL=postgres://..."; exit 2; }
	$(BIN)/pytest $(PYTEST_PARALLEL)

test-browser: setup
	@test -x /usr/bin/chromium || { echo "make test-browser: needs Debian's chromium (apt-get install chromium)"; exit 2; }
	$(BIN)/python .ci/axe.py
	$(BIN)/pytest -m browser -p no:randomly

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kithkin

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Speed with 2,000 people and 100,000 contacts, on a throwaway database (bench/README.md).
bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
