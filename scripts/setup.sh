#!/usr/bin/env bash
# Install the Debian packages letterpod needs, when they are missing.
#   scripts/setup.sh          ffmpeg (with ffprobe) and espeak-ng: enough to build and publish
#   scripts/setup.sh --test   also what the test suite uses: flite, sox, GNU time, and for the
#                             S3 tests a throwaway Ceph (radosgw, ceph-mon, ceph-osd, ceph-common)
#                             plus Debian's awscli (bench:s3), and Debian's chromium for the
#                             review page's browser test (playwright-core drives it; no
#                             browser is downloaded)
# As root it installs with apt-get; otherwise it prints the command to run.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have ffmpeg && have ffprobe || need+=(ffmpeg)
have espeak-ng || need+=(espeak-ng)
if [ "${1:-}" = "--test" ]; then
  have flite || need+=(flite)
  have sox || need+=(sox)
  # festival and the voices the alignment evaluation's held-out cases read with
  have text2wave || need+=(festival)
  [ -d /usr/share/festival/voices/english/kal_diphone ] || need+=(festvox-kallpc16k)
  [ -d /usr/share/festival/voices/english/ked_diphone ] || need+=(festvox-kdlpc16k)
  [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || need+=(festvox-us-slt-hts)
  [ -x /usr/bin/time ] || need+=(time)
  # real podcast clients' feed parsers (gPodder's podcastparser, feedparser) for the import and feed tests
  /usr/bin/python3 -c 'import podcastparser' 2>/dev/null || need+=(python3-podcastparser)
  /usr/bin/python3 -c 'import feedparser' 2>/dev/null || need+=(python3-feedparser)
  have radosgw || need+=(radosgw)
  have ceph-mon || need+=(ceph-mon)
  have ceph-osd || need+=(ceph-osd)
  have ceph && have monmaptool || need+=(ceph-common)
  # Debian's own awscli (not whatever "aws" a Python environment may put first on PATH).
  [ -x /usr/bin/aws ] || need+=(awscli)
  # the review page's test runs in the system's headless Chromium (test/review/review-page.test.ts)
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: system packages present (ffmpeg $(ffmpeg -version | head -1 | awk '{print $3}'), espeak-ng)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${need[*]}" >&2
  echo "setup: install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup: installed ${need[*]}"
