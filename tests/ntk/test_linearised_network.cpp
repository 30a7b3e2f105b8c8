// The NTK-linearised network: heavy-ball training of the exact linearisation f_lin = f0 + J (theta - theta0)
// follows the discrete recurrence mode by mode; the NTK lattice under "euler" reproduces it in output space;
// the closed form solves the mode equation and a leapfrog integration converges to it at order 2.
#include <gtest/gtest.h>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "inflanet/integrator/integrator.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

static_assert(SplitSystem<LinearisedNetwork>);

namespace {
/// The exact linearisation of a network around theta0 as a training system: q = theta (P), p = v/sqrt(eta),
/// F = grad L = c J^T (f0 + J (theta - theta0) - y).
struct LinearModel {
  std::vector<double> jac, f0, y, theta0, theta, p;
  std::size_t n, count;
  double c, gamma;
  std::vector<double> outputs() const {
    std::vector<double> f(f0);
    std::vector<double> d(count);
    for (std::size_t q = 0; q < count; ++q) {
      d[q] = theta[q] - theta0[q];
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(n), static_cast<int>(count), 1.0, jac.data(),
                static_cast<int>(count), d.data(), 1, 1.0, f.data(), 1);
    return f;
  }
  double damping(double s) const { return std::exp(-gamma * s); }
  void momentum_update(double a, double b) {
    auto r = outputs();
    for (std::size_t i = 0; i < n; ++i) {
      r[i] = c * (r[i] - y[i]);
    }
    std::vector<double> g(count);
    cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(n), static_cast<int>(count), 1.0, jac.data(),
                static_cast<int>(count), r.data(), 1, 0.0, g.data(), 1);
    for (std::size_t q = 0; q < count; ++q) {
      p[q] = a * p[q] - b * g[q];
    }
  }
  void drift(double s) {
    for (std::size_t q = 0; q < count; ++q) {
      theta[q] += s * p[q];
    }
  }
};

std::vector<double> project(const NtkSpectrum& s, const std::vector<double>& r) {
  const std::size_t n = r.size();
  std::vector<double> a(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      a[k] += s.vectors[i * n + k] * r[i];
    }
  }
  return a;
}

double norm(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) {
    s += x * x;
  }
  return std::sqrt(s);
}

struct Setup {
  Dataset data;
  std::vector<double> theta_ntk, jac, f0;
  NtkSpectrum spectrum;
  Mlp net;
};

Setup make_setup() {
  auto data = make_dataset(10, 3, 41);
  Mlp net(small_params(Activation::tanh, 2, 16));
  auto theta_ntk = empirical_ntk(net, data.x, data.points);
  auto jac = net.jacobian(data.x, data.points);
  net.forward(data.x, data.points);
  std::vector<double> f0(net.outputs().begin(), net.outputs().end());
  auto spectrum = ntk_eigen(theta_ntk, data.points);
  return {std::move(data), std::move(theta_ntk), std::move(jac),
          std::move(f0),   std::move(spectrum),  std::move(net)};
}
} // namespace

TEST(LinearisedNetwork, TrainedLinearModelFollowsTheHeavyBallRecurrencePerMode) {
  const auto s = make_setup();
  const std::size_t n = s.data.points;
  const double eta = 0.3, beta = 0.8, c = 1.0 / static_cast<double>(n);
  ASSERT_LT(eta * c * s.spectrum.values.back(), 2 * (1 + beta)); // stable
  LinearModel model{s.jac,
                    s.f0,
                    s.data.y,
                    s.net.theta(),
                    s.net.theta(),
                    std::vector<double>(s.net.parameter_count(), 0.0),
                    n,
                    s.net.parameter_count(),
                    c,
                    -std::log(beta) / std::sqrt(eta)};
  std::vector<double> r0(n);
  for (std::size_t i = 0; i < n; ++i) {
    r0[i] = s.f0[i] - s.data.y[i];
  }
  const auto a0 = project(s.spectrum, r0);
  const int steps = 300;
  std::vector<std::vector<double>> expected(n);
  for (std::size_t k = 0; k < n; ++k) {
    // v_0 = 0, so a_{-1} = a_0 and a_1 = (1 - eta c lambda) a_0.
    const double lc = c * s.spectrum.values[k];
    expected[k] = heavy_ball_recurrence(eta, beta, lc, a0[k], (1 - eta * lc) * a0[k], steps);
  }
  // The NTK lattice in output space, advanced by the same integrator.
  LinearisedNetwork lattice(s.theta_ntk, n, c, -std::log(beta) / std::sqrt(eta), r0,
                            std::vector<double>(n, 0.0));
  const auto euler = Integrator::from_name("euler");
  double worst = 0.0, worst_lattice = 0.0;
  const double scale = norm(r0);
  for (int step = 1; step <= steps; ++step) {
    euler.step(model, std::sqrt(eta));
    euler.step(lattice, std::sqrt(eta));
    auto r = model.outputs();
    for (std::size_t i = 0; i < n; ++i) {
      r[i] -= s.data.y[i];
    }
    const auto a = project(s.spectrum, r);
    for (std::size_t k = 0; k < n; ++k) {
      worst = std::max(worst, std::abs(a[k] - expected[k][static_cast<std::size_t>(step)]) / scale);
    }
    for (std::size_t i = 0; i < n; ++i) {
      worst_lattice = std::max(worst_lattice, std::abs(lattice.residual()[i] - r[i]) / scale);
    }
  }
  std::printf("max_k,n |a_k(n) - recurrence| / ||r0|| = %.2e; NTK lattice vs linear model %.2e\n", worst,
              worst_lattice);
  EXPECT_LT(worst, 1e-12);
  EXPECT_LT(worst_lattice, 1e-12);
}

TEST(LinearisedNetwork, DampedModeSolvesTheModeEquationInEveryRegime) {
  // a'' + gamma a' + omega2 a = 0 checked by central differences, with a(0), a'(0) and continuity at q = 0.
  const double gamma = 1.2;
  for (double omega2 : {0.0, 0.1, 0.36 - 1e-9, 0.36, 0.36 + 1e-9, 2.0, 50.0}) {
    const auto start = damped_mode(gamma, omega2, 0.7, -0.4, 0.0);
    EXPECT_NEAR(start.a, 0.7, 1e-15);
    EXPECT_NEAR(start.adot, -0.4, 1e-15);
    for (double t : {0.3, 2.0, 7.5}) {
      const double h = 1e-4;
      const auto m = damped_mode(gamma, omega2, 0.7, -0.4, t - h),
                 z = damped_mode(gamma, omega2, 0.7, -0.4, t),
                 p = damped_mode(gamma, omega2, 0.7, -0.4, t + h);
      const double acc = (p.a - 2 * z.a + m.a) / (h * h);
      EXPECT_NEAR(acc + gamma * z.adot + omega2 * z.a, 0.0, 1e-6 * (1 + omega2 * omega2))
          << omega2 << " " << t;
      EXPECT_NEAR(z.adot, (p.a - m.a) / (2 * h), 1e-8 * (1 + omega2 * std::sqrt(omega2)))
          << omega2 << " " << t;
    }
  }
  const auto below = damped_mode(gamma, 0.36 - 1e-12, 0.7, -0.4, 3.0);
  const auto at = damped_mode(gamma, 0.36, 0.7, -0.4, 3.0);
  EXPECT_NEAR(below.a, at.a, 1e-10);
  // The overflow-safe branch (mu t >= 20) joins the cosh/sinh one: across a step dt straddling the switch
  // the solution moves by a' dt (second order in dt negligible).
  const double t_switch = 20.0 / std::sqrt(0.5), dt = 2e-12 * t_switch;
  const auto x = damped_mode(2.0, 0.5, 0.7, -0.4, t_switch - dt / 2);
  const auto y = damped_mode(2.0, 0.5, 0.7, -0.4, t_switch + dt / 2);
  EXPECT_NEAR(y.a, x.a + x.adot * dt, 1e-13 * std::abs(x.a));
  EXPECT_NEAR(y.adot, x.adot - (2.0 * x.adot + 0.5 * x.a) * dt, 1e-13 * std::abs(x.adot));
}

TEST(LinearisedNetwork, LeapfrogConvergesToTheClosedFormAtOrderTwo) {
  const auto s = make_setup();
  const std::size_t n = s.data.points;
  const double c = 1.0 / static_cast<double>(n);
  // gamma chosen so the spectrum straddles critical damping (q = gamma^2/4 - c lambda of both signs).
  const double gamma = 2.0 * std::sqrt(c * s.spectrum.values[n / 2]);
  std::vector<double> r0(n), rdot0(n);
  for (std::size_t i = 0; i < n; ++i) {
    r0[i] = s.f0[i] - s.data.y[i];
    rdot0[i] = 0.1 * std::cos(static_cast<double>(i));
  }
  const double t_end = 4.0;
  const auto exact = LinearisedNetwork::closed_form(s.spectrum, r0, rdot0, c, gamma, t_end);
  const auto leapfrog = Integrator::from_name("leapfrog");
  auto error = [&](int steps) {
    LinearisedNetwork lattice(s.theta_ntk, n, c, gamma, r0, rdot0);
    for (int i = 0; i < steps; ++i) {
      leapfrog.step(lattice, t_end / steps);
    }
    EXPECT_NEAR(lattice.time(), t_end, 1e-12);
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = lattice.residual()[i] - exact[i];
    }
    return norm(d) / norm(exact);
  };
  const double e1 = error(200), e2 = error(400), e3 = error(800);
  std::printf("leapfrog vs closed form: errors %.3e %.3e %.3e, orders %.3f %.3f\n", e1, e2, e3,
              std::log2(e1 / e2), std::log2(e2 / e3));
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.05);
  EXPECT_NEAR(std::log2(e2 / e3), 2.0, 0.05);
  EXPECT_LT(e3, 1e-4);
}
