#!/bin/sh
# Runs libFuzzer targets built by `make fuzz-build`, one after another, each for
# SECONDS on a scratch copy of its seed corpus, and fails if any of them finds a
# crash, a hang or a leak. Usage: Fuzz/fuzz.sh SECONDS [TARGET...] (all by default).
#
# The seeds (Fuzz/Corpus/<target>) are copied to .build-fuzz/corpus/<target>,
# which keeps what earlier runs found; libFuzzer adds to that copy only. Each
# run's output is in .build-fuzz/logs/<target>.log, whatever it finds in
# .build-fuzz/crashes/<target>-crash-<sha1> (replay it with
# `.build-fuzz/debug/fuzz-<target> FILE`).
set -u
scratch=.build-fuzz
seconds=${1:?usage: Fuzz/fuzz.sh SECONDS [TARGET...]}
shift
targets=${*:-config post-page normalizer readable-text line-diff retry-after link-header}
mkdir -p "$scratch/logs" "$scratch/crashes"
failed=""
for target in $targets; do
    corpus=$scratch/corpus/$target
    log=$scratch/logs/$target.log
    mkdir -p "$corpus"
    cp Fuzz/Corpus/"$target"/* "$corpus"/
    echo "fuzz-$target: $seconds s on $corpus ($(ls "$corpus" | wc -l) inputs)"
    # -timeout: an input taking 10 s is a hang; -print_final_stats for the
    # executions counted in docs/fuzzing.md.
    if "$scratch/debug/fuzz-$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$scratch/crashes/$target-" "$corpus" >"$log" 2>&1; then
        if ! grep -q 'INITED cov:' "$log"; then
            # libFuzzer ran, but saw no coverage counters: an uninstrumented build.
            echo "fuzz-$target ran blind (no coverage counters); see $log"
            failed="$failed $target"
            continue
        fi
        grep -E '^#[0-9]+' "$log" | tail -1
        grep -E 'stat::number_of_executed_units' "$log"
        echo "  corpus now $(ls "$corpus" | wc -l) inputs"
    else
        echo "fuzz-$target FAILED; the end of $log:"
        tail -n 40 "$log"
        failed="$failed $target"
    fi
done
if [ -n "$failed" ]; then
    echo "crashes (or hangs) in:$failed; inputs in $scratch/crashes/"
    exit 1
fi
