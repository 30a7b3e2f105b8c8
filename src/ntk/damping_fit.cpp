#include "inflanet/ntk/damping_fit.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "least_squares.hpp"

namespace inflanet {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// (gamma, omega2) from the second-difference coefficients (alpha, delta) and dt; see the header.
void parameters(double alpha, double delta, double dt, double& gamma, double& omega2) {
  if (!(delta > -1.0)) { // -c2 = 1 + delta <= 0
    gamma = nan;
    omega2 = nan;
    return;
  }
  gamma = -std::log1p(delta) / dt;
  const double root = std::sqrt(1.0 + delta);
  const double u = delta / (1.0 + root);
  const double cm1 = (alpha + u * u) / (2.0 * root); // C - 1
  double q;
  if (cm1 >= 0.0) { // cosh(s dt) = 1 + cm1
    const double sdt = std::log1p(cm1 + std::sqrt(cm1 * (cm1 + 2.0)));
    q = (sdt / dt) * (sdt / dt);
  } else if (cm1 > -2.0) { // cos(s dt) = 1 - y: s dt = 2 asin(sqrt(y / 2))
    const double sdt = 2.0 * std::asin(std::sqrt(-cm1 / 2.0));
    q = -(sdt / dt) * (sdt / dt);
  } else {
    omega2 = nan;
    return;
  }
  omega2 = 0.25 * gamma * gamma - q;
}

} // namespace

DampingFit fit_damped_oscillator(std::span<const double> t, std::span<const double> a) {
  const std::size_t n = t.size();
  if (a.size() != n) {
    throw InputError(
        fmt::format("damping fit: t and a must have the same length, got {} and {}", n, a.size()));
  }
  if (n < 4) {
    throw InputError(fmt::format("damping fit: need at least 4 samples, got {}", n));
  }
  const double dt = (t[n - 1] - t[0]) / static_cast<double>(n - 1);
  if (!(dt > 0.0) || !std::isfinite(dt)) {
    throw InputError("damping fit: t must be finite and strictly increasing");
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (std::abs((t[i] - t[i - 1]) - dt) > 1e-9 * dt) {
      throw InputError(fmt::format("damping fit: t must be uniform; step {} is {} against a mean of {}", i,
                                   t[i] - t[i - 1], dt));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i])) {
      throw InputError(fmt::format("damping fit: a[{}] = {} is not finite", i, a[i]));
    }
  }
  // rows n = 1 .. n-2: d_n = alpha a_n + delta (a_n - a_{n-1})
  const std::size_t rows = n - 2;
  std::vector<double> x(2 * rows), d(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t i = r + 1;
    x[r] = a[i];
    x[rows + r] = a[i] - a[i - 1];
    d[r] = (a[i + 1] - a[i]) - (a[i] - a[i - 1]);
  }
  const detail::LeastSquares ls = detail::solve_least_squares(std::move(x), std::move(d), rows, 2);
  if (!ls.ok) {
    throw RuntimeError("damping fit: the samples obey a first-order recurrence (a single exponential or "
                       "zero); gamma and omega2 are not separately determined");
  }
  DampingFit fit;
  const double alpha = ls.x[0], delta = ls.x[1];
  parameters(alpha, delta, dt, fit.gamma, fit.omega2);
  // Error propagation: residual variance (X^T X)^{-1}, Jacobian by central differences.
  const double s2 = rows > 2 ? ls.residual2 / static_cast<double>(rows - 2) : 0.0;
  const double cov[2][2] = {{ls.covariance[0] * s2, ls.covariance[1] * s2},
                            {ls.covariance[2] * s2, ls.covariance[3] * s2}};
  double jg[2] = {0.0, 0.0}, jw[2] = {0.0, 0.0};
  const double params[2] = {alpha, delta};
  for (int j = 0; j < 2; ++j) {
    const double sigma = std::sqrt(cov[j][j]);
    if (!(sigma > 0.0)) {
      continue;
    }
    const double h = 1e-3 * sigma;
    double p[2] = {params[0], params[1]}, gp, wp, gm, wm;
    p[j] = params[j] + h;
    parameters(p[0], p[1], dt, gp, wp);
    p[j] = params[j] - h;
    parameters(p[0], p[1], dt, gm, wm);
    jg[j] = (gp - gm) / (2.0 * h);
    jw[j] = (wp - wm) / (2.0 * h);
  }
  auto propagate = [&](const double(&jac)[2]) {
    double v = 0.0;
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j) {
        v += jac[i] * cov[i][j] * jac[j];
      }
    }
    return std::sqrt(std::max(0.0, v));
  };
  fit.gamma_err = propagate(jg);
  fit.omega2_err = propagate(jw);
  return fit;
}

} // namespace inflanet
