#pragma once
/// \file
/// \brief Exact spectral derivatives (-k^2, i k) and box reductions of fields, behind one object.

#include <complex>
#include <cstddef>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/fft_plan.hpp"

namespace inflanet {

/// \brief Spectral calculus on one Decomposition: Laplacian, gradient components, the box sum of
/// |grad f|^2, and global means and variances. Physics code uses these verbs and never MPI.
///
/// Wavenumbers k_n = 2 pi n / L with n in [-N/2, N/2) (per-mode loops: lattice_loops.hpp). The Laplacian
/// multiplies by -|k|^2 including the Nyquist modes (it is what the equations of motion use, and its
/// quadratic form is the gradient energy, so energy bookkeeping is exact); the gradient, an odd derivative,
/// zeroes the Nyquist plane of its axis.
class SpectralOperators {
public:
  SpectralOperators(const Decomposition& decomposition, FftPlan& plan);

  /// \brief out = lap(in) in real space. `in` may be in either space and is left unchanged; out may be in.
  void laplacian(const Field& in, Field& out);
  /// \brief out = d in / d x_axis (axis 0, 1, 2 = x, y, z) in real space.
  void gradient(const Field& in, int axis, Field& out);
  /// \brief Same, from `fourier` already transformed (its DFT coefficients, left unchanged): one pass that
  /// writes i k_axis f~ / N^3 into out and one c2r, so several gradients of one field share its r2c without
  /// a copy each. out may not be fourier.
  void gradient_of_fourier(const Field& fourier, int axis, Field& out);
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

  [[nodiscard]] FftPlan& plan() noexcept { return *plan_; }
  [[nodiscard]] const Decomposition& decomposition() const noexcept { return *decomposition_; }

private:
  const Decomposition* decomposition_;
  FftPlan* plan_;
};

} // namespace inflanet
