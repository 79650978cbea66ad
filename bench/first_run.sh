#!/usr/bin/env bash
# The first run as a new user has it: a fresh clone, ./scripts/run, and the
# seconds until /readyz answers, each line of output stamped with its second.
#
#     bench/first_run.sh [COMMIT] [PORT]
#
# COMMIT (default HEAD) is cloned from this repository into a temporary
# folder; the package caches (pip's, uv's) are whatever the machine has: run it
# with UV_CACHE_DIR pointing at an empty folder for a cold uv cache.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:-HEAD}
port=${2:-8765}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q "$repo" "$dir/clone"
git -C "$dir/clone" checkout -q "$(git -C "$repo" rev-parse "$commit")"
cd "$dir/clone"
start=$(date +%s.%N)
stamp() {
    while IFS= read -r line; do
        printf '%6.2f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"
    done
}
./scripts/run --port "$port" > >(stamp >"$dir/output") 2>&1 &
server=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "scripts/run exited before serving:" >&2
        cat "$dir/output" "$dir/clone/var/bootstrap.log" >&2
        exit 1
    fi
    sleep 0.1
done
ready=$(echo "$(date +%s.%N) - $start" | bc)
kill "$server"
wait "$server" 2>/dev/null || true
sleep 0.2
cat "$dir/output"
printf 'ready after %.1f s\n' "$ready"
