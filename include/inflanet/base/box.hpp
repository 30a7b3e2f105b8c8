#pragma once
/// \file
/// \brief The global periodic lattice: N^3 sites in a comoving cube of side L. No MPI in here.

#include <cmath>
#include <cstddef>
#include <numbers>

namespace inflanet {

/// \brief Signed integer wavenumber of FFT index i on an axis of n sites, the alias of least |m|: i for
/// 2i < n, else i - n (Box::signed_mode says why).
[[nodiscard]] constexpr std::ptrdiff_t signed_mode_index(std::ptrdiff_t i, std::ptrdiff_t n) noexcept {
  return 2 * i < n ? i : i - n;
}

/// \brief An N^3 periodic cubic lattice of comoving side L (program units). Sites x_i = i dx, i in [0, N).
/// Wavenumbers k_n = 2 pi n / L with n in [-N/2, N/2).
struct Box {
  std::ptrdiff_t n = 0; ///< sites per side
  double length = 0.0;  ///< comoving side L

  [[nodiscard]] double dx() const noexcept { return length / static_cast<double>(n); }
  [[nodiscard]] double volume() const noexcept { return length * length * length; }
  [[nodiscard]] double sites() const noexcept { return static_cast<double>(n) * n * n; }
  /// \brief Fundamental wavenumber 2 pi / L.
  [[nodiscard]] double dk() const noexcept { return 2.0 * std::numbers::pi / length; }
  /// \brief Nyquist wavenumber pi / dx along one axis.
  [[nodiscard]] double k_nyquist() const noexcept { return std::numbers::pi / dx(); }
  /// \brief Largest |k| on the lattice, sqrt(3) pi / dx (the corner mode).
  [[nodiscard]] double k_max() const noexcept { return std::sqrt(3.0) * k_nyquist(); }
  /// \brief Signed integer wavenumber of FFT index i, the alias of least |n|: i for 2i < N, else i - N, i.e.
  /// [-N/2, N/2) for even N and [-(N-1)/2, (N-1)/2] for odd N (the r2c z axis's 0..N/2 agrees with both).
  /// (i < N/2 ? i : i - N gave -(N+1)/2 for odd N: |n| beyond the z axis's, and out of the spectrum's bins.)
  [[nodiscard]] std::ptrdiff_t signed_mode(std::ptrdiff_t i) const noexcept {
    return signed_mode_index(i, n);
  }
};

} // namespace inflanet
