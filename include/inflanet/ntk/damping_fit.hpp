#pragma once
/// \file
/// \brief Friction and frequency of a sampled damped oscillator a'' + gamma a' + omega2 a = 0, in any
/// regime, from its exact two-step recurrence (used for the mean NTK mode's effective H, physics.md §5).

#include <span>

namespace inflanet {

/// \brief Fitted gamma and omega2 with 1-sigma errors propagated from the recurrence fit (0 for exact
/// data up to rounding).
struct DampingFit {
  double gamma = 0.0, gamma_err = 0.0;
  double omega2 = 0.0, omega2_err = 0.0;
};

/// \brief Fits samples a_n = a(t_n) on a uniform grid (t strictly increasing, spacing dt uniform to 1e-9
/// relative; at least 4 samples) of any solution of a'' + gamma a' + omega2 a = 0.
///
/// Every solution obeys a_{n+1} = c1 a_n + c2 a_{n-1} exactly, with z_{1,2} = exp(r_{1,2} dt) the roots of
/// z^2 = c1 z + c2 (r^2 + gamma r + omega2 = 0):
///   c2 = -z1 z2 = -exp(-gamma dt),   c1 = z1 + z2 = 2 exp(-gamma dt / 2) C,
///   C = cosh(s dt) (overdamped, s^2 = q = gamma^2/4 - omega2 > 0), 1 (critical), cos(s dt) (underdamped,
///   s^2 = -q). Hence gamma = -ln(-c2) / dt, C = c1 / (2 sqrt(-c2)), omega2 = gamma^2/4 - q.
/// The linear least-squares fit is done on the second difference, a_{n+1} - 2 a_n + a_{n-1} =
/// alpha a_n + delta (a_n - a_{n-1}) with delta = -(1 + c2) ~ -gamma dt and alpha = c1 + c2 - 1
/// ~ -omega2 dt^2, so small gamma dt and omega dt lose no digits (gamma = -log1p(delta) / dt,
/// C - 1 = (alpha + (delta / (1 + sqrt(1 + delta)))^2) / (2 sqrt(1 + delta))). Errors: the residual
/// variance times (X^T X)^{-1}, propagated to (gamma, omega2) by central differences. They treat the rows
/// as independent; for white noise on the samples (rows then correlated) they are conservative: about 8
/// times the actual scatter in tests/ntk/test_damping_fit.cpp.
/// Limits (documented, not hidden): frequencies are resolved only below Nyquist (s dt < pi); data whose
/// roots are negative real (C <= -1: a sign-alternating sequence, e.g. heavy ball with
/// eta c lambda > (1 + sqrt(beta))^2) have no continuum oscillator, and omega2 is then NaN (gamma is still
/// exact); c2 >= 0 (growth, not friction) gives gamma NaN.
/// InputError for bad grids; RuntimeError when the data obey a first-order recurrence (one exponential
/// only, or zero), which does not determine gamma and omega2 separately.
[[nodiscard]] DampingFit fit_damped_oscillator(std::span<const double> t, std::span<const double> a);

} // namespace inflanet
