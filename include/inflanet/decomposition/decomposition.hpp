#pragma once
/// \file
/// \brief Which rank owns which planes of the lattice, and the collective verbs physics code may use.

#include <mpi.h>

#include <cstddef>
#include <span>
#include <string>

#include "inflanet/base/box.hpp"
#include "inflanet/decomposition/slab_layout.hpp"

namespace inflanet {

/// \brief FFTW-MPI slab decomposition of a Box over a communicator.
///
/// Rank r owns x-planes [x_start, x_start + local_nx) in real space and, the Fourier side being transposed
/// (FFTW_MPI_TRANSPOSED_OUT), ky-planes [ky_start, ky_start + local_nky); layout() says where its sites and
/// modes are stored, and lattice_loops.hpp visits them. N need not be divisible by the rank count; a rank
/// may own zero planes. This object is the only place MPI reductions happen for physics code.
class Decomposition {
public:
  explicit Decomposition(const Box& box, MPI_Comm comm = MPI_COMM_WORLD);

  [[nodiscard]] const Box& box() const noexcept { return box_; }
  [[nodiscard]] std::ptrdiff_t n() const noexcept { return box_.n; }
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }
  [[nodiscard]] bool is_root() const noexcept { return rank_ == 0; }

  /// \brief This rank's planes and how its buffers are laid out (see SlabLayout).
  [[nodiscard]] const SlabLayout& layout() const noexcept { return layout_; }
  /// \brief Complex elements to allocate per field (>= both layouts, FFTW's own figure).
  [[nodiscard]] std::ptrdiff_t alloc_complex() const noexcept { return alloc_complex_; }

  /// \brief Global sums, extrema and logical reductions over all ranks (collective).
  [[nodiscard]] double sum(double local) const;
  void sum_in_place(std::span<double> values) const;
  [[nodiscard]] double max(double local) const;
  [[nodiscard]] double min(double local) const;
  [[nodiscard]] bool all(bool local) const;
  /// \brief Barrier; used around file renames by the I/O layer, never inside physics.
  void barrier() const;
  /// \brief Broadcast a value from rank 0 (a string: broadcast_string).
  [[nodiscard]] double broadcast(double value) const;

  /// \brief The communicator, for the FFT and I/O layers only.
  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }

private:
  Box box_;
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  SlabLayout layout_;
  std::ptrdiff_t alloc_complex_ = 0;
};

/// \brief Rank 0's `text` on every rank of `comm`, whatever the others hold (collective). For the FFT and
/// I/O layers, whose strings (wisdom, a failure's reason) are decided on rank 0.
[[nodiscard]] std::string broadcast_string(const std::string& text, MPI_Comm comm);

} // namespace inflanet
