#!/usr/bin/env bash
# Start-up cost: wall time of a 1-step N = 32 inflaton run on one rank (the binary started directly, an MPI
# singleton), with the FFTW wisdom already cached. Prints the minimum and the median of REPEATS runs (take
# the minimum on a shared machine: the others are noise from other processes).
# Usage: bash bench/startup.sh [BUILD_DIR] [REPEATS] [N]
set -euo pipefail
build=${1:-build}
repeats=${2:-20}
n=${3:-32}
exe=$(realpath "$build/inflanet")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/deck.toml" <<DECK
[lattice]
N = $n
L = 6.283185307179586
[background]
kind = "desitter"
H = 1.0
[inflaton]
potential = "quadratic"
m = 0.0
phi0 = 0.0
[time]
dt = 0.01
t_end = 0.01
[output]
dir = "out"
DECK
export OMP_NUM_THREADS=1 XDG_CACHE_HOME="$work/cache"
(cd "$work" && "$exe" run deck.toml >/dev/null) # fills the wisdom cache
times=()
for _ in $(seq "$repeats"); do
  start=$(date +%s.%N)
  (cd "$work" && "$exe" run deck.toml >/dev/null)
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
printf '%s\n' "${times[@]}" | sort -g | awk -v n="$n" '{ t[NR] = $1 } END {
  printf "1-step N = %d run, 1 rank, wisdom cached: min %.3f s, median %.3f s over %d runs\n", n, t[1], t[int((NR + 1) / 2)], NR }'
