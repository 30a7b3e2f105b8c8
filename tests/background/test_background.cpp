// Backgrounds: scale factor, Hubble rate, friction factor and the de Sitter conformal-time relation.
#include "inflanet/background/background.hpp"

#include "inflanet/base/error.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace inflanet;

TEST(Background, de_sitter_scale_factor_and_hubble) {
  const DeSitter ds(0.7, 2.0);
  EXPECT_DOUBLE_EQ(ds.a(0.0), 2.0);
  EXPECT_NEAR(ds.a(3.0), 2.0 * std::exp(2.1), 1e-14 * ds.a(3.0));
  EXPECT_DOUBLE_EQ(ds.hubble(5.0), 0.7);
  // H = (da/dt)/a numerically
  const double t = 1.3, h = 1e-5;
  EXPECT_NEAR((ds.a(t + h) - ds.a(t - h)) / (2 * h) / ds.a(t), 0.7, 1e-9);
}

TEST(Background, friction_factor_is_exp_minus_3Hs) {
  const DeSitter ds(0.4, 1.0);
  for (double s : {0.0, 0.01, 0.5, 3.0})
    EXPECT_NEAR(ds.friction_factor(2.0, s), std::exp(-3.0 * 0.4 * s), 1e-15);
  // composition: friction over s1 then s2 equals friction over s1 + s2
  EXPECT_NEAR(ds.friction_factor(0.0, 0.3) * ds.friction_factor(0.3, 0.2), ds.friction_factor(0.0, 0.5),
              1e-15);
  const Minkowski mk;
  EXPECT_EQ(mk.friction_factor(1.0, 2.0), 1.0);
  EXPECT_EQ(mk.a(7.0), 1.0);
  EXPECT_EQ(mk.hubble(7.0), 0.0);
}

TEST(Background, conformal_time_derivative_is_one_over_a) {
  const DeSitter ds(1.7, 0.3);
  for (double t : {-1.0, 0.0, 0.8, 2.5}) {
    const double h = 1e-5 / 1.7;
    const double dtau_dt = (ds.conformal_time(t + h) - ds.conformal_time(t - h)) / (2 * h);
    EXPECT_NEAR(dtau_dt * ds.a(t), 1.0, 1e-8) << "t=" << t;
    EXPECT_LT(ds.conformal_time(t), 0.0);
    EXPECT_NEAR(ds.cosmic_time(ds.conformal_time(t)), t, 1e-13);
  }
}

TEST(Background, factory_and_clone) {
  auto ds = make_background("desitter", 0.5, 1.5);
  EXPECT_EQ(ds->name(), "desitter");
  auto copy = ds->clone();
  EXPECT_DOUBLE_EQ(copy->a(1.0), ds->a(1.0));
  EXPECT_EQ(make_background("minkowski", 0.0, 1.0)->name(), "minkowski");
  EXPECT_THROW((void)make_background("radiation", 1.0, 1.0), InputError);
  EXPECT_THROW((void)make_background("desitter", 0.0, 1.0), InputError);
  EXPECT_THROW((void)make_background("desitter", 1.0, -1.0), InputError);
}

// alpha-time (physics.md section 7): eta with dt = a^alpha d eta.
TEST(AlphaTime, CosmicTimeIsTheIdentityClockAtAlphaZero) {
  const DeSitter ds(1.3, 0.7);
  const AlphaTime clock(ds, 0.0);
  for (double t : {0.0, 0.4, 2.5}) {
    EXPECT_EQ(clock.eta(t), t);
    EXPECT_EQ(clock.cosmic_time(t), t);
    EXPECT_EQ(clock.a(t), ds.a(t));
    EXPECT_EQ(clock.friction_factor(t, 0.1), ds.friction_factor(t, 0.1));
    EXPECT_EQ(clock.mass_factor(t), 1.0);
    EXPECT_EQ(clock.dt_deta(t), 1.0);
  }
}

TEST(AlphaTime, ScaleFactorSolvesDaDetaEqualsHaToTheOnePlusAlpha) {
  const double H = 1.3, a0 = 0.7;
  const DeSitter ds(H, a0);
  for (double alpha : {0.5, 1.0}) {
    const AlphaTime clock(ds, alpha);
    EXPECT_DOUBLE_EQ(clock.a(0.0), a0);
    for (double eta : {0.1, 0.5, 0.9 * clock.eta_max()}) {
      const double h = 1e-6 * clock.eta_max();
      const double derivative = (clock.a(eta + h) - clock.a(eta - h)) / (2.0 * h);
      EXPECT_NEAR(derivative / (H * std::pow(clock.a(eta), 1.0 + alpha)), 1.0, 1e-7) << alpha << " " << eta;
      // t(eta) is the inverse of eta(t), and a(eta) = a0 e^{H t(eta)}.
      EXPECT_NEAR(clock.eta(clock.cosmic_time(eta)), eta, 1e-14);
      EXPECT_NEAR(clock.a(eta), ds.a(clock.cosmic_time(eta)), 1e-12 * clock.a(eta));
      EXPECT_NEAR(clock.dt_deta(eta), std::pow(clock.a(eta), alpha), 1e-12 * clock.dt_deta(eta));
    }
  }
}

TEST(AlphaTime, ConformalTimeEndsAtOneOverA0HAndFreezesTheGradientCoefficient) {
  const DeSitter ds(2.0, 0.5);
  const AlphaTime clock(ds, 1.0);
  EXPECT_DOUBLE_EQ(clock.eta_max(), 1.0);                    // 1 / (a0 H)
  EXPECT_DOUBLE_EQ(clock.eta(50.0), 1.0 - std::exp(-100.0)); // (1 - e^{-H t}) / (a0 H)
  for (double eta : {0.0, 0.3, 0.99}) {
    EXPECT_DOUBLE_EQ(clock.gradient_factor(eta), 1.0); // a^(2 alpha - 2)
    EXPECT_NEAR(clock.mass_factor(eta), clock.a(eta) * clock.a(eta), 1e-12 * clock.mass_factor(eta));
    // Friction at frozen eta: exp(-(3 - alpha) script-H s), script-H = a^alpha H.
    EXPECT_NEAR(clock.friction_factor(eta, 0.01), std::exp(-2.0 * clock.a(eta) * 2.0 * 0.01), 1e-14);
  }
}

TEST(AlphaTime, MinkowskiEtaIsCosmicTimeForAnyAlpha) {
  const Minkowski flat;
  const AlphaTime clock(flat, 1.0);
  EXPECT_EQ(clock.eta(3.0), 3.0);
  EXPECT_EQ(clock.a(3.0), 1.0);
  EXPECT_EQ(clock.friction_factor(1.0, 0.5), 1.0);
  EXPECT_TRUE(std::isinf(clock.eta_max()));
}

TEST(AlphaTime, DriftWithFrictionIsTheExactFlowOverItsInterval) {
  const DeSitter ds(1.0, 1.0);
  for (double alpha : {0.5, 1.0}) {
    const AlphaTime clock(ds, alpha);
    const double eta = 0.4 * clock.eta_max(), s = 0.3 * clock.eta_max();
    const auto flow = clock.drift_friction(eta, s);
    EXPECT_NEAR(flow.damping, std::pow(clock.a(eta) / clock.a(eta + s), 3.0 - alpha), 1e-13);
    // I = int_0^s (a(eta)/a(eta+u))^(3-alpha) du by Simpson's rule.
    const int m = 2000;
    double sum = 0.0;
    for (int i = 0; i <= m; ++i) {
      const double u = s * i / m;
      const double weight = (i == 0 || i == m) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
      sum += weight * std::pow(clock.a(eta) / clock.a(eta + u), 3.0 - alpha);
    }
    EXPECT_NEAR(flow.length, sum * s / (3.0 * m), 1e-10) << alpha;
  }
  const AlphaTime cosmic(ds, 0.0);
  const auto flow = cosmic.drift_friction(0.2, 0.1);
  EXPECT_EQ(flow.damping, ds.friction_factor(0.2, 0.1));
  EXPECT_NEAR(flow.length, (1.0 - std::exp(-0.3)) / 3.0, 1e-15);
}
