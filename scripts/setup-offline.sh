#!/usr/bin/env bash
# One-command set-up for a Debian 12 host that reaches only an npm registry, a Debian
# mirror and a Go module proxy (no GitHub, no mongodb.org):
#   1. system packages: ffmpeg, Chromium, the CJK font, poppler-utils, tesseract (OCR), the worker's build packages
#   2. Node.js >= 22 (Node 24 from the npm registry when the system Node is older)
#   3. npm ci without mediasoup's worker download
#   4. the mediasoup worker, built from Debian packages (scripts/build-mediasoup-worker.sh)
#   5. the embedded database: FerretDB built with Go (scripts/build-ferretdb.sh)
# Every step is idempotent and cached (~/.cache/microcourt): a second run takes seconds.
# Afterwards: `npm start` (embedded FerretDB in ./data/ferretdb) and `npm test`.
#
# Usage: npm run setup:offline     or     bash scripts/setup-offline.sh
# Env:   SETUP_SKIP_APT=1  the system packages are installed already (no root needed)
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '==> %s\n' "$*"; }

APT_PKGS="ffmpeg chromium redis-server fonts-noto-cjk poppler-utils tesseract-ocr tesseract-ocr-chi-sim ca-certificates curl python3 npm \
g++ pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler"
if [ -z "${SETUP_SKIP_APT:-}" ]; then
	step "system packages"
	# `npm` is only needed to bootstrap when no Node/npm is present at all.
	command -v npm >/dev/null && APT_PKGS="${APT_PKGS/ npm / }"
	if ! dpkg -s $APT_PKGS >/dev/null 2>&1; then
		SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
		$SUDO apt-get update -q
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $APT_PKGS
	fi
fi

step "Node.js"
SYSTEM_NODE="$(command -v node || true)"
NODE_BIN="$(bash scripts/ensure-node.sh)"
export PATH="$NODE_BIN:$PATH"
echo "node $(node --version) at $NODE_BIN"

step "npm ci (without mediasoup's worker download)"
MEDIASOUP_WORKER_BIN=skip npm ci --no-audit --no-fund

step "mediasoup worker"
MS_SKIP_APT=1 bash scripts/build-mediasoup-worker.sh .

step "embedded database (FerretDB)"
PATH="$(bash scripts/ensure-go.sh):$PATH" bash scripts/build-ferretdb.sh .

echo
echo "Set-up done. Start with: npm start   (without MONGODB_URI it runs the embedded FerretDB, data in ./data/ferretdb)"
if [ "$SYSTEM_NODE" != "$NODE_BIN/node" ]; then
	echo "Node $(node --version) was installed from the npm registry; put it first on your PATH:"
	echo "  export PATH=\"$NODE_BIN:\$PATH\""
fi
