#pragma once
/// \file
/// \brief The run-time model of `inflanet check` and of the long stages' start lines: a documented model
/// with constants measured on the project's reference machine (2 cores; docs/performance.md), not a
/// measurement of the machine that runs check. It says how long a run takes there and how the cost grows
/// (N^3 sites per force evaluation, N_sites^2 for Theta(0)'s rows, N_sites^3 for its eigendecomposition);
/// on another machine scale it by that machine's speed.

#include <cstddef>
#include <string>

#include "inflanet/nn/mlp.hpp"

namespace inflanet {

/// \brief The model's constants (reference machine, one thread per rank).
struct RunTimeModel {
  /// Seconds per lattice site per force evaluation per field on one rank: a leapfrog step of the one-field
  /// inflaton at 256^3 on 1 rank x 1 thread took 12.8 ns per site (docs/performance.md, "step" table; one
  /// r2c + c2r pair and three elementwise passes).
  static constexpr double lattice_seconds_per_site = 12.8e-9;
  /// Sustained double-precision flop rate of the BLAS-3 products that build Theta(0)'s rows and train the
  /// network (OpenBLAS dgemm, one core).
  static constexpr double flops_per_second = 2.0e10;
  /// Seconds per N^3 of the dense eigendecomposition with eigenvectors: the default deck's N = 4096 took
  /// 26.8 s by ScaLAPACK pdsyevd on 2 ranks on the quiet machine. With its 2 cores shared by about 8
  /// processes dsyevr on 1 rank took 54 s and pdsyevd on 2 ranks 80 s: more ranks on 2 cores are no faster,
  /// so the model does not divide by the ranks.
  static constexpr double eigen_seconds_per_n3 = 3.9e-10;
};

/// \brief One run's estimated wall time by stage, in seconds, and the model's basis.
struct RunTimeEstimate {
  double lattice = 0.0;            ///< the time loop's lattice steps
  double network = 0.0;            ///< the network's training steps (and its linearisation)
  double ntk_rows = 0.0;           ///< Theta(0)'s rows and each later drift measurement
  double eigendecomposition = 0.0; ///< Theta(0)'s dense eigendecomposition (ntk_spectrum = "full")
  [[nodiscard]] double total() const noexcept { return lattice + network + ntk_rows + eigendecomposition; }
  /// \brief `check`'s lines: the total, each stage with its formula, and the basis.
  [[nodiscard]] std::string report() const;
};

/// \brief steps x force evaluations per step x fields x sites x lattice_seconds_per_site / ranks (ideal
/// scaling: on the 2-core reference machine 2 ranks gave 1.2-1.6 x, not 2 x).
[[nodiscard]] double lattice_seconds(double sites, double steps, int force_evaluations, std::size_t fields,
                                     int ranks);
/// \brief Flops of Theta's rows for `points` training points: per layer 2 N^2 (n_in + n_out) (two dgemm
/// products per layer, ntk_block), over flops_per_second x ranks.
[[nodiscard]] double ntk_rows_seconds(double points, const MlpParams& network, int ranks);
/// \brief eigen_seconds_per_n3 x N^3 (on any number of ranks: see RunTimeModel).
[[nodiscard]] double eigendecomposition_seconds(double points);
/// \brief `steps` training steps of the network on `points` points: a forward and a backward pass (6 flops
/// per parameter and point) per force evaluation, plus the linearised model's product with Theta's rows
/// (2 N^2), over flops_per_second x ranks.
[[nodiscard]] double network_seconds(double points, const MlpParams& network, double steps,
                                     int force_evaluations, int ranks);

} // namespace inflanet
