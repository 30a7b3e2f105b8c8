#pragma once
/// \file
/// \brief Bunch-Davies mode functions of a free test field in exact de Sitter: closed forms (the test
/// oracles) and the general "integrate from the vacuum" method used to set initial conditions.
///
/// Conventions (physics.md section 2). Cosmic time t, a(t) = a0 e^{H t}, conformal time
/// tau = -1/(a H) < 0, comoving wavenumber k > 0, x = -k tau = k/(a H) (the mode's wavelength over the
/// Hubble length). The field mode is phi_k = u_k alpha_k + u*_k alpha*_{-k}; u solves
///   u'' + 3 H u' + (k^2/a^2 + m2) u = 0        (' = d/dt),
/// equivalently v = a u solves v_tau tau + (k^2 + m2 a^2 - a''/a) v = 0 with a''/a = 2/tau^2.
/// Normalisation: a^3 (u du*/dt - u* du/dt) = i (i.e. a^2 Im(u du*/dtau) = 1/2).
///
/// Phase: one convention throughout, the standard one in which every mode starts as the positive
/// frequency vacuum with no extra phase, v -> e^{-i k tau} / sqrt(2k) as tau -> -infinity:
///   u = (sqrt(pi)/2) e^{i pi (nu/2 + 1/4)} H (-tau)^{3/2} H_nu^(1)(-k tau),   nu^2 = 9/4 - m2/H^2.
/// The massless form in physics.md, H/sqrt(2k^3) (1 + i k tau) e^{-i k tau}, is -i times this one (a
/// constant phase, physically irrelevant); the conformal form a u = e^{-ik tau}/sqrt(2k) agrees exactly.

#include "inflanet/background/background.hpp"

#include <complex>

namespace inflanet {

/// \brief A mode function and its cosmic-time derivative at one instant.
struct ModeValue {
  std::complex<double> u;     ///< u_k(t), units of [field] x [length]^{3/2}
  std::complex<double> du_dt; ///< d u_k / dt
};

/// \brief Massless (nu = 3/2): u = i H/sqrt(2k^3) (1 + i k tau) e^{-i k tau},
/// du/dt = i H k^2 tau / (a sqrt(2k^3)) e^{-i k tau}.
[[nodiscard]] ModeValue bunch_davies_massless(double k, double H, double a0, double t);

/// \brief Conformally coupled mass m2 = 2 H^2 (nu = 1/2): u = e^{-i k tau} / (a sqrt(2k)).
[[nodiscard]] ModeValue bunch_davies_conformal(double k, double H, double a0, double t);

/// \brief General real nu = sqrt(9/4 - m2/H^2) via H_nu^(1) = J_nu + i Y_nu (std::cyl_bessel_j,
/// std::cyl_neumann); du/dt from H_nu' (x) = (nu/x) H_nu(x) - H_{nu+1}(x).
/// Accuracy is that of the standard library's Bessel functions (about 1e-13 relative for x in
/// [1e-3, 1e3]). \throws RuntimeError if m2 > 9/4 H^2 (imaginary nu: use integrate_mode_from_vacuum).
[[nodiscard]] ModeValue bunch_davies_hankel(double k, double m2, double H, double a0, double t);

/// \brief Knobs of integrate_mode_from_vacuum; the defaults give better than 1e-9 relative accuracy.
struct ModeIntegrationOptions {
  /// Smallest k/(aH) at which the vacuum series may start (it starts later if it has not converged).
  double min_start_ratio = 20.0;
  /// Truncation tolerance of the vacuum series (relative to its leading term).
  double series_tolerance = 1e-16;
  /// Gauss-Legendre steps per oscillation period while the mode oscillates.
  int steps_per_oscillation = 48;
  /// Largest step in ln(k/(aH)) (e-folds), which governs the non-oscillating super-horizon part.
  double max_step_efolds = 0.02;
};

/// \brief Bunch-Davies mode of mass^2 m2 (any sign and size, including m2 > 9/4 H^2) at time t0,
/// by integrating the mode equation from the vacuum deep inside the horizon.
///
/// Method. In x = k/(aH) the equation for f = sqrt(2k) v is universal, f_xx + (1 + mu/x^2) f = 0 with
/// mu = m2/H^2 - 2 = 1/4 - nu^2, and the vacuum is f -> e^{i x}. Its large-x (WKB / adiabatic) expansion
/// to all orders is the Hankel asymptotic series f = e^{ix} sum_n i^n a_n(nu) x^{-n},
/// a_n = a_{n-1} (4 nu^2 - (2n-1)^2) / (8n), real for real mu, so the initial phase is fixed exactly in
/// the standard convention above and the start error is below `series_tolerance`. The series is
/// evaluated at the start point x_s >= min_start_ratio (doubled until it converges); if k/(a(t0)H) >= x_s
/// the series value is returned directly (no integration: the phase is analytic inside the horizon).
/// Otherwise (f, df/dx) is integrated in x from x_s to x0 with the 3-stage Gauss-Legendre
/// method (order 6; it conserves the Wronskian exactly; one 6x6 linear solve per step) on a fixed step
/// schedule: |dx| = min(max_step_efolds x, 2 pi / (steps_per_oscillation sqrt(1 + (|mu| + 1)/x^2))).
/// Outside the horizon (x < 1) it switches to U = x f ~ u and dU/d ln x, integrated in ln x, so that
/// du/dt (which decays like x^2 for light fields) keeps its relative accuracy.
/// Cost: ~ 48 x_s / (2 pi) + ln(1/x0) / 0.02 steps (a few hundred): 3000 calls take ~0.07 s.
/// Deterministic: bit-identical results for identical inputs.
/// Accuracy (tests): u and du/dt within 1e-9 relative of the Hankel closed form for
/// 1e-2 <= k/(aH) <= 1e2 and several masses; Wronskian within 1e-10 of i.
/// \throws RuntimeError unless k > 0, H > 0, a0 > 0 and the inputs are finite.
[[nodiscard]] ModeValue integrate_mode_from_vacuum(double k, double m2, double H, double a0, double t0,
                                                   const ModeIntegrationOptions& options = {});

/// \brief The Wronskian a^3 (u du*/dt - u* du/dt); equals i for a correctly normalised mode.
[[nodiscard]] std::complex<double> mode_wronskian(const ModeValue& mode, double a);

} // namespace inflanet
