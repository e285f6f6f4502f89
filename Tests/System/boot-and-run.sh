#!/bin/bash
# boot-and-run.sh — boot a systemd container with systemd-nspawn (systemd is PID 1
# inside), wait until it has finished booting, run one command inside, power it off.
# Every wait has a deadline; the script cannot hang.
#
# Usage: boot-and-run.sh [--] COMMAND [ARG...]
#   e.g. boot-and-run.sh bash -c 'systemctl start nstest && systemctl is-active nstest'
#
# Exit status: that of COMMAND; 124 if it timed out; 90 if the container did not
# start; 91 if it did not finish booting in time.
#
# Environment (all optional):
#   ROOT=.build-system/root         the container tree (make-root.sh's output)
#   NAME=fw-<pid>                   machine name (also the cgroup and log name)
#   VOLATILE=overlay                overlay: every write goes to a tmpfs, ROOT stays
#                                   pristine (needs overlayfs); no: write into ROOT
#   NSPAWN_ARGS=""                  extra systemd-nspawn arguments, word-split, e.g.
#     "--bind-ro=/abs/feedwatch:/usr/local/bin/feedwatch
#      --bind-ro=/abs/feedwatch.service:/etc/systemd/system/feedwatch.service"
#   BOOT_TIMEOUT=90  CMD_TIMEOUT=600  STOP_TIMEOUT=30   seconds
#   LOGDIR=.build-system/logs        the container console goes to $LOGDIR/$NAME.console.log
#   ALLOW_DEGRADED=1                 0: fail if the boot ends "degraded"
#
# Needs root (CAP_SYS_ADMIN etc.), systemd-container, util-linux nsenter.
set -u

ROOT=${ROOT:-.build-system/root}
NAME=${NAME:-fw-$$}
VOLATILE=${VOLATILE:-overlay}
NSPAWN_ARGS=${NSPAWN_ARGS:-}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
CMD_TIMEOUT=${CMD_TIMEOUT:-600}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
LOGDIR=${LOGDIR:-.build-system/logs}
ALLOW_DEGRADED=${ALLOW_DEGRADED:-1}

[ "${1:-}" = "--" ] && shift
[ $# -ge 1 ] || { echo "usage: $0 [--] COMMAND [ARG...]" >&2; exit 64; }
[ "$(id -u)" = 0 ] || { echo "$0: must run as root" >&2; exit 77; }
[ -x "$ROOT/lib/systemd/systemd" ] || { echo "$0: no systemd in $ROOT" >&2; exit 78; }
command -v systemd-nspawn >/dev/null || { echo "$0: apt-get install systemd-container" >&2; exit 78; }

mkdir -p "$LOGDIR"
CONSOLE="$LOGDIR/$NAME.console.log"
log() { echo "[boot-and-run $(date +%T)] $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

NSPAWN_PID= INIT_PID= CMD_PID= CG_DIRS=()

# Commands inside get a clean environment, not the caller's.
inside() {
    nsenter -t "$INIT_PID" -a -- /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        TERM=dumb SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 LANG=C.UTF-8 HOME=/root "$@"
}

alive() { [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; }

wait_gone() {           # wait_gone SECONDS: 0 if nspawn exited in time
    local deadline=$((SECONDS + $1))
    while alive; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.2
    done
    wait "$NSPAWN_PID" 2>/dev/null
    return 0
}

shutdown_container() {
    alive || return 0
    local t0; t0=$(now)
    if [ -n "$INIT_PID" ] && kill -0 "$INIT_PID" 2>/dev/null; then
        timeout 10 nsenter -t "$INIT_PID" -a systemctl poweroff --no-block >/dev/null 2>&1 \
            || kill -s RTMIN+4 "$INIT_PID" 2>/dev/null   # SIGRTMIN+4 = poweroff for systemd
    else
        kill -TERM "$NSPAWN_PID" 2>/dev/null           # nspawn -b turns SIGTERM into a poweroff
    fi
    if wait_gone "$STOP_TIMEOUT"; then
        log "container powered off in $(since "$t0")s"
        return 0
    fi
    log "container did not power off within ${STOP_TIMEOUT}s; killing it"
    kill -TERM "$NSPAWN_PID" 2>/dev/null
    wait_gone 5 && return 1
    kill -KILL "$NSPAWN_PID" 2>/dev/null
    [ -n "$INIT_PID" ] && kill -KILL "$INIT_PID" 2>/dev/null
    wait_gone 5 || log "nspawn pid $NSPAWN_PID still there"
    return 1
}

cleanup() {
    local rc=$?
    shutdown_container
    if [ -n "$CMD_PID" ] && kill -0 "$CMD_PID" 2>/dev/null; then
        sleep 1; kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" 2>/dev/null
    fi
    # Remove the per-run cgroups (only the ones made here, once empty).
    local d
    for d in "${CG_DIRS[@]}"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- start -------------------------------------------------------------------------
args=(-D "$ROOT" -b -M "$NAME" --console=read-only)
if [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm)" = systemd ]; then
    # Host runs systemd: nspawn puts the container in its own scope over D-Bus.
    args+=(--register=no)
    HOST_SYSTEMD=1
else
    # No systemd on the host (plain container/VM): nspawn must not ask D-Bus for a
    # scope ("Failed to open system bus"), so it keeps its own cgroup.
    args+=(--register=no --keep-unit)
    HOST_SYSTEMD=0
fi
[ "$VOLATILE" != no ] && args+=("--volatile=$VOLATILE")
# shellcheck disable=SC2206
args+=($NSPAWN_ARGS)

log "booting $ROOT as $NAME (console: $CONSOLE)"
t_boot=$(now)
# Without systemd on the host nspawn creates payload/ and supervisor/ under its own
# cgroup; give each run its own parent cgroup so that concurrent runs cannot collide
# (best effort: skipped where the hierarchy is not writable).
if [ "$HOST_SYSTEMD" = 0 ]; then
    for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
        [ -f "$h/cgroup.procs" ] && mkdir -p "$h/nspawn-$NAME" 2>/dev/null && CG_DIRS+=("$h/nspawn-$NAME")
    done
fi
(
    for d in "${CG_DIRS[@]}"; do echo $BASHPID > "$d/cgroup.procs" 2>/dev/null; done
    exec setsid systemd-nspawn "${args[@]}" </dev/null >"$CONSOLE" 2>&1
) &
NSPAWN_PID=$!

# ---- wait for the container's PID 1 -----------------------------------------------
deadline=$((SECONDS + BOOT_TIMEOUT))
mypidns=$(readlink /proc/self/ns/pid)
while :; do
    for c in $(pgrep -P "$NSPAWN_PID" 2>/dev/null); do
        if [ "$(readlink /proc/"$c"/ns/pid 2>/dev/null)" != "$mypidns" ] \
           && [ "$(cat /proc/"$c"/comm 2>/dev/null)" = systemd ]; then
            INIT_PID=$c
        fi
    done
    [ -n "$INIT_PID" ] && break
    if ! alive; then log "systemd-nspawn exited early:"; tail -20 "$CONSOLE" >&2; exit 90; fi
    [ $SECONDS -ge $deadline ] && { log "no init process after ${BOOT_TIMEOUT}s"; tail -20 "$CONSOLE" >&2; exit 90; }
    sleep 0.1
done

# ---- wait until boot has finished -------------------------------------------------
state=
while :; do
    left=$((deadline - SECONDS))
    [ $left -le 0 ] && break
    # Fails at once while /run/systemd/private does not exist yet; then --wait blocks
    # until the boot jobs are done (bounded by timeout).
    # (timeout inside the container: see "run the command" below for why)
    state=$(timeout -k 2 $((left + 5)) nsenter -t "$INIT_PID" -a \
            timeout "$left" systemctl is-system-running --wait 2>/dev/null)
    case $state in running|degraded|maintenance|stopping|offline) break ;; esac
    alive || break
    sleep 0.2
done
case $state in
    running) log "booted in $(since "$t_boot")s: running" ;;
    degraded)
        log "booted in $(since "$t_boot")s: degraded; failed units:"
        inside systemctl --failed --no-legend >&2
        [ "$ALLOW_DEGRADED" = 1 ] || exit 91 ;;
    *)  alive && state=$(timeout 10 nsenter -t "$INIT_PID" -a systemctl is-system-running 2>/dev/null)
        log "boot did not finish within ${BOOT_TIMEOUT}s (state: ${state:-unknown}); jobs:"
        alive && timeout 10 nsenter -t "$INIT_PID" -a systemctl list-jobs --no-pager >&2
        tail -20 "$CONSOLE" >&2
        exit 91 ;;
esac

# ---- run the command ---------------------------------------------------------------
exec 3<&0
# The deadline is enforced by a `timeout` inside the container, so that a killed
# command is reaped there (a process started by nsenter whose nsenter dies is
# re-parented to the *host's* reaper and lingers as a zombie, which delays the
# container's shutdown by 10 s). The outer timeout is only a safety net.
timeout -k 5 $((CMD_TIMEOUT + 20)) nsenter -t "$INIT_PID" -a -- /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    TERM=dumb SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 LANG=C.UTF-8 HOME=/root \
    timeout -k 5 "$CMD_TIMEOUT" "$@" <&3 &
# (in the background, so that SIGINT/SIGTERM to this script act at once: the trap
# powers the container off, which ends the command too)
CMD_PID=$!
wait "$CMD_PID"
rc=$?
[ $rc = 124 ] && log "command timed out after ${CMD_TIMEOUT}s"
exit $rc
