// Training as integration: the shared Integrator's "euler" on NetworkSystem is heavy-ball momentum, one
// gradient per drift, and the friction matches beta. The system takes (h, gamma); the tests convert the
// optimiser's (eta, beta) with the dictionary's formulas, h = sqrt(eta) and gamma = -ln(beta) / h, as the
// runs do through Dictionary::from_network.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/nn/network_system.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

static_assert(SplitSystem<NetworkSystem>);

namespace {
/// The heavy-ball optimiser (eta, beta) as the system's time step and friction.
NetworkSystem make_system(Activation act, double eta, double beta) {
  const auto data = make_dataset(10, 3, 31);
  const double h = std::sqrt(eta);
  return NetworkSystem(Mlp(small_params(act, 2, 16)), data.x, data.y, data.points, h, -std::log(beta) / h,
                       1.0 / static_cast<double>(data.points));
}
} // namespace

TEST(NetworkSystem, DampingOverOneStepIsBeta) {
  const auto system = make_system(Activation::tanh, 0.04, 0.9);
  EXPECT_EQ(system.h(), 0.2);
  EXPECT_NEAR(system.gamma(), -std::log(0.9) / 0.2, 1e-15);
  EXPECT_NEAR(system.damping(system.h()), 0.9, 1e-15);
}

TEST(NetworkSystem, EulerIntegratorIsHeavyBallMomentumOver1000Steps) {
  const double eta = 0.05, beta = 0.9;
  for (Activation act : {Activation::tanh, Activation::softplus}) {
    auto system = make_system(act, eta, beta);
    // The framework form on a copy of the same network and data.
    const auto data = make_dataset(10, 3, 31);
    Mlp net = system.network();
    std::vector<double> v(net.parameter_count(), 0.0), grad(net.parameter_count());
    const double c = system.loss_scale();
    const auto euler = Integrator::from_name("euler");
    const double loss0 = system.loss();
    for (int n = 0; n < 1000; ++n) {
      euler.step(system, std::sqrt(eta));
      (void)net.loss_and_gradient(data.x, data.y, data.points, c, grad);
      for (std::size_t p = 0; p < v.size(); ++p) {
        v[p] = beta * v[p] - eta * grad[p];
        net.theta()[p] += v[p];
      }
    }
    std::printf("%s: ||theta_integrator - theta_heavy_ball|| / ||theta|| = %.2e after 1000 steps\n",
                std::string(activation_name(act)).c_str(), relative_frobenius(system.theta(), net.theta()));
    EXPECT_LT(relative_frobenius(system.theta(), net.theta()), 1e-12) << activation_name(act);
    EXPECT_LT(relative_frobenius(system.velocity(), v), 1e-12) << activation_name(act);
    EXPECT_LT(system.loss(), 0.1 * loss0) << activation_name(act); // it does train
    EXPECT_EQ(system.force_evaluations(), 1000);
    EXPECT_NEAR(system.time(), 1000 * std::sqrt(eta), 1e-10);
  }
}

TEST(NetworkSystem, OneGradientPerDriftWithTheForceCachedAcrossSteps) {
  for (const auto& name : Integrator::names()) {
    auto system = make_system(Activation::erf, 0.01, 0.95);
    const auto integrator = Integrator::from_name(name);
    const int steps = 20;
    for (int n = 0; n < steps; ++n) {
      integrator.step(system, system.h());
    }
    // The first kick of each step reuses the gradient of the previous step's last drift, except euler's
    // (its only kick comes after the friction, with no kick ending the step).
    const long expected = steps * integrator.drifts_per_step() + (name == "euler" ? 0 : 1);
    EXPECT_EQ(system.force_evaluations(), expected) << name;
  }
}

TEST(NetworkSystem, BadHyperParametersAndShapesAreRefused) {
  const auto data = make_dataset(10, 3, 31);
  const Mlp net(small_params(Activation::tanh, 1, 4));
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  for (const double h : {0.0, -0.1, inf, nan}) { // eta <= 0
    EXPECT_THROW(NetworkSystem(net, data.x, data.y, 10, h, 0.5, 0.1), InputError) << h;
  }
  for (const double gamma : {-0.5, inf, nan}) { // beta > 1 (anti-friction) or beta = 0
    EXPECT_THROW(NetworkSystem(net, data.x, data.y, 10, 0.1, gamma, 0.1), InputError) << gamma;
  }
  EXPECT_NO_THROW(NetworkSystem(net, data.x, data.y, 10, 0.1, 0.0, 0.1)); // beta = 1: no friction
  EXPECT_THROW(NetworkSystem(net, data.x, data.y, 10, 0.1, 0.5, -1.0), InputError);
  EXPECT_THROW(NetworkSystem(net, data.x, data.y, 9, 0.1, 0.5, 0.1), InputError);
}
