#pragma once
// An independent reference for the self-consistent background: Friedmann + Klein-Gordon for homogeneous
// fields, integrated by classic RK4 in long double, written without the symplectic split (the oracle of the
// homogeneous Friedmann tests of field/mpi_field_lattice.cpp).
#include <array>
#include <cmath>
#include <cstddef>

namespace inflanet::testing {

/// Friedmann + Klein-Gordon in cosmic time, written independently of the split, for two fields with
/// V = m1^2 phi^2 / 2 + m2^2 chi^2 / 2 + g2 phi^2 chi^2 / 2 + rho_Lambda: y = (a, phi, chi, phidot, chidot),
/// a' = a H, phi_i'' = -3 H phi_i' - dV/dphi_i with H = +sqrt(rho / 3), classic RK4 in long double.
struct ReferenceModel {
  long double m1 = 1, m2 = 0, g2 = 0, rho_lambda = 0;
};
using ReferenceState = std::array<long double, 5>;

inline ReferenceState reference_rate(const ReferenceModel& model, const ReferenceState& y) {
  const long double phi = y[1], chi = y[2];
  const long double V = 0.5L * model.m1 * model.m1 * phi * phi + 0.5L * model.m2 * model.m2 * chi * chi +
                        0.5L * model.g2 * phi * phi * chi * chi + model.rho_lambda;
  const long double rho = 0.5L * (y[3] * y[3] + y[4] * y[4]) + V;
  const long double H = std::sqrt(rho / 3.0L);
  return {y[0] * H, y[3], y[4], -3.0L * H * y[3] - model.m1 * model.m1 * phi - model.g2 * phi * chi * chi,
          -3.0L * H * y[4] - model.m2 * model.m2 * chi - model.g2 * chi * phi * phi};
}

inline ReferenceState reference_solution(const ReferenceModel& model, ReferenceState y, double t_end,
                                         long steps) {
  const long double h = static_cast<long double>(t_end) / steps;
  for (long n = 0; n < steps; ++n) {
    const ReferenceState k1 = reference_rate(model, y);
    ReferenceState y2{}, y3{}, y4{};
    for (std::size_t i = 0; i < y.size(); ++i)
      y2[i] = y[i] + 0.5L * h * k1[i];
    const ReferenceState k2 = reference_rate(model, y2);
    for (std::size_t i = 0; i < y.size(); ++i)
      y3[i] = y[i] + 0.5L * h * k2[i];
    const ReferenceState k3 = reference_rate(model, y3);
    for (std::size_t i = 0; i < y.size(); ++i)
      y4[i] = y[i] + h * k3[i];
    const ReferenceState k4 = reference_rate(model, y4);
    for (std::size_t i = 0; i < y.size(); ++i)
      y[i] += h / 6.0L * (k1[i] + 2.0L * k2[i] + 2.0L * k3[i] + k4[i]);
  }
  return y;
}

} // namespace inflanet::testing
