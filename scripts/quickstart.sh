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
# the example show, with cover art (a 1400 px square, RGB PNG) so the feed passes Apple's rules
if [ ! -f letterpod.config.json ]; then
  [ -f cover.png ] || ffmpeg -nostdin -v error -f lavfi -i "gradients=s=1400x1400:c0=0x1f4e79:c1=0x4fa3d1:x0=0:y0=0:x1=1400:y1=1400" \
    -frames:v 1 -pix_fmt rgb24 cover.png
  node -e 'import("./dist/config/config.js").then(({ exampleConfig: c }) => {
    require("fs").writeFileSync("letterpod.config.json", JSON.stringify({ ...c, show: { ...c.show, image: "cover.png" } }, null, 2) + "\n");
  })'
fi
node dist/cli/main.js publish
echo
node dist/cli/main.js check feed/ --offline

echo
echo "quickstart: the feed is at $(pwd)/feed/feed.xml"
echo "quickstart: episode files are under $(pwd)/feed/episodes/"
