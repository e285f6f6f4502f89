#!/bin/bash
# The system test (`make test-system`): feedwatch's Debian package under a real
# systemd. Boots a minimal Debian in a systemd-nspawn container (systemd as
# PID 1, sharing this machine's network), serves a fake WordPress site and the
# README's webhook receiver on 127.0.0.1 here, and runs inside.sh in the
# container against the package.
#
#   run.sh DEB FAKE_FARM
#
# Needs root, systemd-container and debootstrap; the container's tree is made
# once into .build-system/root (about 170 MB) and reused, every boot writing to
# a tmpfs overlay so that the tree stays pristine. A second fake site, of
# 5,000 posts, is rewritten whole from inside the container (through a FIFO
# bound into it), to check that journald's rate limit drops none of the
# events. A PostgreSQL server started here on 127.0.0.1 (from Debian's
# postgresql, as the shared store's tests start theirs) is the database of
# the last part, with its password as a credential; then two containers at
# once share one of its databases, as two machines (two-nodes.sh). Exit status: 0 when every check passed; 1 when one failed; 2 when
# this machine cannot boot a container (nothing of feedwatch was tested then,
# and the message says why).
set -euo pipefail
cd "$(dirname "$0")/../.."
DEB=$(realpath "$1")
FARM=$(realpath "$2")
WORK=$PWD/.build-system
mkdir -p "$WORK"
[ -d "$WORK/root" ] || Tests/System/make-root.sh "$WORK/root"

# What this script starts, ended when it ends.
started=()
pg_dir=
stop_all() {
    { echo quit >&4; echo quit >&5; } 2>/dev/null
    kill "${started[@]}" 2>/dev/null || true
    rm -f "$WORK/farm.in" "$WORK/bulk.in"
    if [ -n "$pg_dir" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop >/dev/null 2>&1
        rm -rf "$pg_dir"
    fi
}
trap stop_all EXIT

# start_farm NAME SITES POSTS: a fake-farm process that reads its commands
# from the FIFO $WORK/NAME.in and answers into $WORK/NAME.out. The caller
# holds the FIFO open for writing, so that neither side sees its end.
start_farm() {
    rm -f "$WORK/$1.in" "$WORK/$1.out"
    mkfifo "$WORK/$1.in"
    "$FARM" "$2" "$3" <"$WORK/$1.in" >"$WORK/$1.out" 2>&1 &
    started+=($!)
}
# One fake WordPress site with five posts, and one with 5,000 that the
# rate-limit check rewrites whole, until this script ends.
start_farm farm 1 5
exec 4<>"$WORK/farm.in"
start_farm bulk 1 5000
exec 5<>"$WORK/bulk.in"
for _ in $(seq 1 300); do grep -q '^READY' "$WORK/farm.out" && grep -q '^READY' "$WORK/bulk.out" && break; sleep 0.1; done
read -r _ site url < <(grep '^SITE ' "$WORK/farm.out")
[ -n "${url:-}" ] || { echo "the fake WordPress site did not start:"; cat "$WORK/farm.out"; exit 1; }
echo "fake WordPress site $site at $url"
read -r _ _ bulk_url < <(grep '^SITE ' "$WORK/bulk.out")
[ -n "${bulk_url:-}" ] || { echo "the fake 5,000-post site did not start:"; cat "$WORK/bulk.out"; exit 1; }
echo "fake WordPress site bulk (5,000 posts) at $bulk_url"
printf '{"sites": [{"name": "bulk", "url": "%s", "interval": "10s"}]}\n' "$bulk_url" >"$WORK/bulk.json"

# The README's webhook receiver, which checks the signature, on a port of its own.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/hook.secret"
python3 docs/examples/webhook-receiver.py "$WORK/hook.secret" >"$WORK/receiver.out" 2>&1 &
started+=($!)
for _ in $(seq 1 100); do grep -q '^listening on port' "$WORK/receiver.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on port //p' "$WORK/receiver.out")
[ -n "$port" ] || { echo "the webhook receiver did not start:"; cat "$WORK/receiver.out"; exit 1; }
printf '{"sites": [{"name": "%s", "url": "%s", "interval": "10s"}],
 "notify": [{"name": "hook", "webhook": "http://127.0.0.1:%s/", "credential": "hook.secret", "events": ["baseline"]}]}\n' \
    "$site" "$url" "$port" >"$WORK/feedwatch.json"

# The PostgreSQL server, run as postgres (it refuses root): the superuser
# feedwatch, with a password over TCP (SCRAM), and its database feedwatch.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/feedwatch-system-pg.XXXXXX)
chown postgres: "$pg_dir"
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/pg.password"
install -o postgres -m 0600 "$WORK/pg.password" "$pg_dir/password"
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U feedwatch --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$pg_dir/password" -E UTF8 --locale=C >"$WORK/pg-initdb.log" 2>&1 \
    || { echo "initdb failed:"; cat "$WORK/pg-initdb.log"; exit 1; }
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" start >/dev/null \
    || { echo "PostgreSQL did not start:"; cat "$pg_dir/server.log"; exit 1; }
runuser -u postgres -- "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U feedwatch feedwatch
echo "PostgreSQL on 127.0.0.1:$pg_port"
printf '{"database": {"url": "postgresql://feedwatch@127.0.0.1:%s/feedwatch", "credential": "pg.password", "node": "system-a"},
 "sites": [{"name": "%s", "url": "%s", "interval": "10s"}]}\n' "$pg_port" "$site" "$url" >"$WORK/pg.json"

set +e
ROOT=$WORK/root LOGDIR=$WORK/logs NAME=feedwatch-system-$$ BOOT_TIMEOUT=90 CMD_TIMEOUT=480 \
NSPAWN_ARGS="--bind-ro=$DEB:/srv/feedwatch.deb --bind-ro=$WORK/feedwatch.json:/srv/feedwatch.json --bind-ro=$WORK/hook.secret:/srv/hook.secret --bind-ro=$PWD/Tests/System/inside.sh:/srv/inside.sh --bind-ro=$PWD/Tests/System/checks.sh:/srv/checks.sh
 --bind-ro=$WORK/bulk.json:/srv/bulk.json --bind=$WORK/bulk.in:/srv/bulk.in --bind-ro=$WORK/bulk.out:/srv/bulk.out
 --bind-ro=$WORK/pg.json:/srv/pg.json --bind-ro=$WORK/pg.password:/srv/pg.password" \
    Tests/System/boot-and-run.sh /srv/inside.sh /srv/feedwatch.deb /srv/feedwatch.json "$site" /srv/bulk.json bulk /srv/bulk.in /srv/bulk.out \
    /srv/pg.json /srv/pg.password
rc=$?
set -e
# The receiver, outside the container, verified the signature of what the
# sandboxed daemon sent (it prints only what it accepted).
if [ $rc = 0 ] && ! grep -q '^baseline ' "$WORK/receiver.out"; then
    echo "FAIL: the webhook receiver accepted no signed baseline:"; cat "$WORK/receiver.out"; rc=1
fi
# Then two machines at once, sharing one database of that PostgreSQL server.
if [ $rc = 0 ]; then
    PG_BIN=$pg_bin PG_DIR=$pg_dir PG_PORT=$pg_port Tests/System/two-nodes.sh "$DEB" "$FARM" "$WORK/pg.password" || rc=1
fi
case $rc in
0) echo "system test passed" ;;
90 | 91)
    echo "system test NOT RUN: this machine could not boot a systemd container (boot-and-run.sh exit $rc; console log in $WORK/logs)"
    exit 2 ;;
*) echo "system test FAILED (exit $rc)"; exit 1 ;;
esac
