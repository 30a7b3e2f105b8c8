// The mean fields' self-consistent expansion served as a fixed Background (friedmann_background.hpp):
// a(t), H(t) and the friction factor between the stored steps, against a long-double RK4 of Friedmann +
// Klein-Gordon for a massive field from rest at phi = 1 (m = 1, M_p = 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "inflanet/background/friedmann_background.hpp"
#include "inflanet/base/error.hpp"

using namespace inflanet;

namespace {
HomogeneousPotential quadratic() {
  return {[](std::span<const double> f) { return 0.5 * f[0] * f[0]; },
          [](std::span<const double> f, std::span<double> out) { out[0] = f[0]; }};
}

/// (a, phi, phidot) at t by RK4 in long double with H = +sqrt(rho / 3), steps of at most 5e-5.
std::array<long double, 3> reference(double t) {
  std::array<long double, 3> y{1.0L, 1.0L, 0.0L};
  const auto rate = [](const std::array<long double, 3>& v) {
    const long double H = std::sqrt((0.5L * v[2] * v[2] + 0.5L * v[1] * v[1]) / 3.0L);
    return std::array<long double, 3>{v[0] * H, v[2], -3.0L * H * v[2] - v[1]};
  };
  const long steps = std::max(1L, std::lround(t / 5e-5));
  const long double h = static_cast<long double>(t) / steps;
  for (long n = 0; n < steps; ++n) {
    const auto k1 = rate(y);
    std::array<long double, 3> y2{}, y3{}, y4{};
    for (int i = 0; i < 3; ++i)
      y2[i] = y[i] + 0.5L * h * k1[i];
    const auto k2 = rate(y2);
    for (int i = 0; i < 3; ++i)
      y3[i] = y[i] + 0.5L * h * k2[i];
    const auto k3 = rate(y3);
    for (int i = 0; i < 3; ++i)
      y4[i] = y[i] + h * k3[i];
    const auto k4 = rate(y4);
    for (int i = 0; i < 3; ++i)
      y[i] += h / 6.0L * (k1[i] + 2.0L * k2[i] + 2.0L * k3[i] + k4[i]);
  }
  return y;
}

FriedmannBackground massive_background(double h) {
  return FriedmannBackground(FriedmannSystem(quadratic(), {1.0}, {0.0}, 1.0), 10.0, h, "quadratic(m=1)");
}
} // namespace

TEST(FriedmannBackground, MatchesFriedmannKleinGordonBetweenSteps) {
  const FriedmannBackground background = massive_background(0.02);
  double a_error = 0.0, h_error = 0.0;
  for (const double t : {0.0, 0.013, 1.2345, 3.14159, 7.0071, 9.999}) {
    const auto y = reference(t);
    const double rho = static_cast<double>(0.5L * y[2] * y[2] + 0.5L * y[1] * y[1]);
    a_error = std::max(a_error, std::abs(background.a(t) / static_cast<double>(y[0]) - 1.0));
    h_error = std::max(h_error, std::abs(background.hubble(t) - std::sqrt(rho / 3.0)));
  }
  std::printf("friedmann background, yoshida6 h = 0.02: max |a/a_ref - 1| = %.3g, |H - H_ref| = %.3g, "
              "constraint violation %.3g\n",
              a_error, h_error, background.max_constraint_violation());
  EXPECT_LT(a_error, 1e-10);
  EXPECT_LT(h_error, 1e-9);
  EXPECT_LT(background.max_constraint_violation(), 1e-10);
}

TEST(FriedmannBackground, FrictionFactorIsExpMinusThreeIntegralOfH) {
  // exp(-3 int_t^{t+s} H) by Simpson's rule on the interpolated H, against (a(t) / a(t+s))^3.
  const FriedmannBackground background = massive_background(0.02);
  const double t = 2.37, s = 0.4;
  const int n = 2000;
  double integral = 0.0;
  for (int k = 0; k <= n; ++k) {
    const double w = (k == 0 || k == n) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0);
    integral += w * background.hubble(t + s * k / n);
  }
  integral *= s / n / 3.0;
  EXPECT_NEAR(background.friction_factor(t, s), std::exp(-3.0 * integral), 1e-10);
  EXPECT_NEAR(background.friction_factor(t, s) * background.friction_factor(t + s, s),
              background.friction_factor(t, 2 * s), 1e-14);
}

TEST(FriedmannBackground, IsABackgroundWithItsRangeChecked) {
  const FriedmannBackground background = massive_background(0.05);
  const std::unique_ptr<Background> copy = background.clone();
  EXPECT_EQ(copy->name(), "friedmann");
  EXPECT_EQ(copy->a(3.3), background.a(3.3));
  EXPECT_NE(copy->describe().find("quadratic(m=1)"), std::string::npos);
  EXPECT_DOUBLE_EQ(background.a(0.0), 1.0);
  EXPECT_THROW((void)background.a(-0.1), RuntimeError);
  EXPECT_THROW((void)background.hubble(10.5), RuntimeError);
  EXPECT_THROW((void)massive_background(0.0), InputError);
}
