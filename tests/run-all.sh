#!/bin/sh
# Run ctest for each given preset and print one summary line over all of them:
#   TOTAL: N passed, N failed
# Exit status is non-zero if any test failed or any preset ran no test.
set -u
total_pass=0; total_fail=0; status=0
for preset in "$@"; do
    echo "=== ctest --preset $preset"
    log=$(mktemp)
    ctest --preset "$preset" ${CTEST_ARGS:-} 2>&1 | tee "$log"
    line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "run-all: preset $preset ran no test" >&2
        status=1
    else
        failed=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
        count=$(echo "$line" | sed -E 's/.*failed out of ([0-9]+).*/\1/')
        total_fail=$((total_fail + failed))
        total_pass=$((total_pass + count - failed))
        [ "$failed" -eq 0 ] || status=1
    fi
    rm -f "$log"
done
echo "TOTAL: $total_pass passed, $total_fail failed"
exit $status
