#!/bin/bash
# One of the two machines of two-nodes.sh, run in its own booted container
# (systemd is PID 1 there), as root:
#   node.sh DEB CONFIG PASSWORD NODE CONTROL
# installs the package, runs the service on CONFIG (a PostgreSQL database the
# machines share; @NODE@ in it becomes NODE) with PASSWORD as its credential,
# and says so by CONTROL/NODE.up. When CONTROL/NODE.stop appears, it stops the
# service and leaves its Result in CONTROL/NODE.result and its journal's
# feedwatch entries (JSON, one per line) in CONTROL/NODE.json.
set -u
DEB=$1 CONFIG=$2 PASSWORD=$3 NODE=$4 CONTROL=$5
dpkg -i "$DEB" >/dev/null || { echo "$NODE: dpkg -i failed"; exit 1; }
install -D -m 0600 "$PASSWORD" /etc/feedwatch/pg.password
mkdir -p /etc/systemd/system/feedwatch.service.d
printf '[Service]\nLoadCredential=pg.password:/etc/feedwatch/pg.password\n' >/etc/systemd/system/feedwatch.service.d/postgresql.conf
sed "s/@NODE@/$NODE/" "$CONFIG" >/etc/feedwatch.json
systemctl daemon-reload
timeout 30 systemctl restart feedwatch || { echo "$NODE: the service did not start"; journalctl -u feedwatch -n 20; exit 1; }
touch "$CONTROL/$NODE.up"
deadline=$((SECONDS + 400))
until [ -e "$CONTROL/$NODE.stop" ]; do
    [ $SECONDS -ge $deadline ] && { echo "$NODE: never told to stop"; exit 1; }
    sleep 0.5
done
timeout 30 systemctl stop feedwatch
systemctl show -p Result --value feedwatch >"$CONTROL/$NODE.result"
journalctl -u feedwatch -o json >"$CONTROL/$NODE.json"
