// The integrator family on the damped harmonic oscillator (exact solution known): measured convergence
// orders, the heavy-ball momentum identity, stability limits, and one force evaluation per drift.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/integrator/integrator.hpp"

using namespace inflanet;

namespace {
struct Oscillator {
  double q, p, t = 0.0, gamma, omega2;
  int force_evaluations = 0;
  double damping(double s) const { return std::exp(-gamma * s); }
  void momentum_update(double a, double b) {
    if (b != 0.0) {
      ++force_evaluations;
    }
    p = a * p - b * omega2 * q;
  }
  void drift(double s) {
    q += s * p;
    t += s;
  }
};

double exact_q(double q0, double p0, double gamma, double omega2, double t) {
  const double big_omega = std::sqrt(omega2 - gamma * gamma / 4);
  return std::exp(-gamma * t / 2) *
         (q0 * std::cos(big_omega * t) + (p0 + gamma * q0 / 2) / big_omega * std::sin(big_omega * t));
}

double error_at(const Integrator& integrator, double h, double t_end) {
  Oscillator osc{1.0, 0.3, 0.0, 0.4, 2.0};
  const auto steps = static_cast<int>(std::lround(t_end / h));
  for (int i = 0; i < steps; ++i) {
    integrator.step(osc, h);
  }
  return std::abs(osc.q - exact_q(1.0, 0.3, 0.4, 2.0, t_end));
}
} // namespace

TEST(Integrator, MeasuredOrderMatchesNominalOnDampedOscillator) {
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    const double h = integrator.order() >= 6 ? 0.1 : (integrator.order() >= 4 ? 0.05 : 0.01);
    const double e1 = error_at(integrator, h, 4.0);
    const double e2 = error_at(integrator, h / 2, 4.0);
    const double measured = std::log2(e1 / e2);
    EXPECT_NEAR(measured, integrator.order(), 0.3) << name << ": errors " << e1 << ", " << e2;
  }
}

TEST(Integrator, EulerIsExactlyHeavyBallMomentum) {
  // v <- beta v - eta grad L, theta <- theta + v on L = omega2 theta^2 / 2, against the integrator on
  // (theta, v / sqrt(eta)) with h = sqrt(eta) and exp(-gamma h) = beta.
  const double eta = 0.01, beta = 0.9, omega2 = 3.0;
  const double h = std::sqrt(eta), gamma = -std::log(beta) / h;
  double theta = 1.0, v = 0.0;
  Oscillator osc{1.0, 0.0, 0.0, gamma, omega2};
  const auto euler = Integrator::from_name("euler");
  for (int n = 0; n < 1000; ++n) {
    v = beta * v - eta * omega2 * theta;
    theta += v;
    euler.step(osc, h);
    ASSERT_NEAR(osc.q, theta, 1e-14 * (1.0 + std::abs(theta))) << "step " << n;
    ASSERT_NEAR(osc.p * h, v, 1e-14 * (1.0 + std::abs(v))) << "step " << n;
  }
}

TEST(Integrator, StabilityLimitsOfTheCompositions) {
  EXPECT_NEAR(Integrator::from_name("euler").stability_limit(), 2.0, 1e-9);
  EXPECT_NEAR(Integrator::from_name("leapfrog").stability_limit(), 2.0, 1e-9);
  // Yoshida compositions contain a negative sub-step, so their limit in units of h is smaller.
  EXPECT_LT(Integrator::from_name("yoshida4").stability_limit(), 2.0);
  EXPECT_GT(Integrator::from_name("yoshida4").stability_limit(), 1.0);
  EXPECT_GT(Integrator::from_name("yoshida6").stability_limit(), 0.5);
}

TEST(Integrator, LargestBackwardStagesAreYoshidasNegativeWeights) {
  // yoshida4 (w1 = 1 / (2 - 2^(1/3)), w0 = 1 - 2 w1): the middle leapfrog's drift w0 = -2^(1/3) / (2 -
  // 2^(1/3)) and the merged kick (w1 + w0) / 2 between the first two leapfrogs. yoshida6 (Yoshida's solution
  // A): the drift w1 = -1.17767998417887 and the kick (w2 + w1) / 2. euler and leapfrog run only forward.
  const double cbrt2 = std::cbrt(2.0), w1 = 1.0 / (2.0 - cbrt2);
  const auto yoshida4 = Integrator::from_name("yoshida4"), yoshida6 = Integrator::from_name("yoshida6");
  EXPECT_NEAR(yoshida4.largest_backward(Flow::drift), cbrt2 / (2.0 - cbrt2), 1e-15);
  EXPECT_NEAR(yoshida4.largest_backward(Flow::kick), -(w1 + 1.0 - 2.0 * w1) / 2.0, 1e-15);
  EXPECT_NEAR(yoshida6.largest_backward(Flow::drift), 1.17767998417887, 1e-14);
  EXPECT_NEAR(yoshida6.largest_backward(Flow::kick), (1.17767998417887 - 0.235573213359357) / 2.0, 1e-14);
  for (const char* name : {"euler", "leapfrog"}) {
    for (const Flow flow : {Flow::drift, Flow::kick, Flow::friction}) {
      EXPECT_EQ(Integrator::from_name(name).largest_backward(flow), 0.0) << name;
    }
  }
}

TEST(Integrator, OneForceEvaluationPerDrift) {
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    Oscillator osc{1.0, 0.0, 0.0, 0.1, 1.0};
    integrator.step(osc, 0.01);
    // Stages between drifts collapse into one momentum update; the first one of a step may precede
    // every drift, so updates = drifts + 1 at most (the system caches the force across the boundary).
    EXPECT_LE(osc.force_evaluations, integrator.drifts_per_step() + 1) << name;
    EXPECT_NEAR(osc.t, 0.01, 1e-15) << name;
  }
}

TEST(Integrator, UnknownNameIsRefused) {
  EXPECT_ANY_THROW(Integrator::from_name("rk4"));
}

namespace {
/// The oscillator with the boundary-merging verb: p_sync = A p - B F, then p <- A' p_sync - B' F.
struct MergingOscillator : Oscillator {
  int merged_boundaries = 0;
  void momentum_update_across(double a, double b, double a_next, double b_next) {
    ++merged_boundaries;
    ++force_evaluations;
    const double synchronised = a * p - b * omega2 * q;
    p = a_next * synchronised - b_next * omega2 * q;
  }
};
} // namespace

TEST(Integrator, AdvanceMergingStepBoundariesIsBitwiseEqualToSingleSteps) {
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    Oscillator reference{1.0, 0.3, 0.0, 0.4, 2.0};
    for (int i = 0; i < 37; ++i) {
      integrator.step(reference, 0.05);
    }
    MergingOscillator merged;
    static_cast<Oscillator&>(merged) = Oscillator{1.0, 0.3, 0.0, 0.4, 2.0};
    int calls = 0;
    integrator.advance(merged, 0.05, 37, [&](std::int64_t k) { EXPECT_EQ(k, calls++); });
    EXPECT_EQ(calls, 37) << name;
    EXPECT_EQ(merged.merged_boundaries, 36) << name << ": every inner boundary is one pass";
    EXPECT_EQ(merged.q, reference.q) << name;
    EXPECT_EQ(merged.p, reference.p) << name << ": synchronised again on return";
    EXPECT_EQ(merged.t, reference.t) << name;
  }
}
