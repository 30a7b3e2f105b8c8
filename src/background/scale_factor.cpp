#include "inflanet/background/scale_factor.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace inflanet {

namespace {
/// atanh(x) / x, exact at x = 0 (the drift's length with fields at rest).
double atanh_over_x(double x) noexcept {
  return x == 0.0 ? 1.0 : std::atanh(x) / x;
}
} // namespace

ScaleFactor ScaleFactor::on_constraint(double a0, double rho) {
  if (!(std::isfinite(a0) && a0 > 0.0))
    throw InputError(
        fmt::format("Friedmann background needs a finite initial scale factor a0 > 0, got {}", a0));
  if (!(std::isfinite(rho) && rho > 0.0))
    throw InputError(fmt::format("Friedmann background needs a finite initial energy density rho > 0 "
                                 "(H^2 = rho / 3), got {}",
                                 rho));
  return {a0, -6.0 * a0 * a0 * a0 * std::sqrt(rho / 3.0)};
}

ScaleFactor ScaleFactor::from_state(double a, double p_b) {
  if (!(std::isfinite(a) && a > 0.0 && std::isfinite(p_b)))
    throw InputError(
        fmt::format("a scale factor's state needs a finite a > 0 and a finite momentum, got a = {}, "
                    "p_b = {}",
                    a, p_b));
  return {a, p_b};
}

ScaleFactor::Drift ScaleFactor::drift(double s, double pi2) {
  // Exact flow of e^{-3b} K (friedmann_system.hpp): a^3(u) = A0 + c1 u + c2 u^2, I(s) = int_0^s du / a^3(u).
  const double A0 = a_ * a_ * a_;
  const double E = (-p_b_ * p_b_ / 12.0 + 0.5 * pi2) / A0;
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
    throw RuntimeError(fmt::format("Friedmann drift of length {} takes a^3 = {} through zero (H = {}): the "
                                   "step is too long for a collapsing universe",
                                   s, A0, hubble()));
  const double delta = std::sqrt(1.5 * pi2);
  const double length = 2.0 * s / denominator * atanh_over_x(delta * s / denominator);
  p_b_ += 3.0 * E * s;
  a_ = std::cbrt(A1);
  return {length, A0 / A1};
}

} // namespace inflanet
