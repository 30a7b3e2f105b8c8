#include "inflanet/background/scale_factor.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace inflanet {

namespace {
/// atanh(x) / x, exact at x = 0 (the drift's length with fields at rest).
double atanh_over_x(double x) noexcept {
  return x == 0.0 ? 1.0 : std::atanh(x) / x;
}
} // namespace

double ScaleFactor::backward_drift_limit(double kinetic_fraction, double alpha) {
  return 2.0 / ((3.0 - alpha) * (1.0 + std::sqrt(std::max(1.0, kinetic_fraction))));
}

double ScaleFactor::backward_kick_limit(double alpha) {
  return 2.0 / (3.0 + alpha);
}

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

ScaleFactor::Drift ScaleFactor::drift(double s, double pi2, double alpha) {
  // Exact flow of e^{(alpha - 3) b} K (scale_factor.hpp for alpha = 0): X(u) = a^(3 - alpha)(u) = A0 +
  // c1 u + c2 u^2 with c1 = -(3 - alpha) p_b / 6, c2 = -(3 - alpha)^2 E / 12, E = K / X0 the (conserved)
  // value of the flow's Hamiltonian; I(s) = int_0^s du / X(u). alpha = 0 keeps the historical expressions
  // (a^3, -0.5 p_b, -0.75 E, sqrt(1.5 pi2), cbrt), bit for bit.
  const bool cosmic = alpha == 0.0;
  const double k = 3.0 - alpha;
  const double A0 = cosmic ? a_ * a_ * a_ : std::pow(a_, k);
  const double E = (-p_b_ * p_b_ / 12.0 + 0.5 * pi2) / A0;
  const double c1 = cosmic ? -0.5 * p_b_ : -k / 6.0 * p_b_;
  const double c2 = cosmic ? -0.75 * E : -k * k / 12.0 * E;
  const double A1 = A0 + s * (c1 + c2 * s);
  const double denominator = 2.0 * A0 + c1 * s;
  // a^3 > 0 on [0, s] holds iff it holds at both ends and at an interior minimum, if any: with c2 > 0 the
  // minimum of the parabola is at u = -c1 / (2 c2). s may be negative (Yoshida's inner stages); a^3 > 0
  // between 0 and s then guarantees |x| < 1 below (4 A0 a^3(u) = (2 A0 + c1 u)^2 - delta^2 u^2).
  const double u_min = c2 > 0.0 ? -c1 / (2.0 * c2) : 0.0;
  const bool inside = s > 0.0 ? (u_min > 0.0 && u_min < s) : (u_min < 0.0 && u_min > s);
  const bool interior_zero = inside && A0 + u_min * (c1 + c2 * u_min) <= 0.0;
  if (!(alpha >= 0.0 && alpha < 3.0))
    throw RuntimeError(fmt::format("Friedmann drift in alpha-time needs 0 <= alpha < 3, got {}", alpha));
  if (!(A1 > 0.0) || !(denominator > 0.0) || interior_zero) {
    const double H = hubble(), a_alpha = cosmic ? 1.0 : std::pow(a_, alpha);
    const double y = a_alpha * H * s;
    const double a3 = a_ * a_ * a_;
    const double kinetic_fraction = 0.5 * pi2 / (a3 * a3) / (3.0 * H * H); // K_v / (3 H^2), pi = a^3 dphi/dt
    const double limit = 2.0 / (k * (1.0 + std::sqrt(kinetic_fraction)));
    if (H > 0.0 && s < 0.0)
      throw ScaleFactorError(
          fmt::format("the scale factor's backward sub-step (a drift of length {:.6g} against an expanding "
                      "universe, H = {:.6g}, a = {:.6g}) takes a^{} through zero: |a^alpha H s| = {:.4g} "
                      "exceeds 2 / ((3 - alpha)(1 + sqrt(K / 3H^2))) = {:.4g}; the step is too long for the "
                      "expansion rate",
                      s, H, a_, cosmic ? "3" : "(3 - alpha)", std::abs(y), limit));
    throw ScaleFactorError(fmt::format(
        "the scale factor's drift of length {:.6g} takes a^{} = {:.6g} through zero: H = {:.6g} there, a "
        "collapsing state{}",
        s, cosmic ? "3" : "(3 - alpha)", A0, H,
        H < 0.0 && s > 0.0 ? " (in an expanding universe: a backward kick of the composition has turned H "
                             "negative inside the step, which is too long for the expansion rate)"
                           : ""));
  }
  // 4 A0 X(u) = (2 A0 + c1 u)^2 - delta^2 u^2 with delta^2 = c1^2 - 4 A0 c2 = (3 - alpha)^2 pi2 / 6.
  const double delta = cosmic ? std::sqrt(1.5 * pi2) : k * std::sqrt(pi2 / 6.0);
  const double length = 2.0 * s / denominator * atanh_over_x(delta * s / denominator);
  double time = s;
  if (!cosmic) {
    // int_0^s X(u)^(alpha / k) du, Gauss-Legendre on 8 nodes of [0, s].
    static constexpr double node[4] = {0.18343464249564980494, 0.52553240991632898582, 0.79666647741362673959,
                                       0.96028985649753623168};
    static constexpr double weight[4] = {0.36268378337836198297, 0.31370664587788728734,
                                         0.22238103445337447054, 0.10122853629037625915};
    time = 0.0;
    for (int j = 0; j < 4; ++j) {
      for (const double sign : {-1.0, 1.0}) {
        const double u = 0.5 * s * (1.0 + sign * node[j]);
        time += weight[j] * std::pow(A0 + u * (c1 + c2 * u), alpha / k);
      }
    }
    time *= 0.5 * s;
  }
  p_b_ += k * E * s;
  a_ = cosmic ? std::cbrt(A1) : std::pow(A1, 1.0 / k);
  return {length, A0 / A1, time};
}

} // namespace inflanet
