#!/usr/bin/env bash
# From a fresh clone: system packages, npm ci, build, then publish the demo episode to ./feed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npm ci --no-audit --no-fund
npm run build

mkdir -p newsletters recordings
# The demo issue is ours (demo/an-999.md); a narrator recording of it is synthesized with espeak-ng.
[ -f newsletters/an-999.md ] || cp demo/an-999.md newsletters/an-999.md
if [ ! -f recordings/an-999.wav ]; then
  node dist/demo/make-recording.js demo/an-999.md recordings/an-999.wav
fi
node dist/cli/main.js publish

echo
echo "quickstart: the feed is at $(pwd)/feed/feed.xml"
echo "quickstart: episode files are under $(pwd)/feed/episodes/"
