#!/bin/bash
# Runs inside the booted container (systemd is PID 1 there), as root:
#   inside.sh DEB CONFIG SITE
# installs the package, points feedwatch at SITE (a fake WordPress site the
# host serves on 127.0.0.1) by CONFIG and a reload, and checks what an
# administrator relies on: the sandboxed service starts, syncs, reloads, writes
# its events to the journal with the catalog's explanation, stops, and the
# package removes and purges cleanly.
set -u
DEB=$1 CONFIG=$2 SITE=$3
passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }
# eventually SECONDS WHAT COMMAND…: COMMAND succeeds within SECONDS.
eventually() {
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && { fail "$what (not within ${seconds}s)"; return 1; }
        sleep 0.5
    done
    pass "$what"
}
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
