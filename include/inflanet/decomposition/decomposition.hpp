#pragma once
/// \file
/// \brief Which rank owns which planes of the lattice, and the collective verbs physics code may use.

#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/decomposition/box.hpp"

namespace inflanet {

/// \brief FFTW-MPI slab decomposition of a Box over a communicator.
///
/// Real space: rank r owns x-planes [x_start, x_start + local_nx) of the row-major array
/// phi[x][y][z], stored padded as local_nx * N * 2(N/2+1) doubles (r2c in-place layout).
/// Fourier space is *transposed* (FFTW_MPI_TRANSPOSED_OUT): rank r owns ky-planes
/// [ky_start, ky_start + local_nky) of f~[ky][kx][kz], kz in [0, N/2], stored as
/// local_nky * N * (N/2+1) complex numbers. N need not be divisible by the rank count; a rank may own
/// zero planes. This object is the only place MPI reductions happen for physics code.
class Decomposition {
public:
  explicit Decomposition(const Box& box, MPI_Comm comm = MPI_COMM_WORLD);

  [[nodiscard]] const Box& box() const noexcept { return box_; }
  [[nodiscard]] std::ptrdiff_t n() const noexcept { return box_.n; }
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }
  [[nodiscard]] bool is_root() const noexcept { return rank_ == 0; }

  [[nodiscard]] std::ptrdiff_t local_nx() const noexcept { return local_nx_; }
  [[nodiscard]] std::ptrdiff_t x_start() const noexcept { return x_start_; }
  [[nodiscard]] std::ptrdiff_t local_nky() const noexcept { return local_nky_; }
  [[nodiscard]] std::ptrdiff_t ky_start() const noexcept { return ky_start_; }
  /// \brief Complex elements to allocate per field (>= both layouts, FFTW's own figure).
  [[nodiscard]] std::ptrdiff_t alloc_complex() const noexcept { return alloc_complex_; }
  /// \brief Number of complex kz values, N/2 + 1; the padded real row holds 2 (N/2 + 1) doubles.
  [[nodiscard]] std::ptrdiff_t nz_complex() const noexcept { return box_.n / 2 + 1; }
  [[nodiscard]] std::ptrdiff_t nz_padded() const noexcept { return 2 * nz_complex(); }
  /// \brief Sites this rank owns (local_nx * N * N).
  [[nodiscard]] std::ptrdiff_t local_sites() const noexcept { return local_nx_ * box_.n * box_.n; }

  /// \brief Global sums, extrema and logical reductions over all ranks (collective).
  [[nodiscard]] double sum(double local) const;
  void sum_in_place(std::span<double> values) const;
  [[nodiscard]] double max(double local) const;
  [[nodiscard]] double min(double local) const;
  [[nodiscard]] bool all(bool local) const;
  /// \brief Barrier; used around file renames by the I/O layer, never inside physics.
  void barrier() const;
  /// \brief Broadcast a value or string from rank 0.
  [[nodiscard]] double broadcast(double value) const;
  void broadcast(std::vector<char>& bytes) const;

  /// \brief The communicator, for the FFT and I/O layers only.
  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }

private:
  Box box_;
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  std::ptrdiff_t local_nx_ = 0, x_start_ = 0, local_nky_ = 0, ky_start_ = 0, alloc_complex_ = 0;
};

} // namespace inflanet
