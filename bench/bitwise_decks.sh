#!/usr/bin/env bash
# Runs a fixed set of short decks with one build into OUT/<case>/, so that two builds (say main and a
# refactor that must not change a bit) can be compared dataset by dataset with bench/h5_bitwise_diff.py.
# The cases cover the one-field paths (yoshida4 in de Sitter with snapshots and checkpoints, alpha = 1 with
# the friction folded into the drift, leapfrog in Minkowski on an uneven 3-rank split), the coupled run
# (band-limiting, NTK dispersion, spectra) and the exact dual (Fourier-feature layer). One thread per rank:
# OpenMP reductions combine their threads' partial sums in arrival order, so only one thread is bitwise
# reproducible. About a minute on the 2-core VM.
# Usage: bash bench/bitwise_decks.sh BUILD_DIR OUT_DIR
#        /usr/bin/python3 bench/h5_bitwise_diff.py REF_DIR OUT_DIR
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
out=${2:?output dir}
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=""
if [ "$(id -u)" -eq 0 ]; then root="--allow-run-as-root"; fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mpi="mpirun $root --oversubscribe --bind-to none -x OMP_NUM_THREADS -x OPENBLAS_NUM_THREADS"
cd "$(dirname "$0")/.."

run() { # case ranks deck overrides...
  local name=$1 np=$2 deck=$3
  shift 3
  rm -rf "$out/$name"
  echo "== $name ($np ranks): $deck $*"
  $mpi -np "$np" "$build/inflanet" run "$deck" "output.dir=$out/$name" "$@" > "$out/$name.log" 2>&1 ||
    { tail -20 "$out/$name.log"; exit 1; }
}

run desitter_quadratic 2 inputs/desitter_quadratic.toml time.t_end=1.0 output.snapshot_every=50 \
  output.checkpoint_every=50
run desitter_alpha1 2 inputs/desitter_quadratic.toml time.t_end=0.5 time.alpha=1.0 time.integrator=leapfrog
run minkowski_quartic_np3 3 inputs/minkowski_quartic.toml time.t_end=20.0
run default 2 inputs/default.toml time.t_end=0.5
run exact_desitter 2 inputs/exact_desitter.toml time.t_end=1.0
echo "done: $out"
