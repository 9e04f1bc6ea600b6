#!/usr/bin/env bash
# Build the embedded database for hosts that cannot download mongod: FerretDB 1.x
# (MongoDB wire protocol over pure-Go SQLite) wrapped by scripts/ferretdb/main.go.
# Needs Go (Debian's golang-go is too old for FerretDB: Go >= 1.24; a Go toolchain from
# the Go module proxy works, see README "Offline") and the Go module proxy.
#
# Idempotent and cached: the binary is built once per (FerretDB version, wrapper
# sources) into ~/.cache/microcourt/ferretdb/<key>/ and copied to
# <project>/.local/bin/microcourt-ferretdb, where the server looks for it
# (override: MICROCOURT_FERRETDB_BIN). A later run takes well under a second.
#
# Usage: bash scripts/build-ferretdb.sh [project_dir]     (default: this repository)
# Env:   MICROCOURT_CACHE  cache root (default ~/.cache/microcourt)
set -euo pipefail
PROJECT_DIR="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
SRC="$PROJECT_DIR/scripts/ferretdb"
DEST="$PROJECT_DIR/.local/bin/microcourt-ferretdb"
VERSION="$(sed -n 's/^const ferretdbVersion = "\(.*\)"$/\1/p' "$SRC/version.go")"
KEY="$VERSION-$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go | sha256sum | cut -c1-12)"
CACHE_DIR="${MICROCOURT_CACHE:-$HOME/.cache/microcourt}/ferretdb/$KEY"

works() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "FerretDB $VERSION"; }

if works "$DEST" && cmp -s "$DEST" "$CACHE_DIR/microcourt-ferretdb"; then
	echo "microcourt-ferretdb $VERSION already in place: $DEST"
	exit 0
fi
if ! works "$CACHE_DIR/microcourt-ferretdb"; then
	command -v go >/dev/null || { echo "error: Go is needed to build the embedded database (FerretDB); see README \"Offline / air-gapped hosts\"" >&2; exit 1; }
	echo "building microcourt-ferretdb (FerretDB $VERSION) with $(go version | cut -d' ' -f3); this takes a few minutes"
	mkdir -p "$CACHE_DIR"
	# CGO off: pure-Go SQLite, a static binary that runs on any Linux of this architecture.
	(cd "$SRC" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$CACHE_DIR/microcourt-ferretdb.tmp" .)
	mv "$CACHE_DIR/microcourt-ferretdb.tmp" "$CACHE_DIR/microcourt-ferretdb"
	works "$CACHE_DIR/microcourt-ferretdb" || { echo "error: the built microcourt-ferretdb does not run" >&2; exit 1; }
fi
mkdir -p "$(dirname "$DEST")"
cp "$CACHE_DIR/microcourt-ferretdb" "$DEST.tmp" && mv "$DEST.tmp" "$DEST"
echo "microcourt-ferretdb $VERSION installed: $DEST"
