#!/usr/bin/env bash
# Build FerretDB (a MongoDB wire-protocol server over SQLite/PostgreSQL) from its Go
# module, for tests on hosts that cannot download mongod.
#
# Why not plain `go install ...@v1.24.2`: FerretDB embeds build/version/version.txt,
# which its release tooling generates; a `go install` build lacks it and the binary
# panics at start ("Invalid build/version/version.txt"). So we take the same module
# from the Go module cache, write that one file, and build the unchanged sources.
#
# Usage: bash .ci/install-ferretdb.sh [dest]   (default dest: ~/.cache/microcourt/ferretdb)
set -euo pipefail
VERSION=v1.24.2
DEST="${1:-$HOME/.cache/microcourt/ferretdb-$VERSION}"
if [ -x "$DEST" ] && "$DEST" --version >/dev/null 2>&1; then
	echo "ferretdb $VERSION already built at $DEST"
	exit 0
fi
MOD=github.com/FerretDB/FerretDB
WORK="$(mktemp -d -t ferretdb-build.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
go mod download -json "$MOD@$VERSION" > mod.json
SRC_DIR="$(python3 -c 'import json,sys; print(json.load(open("mod.json"))["Dir"])')"
cp -r "$SRC_DIR" src
chmod -R u+w src
echo "$VERSION" > src/build/version/version.txt
cd src
mkdir -p "$(dirname "$DEST")"
GOFLAGS=-mod=mod go build -trimpath -o "$DEST" ./cmd/ferretdb
"$DEST" --version | head -1
