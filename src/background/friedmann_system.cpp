#include "inflanet/background/friedmann_system.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>
#include <variant>

namespace inflanet {

FriedmannSystem::FriedmannSystem(HomogeneousPotential potential, std::vector<double> phi0,
                                 std::vector<double> phidot0, double a0, double rho_lambda)
    : potential_(std::move(potential)), phi_(std::move(phi0)), pi_(std::move(phidot0)),
      rho_lambda_(rho_lambda) {
  if (phi_.empty() || phi_.size() != pi_.size())
    throw InputError(fmt::format("Friedmann background needs one initial velocity per field, got {} fields "
                                 "and {} velocities",
                                 phi_.size(), pi_.size()));
  if (!std::isfinite(rho_lambda))
    throw InputError(fmt::format("Friedmann background needs a finite rho_lambda, got {}", rho_lambda));
  if (!potential_.V || !potential_.dV)
    throw InputError("Friedmann background needs a potential with V and dV");
  gradient_.resize(phi_.size());
  // rho at t = 0 from the given velocities dphi/dt (pi_ still holds them); on_constraint checks a0 and rho
  double kinetic = 0.0;
  for (double v : pi_) {
    kinetic += 0.5 * v * v;
  }
  scale_factor_ = ScaleFactor::on_constraint(a0, kinetic + potential_.V(phi_) + rho_lambda);
  const double a3 = a0 * a0 * a0;
  for (double& p : pi_) {
    p *= a3; // pi = a^3 phidot
  }
}

double FriedmannSystem::kinetic_sum() const noexcept {
  double sum = 0.0;
  for (double p : pi_) {
    sum += p * p;
  }
  return sum;
}

void FriedmannSystem::momentum_update(double A, double B) {
  if (B == 0.0) {
    for (double& p : pi_) {
      p *= A;
    }
    scale_factor_.momentum_update(A, 0.0, 0.0);
    return;
  }
  ++force_evaluations_;
  const double a = scale_factor_.a(), a3 = a * a * a;
  potential_.dV(phi_, gradient_);
  for (std::size_t i = 0; i < pi_.size(); ++i) {
    pi_[i] = A * pi_[i] - B * a3 * gradient_[i];
  }
  scale_factor_.momentum_update(A, B, 3.0 * a3 * (potential_.V(phi_) + rho_lambda_));
}

void FriedmannSystem::drift(double s) {
  const ScaleFactor::Drift flow = scale_factor_.drift(s, kinetic_sum());
  for (std::size_t i = 0; i < phi_.size(); ++i) {
    phi_[i] += pi_[i] * flow.length;
  }
  t_ += s;
}

double FriedmannSystem::phi_dot(std::size_t i) const noexcept {
  const double a = scale_factor_.a();
  return pi_[i] / (a * a * a);
}

double FriedmannSystem::rho() const {
  const double a = scale_factor_.a(), a3 = a * a * a;
  return 0.5 * kinetic_sum() / (a3 * a3) + potential_.V(phi_) + rho_lambda_;
}

double FriedmannSystem::pressure() const {
  const double a = scale_factor_.a(), a3 = a * a * a;
  return 0.5 * kinetic_sum() / (a3 * a3) - potential_.V(phi_) - rho_lambda_;
}

double FriedmannSystem::hamiltonian() const {
  const double a = scale_factor_.a(), a3 = a * a * a;
  return scale_factor_.kinetic_energy() + 0.5 * kinetic_sum() / a3 + a3 * (potential_.V(phi_) + rho_lambda_);
}

double FriedmannSystem::constraint_violation() const {
  return friedmann_constraint_violation(hubble(), rho());
}

HomogeneousPotential homogeneous_potential(const Potential& potential) {
  return {[potential](std::span<const double> f) { return potential_V(potential, f); },
          [potential](std::span<const double> f, std::span<double> out) {
            std::visit([&](const auto& model) { model.gradient(f, out); }, potential);
          }};
}

double friedmann_constraint_violation(double hubble, double rho) noexcept {
  return std::abs(3.0 * hubble * hubble - rho) / rho;
}

} // namespace inflanet
