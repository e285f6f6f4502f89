# The system test's checks, sourced by inside.sh (in the container) and
# two-nodes.sh (on the host): each prints PASS or FAIL and counts it.
passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# check WHAT COMMAND…: COMMAND succeeds.
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
