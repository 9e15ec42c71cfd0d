#!/bin/sh
# Indexes real text written outside this project (the Markdown, text and
# HTML files of the installed npm packages, and npm's own documentation) into
# the SQLite default database, drains the queue, and runs a few searches.
set -e
cd "$(dirname "$0")/.."

wpllmseo() {
  node bin/wpllmseo.js "$@"
}

NPM_DOCS="$(npm root -g)/npm/docs"
SOURCES="node_modules"
[ -d "$NPM_DOCS" ] && SOURCES="$SOURCES $NPM_DOCS"

# shellcheck disable=SC2086 # SOURCES is a list of paths without spaces.
wpllmseo import $SOURCES
wpllmseo worker run --limit=0 --until-empty --quiet
wpllmseo worker status

for query in "parse command line arguments" "sqlite database driver" "publish a package to the registry" "webassembly compiler"; do
  echo
  wpllmseo search -k 3 "$query"
done
