#!/usr/bin/env bash
# Runs every benchmark in the configurations docs/performance.md reports:
#   FFT-pair overhead of the Field API: N = 64, 128, 256 at 1 and 2 ranks;
#   inflaton step cost: N = 128, 256 at 1 rank x 1 thread, 2 ranks x 1 thread, 1 rank x 2 threads;
#   multi-field (2-field) step cost: N = 128, 256 at 1 and 2 ranks x 1 thread;
#   Fourier-feature layer step cost: M = 32, 64 at 1 and 2 ranks;
#   NTK eigendecomposition (dsyevr / pdsyevd) at N = 4096 on 1 and 2 ranks.
# Usage: bash bench/run_benchmarks.sh [build-dir]   (build first: bash .ci/setup)
set -euo pipefail
build=${1:-build}
root=""
if [ "$(id -u)" -eq 0 ]; then root="--allow-run-as-root"; fi
mpi="mpirun $root --oversubscribe --bind-to none"

echo "## FFT pair: Field API vs plain FFTW-MPI"
for np in 1 2; do
  OMP_NUM_THREADS=1 $mpi -np $np -x OMP_NUM_THREADS "$build/bench/bench_fft_pair_overhead" 64 128 256
done
echo
echo "## One-field lattice step vs FFT-pair floor"
OMP_NUM_THREADS=1 $mpi -np 1 -x OMP_NUM_THREADS "$build/bench/bench_step_cost" 128 256
OMP_NUM_THREADS=1 $mpi -np 2 -x OMP_NUM_THREADS "$build/bench/bench_step_cost" 128 256
OMP_NUM_THREADS=2 $mpi -np 1 -x OMP_NUM_THREADS "$build/bench/bench_step_cost" 128 256
echo
echo "## Multi-field step (2 fields, chaotic_g2) vs FFT floor x evaluations x fields"
for np in 1 2; do
  OMP_NUM_THREADS=1 $mpi -np $np -x OMP_NUM_THREADS "$build/bench/bench_multi_field_step" 128 256
done
echo
echo "## Fourier-feature layer (exact dual, depth 0) step vs FFT-pair floor"
for np in 1 2; do
  OMP_NUM_THREADS=1 $mpi -np $np -x OMP_NUM_THREADS "$build/bench/bench_fourier_layer" 32 64
done
echo
echo "## NTK eigendecomposition: dsyevr on 1 rank, ScaLAPACK pdsyevd on 2, against an N^3 dgemm floor"
for np in 1 2; do
  OPENBLAS_NUM_THREADS=1 $mpi -np $np -x OPENBLAS_NUM_THREADS "$build/bench/bench_ntk_eigensystem" 4096 2
done
