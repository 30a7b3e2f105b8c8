#pragma once
/// \file
/// \brief The full eigendecomposition Theta = Q Lambda Q^T of a DistributedNtk, with the eigenvectors left
/// distributed over the ranks (physics.md §5): no rank holds more of Theta or Q than its share.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "inflanet/decomposition/process_grid.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"

namespace inflanet {

/// \brief Eigenvalues (all N, ascending, on every rank) and eigenvectors (block-cyclic over a ProcessGrid)
/// of the empirical NTK of a built DistributedNtk.
///
/// On one rank: LAPACK dsyevr on the full kernel, the very call ntk_eigen makes (same eigenvalues and
/// eigenvectors, bit for bit, as ntk_eigen of the kernel's rows, the same sign rule included). On more ranks:
/// ScaLAPACK pdsyevd on an nprow x npcol grid, the matrix built tile by tile from the DistributedNtk's
/// gathered factors (ntk_block), so Theta is never gathered or redistributed; the eigenvectors stay
/// block-cyclic. Every rank then holds about 2 N^2 / P doubles of matrix and eigenvectors plus pdsyevd's
/// workspace (about 2 N^2 / P more) while computing, and N^2 / P (the eigenvectors) afterwards.
///
/// Eigenvectors are columns of Q, ordered like values(); their signs follow fix_eigenvector_signs (the
/// largest-magnitude component positive, ties to the lowest global index), applied after either solver, so
/// outside degenerate eigenspaces every rank count gives the same vectors to rounding. Inside a degenerate
/// eigenspace the basis is whatever the solver returns (it differs between rank counts) and the rule is
/// applied to that basis: only quantities that do not depend on the choice (cluster sums of products of
/// components, synthesize(f(Lambda) components(v))) are physical there, and they agree across rank counts to
/// rounding. Collective verbs are marked; the object is movable, not copyable.
class NtkEigensystem {
public:
  /// \brief ScaLAPACK block size used when N is large enough (tiles of 64 x 64 keep the tile builds and
  /// pdsyevd's panels in BLAS-3 territory).
  static constexpr int default_block = 64;

  /// \brief Diagonalises the kernel of `ntk` (built: DistributedNtk::build). Collective over its
  /// distribution's communicator. block = 0 picks min(default_block, ceil(N / max(nprow, npcol))), so small
  /// kernels still give every process row and column a block; tests pass a small block to exercise the
  /// cyclic wrap-around. Throws RuntimeError for an unbuilt kernel and, identically on every rank, with the
  /// info code if ScaLAPACK fails; LAPACK failures on one rank as ntk_eigen does.
  [[nodiscard]] static NtkEigensystem compute(const DistributedNtk& ntk, int block = 0);

  /// \brief N.
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
  /// \brief All N eigenvalues ascending, identical on every rank; negative round-off values set to 0.
  [[nodiscard]] std::span<const double> values() const noexcept { return values_; }
  /// \brief How many eigenvalues were negative (round-off) and set to 0, and the most negative (0 if none).
  [[nodiscard]] std::size_t clamped() const noexcept { return clamped_; }
  [[nodiscard]] double most_negative() const noexcept { return most_negative_; }

  /// \brief Q^T v: the components of v (N values in point order, the same on every rank) along every
  /// eigenvector, in eigenvalue order, on every rank. Each rank multiplies its local tiles, then one sum of
  /// N doubles over the ranks. Collective. InputError for a vector of the wrong length.
  [[nodiscard]] std::vector<double> components(std::span<const double> v) const;
  /// \brief Q w: the N-vector (point order) with components w (eigenvalue order, the same on every rank), on
  /// every rank. Inverse of components. Collective. InputError for a vector of the wrong length.
  [[nodiscard]] std::vector<double> synthesize(std::span<const double> w) const;

  /// \brief True where pdsyevd ran (more than one rank), false for dsyevr.
  [[nodiscard]] bool distributed() const noexcept { return grid_.size() > 1; }
  /// \brief The grid the eigenvectors are distributed over, and the block size (N on one rank).
  [[nodiscard]] const ProcessGrid& grid() const noexcept { return grid_; }
  [[nodiscard]] int block_size() const noexcept { return block_; }
  /// \brief Eigenvector rows x columns this rank holds (N x N on one rank).
  [[nodiscard]] std::size_t local_rows() const noexcept { return row_index_.size(); }
  [[nodiscard]] std::size_t local_cols() const noexcept { return col_index_.size(); }

  /// \brief Peak doubles this rank held for the decomposition: its matrix tiles plus the larger of the tile
  /// buffers (while building) and the eigenvector tiles, eigenvalues and solver workspace (while solving;
  /// integers counted at their size in doubles). The DistributedNtk's own rows and factors are not included.
  /// For memory reports.
  [[nodiscard]] std::size_t local_doubles() const noexcept { return peak_doubles_; }
  /// \brief This rank's wall time in compute: building its matrix (tiles from the factors; the transposed
  /// copy on one rank) and the solver (dsyevr or pdsyevd, workspace query included), in seconds.
  [[nodiscard]] double build_seconds() const noexcept { return build_seconds_; }
  [[nodiscard]] double solve_seconds() const noexcept { return solve_seconds_; }
  /// \brief Doubles this rank keeps after compute (eigenvectors and eigenvalues).
  [[nodiscard]] std::size_t stored_doubles() const noexcept { return vectors_.size() + values_.size(); }

private:
  explicit NtkEigensystem(ProcessGrid grid) : grid_(std::move(grid)) {}
  void solve_serial(const DistributedNtk& ntk);
  void solve_distributed(const DistributedNtk& ntk, int block);
  /// Q^T x (transpose) or Q x, on every rank (collective).
  [[nodiscard]] std::vector<double> multiply(std::span<const double> x, bool transpose) const;

  ProcessGrid grid_;
  int block_ = 0;
  std::vector<double> values_;
  std::vector<double> vectors_; ///< local tiles of Q, column-major, leading dim local_rows()
  std::vector<std::size_t> row_index_, col_index_; ///< global row / column of each local row / column
  std::size_t clamped_ = 0;
  double most_negative_ = 0.0;
  std::size_t peak_doubles_ = 0;
  double build_seconds_ = 0.0, solve_seconds_ = 0.0;
};

} // namespace inflanet
