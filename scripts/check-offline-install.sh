#!/usr/bin/env bash
# Proof of the offline install (issue #16's "done when"): a fresh clone in a fresh folder, with
# empty caches (no node_modules, no npm cache, no built worker, no Go modules, no database),
# is set up with the documented command, and then runs with NO network at all:
#   1. `npm run setup:offline` in the clone, every cache pointed into the fresh folder, so that
#      everything comes from the npm registry, the Go module proxy and what apt installed
#      (the system packages are taken as installed: SETUP_SKIP_APT=1; .ci/run covers apt);
#   2. inside a new network namespace (`unshare -n`: loopback and a closed veth link), so that nothing but
#      this host can be reached: `npm start` without MONGODB_URI must serve /healthz with its
#      database connected, then `npm test` must pass (its Node version test asks for >= 22; the
#      script checks that it is 24).
# Each phase is timed. Needs root (for unshare -n), git, curl and the system packages (redis-server
# among them: the tests get a Redis of their own inside the namespace).
#
# Usage: bash scripts/check-offline-install.sh [work_dir]    (default: a new folder in /tmp)
# Env:   CHECK_SKIP_TEST=1  stop after the `npm start` check
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-$(mktemp -d -t microcourt-offline.XXXXXX)}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

phase_start=$SECONDS
phase() {
	if [ -n "${PHASE:-}" ]; then printf '==> %-34s %5ds\n' "$PHASE done" $((SECONDS - phase_start)); fi
	PHASE="$1"; phase_start=$SECONDS
	printf '==> %s\n' "$PHASE"
}

phase "fresh clone into $WORK/repo"
rm -rf "$WORK/repo"
git clone -q --no-local "$REPO" "$WORK/repo"
cd "$WORK/repo"
echo "commit $(git rev-parse --short HEAD)"

# Every cache lives in the fresh folder: nothing built or downloaded earlier is reused.
export MICROCOURT_CACHE="$WORK/cache/microcourt"
export npm_config_cache="$WORK/cache/npm"
export GOMODCACHE="$WORK/cache/gomod"
export GOCACHE="$WORK/cache/gobuild"
export GOPATH="$WORK/cache/gopath"
# The system Node (Debian's is 18 or 20) is hidden if older than 22, so that Node 24 comes from the registry.

phase "npm run setup:offline"
SETUP_SKIP_APT=1 bash scripts/setup-offline.sh
NODE_BIN="$(bash scripts/ensure-node.sh)"
export PATH="$NODE_BIN:$PATH"

# Run a command in a new network namespace: loopback, plus a veth pair whose two ends both
# stay inside the namespace (a closed link with a default route into it, reaching nothing).
# Chromium counts a host with no interface but loopback as offline from the start, so the
# e2e's simulated network drop (the browser going offline) would never fire there.
offline() {
	unshare -n sh -c 'ip link set lo up && ip link add mc0 type veth peer name mc1 && ip addr add 192.0.2.1/24 dev mc0 &&
		ip link set mc1 up && ip link set mc0 up && ip route add default via 192.0.2.254 dev mc0 && exec "$@"' offline "$@"
}

phase "offline: npm start without MONGODB_URI"
PORT=3917
cat >"$WORK/start-check.sh" <<EOF
set -eu
cd "$WORK/repo"
unset MONGODB_URI
# A session of its own, so that the server and the FerretDB it starts can be stopped together
# (and nothing else: other FerretDBs on this host, a CI run's among them, are left alone).
PORT=$PORT setsid npm start >"$WORK/start.log" 2>&1 &
pid=\$!
ok=""
for _ in \$(seq 1 600); do
	if curl -fsS "http://127.0.0.1:$PORT/healthz" >"$WORK/healthz.json" 2>/dev/null && grep -q '"database":{"state":"connected"' "$WORK/healthz.json"; then ok=1; break; fi
	sleep 0.5
done
kill -- -\$pid 2>/dev/null || true; wait \$pid 2>/dev/null || true
[ -n "\$ok" ] || { echo "npm start did not serve /healthz with its database connected, offline; its log:" >&2; cat "$WORK/start.log" >&2; exit 1; }
echo "/healthz: \$(cat "$WORK/healthz.json")"
grep -i -m3 'ferretdb\|database' "$WORK/start.log" || true
EOF
offline bash "$WORK/start-check.sh"

if [ -n "${CHECK_SKIP_TEST:-}" ]; then phase "finished"; exit 0; fi

phase "offline: npm test"
[ "$(node --version | cut -d. -f1)" = "v24" ] || { echo "error: node is $(node --version), not 24" >&2; exit 1; }
# The multi-node tests need a Redis; the host's is outside the namespace, so one starts inside it.
cat >"$WORK/test-run.sh" <<EOF
set -u
cd "$WORK/repo"
redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
redis=\$!
for _ in \$(seq 1 100); do [ "\$(redis-cli ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
rc=0
env -u MONGODB_URI REDIS_URL=redis://127.0.0.1:6379 npm test || rc=\$?
kill \$redis 2>/dev/null || true; wait \$redis 2>/dev/null || true
exit \$rc
EOF
offline bash "$WORK/test-run.sh"

phase "finished"
