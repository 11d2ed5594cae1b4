#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1 before the tests run.
# Starts them with the distribution's own commands when they are installed but
# stopped; fails with a clear message when they cannot be had. The tests never
# skip service tests, so this is where a missing service is reported.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ] || \
  { exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -r -t 2 line <&3 && [[ $line == +PONG* ]]; } 2>/dev/null; }

wait_for() {  # wait_for NAME CHECK
  for _ in $(seq 1 30); do "$2" && return 0; sleep 0.5; done
  return 1
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it"
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
    done
  fi
  wait_for PostgreSQL pg_up || {
    echo "etiket tests: PostgreSQL is needed on 127.0.0.1:5432 (trust auth, database 'test') and could not be started" >&2
    exit 1
  }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not answering on 127.0.0.1:6379; starting it"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log 2>&1 || true
  fi
  wait_for Redis redis_up || {
    echo "etiket tests: Redis is needed on 127.0.0.1:6379 and could not be started" >&2
    exit 1
  }
fi
echo "services: PostgreSQL and Redis are answering"
