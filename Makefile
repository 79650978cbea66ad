# Convenience targets; the README's two commands are the source of truth.
.PHONY: run test check
run:
	./scripts/run
test:
	./scripts/test
check:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
