#include "inflanet/background/friedmann_system.hpp"

#include "inflanet/app/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>
#include <variant>

namespace inflanet {

namespace {
/// atanh(x) / x, exact at x = 0 (the drift's length with fields at rest).
double atanh_over_x(double x) noexcept {
  return x == 0.0 ? 1.0 : std::atanh(x) / x;
}
} // namespace

FriedmannSystem::FriedmannSystem(HomogeneousPotential potential, std::vector<double> phi0,
                                 std::vector<double> phidot0, double a0, double rho_lambda)
    : potential_(std::move(potential)), phi_(std::move(phi0)), pi_(std::move(phidot0)), a_(a0),
      rho_lambda_(rho_lambda) {
  if (phi_.empty() || phi_.size() != pi_.size())
    throw InputError(fmt::format("Friedmann background needs one initial velocity per field, got {} fields "
                                 "and {} velocities",
                                 phi_.size(), pi_.size()));
  if (!(std::isfinite(a0) && a0 > 0.0))
    throw InputError(
        fmt::format("Friedmann background needs a finite initial scale factor a0 > 0, got {}", a0));
  if (!std::isfinite(rho_lambda))
    throw InputError(fmt::format("Friedmann background needs a finite rho_lambda, got {}", rho_lambda));
  if (!potential_.V || !potential_.dV)
    throw InputError("Friedmann background needs a potential with V and dV");
  gradient_.resize(phi_.size());
  const double a3 = a0 * a0 * a0;
  for (double& p : pi_) {
    p *= a3; // pi = a^3 phidot
  }
  const double rho0 = rho();
  if (!(std::isfinite(rho0) && rho0 > 0.0))
    throw InputError(fmt::format("Friedmann background needs a finite initial energy density rho > 0 "
                                 "(H^2 = rho / 3), got {}",
                                 rho0));
  p_b_ = -6.0 * a3 * std::sqrt(rho0 / 3.0);
}

double FriedmannSystem::kinetic_sum() const noexcept {
  double sum = 0.0;
  for (double p : pi_) {
    sum += p * p;
  }
  return sum;
}

void FriedmannSystem::momentum_update(double A, double B) {
  for (double& p : pi_) {
    p *= A;
  }
  p_b_ *= A;
  if (B == 0.0) {
    return;
  }
  ++force_evaluations_;
  const double a3 = a_ * a_ * a_;
  potential_.dV(phi_, gradient_);
  for (std::size_t i = 0; i < pi_.size(); ++i) {
    pi_[i] -= B * a3 * gradient_[i];
  }
  p_b_ -= B * 3.0 * a3 * (potential_.V(phi_) + rho_lambda_);
}

void FriedmannSystem::drift(double s) {
  // Exact flow of e^{-3b} K(p) (header): a^3(u) = A0 + c1 u + c2 u^2, I(s) = int_0^s du / a^3(u).
  const double A0 = a_ * a_ * a_;
  const double P2 = kinetic_sum();
  const double E = (-p_b_ * p_b_ / 12.0 + 0.5 * P2) / A0;
  const double c1 = -0.5 * p_b_;
  const double c2 = -0.75 * E;
  const double A1 = A0 + s * (c1 + c2 * s);
  const double denominator = 2.0 * A0 + c1 * s;
  // a^3 > 0 on [0, s] holds iff it holds at both ends and at an interior minimum, if any: with c2 > 0 the
  // minimum of the parabola is at u = -c1 / (2 c2). s may be negative (Yoshida's inner stages); a^3 > 0
  // between 0 and s then guarantees |x| < 1 below (4 A0 a^3(u) = (2 A0 + c1 u)^2 - delta^2 u^2).
  const double u_min = c2 > 0.0 ? -c1 / (2.0 * c2) : 0.0;
  const bool inside = s > 0.0 ? (u_min > 0.0 && u_min < s) : (u_min < 0.0 && u_min > s);
  const bool interior_zero = inside && A0 + u_min * (c1 + c2 * u_min) <= 0.0;
  if (!(A1 > 0.0) || !(denominator > 0.0) || interior_zero)
    throw RuntimeError(fmt::format("Friedmann drift of length {} at t = {} takes a^3 = {} through zero "
                                   "(H = {}): the step is too long for a collapsing universe",
                                   s, t_, A0, hubble()));
  const double delta = std::sqrt(1.5 * P2);
  const double length = 2.0 * s / denominator * atanh_over_x(delta * s / denominator);
  for (std::size_t i = 0; i < phi_.size(); ++i) {
    phi_[i] += pi_[i] * length;
  }
  p_b_ += 3.0 * E * s;
  a_ = std::cbrt(A1);
  t_ += s;
}

double FriedmannSystem::hubble() const noexcept {
  return -p_b_ / (6.0 * a_ * a_ * a_);
}

double FriedmannSystem::phi_dot(std::size_t i) const noexcept {
  return pi_[i] / (a_ * a_ * a_);
}

double FriedmannSystem::rho() const {
  const double a3 = a_ * a_ * a_;
  return 0.5 * kinetic_sum() / (a3 * a3) + potential_.V(phi_) + rho_lambda_;
}

double FriedmannSystem::pressure() const {
  const double a3 = a_ * a_ * a_;
  return 0.5 * kinetic_sum() / (a3 * a3) - potential_.V(phi_) - rho_lambda_;
}

double FriedmannSystem::hamiltonian() const {
  const double a3 = a_ * a_ * a_;
  return -p_b_ * p_b_ / (12.0 * a3) + 0.5 * kinetic_sum() / a3 + a3 * (potential_.V(phi_) + rho_lambda_);
}

double FriedmannSystem::constraint_violation() const {
  return friedmann_constraint_violation(hubble(), rho());
}

HomogeneousPotential homogeneous_potential(const Potential& potential) {
  return {[potential](std::span<const double> f) { return potential_V(potential, f[0]); },
          [potential](std::span<const double> f, std::span<double> out) {
            out[0] = potential_dV(potential, f[0]);
          }};
}

HomogeneousPotential homogeneous_potential(const MultiFieldPotential& potential) {
  return {[potential](std::span<const double> f) { return multi_field_V(potential, f); },
          [potential](std::span<const double> f, std::span<double> out) {
            std::visit([&](const auto& model) { model.gradient(f, out); }, potential);
          }};
}

double friedmann_constraint_violation(double hubble, double rho) noexcept {
  return std::abs(3.0 * hubble * hubble - rho) / rho;
}

} // namespace inflanet
