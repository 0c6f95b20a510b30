#!/usr/bin/env bash
# Lint (ruff: pyflakes, bugbear, isort, pyupgrade) and type checks (mypy on bot/), as
# configured in pyproject.toml. Run from anywhere; exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check bot tests bench
.venv/bin/mypy
