#!/usr/bin/env bash
# Print the bin directory of a Go >= 1.24 (what FerretDB needs; Debian 12's golang-go is
# 1.19). When none is on the PATH, fetch the Go toolchain the way `go` itself does
# (GOTOOLCHAIN): the module golang.org/toolchain from the Go module proxy, into a cache.
#
# Usage: PATH="$(bash scripts/ensure-go.sh):$PATH"
# Env:   MICROCOURT_CACHE (default ~/.cache/microcourt), GOPROXY (default proxy.golang.org)
set -euo pipefail
GO_VERSION=1.24.13
MIN_MINOR=24
minor() { "$1" env GOVERSION 2>/dev/null | sed -nE 's/^go1\.([0-9]+).*/\1/p'; }

if command -v go >/dev/null && [ "$(minor go || echo 0)" -ge "$MIN_MINOR" ] 2>/dev/null; then
	dirname "$(command -v go)"; exit 0
fi
case "$(uname -m)" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) echo "error: install Go >= 1.$MIN_MINOR yourself" >&2; exit 1 ;; esac
MOD="v0.0.1-go$GO_VERSION.linux-$ARCH"
DIR="${MICROCOURT_CACHE:-$HOME/.cache/microcourt}/go-$GO_VERSION"
BIN="$DIR/golang.org/toolchain@$MOD/bin"
if [ ! -x "$BIN/go" ]; then
	PROXY="${GOPROXY:-https://proxy.golang.org}"; PROXY="${PROXY%%[,|]*}"
	case "$PROXY" in off|direct) PROXY=https://proxy.golang.org ;; esac
	echo "fetching Go $GO_VERSION from the Go module proxy ($PROXY, module golang.org/toolchain@$MOD)" >&2
	mkdir -p "$DIR"
	curl -fsSL --retry 3 -o "$DIR/toolchain.zip" "$PROXY/golang.org/toolchain/@v/$MOD.zip"
	python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$DIR/toolchain.zip" "$DIR"
	rm -f "$DIR/toolchain.zip"
	chmod +x "$BIN"/* "$DIR/golang.org/toolchain@$MOD/pkg/tool"/*/* 2>/dev/null || true
fi
"$BIN/go" version >/dev/null || { echo "error: $BIN/go does not run" >&2; exit 1; }
echo "$BIN"
