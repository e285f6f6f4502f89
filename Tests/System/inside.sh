#!/bin/bash
# Runs inside the booted container (systemd is PID 1 there), as root:
#   inside.sh DEB CONFIG SITE BULK_CONFIG BULK_SITE BULK_IN BULK_OUT PG_CONFIG PG_PASSWORD
# installs the package, points feedwatch at SITE (a fake WordPress site the
# host serves on 127.0.0.1) by CONFIG and a reload, and checks what an
# administrator relies on: the sandboxed service starts, syncs, reloads, writes
# its events to the journal with the catalog's explanation, stops, and the
# package removes and purges cleanly. Then BULK_CONFIG points it at BULK_SITE,
# of 5,000 posts, which the host's fake farm rewrites whole when told so
# through the FIFO BULK_IN (it answers in BULK_OUT): with journald's rate
# limit lowered, every one of the 5,000 events must reach the journal, and,
# as a control, must not once the unit's own setting is undone. Last,
# PG_CONFIG moves it onto a PostgreSQL database on the host's loopback, whose
# password PG_PASSWORD becomes a credential: it syncs there as node system-a,
# holds the node's name against a second process, and leaves when stopped.
set -u
DEB=$1 CONFIG=$2 SITE=$3 BULK_CONFIG=$4 BULK_SITE=$5 BULK_IN=$6 BULK_OUT=$7 PG_CONFIG=$8 PG_PASSWORD=$9
source "$(dirname "$0")/checks.sh"
events() { journalctl -u feedwatch -o cat --output-fields=FEEDWATCH_EVENT FEEDWATCH_SITE="$SITE" "$@"; }
has_event() { events | grep -qx "$1"; }
status_text() { systemctl show -p StatusText --value feedwatch; }
main_pid() { systemctl show -p MainPID --value feedwatch; }
finish() {
    echo "--- journalctl -u feedwatch (last 40 lines)"
    journalctl -u feedwatch --no-pager -n 40 | grep -v 'Failed to set thread priority'
    echo "system test: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

echo "== a webhook secret for the service, as LoadCredential= (the README's way)"
install -D -m 0600 /srv/hook.secret /etc/feedwatch/hook.secret
mkdir -p /etc/systemd/system/feedwatch.service.d
printf '[Service]\nLoadCredential=hook.secret:/etc/feedwatch/hook.secret\n' >/etc/systemd/system/feedwatch.service.d/credential.conf

echo "== dpkg -i"
check "dpkg -i installs the package" dpkg -i "$DEB"
check "the service is enabled" systemctl is-enabled feedwatch
eventually 20 "postinst started the service" systemctl is-active feedwatch
check "the example configuration is installed" test -f /etc/feedwatch.json

echo "== reload onto the test site"
cp "$CONFIG" /etc/feedwatch.json
check "systemctl reload" timeout 30 systemctl reload feedwatch
eventually 30 "the added site is baselined, in the journal" has_event baseline
check "journalctl -x explains the event from the catalog" \
    bash -c "journalctl -x -u feedwatch FEEDWATCH_SITE=$SITE FEEDWATCH_EVENT=baseline | grep -q 'feedwatch completed its first sync'"
eventually 15 "systemctl status shows the live status line" bash -c "systemctl show -p StatusText --value feedwatch | grep -q '^1 site, 0 failing'"
echo "   StatusText: $(status_text)"
check "feedwatch status reads the database while the daemon runs" bash -c "feedwatch status | grep -q '^$SITE .* ok$'"
eventually 15 "the webhook took the baseline, signed with the credential" \
    bash -c "feedwatch status | grep -A1 '^hook ' | grep -q 'waiting: 0; last success: 20'"

echo "== the sandbox is in force"
pid=$(main_pid)
check "no capabilities" grep -q '^CapEff:[[:space:]]*0\+$' /proc/$pid/status
check "no new privileges" grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$pid/status
check "a seccomp filter" grep -q '^Seccomp:[[:space:]]*2$' /proc/$pid/status
check "a dynamic user, not root" bash -c "[ \$(stat -c %u /proc/$pid) != 0 ]"
for ns in mnt user uts; do
    check "a private $ns namespace" bash -c "[ \$(readlink /proc/1/ns/$ns) != \$(readlink /proc/$pid/ns/$ns) ]"
done
check "the database is private to the service (0600)" bash -c "[ \$(stat -c %a /var/lib/private/feedwatch/feedwatch.db) = 600 ]"

echo "== an invalid configuration changes nothing"
echo '{"sites": [{"name": "broken", "interval": "soon"}]}' > /etc/feedwatch.json
check "systemctl reload" timeout 30 systemctl reload feedwatch
eventually 10 "every problem is in the journal" bash -c "journalctl -u feedwatch -p err | grep -q 'sites\[0\].interval'"
check "the service keeps running the site" bash -c "systemctl is-active feedwatch && systemctl show -p StatusText --value feedwatch | grep -q '^1 site'"
cp "$CONFIG" /etc/feedwatch.json

echo "== restart and stop"
check "systemctl restart" timeout 30 systemctl restart feedwatch
check "active after the restart" systemctl is-active feedwatch
start=$SECONDS
check "systemctl stop" timeout 30 systemctl stop feedwatch
check "stopped within 5 s" test $((SECONDS - start)) -le 5
check "exited cleanly" bash -c "[ \$(systemctl show -p Result --value feedwatch) = success ]"
check "one baseline only, across reloads and restarts" bash -c "[ \$(journalctl -u feedwatch -o cat --output-fields=FEEDWATCH_EVENT FEEDWATCH_SITE=$SITE | grep -cx baseline) = 1 ]"

echo "== journald's rate limit drops none of 5,000 events at once"
# journald's own limit lowered from 10,000 entries per 30 s to 500 (each
# times the same factor for free disk space), so that 5,000 exceed it.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nRateLimitIntervalSec=30s\nRateLimitBurst=500\n' >/etc/systemd/journald.conf.d/ratelimit.conf
check "systemctl restart systemd-journald, with a limit of 500 entries per 30 s" timeout 30 systemctl restart systemd-journald
cp "$BULK_CONFIG" /etc/feedwatch.json
check "systemctl start, on a site of 5,000 posts" timeout 30 systemctl start feedwatch
eventually 120 "the 5,000 posts are baselined" bash -c "journalctl -u feedwatch -o cat --output-fields=FEEDWATCH_POST_COUNT FEEDWATCH_SITE=$BULK_SITE FEEDWATCH_EVENT=baseline | grep -qx 5000"
# rewrite N: the farm edits every post of the site, for the Nth time.
rewrite() {
    echo "change 5000" >"$BULK_IN"
    eventually 30 "the farm rewrote the 5,000 posts" bash -c "[ \$(grep -c '^CHANGED 5000$' $BULK_OUT) -ge $1 ]"
}
# revised VERSION: the post ids of the site's `revised` entries that report VERSION
# (the baseline stored version 1 of every post, the first rewrite version 2).
revised() {
    journalctl -u feedwatch -o cat --output-fields=FEEDWATCH_POST_ID \
        FEEDWATCH_SITE="$BULK_SITE" FEEDWATCH_EVENT=revised FEEDWATCH_VERSION="$1"
}
# suppressed SINCE: journald's "Suppressed N messages from feedwatch.service"
# since SINCE (seconds since the epoch).
suppressed() {
    journalctl --since "@$1" MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e -o cat | grep 'from feedwatch\.service'
}
since=$(date +%s) start=$SECONDS
rewrite 1
until [ "$(revised 2 | wc -l)" -ge 5000 ] || [ $SECONDS -ge $((start + 120)) ]; do sleep 2; done
entries=$(revised 2 | wc -l) posts=$(revised 2 | sort -u | wc -l)
echo "   $entries revised entries, for $posts posts, $((SECONDS - start)) s after the rewrite"
check "exactly 5,000 revised entries in journalctl -u feedwatch" test "$entries" = 5000
check "one for each post" test "$posts" = 5000
check "no Suppressed line for feedwatch" test -z "$(suppressed "$since")"

echo "== the control: the same without the unit's LogRateLimitIntervalSec="
printf '[Service]\nLogRateLimitIntervalSec=30s\nLogRateLimitBurst=500\n' >/etc/systemd/system/feedwatch.service.d/ratelimit-control.conf
systemctl daemon-reload
since=$(date +%s) start=$SECONDS
check "systemctl restart, with journald's limit" timeout 30 systemctl restart feedwatch
rewrite 2
eventually 120 "feedwatch handed the 5,000 events to journald" \
    bash -c "systemctl show -p StatusText --value feedwatch | grep -q ', 5000 changes in the last hour'"
# journald reports what it dropped with the unit's first entry after the
# 30 s window, here one of those a reload writes.
[ $SECONDS -lt $((start + 31)) ] && sleep $((start + 31 - SECONDS))
check "systemctl reload" timeout 30 systemctl reload feedwatch
eventually 15 "journald says it suppressed some of feedwatch's entries" suppressed "$since"
suppressed "$since" | sed 's/^/   /'
entries=$(revised 3 | wc -l)
echo "   $entries revised entries of 5000"
check "fewer than 5,000 revised entries" test "$entries" -lt 5000
rm -f /etc/systemd/system/feedwatch.service.d/ratelimit-control.conf /etc/systemd/journald.conf.d/ratelimit.conf
systemctl daemon-reload
check "systemctl stop" timeout 30 systemctl stop feedwatch

echo "== on PostgreSQL, as node system-a, the password a credential"
install -D -m 0600 "$PG_PASSWORD" /etc/feedwatch/pg.password
printf '[Service]\nLoadCredential=pg.password:/etc/feedwatch/pg.password\n' >/etc/systemd/system/feedwatch.service.d/postgresql.conf
systemctl daemon-reload
cp "$PG_CONFIG" /etc/feedwatch.json
# By hand, the credential is read where LoadCredential= takes it from.
by_hand() { CREDENTIALS_DIRECTORY=/etc/feedwatch timeout 20 feedwatch "$@" 2>&1; }
export -f by_hand
node_event() {
    journalctl -u feedwatch -o cat --output-fields=FEEDWATCH_EVENT FEEDWATCH_SITE="$SITE" FEEDWATCH_NODE=system-a | grep -qx "$1"
}
check "systemctl start, on PostgreSQL" timeout 30 systemctl start feedwatch
eventually 30 "the site is baselined in the new database, FEEDWATCH_NODE=system-a" node_event baseline
eventually 15 "the status line gives the node's share" \
    bash -c "systemctl show -p StatusText --value feedwatch | grep -q '^1 site, 0 failing.*; node system-a synced 1 of them last'"
echo "   StatusText: $(status_text)"
check "feedwatch status shows the node alive" bash -c "by_hand status | grep -q '^system-a .*alive'"
check "a second feedwatch run as node system-a is refused" \
    bash -c "by_hand run | grep -q 'is node system-a of postgresql://'"
start=$SECONDS
check "systemctl stop" timeout 30 systemctl stop feedwatch
check "stopped within 5 s" test $((SECONDS - start)) -le 5
check "exited cleanly" bash -c "[ \$(systemctl show -p Result --value feedwatch) = success ]"
check "the node left: status shows it stopped, holding no lease" \
    bash -c "by_hand status | grep -A1 '^system-a ' | tr '\n' ' ' | grep -q 'stopped.*syncing now: 0;'"
rm -f /etc/systemd/system/feedwatch.service.d/postgresql.conf
systemctl daemon-reload

echo "== dpkg -r, dpkg -P"
check "dpkg -r" dpkg -r feedwatch
check "the unit is gone" bash -c "! systemctl cat feedwatch"
check "the configuration is kept" test -f /etc/feedwatch.json
check "the history is kept" test -f /var/lib/private/feedwatch/feedwatch.db
check "dpkg -P" dpkg -P feedwatch
check "the configuration is purged" test ! -e /etc/feedwatch.json
check "the history is purged" test ! -e /var/lib/private/feedwatch
rm -rf /etc/systemd/system/feedwatch.service.d /etc/feedwatch
finish
