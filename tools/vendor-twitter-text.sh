#!/usr/bin/env bash
# Re-vendor X's twitter-text (npm `twitter-text`) as one static file the app serves:
#   course/static/vendor/twitter-text/twitter-text.min.js  (global `twttr`)
# with the licences of everything bundled into it. Needs node and npm (apt-get install npm);
# the app itself never needs them. Usage: tools/vendor-twitter-text.sh [VERSION]
set -euo pipefail
VERSION="${1:-3.1.0}"
ESBUILD_VERSION="0.28.2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/course/static/vendor/twitter-text"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "twitter-text@$VERSION" "esbuild@$ESBUILD_VERSION"
# twitter-text ships CommonJS modules only; bundle them (with @babel/runtime and core-js)
# into one script that defines window.twttr, as X's own browser build did.
echo "window.twttr = require('twitter-text');" > entry.js
npx esbuild entry.js --bundle --minify --format=iife --target=es2017 \
  --legal-comments=eof --outfile=twitter-text.min.js

mkdir -p "$OUT"
{
  echo "/*! twitter-text $VERSION (https://github.com/twitter/twitter-text), Apache License 2.0;"
  echo "    bundled with @babel/runtime and core-js (MIT). Licences: LICENSE*.txt beside this file."
  echo "    Built by tools/vendor-twitter-text.sh with esbuild $ESBUILD_VERSION. */"
  cat twitter-text.min.js
} > "$OUT/twitter-text.min.js"
cp node_modules/twitter-text/LICENSE "$OUT/LICENSE-twitter-text.txt"
cp node_modules/@babel/runtime/LICENSE "$OUT/LICENSE-babel-runtime.txt"
cp node_modules/core-js/LICENSE "$OUT/LICENSE-core-js.txt"
{
  echo "twitter-text $VERSION, bundled for the browser by tools/vendor-twitter-text.sh."
  echo "Bundled packages:"
  node -e "for (const p of ['twitter-text','@babel/runtime','core-js']) { const j = require('./node_modules/' + p + '/package.json'); console.log('  ' + j.name + ' ' + j.version + ' (' + (j.license || 'Apache-2.0, see its LICENSE') + ')'); }"
  echo "sha256 of twitter-text.min.js:"
  echo "  $(sha256sum "$OUT/twitter-text.min.js" | cut -d' ' -f1)"
} > "$OUT/README.txt"
echo "Wrote $OUT"
ls -l "$OUT"
