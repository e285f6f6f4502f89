#!/bin/bash
# `make test-asan`: the suite, built with AddressSanitizer in .build-asan, then
# fails if the test process itself leaked. Memory errors fail wherever they
# happen (ASan aborts the process, and the test that ran it fails). Leaks fail
# only in the test process, which runs the engine in-process in most tests; a
# feedwatch child (daemon, poll) that LeakSanitizer finds leaking at its exit,
# with its threads still running, reports on its stderr (printed when its test
# fails) without changing its exit status: docs/sanitizers.md says why.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=.build-asan/test.log
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Tests/Sanitizers/lsan.supp:exitcode=0"
swift test --skip-build --no-parallel --sanitize=address --scratch-path .build-asan 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "ERROR: LeakSanitizer" "$log"; then
    echo "make test-asan: the test process leaked (the report above)" >&2
    exit 1
fi
exit "$status"
