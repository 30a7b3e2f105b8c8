#pragma once
/// \file
/// \brief Where this rank's sites and modes sit in its FFTW buffers: the one description of the slab
/// layout. A plain value type with no MPI in it (Decomposition fills it from FFTW's figures), so the
/// geometry is testable without ranks.
///
/// Everything else reaches the layout through rows (SiteRow, ModeRow) and the loops over them
/// (lattice_loops.hpp). A pencil decomposition would be another layout with the same row interface
/// (rows(), row(r)), and the loops would not change.

#include <array>
#include <cstddef>

#include "inflanet/base/box.hpp"

namespace inflanet {

/// \brief A block of global indices: [start[a], start[a] + count[a]) along each of three axes, in the axis
/// order of the storage it describes (real space (x, y, z), transposed Fourier space (ky, kx, kz)).
struct IndexBox {
  std::array<std::ptrdiff_t, 3> start{};
  std::array<std::ptrdiff_t, 3> count{};

  [[nodiscard]] std::ptrdiff_t size() const noexcept { return count[0] * count[1] * count[2]; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
};

/// \brief One lattice site owned by this rank: global indices (ix, iy, iz), each in [0, N), and the offset
/// of its double in the padded real-space buffer.
struct Site {
  std::ptrdiff_t ix = 0, iy = 0, iz = 0;
  std::ptrdiff_t offset = 0;
};

/// \brief The sites (ix, iy, 0 .. N-1) of one z-row: contiguous doubles at offset + iz, iz in [0, length),
/// then `padding` doubles that belong to no site (the r2c in-place layout's tail: 2 for even N, 1 for odd).
struct SiteRow {
  std::ptrdiff_t ix = 0, iy = 0;
  std::ptrdiff_t offset = 0;
  std::ptrdiff_t length = 0;
  std::ptrdiff_t padding = 0;

  [[nodiscard]] Site site(std::ptrdiff_t iz) const noexcept { return {ix, iy, iz, offset + iz}; }
};

/// \brief One Fourier mode of the half space that the r2c transform stores (kz index in [0, N/2]).
///
/// (ix, iy, iz) are the global FFT indices along kx, ky, kz; (nx, ny, nz) the signed integer wavenumbers
/// (Box::signed_mode: k = 2 pi n / L; the even-N Nyquist index N/2 is n = -N/2 on every axis, kz included);
/// offset is the complex element in the transposed Fourier buffer. weight is the mode's multiplicity in a
/// sum over the full lattice: 2 for an interior kz plane, whose partner -n is not stored, and 1 on the
/// kz = 0 and kz = N/2 planes (even N), which hold both; the weights of all modes add up to N^3.
struct Mode {
  std::ptrdiff_t ix = 0, iy = 0, iz = 0;
  std::ptrdiff_t nx = 0, ny = 0, nz = 0;
  std::ptrdiff_t offset = 0;
  double weight = 1.0;

  /// \brief |n|^2 = nx^2 + ny^2 + nz^2 (multiply by dk^2 for |k|^2).
  [[nodiscard]] std::ptrdiff_t n2() const noexcept { return nx * nx + ny * ny + nz * nz; }
};

/// \brief The modes (kx index ix, ky index iy, kz index l) for l in [0, length): contiguous complex elements
/// at offset + l. Every stored l has |n_z| = l (the even-N Nyquist plane l = N/2 has n_z = -N/2), so
/// |n|^2 = n2_xy() + l^2.
struct ModeRow {
  std::ptrdiff_t ix = 0, iy = 0;
  std::ptrdiff_t nx = 0, ny = 0;
  std::ptrdiff_t offset = 0;
  std::ptrdiff_t length = 0;
  std::ptrdiff_t n = 0; ///< lattice side N

  /// \brief nx^2 + ny^2.
  [[nodiscard]] std::ptrdiff_t n2_xy() const noexcept { return nx * nx + ny * ny; }
  /// \brief Hermitian weight of kz index l: 1 for l = 0 and 2 l = N, else 2 (see Mode::weight).
  [[nodiscard]] double weight(std::ptrdiff_t l) const noexcept { return (l == 0 || 2 * l == n) ? 1.0 : 2.0; }
  [[nodiscard]] Mode mode(std::ptrdiff_t l) const noexcept {
    return {ix, iy, l, nx, ny, signed_mode_index(l, n), offset + l, weight(l)};
  }
};

/// \brief This rank's part of FFTW-MPI's slab decomposition of an N^3 lattice, and how it is stored.
///
/// Real space: x-planes [x_start, x_start + local_nx) of phi[x][y][z], row-major, each z-row padded to
/// 2(N/2+1) doubles (the r2c in-place layout): local_nx * N * 2(N/2+1) doubles. Fourier space is
/// transposed (FFTW_MPI_TRANSPOSED_OUT): ky-planes [ky_start, ky_start + local_nky) of f~[ky][kx][kz],
/// kz in [0, N/2], local_nky * N * (N/2+1) complex numbers. Either count may be zero on a rank.
class SlabLayout {
public:
  SlabLayout() = default;
  SlabLayout(std::ptrdiff_t n, std::ptrdiff_t local_nx, std::ptrdiff_t x_start, std::ptrdiff_t local_nky,
             std::ptrdiff_t ky_start) noexcept
      : n_(n), local_nx_(local_nx), x_start_(x_start), local_nky_(local_nky), ky_start_(ky_start) {}

  [[nodiscard]] std::ptrdiff_t n() const noexcept { return n_; }
  [[nodiscard]] std::ptrdiff_t local_nx() const noexcept { return local_nx_; }
  [[nodiscard]] std::ptrdiff_t x_start() const noexcept { return x_start_; }
  [[nodiscard]] std::ptrdiff_t local_nky() const noexcept { return local_nky_; }
  [[nodiscard]] std::ptrdiff_t ky_start() const noexcept { return ky_start_; }

  // Real space.
  /// \brief The global sites owned here, axes (x, y, z).
  [[nodiscard]] IndexBox owned_sites() const noexcept { return {{x_start_, 0, 0}, {local_nx_, n_, n_}}; }
  /// \brief Shape of the padded real buffer, (local_nx, N, 2(N/2+1)) doubles, row-major.
  [[nodiscard]] std::array<std::ptrdiff_t, 3> real_storage_shape() const noexcept {
    return {local_nx_, n_, nz_padded()};
  }
  /// \brief Doubles in the padded real buffer.
  [[nodiscard]] std::ptrdiff_t padded_real_size() const noexcept { return local_nx_ * n_ * nz_padded(); }
  /// \brief Number of z-rows of sites (local_nx * N); row r is site_row(r), in storage order.
  [[nodiscard]] std::ptrdiff_t site_rows() const noexcept { return local_nx_ * n_; }
  [[nodiscard]] SiteRow site_row(std::ptrdiff_t r) const noexcept {
    return {x_start_ + r / n_, r % n_, r * nz_padded(), n_, nz_padded() - n_};
  }

  // Fourier space.
  /// \brief The global modes stored here, axes (ky, kx, kz), kz in [0, N/2].
  [[nodiscard]] IndexBox owned_modes() const noexcept {
    return {{ky_start_, 0, 0}, {local_nky_, n_, nz_complex()}};
  }
  /// \brief Shape of the transposed Fourier buffer, (local_nky, N, N/2+1) complex numbers, axes (ky, kx, kz).
  [[nodiscard]] std::array<std::ptrdiff_t, 3> fourier_storage_shape() const noexcept {
    return {local_nky_, n_, nz_complex()};
  }
  /// \brief Complex numbers in the transposed Fourier buffer (one per local mode; per-mode arrays of the
  /// local slab are indexed by Mode::offset).
  [[nodiscard]] std::ptrdiff_t fourier_size() const noexcept { return local_nky_ * n_ * nz_complex(); }
  /// \brief Number of kz-rows of modes (local_nky * N); row r is mode_row(r), in storage order.
  [[nodiscard]] std::ptrdiff_t mode_rows() const noexcept { return local_nky_ * n_; }
  [[nodiscard]] ModeRow mode_row(std::ptrdiff_t r) const noexcept {
    const std::ptrdiff_t iy = ky_start_ + r / n_, ix = r % n_;
    return {ix, iy, signed_mode_index(ix, n_), signed_mode_index(iy, n_), r * nz_complex(), nz_complex(), n_};
  }

private:
  [[nodiscard]] std::ptrdiff_t nz_complex() const noexcept { return n_ / 2 + 1; }
  [[nodiscard]] std::ptrdiff_t nz_padded() const noexcept { return 2 * nz_complex(); }

  std::ptrdiff_t n_ = 0, local_nx_ = 0, x_start_ = 0, local_nky_ = 0, ky_start_ = 0;
};

/// \brief Bytes of the largest rank's padded real slab of an N^3 lattice on `ranks` ranks: ceil(N / ranks)
/// planes of N x 2(N/2+1) doubles (the layout above). The one memory formula of every estimate (memory
/// budgets, `inflanet check`).
[[nodiscard]] inline double padded_slab_bytes(std::ptrdiff_t n, int ranks) noexcept {
  const auto planes = (n + ranks - 1) / ranks;
  return 8.0 * static_cast<double>(planes) * static_cast<double>(n) * static_cast<double>(2 * (n / 2 + 1));
}

} // namespace inflanet
