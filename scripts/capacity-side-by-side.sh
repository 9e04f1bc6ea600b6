#!/usr/bin/env bash
# The capacity benchmark on two mediasoup versions in one run: this checkout and an older
# commit (by default the one before mediasoup's version last changed in package.json), each
# with its own node_modules and worker, run back to back on the same machine under the same
# load, alternating the order each round. Prints every run's ours/bare ratios and capacity.
# Issue 16 asks that an upgrade's ours/bare ratio is not worse than before, measured like this.
#
# Usage: bash scripts/capacity-side-by-side.sh [old_ref]
# Env:   SIDE_BY_SIDE_ROUNDS  rounds (default 1: old then new; 2 adds new then old)
#        SIDE_BY_SIDE_DIR     where the old checkout and the logs go (default: a new /tmp folder)
#        MICROCOURT_CACHE     as for scripts/build-mediasoup-worker.sh (the old worker comes from there)
set -euo pipefail
NEW="$(cd "$(dirname "$0")/.." && pwd)"
cd "$NEW"
PATH="$(bash scripts/ensure-node.sh):$PATH"
export PATH

# The commit that last changed mediasoup's version; its parent is the version before.
OLD_REF="${1:-$(git log -1 --format=%H -G'"mediasoup": ' -- package.json)^}"
OLD_COMMIT="$(git rev-parse --verify "$OLD_REF^{commit}")"
WORK="${SIDE_BY_SIDE_DIR:-$(mktemp -d -t microcourt-capacity.XXXXXX)}"
mkdir -p "$WORK"
OLD="$WORK/old"

ms_version() { node -p "JSON.parse(require('fs').readFileSync('$1/node_modules/mediasoup/package.json', 'utf8')).version"; }

echo "==> old checkout: $(git log -1 --format='%h %s' "$OLD_COMMIT") in $OLD"
if [ ! -f "$OLD/.commit" ] || [ "$(cat "$OLD/.commit")" != "$OLD_COMMIT" ]; then
	rm -rf "$OLD" && mkdir -p "$OLD"
	git archive "$OLD_COMMIT" | tar -x -C "$OLD"
	echo "$OLD_COMMIT" >"$OLD/.commit"
fi
# Each checkout's own lock file and its own worker build script (whose hash keys the cache).
for dir in "$OLD" "$NEW"; do
	if [ "$dir" = "$OLD" ] && [ ! -d "$OLD/node_modules/mediasoup" ]; then
		(cd "$OLD" && MEDIASOUP_WORKER_BIN=skip npm ci --no-audit --no-fund --loglevel=error)
	fi
	(cd "$dir" && MS_SKIP_APT=1 bash scripts/build-mediasoup-worker.sh .)
done
OLD_V="$(ms_version "$OLD")"
NEW_V="$(ms_version "$NEW")"
echo "==> old: mediasoup $OLD_V ($OLD); new: mediasoup $NEW_V ($NEW)"

summary() { # summary LABEL LOG: the figures of one run's BENCH_JSON line
	node -e '
		const [label, file] = process.argv.slice(1);
		const line = require("fs").readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("BENCH_JSON "));
		if (!line) { console.log(`${label}: no result`); process.exit(0); }
		const r = JSON.parse(line.slice(11));
		if (r.error) { console.log(`${label}: failed: ${r.error}`); process.exit(0); }
		const at = (f, s) => r.runs.find((x) => x.flavour === f && x.srtp === s)?.consumersAtLimit || "-";
		const v = (x) => x ?? "- (no capacity found)";
		console.log(`${label}: ours/bare at equal load RTP ${v(r.ratio.rtp.equalLoad)} SRTP ${v(r.ratio.srtp.equalLoad)}; ` +
			`ours/bare at the limit RTP ${v(r.ratio.rtp.capacity)} SRTP ${v(r.ratio.srtp.capacity)}; ` +
			`consumers at the limit ours/bare RTP ${at("ours", false)}/${at("bare", false)} SRTP ${at("ours", true)}/${at("bare", true)}; ` +
			`load ${r.loadAverage.before.join(" ")} -> ${r.loadAverage.after.join(" ")}; ${r.durationS} s`);
	' "$1" "$2"
}

ROUNDS="${SIDE_BY_SIDE_ROUNDS:-1}"
RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
	order="old new"; [ $((round % 2)) = 0 ] && order="new old"
	for which in $order; do
		dir="$OLD"; v="$OLD_V"; [ "$which" = new ] && { dir="$NEW"; v="$NEW_V"; }
		log="$WORK/capacity-$which-$round.log"
		echo "==> round $round: $which (mediasoup $v), log $log"
		(cd "$dir" && npm run --silent bench -- capacity >"$log" 2>"$log.progress") || echo "(the benchmark exited with an error; see $log.progress)"
		RESULTS+=("$(summary "round $round $which mediasoup $v" "$log")")
		echo "${RESULTS[-1]}"
	done
done
echo "==> side by side"
printf '%s\n' "${RESULTS[@]}"
