#pragma once
/// \file
/// \brief Exact spectral derivatives (-k^2, i k) and box reductions of fields, behind one object.

#include <complex>
#include <cstddef>
#include <vector>

#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/field/field.hpp"

namespace inflanet {

/// \brief Spectral calculus on one Decomposition: Laplacian, gradient components, the box sum of
/// |grad f|^2, and global means and variances. Physics code uses these verbs and never MPI.
///
/// Wavenumbers k_n = 2 pi n / L with n in [-N/2, N/2). The Laplacian multiplies by -|k|^2 including the
/// Nyquist modes (it is what the equations of motion use, and its quadratic form is the gradient energy,
/// so energy bookkeeping is exact); the gradient, an odd derivative, zeroes the Nyquist plane of its axis.
class SpectralOperators {
public:
  SpectralOperators(const Decomposition& decomposition, FftPlan& plan);

  /// \brief out = lap(in) in real space. `in` may be in either space and is left unchanged; out may be in.
  void laplacian(const Field& in, Field& out);
  /// \brief out = d in / d x_axis (axis 0, 1, 2 = x, y, z) in real space.
  void gradient(const Field& in, int axis, Field& out);
  /// \brief sum over all sites of |grad f|^2 = (1/N^3) sum_n |k_n|^2 |f~_n|^2 (Parseval); `in` may be in
  /// either space; `scratch` is overwritten.
  [[nodiscard]] double gradient_squared_sum(const Field& in, Field& scratch);
  /// \brief Same, for a field already in Fourier space (no transform).
  [[nodiscard]] double gradient_squared_sum_fourier(const Field& fourier) const;

  /// \brief Global box mean and variance of a real-space field.
  [[nodiscard]] double mean(const Field& field) const;
  [[nodiscard]] double variance(const Field& field) const;
  /// \brief Global sum of f over sites, and of f^2.
  [[nodiscard]] double sum(const Field& field) const;
  [[nodiscard]] double sum_of_squares(const Field& field) const;

  /// \brief |k|^2 of local Fourier index (j, i, l) as an integer |n|^2 (multiply by dk^2 for k^2).
  [[nodiscard]] std::ptrdiff_t n_squared(std::ptrdiff_t j, std::ptrdiff_t i,
                                         std::ptrdiff_t l) const noexcept {
    const auto ny = ny_[j], nx = nx_[i];
    return nx * nx + ny * ny + l * l;
  }
  /// \brief Signed integer modes of local Fourier indices along y (local j), x (i); z is l itself.
  [[nodiscard]] const std::vector<std::ptrdiff_t>& ny() const noexcept { return ny_; }
  [[nodiscard]] const std::vector<std::ptrdiff_t>& nx() const noexcept { return nx_; }
  /// \brief Multiplicity of a half-space mode kz = l in full-space sums: 1 for l = 0 and l = N/2, else 2.
  [[nodiscard]] double hermitian_weight(std::ptrdiff_t l) const noexcept {
    return (l == 0 || 2 * l == decomposition_->n()) ? 1.0 : 2.0;
  }

  [[nodiscard]] FftPlan& plan() noexcept { return *plan_; }
  [[nodiscard]] const Decomposition& decomposition() const noexcept { return *decomposition_; }

private:
  const Decomposition* decomposition_;
  FftPlan* plan_;
  std::vector<std::ptrdiff_t> ny_; ///< signed n_y for each local ky plane
  std::vector<std::ptrdiff_t> nx_; ///< signed n_x for each kx index
};

} // namespace inflanet
