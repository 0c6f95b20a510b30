#!/usr/bin/env bash
# One command from a fresh clone: install into .venv, load the shipped coverage into SQLite,
# then answer a question (no token needed) or, with TELEGRAM_BOT_TOKEN set, run the bot.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[test]"
bash scripts/install_wordnet.sh

.venv/bin/python -m bot load --quiet

if [ -n "${TELEGRAM_BOT_TOKEN:-}" ] || grep -qsE '^TELEGRAM_BOT_TOKEN=.+' .env; then
  exec .venv/bin/python -m bot run
fi
.venv/bin/python -m bot ask "${1:-What did Peskov say about the summit?}"
echo
echo "Ask more with: .venv/bin/python -m bot ask \"your question\"  (set TELEGRAM_BOT_TOKEN to run the Telegram bot)"
