#!/usr/bin/env bash
# Runs every shipped deck of inputs/ (short versions of the long ones) with one build into OUT/<case>/, so
# that two builds (say main and a refactor that must not change a bit) can be compared dataset by dataset
# with bench/h5_bitwise_diff.py. Besides the decks as shipped: alpha = 1 (the friction folded into the drift),
# snapshots and checkpoints, uneven 3-rank splits (one-field Minkowski, preheating), and three restarts
# (one field, the coupled run with its companion state, Friedmann preheating) from the checkpoints of
# CHECKPOINTS_FROM (default: OUT itself), so that a checkpoint an older build wrote must continue bit for bit
# with this one. One thread per rank: OpenMP reductions combine their threads' partial sums in arrival
# order, so only one thread is bitwise reproducible. About three minutes on the 2-core VM.
# Usage: bash bench/bitwise_decks.sh BUILD_DIR OUT_DIR [CHECKPOINTS_FROM]
#        /usr/bin/python3 bench/h5_bitwise_diff.py REF_DIR OUT_DIR
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
out=${2:?output dir}
mkdir -p "$out"
out=$(cd "$out" && pwd)
from=$(cd "${3:-$out}" && pwd)
root=""
if [ "$(id -u)" -eq 0 ]; then root="--allow-run-as-root"; fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mpi="mpirun $root --oversubscribe --bind-to none -x OMP_NUM_THREADS -x OPENBLAS_NUM_THREADS"
cd "$(dirname "$0")/.."

# ONLY="case ..." runs just those cases (the others' directories are left as they are).
wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

run() { # case ranks deck overrides...
  local name=$1 np=$2 deck=$3
  shift 3
  wanted "$name" || return 0
  rm -rf "$out/$name"
  echo "== $name ($np ranks): $deck $*"
  $mpi -np "$np" "$build/inflanet" run "$deck" "output.dir=$out/$name" "$@" > "$out/$name.log" 2>&1 ||
    { tail -20 "$out/$name.log"; exit 1; }
}

restart() { # case ranks deck source_case checkpoint_step overrides...: continue source_case from a checkpoint
  local name=$1 np=$2 deck=$3 source=$4 at=$5
  shift 5
  wanted "$name" || return 0
  rm -rf "${out:?}/$name"
  mkdir -p "$out/$name"
  # The whole directory: a run continues its files (truncated back to the checkpoint's step on reopening).
  cp -r "$from/$source/." "$out/$name/"
  echo "== $name ($np ranks): $deck from $source/checkpoint_$at.h5 $*"
  $mpi -np "$np" "$build/inflanet" run "$deck" "output.dir=$out/$name" "restart=\"$out/$name/checkpoint_$at.h5\"" \
    "$@" > "$out/$name.log" 2>&1 || { tail -20 "$out/$name.log"; exit 1; }
}

# One field.
run desitter_quadratic 2 inputs/desitter_quadratic.toml time.t_end=1.0 output.snapshot_every=50 \
  output.checkpoint_every=50
run desitter_alpha1 2 inputs/desitter_quadratic.toml time.t_end=0.5 time.alpha=1.0 time.integrator=leapfrog \
  output.checkpoint_every=25
run desitter_massless 1 inputs/desitter_massless.toml time.t_end=0.5
run minkowski_quartic_np3 3 inputs/minkowski_quartic.toml time.t_end=20.0
# Several fields: Friedmann preheating, at 2 and 3 ranks.
run preheating 2 inputs/preheating.toml lattice.N=16 time.t_end=2.5e5 output.checkpoint_every=50 \
  output.snapshot_every=50
run preheating_np3 3 inputs/preheating.toml lattice.N=24 time.t_end=1.0e5
# The coupled runs and the exact duals.
run default 2 inputs/default.toml time.t_end=0.5 output.checkpoint_every=10
run calibrated 2 inputs/calibrated.toml time.t_end=0.3
run counterexample_erf 2 inputs/counterexample_erf.toml time.t_end=0.3
run coupled_m32 2 inputs/coupled_m32.toml time.t_end=0.06
run duality_scan 2 inputs/duality_scan.toml time.t_end=0.3
run exact_desitter 2 inputs/exact_desitter.toml time.t_end=1.0
run exact_minkowski 2 inputs/exact_minkowski.toml time.t_end=3.0
run duality_departure 2 inputs/duality_departure.toml time.t_end=1.0
# The network alone.
run network_lattice 2 inputs/network_lattice.toml network.steps=50
# Restarts from CHECKPOINTS_FROM: each must reproduce its source case's files from the checkpoint on.
restart desitter_quadratic_restart 2 inputs/desitter_quadratic.toml desitter_quadratic 50 time.t_end=1.0 \
  output.snapshot_every=50 output.checkpoint_every=50
restart desitter_alpha1_restart 2 inputs/desitter_quadratic.toml desitter_alpha1 25 time.t_end=0.5 \
  time.alpha=1.0 time.integrator=leapfrog output.checkpoint_every=25
restart preheating_restart 2 inputs/preheating.toml preheating 50 lattice.N=16 time.t_end=2.5e5 \
  output.checkpoint_every=50 output.snapshot_every=50
restart default_restart 2 inputs/default.toml default 20 time.t_end=0.5 output.checkpoint_every=10
echo "done: $out"
