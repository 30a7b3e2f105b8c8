#pragma once
/// \file
/// \brief The network-only run: `inflanet run DECK` for a deck with [network] and no [inflaton].

#include <optional>
#include <vector>

#include "inflanet/app/network_parameters.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/krylov.hpp"
#include "inflanet/ntk/ntk_eigensystem.hpp"

namespace inflanet {

/// \brief The spectrum of Theta(0) that the network-only and the coupled run record. network.ntk_spectrum =
/// "full": the eigensystem (LAPACK's dsyevr on one rank, ScaLAPACK's pdsyevd on a process grid beyond it, the
/// eigenvectors left distributed) and, for N <= ntk_eigen_max_points only, Theta itself on rank 0 (nn.h5's
/// ntk[N,N], for post-processing small runs: the only gather); "extremes": lambda_max and the smallest Ritz
/// value by Lanczos on the row blocks (no rank holds more of Theta than its rows).
struct InitialNtkSpectrum {
  std::optional<NtkEigensystem> eigensystem; ///< full only
  std::vector<double> eigenvalues, theta0;   ///< full only: ascending; Theta(0) on rank 0 (small N)
  KernelExtremes extremes;                   ///< extremes only
  double lambda_max = 0.0, lambda_min = 0.0; ///< either way (lambda_min: an upper bound by Lanczos)
};

/// \brief Builds Theta(0)'s rows (DistributedNtk::build), rank 0 printing a progress line (rows done of its
/// block, rate, ETA: StageProgress) when `report`. Collective.
void build_ntk_rows(DistributedNtk& ntk0, Mlp& network, std::span<const double> x_local, bool report);

/// \brief The spectrum of a built `ntk0` (full or extremes), after which its factors are released: every
/// later use of Theta(0) goes through its rows. With `report`, rank 0 prints the Lanczos iterations'
/// progress, or the eigendecomposition's start line with its N^3 estimate (RunTimeModel) and its end line
/// with the duration. Collective.
[[nodiscard]] InitialNtkSpectrum initial_ntk_spectrum(DistributedNtk& ntk0, bool full, bool report = false);

/// \brief Trains the network by the deck's integrator (h = sqrt(eta)), full batch over the points split
/// across ranks, beside its NTK linearisation, writing nn.h5 and resolved.toml into output.dir. Throws
/// InputError naming network.eta when eta c lambda_max exceeds the integrator's stability bound, and a
/// collective RuntimeError when the loss stops being finite. Rank 0 prints the summary.
void run_network(const NetworkParameters& parameters, const Session& session);

} // namespace inflanet
