#pragma once
/// \file
/// \brief The empirical NTK of points split over MPI ranks (physics.md §4): every rank holds the rows of
/// Theta of its own points, built from all ranks' gathered layer factors; products Theta r use the row
/// blocks and never gather Theta.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/nn/mlp.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

/// \brief Largest N for which Theta is gathered onto one rank and diagonalised there (LAPACKE_dsyevr):
/// O(N^3) time and about 3 N^2 doubles on rank 0 (Theta, its copy, the eigenvectors): 2.4 GB at 10^4.
/// NtkEigensystem (ntk_eigensystem.hpp) has no such limit: on several ranks it diagonalises Theta with
/// ScaLAPACK from each rank's block-cyclic share, about 4 N^2 / P doubles per rank.
inline constexpr std::size_t ntk_eigen_max_points = 10000;

/// \brief Rows [local_begin, local_begin + local_count) of the N x N kernel, row-major.
///
/// build() runs the network's forward and backward(1) passes on this rank's points, gathers every layer's
/// A_k [N x n_k] and G_k [N x n_{k+1}] from all ranks (about N (2 width + d) doubles per layer, kept: any
/// block of Theta can be recomputed from them) and calls ntk_block for the local rows, in chunks of
/// ntk_row_chunk rows so that the work space stays O(chunk x N) and the peak is the row block itself. The
/// rows are identical, to rounding of the per-row dgemm, for any rank count (they depend on the gathered
/// factors only).
/// \brief Rows per ntk_block call in a build or a drift measurement: 2 x 128 x N doubles of work space and
/// 128 x N of rows (100 MB together at N = 32768).
inline constexpr std::size_t ntk_row_chunk = 128;

class DistributedNtk {
public:
  explicit DistributedNtk(const PointDistribution& distribution) : distribution_(&distribution) {}

  /// \brief Builds this rank's rows for `network` (O = 1) on the local inputs x_local [local_count x d].
  /// Collective. `progress` (optional) is called after every chunk of rows with this rank's rows done and
  /// its total (the caller reports; this layer prints nothing).
  void build(Mlp& network, std::span<const double> x_local,
             const std::function<void(std::size_t, std::size_t)>& progress = {});
  /// \brief local_count x N, row-major.
  [[nodiscard]] std::span<const double> rows() const noexcept { return rows_; }
  [[nodiscard]] const PointDistribution& distribution() const noexcept { return *distribution_; }
  /// \brief out = scale Theta r for a full N-vector r held by every rank; the result is the full N-vector on
  /// every rank (local rows times r, then one all-gather of N doubles). Collective.
  void apply(std::span<const double> r, double scale, std::span<double> out) const;
  /// \brief ||Theta(network) - Theta||_F^2 without storing Theta(network): its rows are built chunk by chunk
  /// and compared with this kernel's (the drift of the NTK at O(chunk x N) extra memory). Collective.
  [[nodiscard]] double distance_squared_to(Mlp& network, std::span<const double> x_local) const;
  /// \brief Every point's factors (gathered by build()), for kernels built in other layouts.
  [[nodiscard]] const NtkFactors& factors() const noexcept { return factors_; }
  /// \brief Frees the gathered factors once no other layout is to be built (about N (2 width + d) doubles
  /// per layer); rows(), apply() and distance_squared_to() do not need them.
  void release_factors() noexcept;
  /// \brief ||Theta||_F^2. Collective.
  [[nodiscard]] double norm_squared() const;
  /// \brief The full N x N kernel on rank 0 (empty elsewhere). Collective.
  [[nodiscard]] std::vector<double> gather_to_root() const;

private:
  /// Gathers every layer's factors of `network` on the local inputs into `storage`; views in the result.
  NtkFactors gather_factors(Mlp& network, std::span<const double> x_local,
                            std::vector<std::vector<double>>& storage) const;

  const PointDistribution* distribution_;
  std::vector<std::vector<double>> gathered_;
  NtkFactors factors_;
  std::vector<double> rows_;
  mutable std::vector<double> work_;
  mutable std::vector<double> local_out_;
};

} // namespace inflanet
