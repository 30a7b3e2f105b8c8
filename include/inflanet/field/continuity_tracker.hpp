#pragma once
/// \file
/// \brief The integrated continuity residual |rho(t) - rho(t0) + int_t0^t 3H (rho + p) dt| / rho(t0).

#include <array>
#include <vector>

namespace inflanet {

/// \brief Accumulates int 3H (rho + p) dt from values at every step of a uniform time grid, with a
/// quadrature of order 8 (piecewise degree-7 interpolation), so that the residual it reports measures the
/// integrator's error (orders 1 to 6) and not the quadrature's.
///
/// Feed it the energies at every step (they come almost free from the force evaluation); the residual
/// is then available at any step.
class ContinuityTracker {
public:
  /// \brief Starts at t0 with rho(t0) and the dissipation 3H (rho + p) at t0; h is the fixed step.
  ContinuityTracker(double h, double rho0, double dissipation0);
  /// \brief Rebuilds a tracker from its checkpointed history (the dissipation at every step from t0)
  /// and the current rho: continues exactly as the uninterrupted one would.
  static ContinuityTracker restore(double h, double rho0, const std::vector<double>& values, double rho_now);
  /// \brief The dissipation 3H (rho + p) at every step so far (what a checkpoint stores).
  [[nodiscard]] const std::vector<double>& values() const noexcept { return values_; }
  [[nodiscard]] double rho0() const noexcept { return rho0_; }
  /// \brief Appends the values one step later.
  void push(double rho, double dissipation);
  /// \brief int_t0^t_n 3H (rho + p) dt up to the newest value.
  [[nodiscard]] double integral() const;
  /// \brief |rho_n - rho_0 + integral| / |rho_0|: the relative defect of rho(t) + int 3H(rho+p) = rho(t0)
  /// (the bare numerator when rho_0 = 0).
  [[nodiscard]] double residual() const;
  [[nodiscard]] std::size_t steps() const noexcept { return values_.size() - 1; }

private:
  /// Integral over [t_i, t_{i+1}] from the degree-7 interpolant through the 8 nearest available points.
  [[nodiscard]] double interval(std::size_t i) const;

  double h_;
  std::vector<double> values_; ///< dissipation at every step
  double rho0_ = 0.0, rho_ = 0.0;
  double committed_ = 0.0;         ///< sum of intervals whose centred stencil is complete
  std::size_t committed_upto_ = 0; ///< intervals [0, committed_upto_) are in committed_
  /// weights_[s][m]: integral over [s, s+1] of the Lagrange basis polynomial of node m (nodes 0..7).
  static const std::array<std::array<double, 8>, 7>& weights();
};

} // namespace inflanet
