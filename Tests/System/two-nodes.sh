#!/bin/bash
# Part of the system test (run.sh): two machines share one PostgreSQL.
# Boots two containers at once (systemd PID 1 in each, a journal of each
# their own), each running node.sh: the package installed and the service
# started as node machine-a or machine-b, both on one database of the
# PostgreSQL server run.sh started here, watching the same 20 fake WordPress
# sites. Checks that the two share the sites, that each of 20 edits is
# reported once, in one machine's journal, that the sites all move to
# machine-b when machine-a stops, and that 20 more edits are reported there.
#
#   PG_BIN=… PG_DIR=… PG_PORT=… two-nodes.sh DEB FAKE_FARM PASSWORD_FILE
#
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."
DEB=$1 FARM=$2 PASSWORD=$3
WORK=$PWD/.build-system
CONTROL=$WORK/control
nodes=(machine-a machine-b)
source Tests/System/checks.sh
sql() { runuser -u postgres -- "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U feedwatch -d cluster -qAt -c "$1"; }
is() { [ "$(sql "$1")" = "$2" ]; }

containers=()
farm=
finish() {
    for node in "${nodes[@]}"; do touch "$CONTROL/$node.stop"; done
    [ ${#containers[@]} -gt 0 ] && wait "${containers[@]}"
    [ -n "$farm" ] && { echo quit >&6; wait "$farm"; } 2>/dev/null
    rm -f "$WORK/cluster.in"
    echo "two machines: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}
trap finish EXIT

rm -rf "$CONTROL" && mkdir -p "$CONTROL" "$WORK/logs"
runuser -u postgres -- "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U feedwatch cluster

rm -f "$WORK/cluster.in" && mkfifo "$WORK/cluster.in"
"$FARM" 20 2 <"$WORK/cluster.in" >"$WORK/cluster.out" 2>&1 &
farm=$!
exec 6<>"$WORK/cluster.in"
for _ in $(seq 1 300); do grep -q '^READY' "$WORK/cluster.out" && break; sleep 0.1; done
sites=$(sed -n 's/^SITE \([^ ]*\) \(.*\)$/{"name": "\1", "url": "\2"}/p' "$WORK/cluster.out" | paste -sd, -)
[ -n "$sites" ] || { fail "the fake farm of 20 sites started"; cat "$WORK/cluster.out"; exit; }
printf '{"database": {"url": "postgresql://feedwatch@127.0.0.1:%s/cluster", "credential": "pg.password",
              "node": "@NODE@", "lease": "5s"},
 "defaults": {"interval": "10s"},
 "sites": [%s]}\n' "$PG_PORT" "$sites" >"$WORK/cluster.json"

for node in "${nodes[@]}"; do
    ROOT=$WORK/root LOGDIR=$WORK/logs NAME=feedwatch-$node-$$ BOOT_TIMEOUT=90 CMD_TIMEOUT=420 \
    NSPAWN_ARGS="--bind-ro=$DEB:/srv/feedwatch.deb --bind-ro=$WORK/cluster.json:/srv/cluster.json
     --bind-ro=$PASSWORD:/srv/pg.password --bind-ro=$PWD/Tests/System/node.sh:/srv/node.sh --bind=$CONTROL:/srv/control" \
        Tests/System/boot-and-run.sh /srv/node.sh /srv/feedwatch.deb /srv/cluster.json /srv/pg.password "$node" /srv/control \
        >"$WORK/logs/$node.out" 2>&1 &
    containers+=($!)
done

echo "== two machines, one PostgreSQL"
# Both up, or one container gone: it failed (its output says why).
for _ in $(seq 1 300); do
    [ -e "$CONTROL/machine-a.up" ] && [ -e "$CONTROL/machine-b.up" ] && break
    for index in 0 1; do
        kill -0 "${containers[$index]}" 2>/dev/null && continue
        fail "${nodes[$index]} runs the service:"; grep -v 'thread priority' "$WORK/logs/${nodes[$index]}.out" | tail -15
        exit
    done
    sleep 0.5
done
check "both machines run the service" test -e "$CONTROL/machine-a.up" -a -e "$CONTROL/machine-b.up"
eventually 60 "the 20 sites are baselined" is "SELECT count(*) FROM site WHERE last_success_at IS NOT NULL" 20
eventually 20 "both nodes are alive" is "SELECT count(*) FROM node WHERE stopped_at IS NULL AND heartbeat_at > now() - interval '5 seconds'" 2
eventually 20 "both nodes have a share of the sites" is "SELECT count(DISTINCT last_node) FROM site" 2
sql "SELECT last_node, count(*) FROM site GROUP BY 1 ORDER BY 1" | sed 's/^/   share: /'

echo "change 20" >&6
eventually 30 "every event is reported" is "SELECT count(*) > 20 AND count(*) FILTER (WHERE emitted_at IS NULL) = 0 FROM event" t
eventually 30 "the 20 edits are reported" is "SELECT count(*) FROM event" 40

echo "== machine-a stops; machine-b takes its sites"
stopped_at=$(sql "SELECT now()")
touch "$CONTROL/machine-a.stop"
eventually 40 "machine-a's service stopped cleanly" bash -c "grep -qx success $CONTROL/machine-a.result"
eventually 30 "machine-b synced all 20 sites since" \
    is "SELECT count(*) FROM site WHERE last_node = 'machine-b' AND last_success_at::timestamptz > '$stopped_at'" 20
echo "change 20" >&6
eventually 30 "20 more edits are reported" is "SELECT count(*) FILTER (WHERE emitted_at IS NULL) = 0 AND count(*) = 60 FROM event" t
touch "$CONTROL/machine-b.stop"
eventually 40 "machine-b's service stopped cleanly" bash -c "grep -qx success $CONTROL/machine-b.result"
wait "${containers[@]}"
containers=()

echo "== the machines' journals"
python3 - "$CONTROL/machine-a.json" "$CONTROL/machine-b.json" <<'PY' && pass "each change once, in one machine's journal, with its node" || fail "each change once, in one machine's journal, with its node"
import json, sys
events = {}
for path, node in zip(sys.argv[1:], ["machine-a", "machine-b"]):
    for line in open(path):
        entry = json.loads(line)
        if "FEEDWATCH_EVENT" not in entry:
            continue
        assert entry.get("FEEDWATCH_NODE") == node, f"{path}: an entry of node {entry.get('FEEDWATCH_NODE')}"
        events.setdefault(node, []).append(entry)
every = [e for entries in events.values() for e in entries]
ids = [e["FEEDWATCH_EVENT_ID"] for e in every]
assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} events reported twice"
kinds = sorted((e["FEEDWATCH_EVENT"], e.get("FEEDWATCH_VERSION", "")) for e in every)
expected = sorted([("baseline", "")] * 20 + [("revised", "2")] * 20 + [("revised", "3")] * 20)
assert kinds == expected, f"events: {kinds}"
second = [e for e in events.get("machine-b", []) if e.get("FEEDWATCH_VERSION") == "3"]
assert len(second) == 20, f"machine-b reported {len(second)} of the edits after machine-a stopped"
for node in ["machine-a", "machine-b"]:
    print(f"   {node}: {len(events.get(node, []))} events in its journal")
PY
