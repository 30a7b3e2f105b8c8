// The scale factor's two exact flows (scale_factor.hpp), without fields: the kick, the drift's closed form
// against quadrature, and the refusal of a drift that would take a^3 through zero.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/background/scale_factor.hpp"
#include "inflanet/base/error.hpp"

using namespace inflanet;

TEST(ScaleFactor, OnConstraintIsExpandingWithHSquaredRhoOverThree) {
  const ScaleFactor sf = ScaleFactor::on_constraint(2.0, 3.0);
  EXPECT_DOUBLE_EQ(sf.hubble(), 1.0);
  EXPECT_DOUBLE_EQ(sf.momentum(), -48.0);       // -6 a^3 H
  EXPECT_DOUBLE_EQ(sf.kinetic_energy(), -24.0); // -3 a^3 H^2
  EXPECT_THROW((void)ScaleFactor::on_constraint(0.0, 1.0), InputError);
  EXPECT_THROW((void)ScaleFactor::on_constraint(1.0, 0.0), InputError);
  EXPECT_THROW((void)ScaleFactor::on_constraint(1.0, NAN), InputError);
}

TEST(ScaleFactor, DriftLengthIsTheIntegralOfOneOverACubed) {
  // Off the constraint surface (E != 0) and with moving fields (delta > 0): a^3(u) must be the quadratic
  // A0 + c1 u + c2 u^2 and the length its reciprocal's integral; compared with composite Simpson.
  for (const double s : {0.3, -0.2, 1.5}) {
    ScaleFactor sf = ScaleFactor::on_constraint(1.2, 0.7);
    sf.momentum_update(1.0, 0.1, 2.0); // leave the constraint surface
    const double A0 = std::pow(sf.a(), 3), p_b = sf.momentum(), pi2 = 0.9;
    const double E = (-p_b * p_b / 12.0 + 0.5 * pi2) / A0;
    const auto a3 = [&](double u) { return A0 - 0.5 * p_b * u - 0.75 * E * u * u; };
    const int n = 20000;
    double integral = 0.0;
    for (int k = 0; k <= n; ++k) {
      const double w = (k == 0 || k == n) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0);
      integral += w / a3(s * k / n);
    }
    integral *= s / n / 3.0;
    const ScaleFactor::Drift flow = sf.drift(s, pi2);
    EXPECT_NEAR(flow.length, integral, 1e-13) << s;
    EXPECT_NEAR(std::pow(sf.a(), 3), a3(s), 1e-13) << s;
    EXPECT_NEAR(flow.damping, A0 / a3(s), 1e-13) << s;
    EXPECT_NEAR(sf.momentum(), p_b + 3.0 * E * s, 1e-13) << s;
  }
}

TEST(ScaleFactor, DriftThroughCollapseIsRefused) {
  // H = 1, <pi^2> = 1: a^3(u) = 1 + 3u + 1.875 u^2 has roots near u = -0.473 and -1.127. Backwards drifts
  // (Yoshida's negative stages) that end inside (-0.7) or cross the negative interval and come out
  // positive again (-1.5) are refused; -0.3 is fine.
  for (const double s : {-0.7, -1.5}) {
    ScaleFactor sf = ScaleFactor::on_constraint(1.0, 3.0);
    EXPECT_THROW((void)sf.drift(s, 1.0), RuntimeError) << s;
  }
  ScaleFactor sf = ScaleFactor::on_constraint(1.0, 3.0);
  EXPECT_NO_THROW((void)sf.drift(-0.3, 1.0));
}

TEST(ScaleFactor, BackwardDriftLimitIsWhereTheScaleFactorReachesZero) {
  // a^(3 - alpha)(u) / a^(3 - alpha)(0) = 1 + k y + (k^2/4)(1 - g) y^2 with y = a^alpha H u, k = 3 - alpha:
  // zero at y = -2 / (k (1 + sqrt g)). A backward drift just short of it exists, one just past it is
  // refused as a backward sub-step of an expanding universe; backward_drift_limit is that root for g >= 1
  // and the g = 1 root, 1/k, below (the bound every state with K <= 3 H^2 obeys).
  const double a0 = 1.3;
  for (const double alpha : {0.0, 0.5}) {
    for (const double g : {1.0 / 6.0, 1.0, 4.0}) {
      const double k = 3.0 - alpha, root = 2.0 / (k * (1.0 + std::sqrt(g)));
      const double pi2 = 6.0 * g * std::pow(a0, 6); // K = pi2 / (2 a^6) = 3 g H^2 at H = 1
      const double to_s = 1.0 / std::pow(a0, alpha);
      ScaleFactor inside = ScaleFactor::on_constraint(a0, 3.0);
      EXPECT_NO_THROW((void)inside.drift(-root * (1.0 - 1e-6) * to_s, pi2, alpha)) << alpha << " " << g;
      ScaleFactor past = ScaleFactor::on_constraint(a0, 3.0);
      try {
        (void)past.drift(-root * (1.0 + 1e-6) * to_s, pi2, alpha);
        ADD_FAILURE() << "expected a refusal, alpha " << alpha << " g " << g;
      } catch (const ScaleFactorError& e) {
        EXPECT_TRUE(e.collective());
        EXPECT_NE(std::string(e.what()).find("backward sub-step"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("expanding"), std::string::npos) << e.what();
      }
      const double bound = ScaleFactor::backward_drift_limit(g, alpha);
      EXPECT_NEAR(bound, g >= 1.0 ? root : 1.0 / k, 1e-15) << alpha << " " << g;
      EXPECT_LE(bound, root * (1.0 + 1e-15));
    }
  }
  // A collapsing universe (H < 0) that a forward drift takes through zero is named as such.
  ScaleFactor collapsing = ScaleFactor::from_state(1.0, 6.0); // p_b = -6 a^3 H: H = -1
  try {
    (void)collapsing.drift(0.7, 1.0);
    ADD_FAILURE() << "expected a refusal";
  } catch (const ScaleFactorError& e) {
    EXPECT_NE(std::string(e.what()).find("collapsing"), std::string::npos) << e.what();
  }
}
