#include "inflanet/background/friedmann_background.hpp"

#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace inflanet {

namespace {
double hubble_dot(const FriedmannSystem& system) {
  double sum = 0.0;
  for (std::size_t i = 0; i < system.field_count(); ++i) {
    sum += system.phi_dot(i) * system.phi_dot(i);
  }
  return -0.5 * sum; // dH/dt = -(rho + p) / 2
}
} // namespace

FriedmannBackground::FriedmannBackground(FriedmannSystem system, double t_end, double h,
                                         std::string describe_potential, const std::string& integrator)
    : h_(h) {
  if (!(std::isfinite(t_end) && t_end > 0.0 && std::isfinite(h) && h > 0.0 && h <= t_end))
    throw InputError(
        fmt::format("Friedmann background needs 0 < h <= t_end, got h = {}, t_end = {}", h, t_end));
  const Integrator stepper = Integrator::from_name(integrator);
  const auto steps = static_cast<long>(std::ceil(t_end / h - 1e-9));
  times_.reserve(static_cast<std::size_t>(steps) + 1);
  samples_.reserve(static_cast<std::size_t>(steps) + 1);
  const auto record = [&] {
    times_.push_back(system.t());
    samples_.push_back({std::log(system.a()), system.hubble(), hubble_dot(system)});
    max_violation_ = std::max(max_violation_, system.constraint_violation());
  };
  record();
  for (long n = 0; n < steps; ++n) {
    stepper.step(system, h);
    record();
  }
  description_ =
      fmt::format("friedmann({}, a0={}, H0={}, t_end={}, h={}, {})", describe_potential,
                  std::exp(samples_.front().ln_a), samples_.front().hubble, times_.back(), h, integrator);
}

double FriedmannBackground::interpolate(double t, int derivative) const {
  if (!(t >= times_.front() && t <= times_.back()))
    throw RuntimeError(fmt::format("Friedmann background asked for t = {} outside its range [{}, {}]", t,
                                   times_.front(), times_.back()));
  // The interval [times_[k], times_[k+1]] holding t (steps are uniform up to rounding of t).
  auto k =
      static_cast<std::size_t>(std::clamp(std::floor(t / h_), 0.0, static_cast<double>(times_.size() - 2)));
  while (k > 0 && t < times_[k]) {
    --k;
  }
  while (k + 2 < times_.size() && t > times_[k + 1]) {
    ++k;
  }
  const Sample& s0 = samples_[k];
  const Sample& s1 = samples_[k + 1];
  const double dt = times_[k + 1] - times_[k];
  const double x = (t - times_[k]) / dt, x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
  // Quintic Hermite basis on [0, 1]: values, first and second derivatives at both ends.
  if (derivative == 0) {
    const double h00 = 1 - 10 * x3 + 15 * x4 - 6 * x5, h10 = x - 6 * x3 + 8 * x4 - 3 * x5,
                 h20 = 0.5 * (x2 - 3 * x3 + 3 * x4 - x5), h21 = 0.5 * (x3 - 2 * x4 + x5),
                 h11 = -4 * x3 + 7 * x4 - 3 * x5, h01 = 10 * x3 - 15 * x4 + 6 * x5;
    return s0.ln_a * h00 + dt * s0.hubble * h10 + dt * dt * s0.hubble_dot * h20 +
           dt * dt * s1.hubble_dot * h21 + dt * s1.hubble * h11 + s1.ln_a * h01;
  }
  const double d00 = -30 * x2 + 60 * x3 - 30 * x4, d10 = 1 - 18 * x2 + 32 * x3 - 15 * x4,
               d20 = 0.5 * (2 * x - 9 * x2 + 12 * x3 - 5 * x4), d21 = 0.5 * (3 * x2 - 8 * x3 + 5 * x4),
               d11 = -12 * x2 + 28 * x3 - 15 * x4, d01 = 30 * x2 - 60 * x3 + 30 * x4;
  return (s0.ln_a * d00 + s1.ln_a * d01) / dt + s0.hubble * d10 + s1.hubble * d11 +
         dt * (s0.hubble_dot * d20 + s1.hubble_dot * d21);
}

double FriedmannBackground::a(double t) const {
  return std::exp(interpolate(t, 0));
}

double FriedmannBackground::hubble(double t) const {
  return interpolate(t, 1);
}

double FriedmannBackground::friction_factor(double t, double s) const {
  return std::exp(3.0 * (interpolate(t, 0) - interpolate(t + s, 0)));
}

std::string FriedmannBackground::describe() const {
  return description_;
}

std::unique_ptr<Background> FriedmannBackground::clone() const {
  return std::make_unique<FriedmannBackground>(*this);
}

} // namespace inflanet
