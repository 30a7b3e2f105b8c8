#pragma once
/// \file
/// \brief Training points split over MPI ranks in contiguous blocks, and the collective verbs the network
/// code uses (sums, gathers, broadcasts), so that physics code never calls MPI itself.

#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

namespace inflanet {

/// \brief N points split over the ranks of a communicator like lattice planes: rank r owns the contiguous
/// block [begin(r), begin(r) + count(r)), the first N mod R ranks one point more. A rank may own none.
///
/// Every verb is collective over the communicator and deterministic: gathers concatenate the blocks in
/// rank order, so a gathered vector is identical for any rank count.
class PointDistribution {
public:
  PointDistribution(std::size_t points, MPI_Comm comm = MPI_COMM_WORLD);

  [[nodiscard]] std::size_t points() const noexcept { return points_; }
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }
  [[nodiscard]] bool is_root() const noexcept { return rank_ == 0; }
  /// \brief First point of rank r's block, and how many it owns.
  [[nodiscard]] std::size_t begin(int r) const noexcept { return begins_[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::size_t count(int r) const noexcept { return counts_[static_cast<std::size_t>(r)]; }
  /// \brief This rank's block.
  [[nodiscard]] std::size_t local_begin() const noexcept { return begin(rank_); }
  [[nodiscard]] std::size_t local_count() const noexcept { return count(rank_); }

  /// \brief Global sum of a scalar, and elementwise in place (MPI_Allreduce).
  [[nodiscard]] double sum(double local) const;
  void sum_in_place(std::span<double> values) const;
  /// \brief Every rank's block of `width` values per point, concatenated in point order on every rank:
  /// local has local_count() * width values, the result points() * width.
  [[nodiscard]] std::vector<double> all_gather(std::span<const double> local, std::size_t width) const;
  /// \brief As all_gather, but only rank 0 receives (others get an empty vector).
  [[nodiscard]] std::vector<double> gather_to_root(std::span<const double> local, std::size_t width) const;
  /// \brief Rank 0's values on every rank (sizes must agree).
  void broadcast(std::span<double> values) const;
  /// \brief True on every rank when `local` is true on every rank.
  [[nodiscard]] bool all(bool local) const;
  /// \brief The communicator, for the I/O layer only (collective checkpoint files).
  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }

private:
  std::vector<double> gather_impl(std::span<const double> local, std::size_t width, bool to_all) const;

  std::size_t points_;
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::vector<std::size_t> begins_, counts_;
};

} // namespace inflanet
