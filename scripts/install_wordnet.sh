#!/usr/bin/env bash
# WordNet 3.0's database files (Debian's wordnet-base), which the bot uses to match a question's
# words to words of the same meaning. Optional: without them the bot answers, less well, and says
# so in its log. Installs only where apt-get can run as root; otherwise says how.
set -uo pipefail
folder="${WORDNET_DIR:-/usr/share/wordnet}"
if [ -f "$folder/index.noun" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  { apt-get install -y -qq wordnet-base || { apt-get update -qq && apt-get install -y -qq wordnet-base; }; } >/dev/null 2>&1
fi
if [ ! -f "$folder/index.noun" ]; then
  echo "WordNet is not installed (apt-get install wordnet-base): answers will not match words of the same meaning." >&2
fi
exit 0
