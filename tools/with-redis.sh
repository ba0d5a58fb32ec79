#!/usr/bin/env bash
# Runs a command next to a redis-server of its own, on a free loopback port, and stops the server
# afterwards. The command sees KV_REDIS_URL (redis://127.0.0.1:PORT) and KV_REDIS_PORT.
#
#   tools/with-redis.sh make conformance
set -euo pipefail
dir=$(mktemp -d)
port=""
for attempt in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 20000))
  if redis-server --port "$candidate" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" \
      >/dev/null 2>&1; then
    for _ in $(seq 1 100); do
      if [ "$(redis-cli -p "$candidate" ping 2>/dev/null)" = "PONG" ]; then port=$candidate; break; fi
      sleep 0.05
    done
  fi
  [ -n "$port" ] && break
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
done
if [ -z "$port" ]; then
  echo "with-redis: could not start redis-server on a loopback port" >&2
  cat "$dir/redis.log" >&2 || true
  exit 1
fi
stop() {
  kill "$(cat "$dir/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT
KV_REDIS_URL="redis://127.0.0.1:$port" KV_REDIS_PORT="$port" "$@"
