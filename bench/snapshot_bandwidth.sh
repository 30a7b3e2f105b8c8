#!/bin/bash
# Snapshot write bandwidth (bench_snapshot_bandwidth at 1 and 2 ranks) next to a plain large sequential
# write on the same disk (dd, direct I/O, fsync). Usage: bench/snapshot_bandwidth.sh [BUILD_DIR] [DIR] [N]
# BUILD_DIR defaults to build (the bench binary is BUILD_DIR/bench/bench_snapshot_bandwidth), DIR to a fresh
# directory under BUILD_DIR, N to 256.
set -euo pipefail
build=${1:-build}
dir=${2:-$build/bench-snapshot-dir}
n=${3:-256}
exe=$build/bench/bench_snapshot_bandwidth
[[ -x $exe ]] || { echo "missing $exe: cmake --build $build --target bench_snapshot_bandwidth" >&2; exit 1; }
mkdir -p "$dir"

# dd prints "... bytes (...) copied, S s, R GB/s"; take bytes and seconds and compute GB/s (1e9) ourselves.
dd_gbs() {
  local line
  line=$(dd if=/dev/zero of="$dir/dd.tmp" bs=64M count=16 oflag=direct conv=fsync 2>&1 | tail -1)
  rm -f "$dir/dd.tmp"
  awk '{ for (i = 1; i <= NF; ++i) if ($i ~ /^s,?$/) { s = $(i - 1) } } END { printf "%.3f", $1 / s / 1e9 }' \
    <<<"$line"
}

snap_gbs() {
  OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np "$1" "$exe" "$n" "$dir" 3 |
    sed -n 's/.*GB\/s=\([0-9.]*\).*/\1/p'
}

printf "# snapshot write (phi + phidot, N=%s, %s MB) vs dd (1 GiB, oflag=direct conv=fsync) in %s\n" \
  "$n" "$(awk -v n="$n" 'BEGIN { printf "%.0f", 16 * n^3 / 1e6 }')" "$dir"
printf "%-6s %-16s %-12s %-8s\n" ranks "snapshot GB/s" "dd GB/s" ratio
for np in 1 2; do
  dd=$(dd_gbs)
  snap=$(snap_gbs "$np")
  printf "%-6s %-16s %-12s %-8s\n" "$np" "$snap" "$dd" "$(awk -v a="$snap" -v b="$dd" 'BEGIN { printf "%.2f", a / b }')"
done
