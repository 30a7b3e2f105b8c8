#pragma once
/// \file
/// \brief Matching the network's initial velocity to the inflaton's (physics.md §5): the momentum
/// p0 = J^T alpha with Theta alpha = b gives the output velocity df/dt(t0) = J p0 = J J^T alpha = Theta alpha
/// = b (p = v / sqrt(eta): the framework's velocity is v0 = h J^T alpha). One kernel solve, one
/// vector-Jacobian product. Exact for the linearised model; for the trained network df/dt(t0) = J p0 holds as
/// well, and the code measures it by a central difference.

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/nn/mlp.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

class NtkEigensystem;

/// \brief alpha = Theta^+ b through the eigendecomposition, the eigenvalues at or below `resolution`
/// (rounding level) left out: the network cannot move its outputs along those directions at all.
///
/// With cut > resolution the eigenvalues in (resolution, cut] are left out as well (duality.velocity_cut):
/// the velocity is matched only in the subspace the kernel carries at a bounded parameter speed. The
/// momentum p0 = J^T alpha has |p0|^2 = alpha^T Theta alpha = sum_k b_k^2 / lambda_k, so matching b_k along
/// an eigenvalue lambda_k costs a speed b_k / sqrt(lambda_k): the near-zero eigenvalues of a finite network
/// (lambda_min / lambda_max ~ 1e-8) demand parameter speeds that leave the linear regime at once. What is
/// left out is recorded as its share of ||b||.
struct KernelSolve {
  std::vector<double> alpha;
  std::size_t dropped = 0;       ///< eigenvalues at rounding level left out
  double dropped_fraction = 0.0; ///< ||b's part along them|| / ||b||
  std::size_t cut = 0;           ///< eigenvalues above the rounding level but at or below the cut left out
  double cut_fraction = 0.0;     ///< ||b's part along them|| / ||b||
  /// \brief ||b's part along every eigenvalue left out|| / ||b||: the unmatched part of the velocity.
  [[nodiscard]] double unmatched_fraction() const;
};
[[nodiscard]] KernelSolve solve_kernel(const NtkSpectrum& spectrum, std::span<const double> b,
                                       double resolution, double cut = 0.0);
/// \brief The same through distributed eigenvectors: components, the same dropping rule, synthesize. b (N
/// values, the same on every rank) and alpha on every rank. Collective.
[[nodiscard]] KernelSolve solve_kernel(const NtkEigensystem& eigensystem, std::span<const double> b,
                                       double resolution, double cut = 0.0);

/// \brief J^T alpha over this rank's points: sum_i alpha_i df(x_i)/dtheta (one forward and one backward pass
/// of `network` on x_local; size P). The caller sums it over the ranks' blocks.
[[nodiscard]] std::vector<double> vector_jacobian_product(Mlp& network, std::span<const double> x_local,
                                                          std::size_t points,
                                                          std::span<const double> alpha_local);

} // namespace inflanet
