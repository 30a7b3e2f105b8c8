// Sub-cycling: the smallest integer s whose optimizer (eta / s^2, beta^(1/s)) is inside the damped stability
// bound, the friction unchanged (and handed on bit for bit), the exact heavy-ball recurrence bounded with it
// and growing without it, and a clear refusal naming the bound when the cap is reached.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/duality/subcycling.hpp"
#include "inflanet/ntk/linearised_network.hpp"

using namespace inflanet;

TEST(Subcycling, PicksTheSmallestStableCountAndKeepsTheFriction) {
  const double h = 0.1, beta = std::exp(-3.0 * h), c_lambda_max = 2000.0;
  const auto s = subcycle_network("euler", h, beta, c_lambda_max, 1000);
  EXPECT_GT(s.substeps, 1);
  EXPECT_DOUBLE_EQ(s.h_run, h / static_cast<double>(s.substeps));
  EXPECT_DOUBLE_EQ(s.eta_run, s.h_run * s.h_run);
  EXPECT_NEAR(std::pow(s.beta_run, static_cast<double>(s.substeps)), beta, 1e-15);
  EXPECT_NEAR(-std::log(s.beta_run) / std::sqrt(s.eta_run), -std::log(beta) / h, 1e-12)
      << "gamma is unchanged";
  // The friction handed to the network is that of the optimiser that runs, to the bit.
  EXPECT_EQ(s.gamma_run, -std::log(s.beta_run) / std::sqrt(s.eta_run));
  EXPECT_LT(s.eta_run * c_lambda_max, 0.81 * 2.0 * (1.0 + s.beta_run));
  // One sub-step fewer would violate the (margined) bound.
  const double hs = h / static_cast<double>(s.substeps - 1);
  const double bs = std::pow(beta, 1.0 / static_cast<double>(s.substeps - 1));
  EXPECT_GE(hs * hs * c_lambda_max, 0.81 * 2.0 * (1.0 + bs));
}

TEST(Subcycling, TheOptimizerThatRunsIsStableAndTheUnsubcycledOneIsNot) {
  const double h = 0.1, beta = 0.9, c_lambda_max = 2000.0;
  const auto s = subcycle_network("euler", h, beta, c_lambda_max, 1000);
  const auto stable = heavy_ball_recurrence(s.eta_run, s.beta_run, c_lambda_max, 1.0, 1.0, 2000);
  EXPECT_LT(std::abs(stable.back()), 1.0);
  const auto unstable = heavy_ball_recurrence(h * h, beta, c_lambda_max, 1.0, 1.0, 200);
  EXPECT_GT(std::abs(unstable.back()), 1e6);
}

TEST(Subcycling, NoSubcyclingWhenTheNetworkIsSoft) {
  const auto s = subcycle_network("leapfrog", 0.02, std::exp(-0.06), 10.0, 100);
  EXPECT_EQ(s.substeps, 1);
  EXPECT_DOUBLE_EQ(s.eta_run, 0.02 * 0.02);
  EXPECT_EQ(s.gamma_run, -std::log(s.beta_run) / std::sqrt(s.eta_run));
}

TEST(Subcycling, RefusesBeyondTheCapNamingTheBound) {
  try {
    (void)subcycle_network("leapfrog", 0.1, 0.9, 1e6, 3);
    FAIL() << "expected a refusal";
  } catch (const NetworkTooStiff& e) { // the sub-cycling's own terms: the bound and the cap, no deck key
    const std::string what = e.what();
    EXPECT_NE(what.find("eta c lambda_max <"), std::string::npos) << what;
    EXPECT_NE(what.find("more than 3 network steps"), std::string::npos) << what;
    EXPECT_EQ(what.find("duality."), std::string::npos) << what;
    EXPECT_EQ(e.max_substeps(), 3);
  }
}

namespace {
/// A SplitSystem that records the order in which the systems were stepped.
struct Recorder {
  int id;
  std::vector<int>* log;
  double damping(double) const { return 1.0; }
  void momentum_update(double, double) {}
  void drift(double) { log->push_back(id); }
};
} // namespace

TEST(Subcycling, NetworkStepsFollowEveryGroupOfLatticeSubstepsInArgumentOrder) {
  std::vector<int> log;
  Recorder nonlinear{1, &log}, linearised{2, &log};
  NetworkSubcycling s;
  s.substeps = 2;
  s.h_run = 0.1;
  const Integrator euler = Integrator::from_name("euler"); // one drift per step
  for (std::int64_t step = 1; step <= 6; ++step) {
    advance_network(euler, s, step, 3, nonlinear, linearised);
    if (step % 3 != 0) {
      EXPECT_EQ(log.size(), static_cast<std::size_t>(step / 3) * 4) << "no network step inside a group";
    }
  }
  EXPECT_EQ(log, (std::vector<int>{1, 2, 1, 2, 1, 2, 1, 2}));
}
