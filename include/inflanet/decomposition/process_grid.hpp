#pragma once
/// \file
/// \brief The BLACS process grid that ScaLAPACK's block-cyclic matrices live on, as one RAII object, with the
/// collective verbs its users need (sums, maxima and broadcasts of doubles), so that physics code never calls
/// MPI or BLACS itself.

#include <mpi.h>

#include <span>
#include <utility>

namespace inflanet {

/// \brief Every rank of a communicator on an nprow x npcol BLACS grid (row-major rank order: rank = myrow
/// npcol + mycol), as near square as the rank count allows: nprow is the largest divisor of the size not
/// above its square root, so 1 -> 1 x 1, 2 -> 1 x 2, 3 -> 1 x 3, 4 -> 2 x 2, 6 -> 2 x 3, 12 -> 3 x 4.
///
/// Owns a duplicate of the communicator (its reductions never mix with the caller's messages) and the BLACS
/// context, both released in the destructor (collective, like the constructor). Movable, not copyable.
class ProcessGrid {
public:
  /// \brief Collective over `comm`.
  explicit ProcessGrid(MPI_Comm comm);
  ~ProcessGrid();
  ProcessGrid(const ProcessGrid&) = delete;
  ProcessGrid& operator=(const ProcessGrid&) = delete;
  ProcessGrid(ProcessGrid&& other) noexcept;
  ProcessGrid& operator=(ProcessGrid&& other) noexcept;

  /// \brief {nprow, npcol} of the grid for `ranks` processes (the rule above). No MPI.
  [[nodiscard]] static std::pair<int, int> shape(int ranks) noexcept;

  [[nodiscard]] int nprow() const noexcept { return nprow_; }
  [[nodiscard]] int npcol() const noexcept { return npcol_; }
  [[nodiscard]] int myrow() const noexcept { return myrow_; }
  [[nodiscard]] int mycol() const noexcept { return mycol_; }
  /// \brief Ranks on the grid (nprow npcol) and this rank's number in the owned communicator.
  [[nodiscard]] int size() const noexcept { return nprow_ * npcol_; }
  [[nodiscard]] int rank() const noexcept { return rank_; }
  /// \brief The BLACS context, for ScaLAPACK descriptors (-1 after a move).
  [[nodiscard]] int context() const noexcept { return context_; }

  /// \brief Elementwise sum over the grid's ranks, in place (MPI_Allreduce). Collective.
  void sum_in_place(std::span<double> values) const;
  /// \brief Elementwise maximum over the grid's ranks, in place (MPI_Allreduce). Collective.
  void max_in_place(std::span<double> values) const;
  /// \brief Rank 0's values on every rank (sizes must agree). Collective.
  void broadcast(std::span<double> values) const;

  /// \brief True while `context` is a live BLACS grid this process belongs to (false once released).
  [[nodiscard]] static bool context_alive(int context) noexcept;
  /// \brief ProcessGrid objects holding a context in this process (a leak check for the tests).
  [[nodiscard]] static int live_grids() noexcept;

private:
  void release() noexcept;

  MPI_Comm comm_ = MPI_COMM_NULL;
  int context_ = -1;
  int nprow_ = 0, npcol_ = 0, myrow_ = -1, mycol_ = -1, rank_ = 0;
};

} // namespace inflanet
