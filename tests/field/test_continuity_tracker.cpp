// The continuity quadrature is of order 8, so the residual it reports is the integrator's, not its own.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/field/continuity_tracker.hpp"

using inflanet::ContinuityTracker;

namespace {
// A smooth "dissipation" g(t) = 2 + sin(3t) e^{-t/2}; rho(t) = rho0 - int g, so the residual is pure
// quadrature error.
double g(double t) {
  return 2.0 + std::sin(3 * t) * std::exp(-t / 2);
}
double big_g(double t) {
  // int_0^t sin(3s) e^{-s/2} ds = [e^{-s/2}(-0.5 sin 3s - 3 cos 3s)/(9.25)]_0^t
  auto prim = [](double s) {
    return std::exp(-s / 2) * (-0.5 * std::sin(3 * s) - 3 * std::cos(3 * s)) / 9.25;
  };
  return 2.0 * t + prim(t) - prim(0.0);
}
double quadrature_error(double h, double t_end) {
  const double rho0 = 10.0;
  ContinuityTracker tracker(h, rho0, g(0.0));
  const auto steps = static_cast<int>(std::lround(t_end / h));
  for (int n = 1; n <= steps; ++n) {
    tracker.push(rho0 - big_g(n * h), g(n * h));
  }
  return std::abs(tracker.integral() - big_g(steps * h));
}
} // namespace

TEST(ContinuityTracker, QuadratureConvergesAtOrderEight) {
  const double e1 = quadrature_error(0.1, 3.2), e2 = quadrature_error(0.05, 3.2);
  EXPECT_GT(std::log2(e1 / e2), 7.0) << e1 << " " << e2;
  EXPECT_LT(e2, 1e-9);
}

TEST(ContinuityTracker, ExactForPolynomialsAndShortHistories) {
  // A cubic dissipation is integrated exactly once four values exist (step 3 on).
  ContinuityTracker tracker(0.5, 1.0, 0.0);
  for (int n = 1; n <= 12; ++n) {
    const double t = 0.5 * n;
    tracker.push(1.0 - t * t * t * t / 4, t * t * t);
    if (n < 3) {
      continue;
    }
    EXPECT_NEAR(tracker.integral(), t * t * t * t / 4, 1e-12 * (1 + t * t * t * t)) << n;
    EXPECT_NEAR(tracker.residual(), 0.0, 1e-12 * (1 + t * t * t * t)) << n;
  }
}
