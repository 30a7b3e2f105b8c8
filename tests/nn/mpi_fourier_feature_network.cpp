// The Fourier-feature network (physics.md §5, "Exact duals"), through its real forward/backward passes:
// its NTK measured by rows is the closed-form circulant; heavy ball on it equals the linearised dynamics of
// that kernel; and trained on the band-limited inflaton on the training sites it IS the lattice, site by
// site to rounding: in Minkowski for every integrator, in de Sitter with the learning-rate schedule at the
// stage times (massless and massive), with the O(h) error of a schedule evaluated once per step; a negative
// or non-finite friction is refused. Results hold at 1, 2 and 3 ranks.
#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/duality/band_limit.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/nn/fourier_feature_network.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::site_noise;

namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;

/// Replicated site values (C order) into a distributed field of the sub-lattice.
void fill_from_sites(Field& f, const std::vector<double>& sites) {
  const auto m = f.decomposition().n();
  fill_sites(f, [&](std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) {
    return sites[static_cast<std::size_t>((x * m + y) * m + z)];
  });
}

struct Sub {
  Decomposition d;
  FftPlan plan;
  SpectralOperators ops;
  Sub(std::ptrdiff_t m, double length) : d(Box{m, length}), plan(d, PlanRigor::estimate), ops(d, plan) {}
};

/// The network's residual on every site, replicated (C order).
std::vector<double> residual_sites(FourierFeatureNetwork& net, const Decomposition& d) {
  Field r(d);
  net.residual(r);
  return sample_sites(r, d.n());
}

double relative_max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return worst / scale;
}

/// The lattice (N^3, de Sitter or Minkowski, V = m^2 phi^2 / 2, noise initial data) and the Fourier network
/// on its M^3 sub-lattice started from the band-limited perturbation and its velocity; both advanced `steps`
/// steps of h by `integrator`. Returns max over sites |r - phi_band| / max |phi_band| at the end.
double dual_error(const char* integrator_name, double hubble, double mass, double h, int steps,
                  bool per_stage = true) {
  const std::ptrdiff_t n = 16, m = 8;
  const double length = 10.0;
  Decomposition lattice(Box{n, length});
  FftPlan plan(lattice, PlanRigor::estimate);
  SpectralOperators ops(lattice, plan);
  Field scratch(lattice);
  std::unique_ptr<Background> background;
  if (hubble > 0.0) {
    background = std::make_unique<DeSitter>(hubble, 1.0);
  } else {
    background = std::make_unique<Minkowski>();
  }
  FieldLattice inflaton(ops, {"phi"}, Quadratic{mass}, Expansion::fixed_background(*background), 0.0);
  fill_sites(inflaton.phi(0), [](auto x, auto y, auto z) { return site_noise(x, y, z, 3); });
  fill_sites(inflaton.momentum(0), [](auto x, auto y, auto z) { return 0.5 * site_noise(x, y, z, 4); });
  inflaton.start(0.0);

  Sub sub(m, length);
  // The dictionary's friction gamma = 3 H: the network's own time is the lattice's.
  const double c = 1.0 / static_cast<double>(m * m * m), gamma = 3.0 * hubble;
  FourierFeatureNetwork net(sub.ops, fourier_amplitudes(sub.ops, FourierDispersion::lattice, c, mass * mass),
                            gamma, c);
  if (hubble > 0.0) {
    net.set_schedule({LearningRateSchedule::Kind::desitter, hubble, 1.0, mass * mass}, per_stage);
  }
  Field f(sub.d);
  fill_from_sites(f, band_limited_sites(inflaton.phi(0), scratch, plan, m));
  net.set_outputs(f); // y = 0: the residual is the output
  fill_from_sites(f, band_limited_sites(inflaton.momentum(0), scratch, plan, m));
  net.set_output_velocity(f);

  const Integrator integrator = Integrator::from_name(integrator_name);
  for (int s = 0; s < steps; ++s) {
    net.freeze_schedule(net.time()); // used only when per_stage is false
    integrator.step(inflaton, h);
    integrator.step(net, h);
  }
  EXPECT_NEAR(net.time(), inflaton.time(), 1e-12);
  return relative_max_difference(residual_sites(net, sub.d),
                                 band_limited_sites(inflaton.phi(0), scratch, plan, m));
}

bool root() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
}

} // namespace

TEST(FourierFeatureNetwork, NtkMeasuredByRowsIsTheClosedFormCirculant) {
  const std::ptrdiff_t m = 4;
  const double length = 3.0, c = 0.37, mass2 = 0.6;
  const auto sites = static_cast<std::size_t>(m * m * m);
  Sub sub(m, length);
  FourierFeatureNetwork net(sub.ops, fourier_amplitudes(sub.ops, FourierDispersion::lattice, c, mass2),
                            /*gamma=*/1.0, c);
  // Column j of the Jacobian: the outputs for theta = delta at site j (one forward pass each).
  std::vector<double> jacobian(sites * sites); // row-major J[i][j]
  Field theta(sub.d), zero(sub.d), out(sub.d);
  zero.fill(0.0);
  for (std::size_t j = 0; j < sites; ++j) {
    fill_sites(theta, [&](auto x, auto y, auto z) {
      return static_cast<std::size_t>((x * m + y) * m + z) == j ? 1.0 : 0.0;
    });
    net.set_state(theta, zero);
    net.outputs(out);
    const auto column = sample_sites(out, m);
    for (std::size_t i = 0; i < sites; ++i) {
      jacobian[i * sites + j] = column[i];
    }
  }
  // Theta = J J^T against the closed form (1/N) sum_n ((k^2 + m^2) / c) e^{i k.(x_i - x_j)}.
  double worst = 0.0, scale = 0.0;
  std::vector<double> theta_rows(sites * sites);
  for (std::size_t i = 0; i < sites; ++i) {
    for (std::size_t j = 0; j < sites; ++j) {
      double s = 0.0;
      for (std::size_t q = 0; q < sites; ++q) {
        s += jacobian[i * sites + q] * jacobian[j * sites + q];
      }
      theta_rows[i * sites + j] = s;
      double expected = 0.0;
      const auto d = [&](std::size_t a, std::size_t b, std::size_t stride) {
        return static_cast<double>(static_cast<std::ptrdiff_t>((a / stride) % m) -
                                   static_cast<std::ptrdiff_t>((b / stride) % m));
      };
      const double dx = d(i, j, m * m), dy = d(i, j, m), dz = d(i, j, 1);
      for (std::ptrdiff_t a = -m / 2; a < m / 2; ++a) {
        for (std::ptrdiff_t b = -m / 2; b < m / 2; ++b) {
          for (std::ptrdiff_t e = -m / 2; e < m / 2; ++e) {
            const double k2 = std::pow(two_pi / length, 2) * static_cast<double>(a * a + b * b + e * e);
            expected +=
                (k2 + mass2) / c * std::cos(two_pi * (a * dx + b * dy + e * dz) / static_cast<double>(m));
          }
        }
      }
      expected /= static_cast<double>(sites);
      worst = std::max(worst, std::abs(s - expected));
      scale = std::max(scale, std::abs(expected));
    }
  }
  EXPECT_LT(worst / scale, 1e-12);
  // The project's dispersion code on the measured rows: lambda(k) = (k^2 + m^2) / c, no leakage.
  auto partial = ntk_dispersion_partial(theta_rows, 0, sites, m, length);
  partial.residual2 = ntk_dispersion_residual2(theta_rows, 0, sites, m, length, partial.rayleigh);
  const auto per_mode = ntk_dispersion_per_mode(partial, scale);
  for (std::size_t idx = 0; idx < per_mode.leakage.size(); ++idx) {
    EXPECT_LT(per_mode.leakage[idx], 1e-12);
  }
  const auto shells = ntk_dispersion_shells(partial, m, length, scale);
  EXPECT_NEAR(c * shells.lambda[0], mass2, 1e-12);
}

TEST(FourierFeatureNetwork, HeavyBallEqualsTheLinearisedDynamicsOfItsKernel) {
  const std::ptrdiff_t m = 4;
  // Heavy ball with eta = h^2 and beta: friction gamma = -ln(beta) / h.
  const double length = 3.0, c = 0.5, h = 0.05, beta = 0.93, gamma = -std::log(beta) / h;
  const auto sites = static_cast<std::size_t>(m * m * m);
  Sub sub(m, length);
  FourierFeatureNetwork net(sub.ops, fourier_amplitudes(sub.ops, FourierDispersion::flat, c, 0.0), gamma, c);
  Field f(sub.d), y(sub.d);
  fill_sites(f, [](auto x, auto yy, auto z) { return site_noise(x, yy, z, 7); });
  fill_sites(y, [](auto x, auto yy, auto z) { return 0.3 * site_noise(x, yy, z, 8); });
  net.set_outputs(f);
  net.set_targets(y);
  Field r(sub.d);
  net.residual(r);
  const auto r0 = sample_sites(r, m);
  // The flat kernel: lambda = M^3 / 2 (M^3 at k = 0 and the self-conjugate modes), as a dense circulant.
  std::vector<double> kernel(sites * sites, 0.0);
  const auto s = fourier_amplitudes(sub.ops, FourierDispersion::flat, c, 0.0);
  (void)s;
  for (std::size_t i = 0; i < sites; ++i) {
    for (std::size_t j = 0; j < sites; ++j) {
      double sum = 0.0;
      for (std::ptrdiff_t a = -m / 2; a < m / 2; ++a) {
        for (std::ptrdiff_t b = -m / 2; b < m / 2; ++b) {
          for (std::ptrdiff_t e = -m / 2; e < m / 2; ++e) {
            const auto own = [m](std::ptrdiff_t v) { return v == 0 || 2 * std::abs(v) == m; };
            const double lambda = (own(a) && own(b) && own(e) ? 1.0 : 0.5) * static_cast<double>(sites);
            const double dx = static_cast<double>(static_cast<std::ptrdiff_t>(i / (m * m)) -
                                                  static_cast<std::ptrdiff_t>(j / (m * m)));
            const double dy = static_cast<double>(static_cast<std::ptrdiff_t>((i / m) % m) -
                                                  static_cast<std::ptrdiff_t>((j / m) % m));
            const double dz =
                static_cast<double>(static_cast<std::ptrdiff_t>(i % m) - static_cast<std::ptrdiff_t>(j % m));
            sum += lambda * std::cos(two_pi * (a * dx + b * dy + e * dz) / static_cast<double>(m));
          }
        }
      }
      kernel[i * sites + j] = sum / static_cast<double>(sites);
    }
  }
  LinearisedNetwork linear(kernel, sites, c, gamma, r0, std::vector<double>(sites, 0.0));
  const Integrator euler = Integrator::from_name("euler");
  for (int step = 0; step < 100; ++step) {
    euler.step(net, h);
    euler.step(linear, h);
  }
  const std::vector<double> lin(linear.residual().begin(), linear.residual().end());
  EXPECT_LT(relative_max_difference(residual_sites(net, sub.d), lin), 1e-11);
  EXPECT_EQ(net.force_evaluations(), 100) << "one forward/backward pass per heavy-ball step";
}

TEST(FourierFeatureNetwork, IsTheBandLimitedFreeInflatonInMinkowskiForEveryIntegrator) {
  for (const char* name : {"euler", "leapfrog", "yoshida4", "yoshida6"}) {
    const double error = dual_error(name, 0.0, 0.7, 0.05, 500);
    if (root()) {
      std::printf("[measured] Minkowski %-8s 500 steps: max |r - phi_band| / max |phi_band| = %.2e\n", name,
                  error);
    }
    EXPECT_LT(error, 1e-10) << name;
  }
}

TEST(FourierFeatureNetwork, WithTheDeSitterScheduleIsTheBandLimitedInflatonOverThreeEfolds) {
  // massless: g = a^-2; massive: per-feature g_k = (k^2/a^2 + m^2) / (k^2 + m^2); 3 e-folds at H = 1.
  for (const double mass : {0.0, 0.8}) {
    const double error = dual_error("leapfrog", 1.0, mass, 0.02, 150);
    if (root()) {
      std::printf(
          "[measured] de Sitter m = %.1f leapfrog 150 steps (3 e-folds): max |r - phi_band| / max = %.2e\n",
          mass, error);
    }
    EXPECT_LT(error, 1e-10) << "m = " << mass;
  }
}

TEST(FourierFeatureNetwork, AScheduleEvaluatedOncePerStepIsFirstOrderInH) {
  const double e1 = dual_error("leapfrog", 1.0, 0.0, 0.04, 25, /*per_stage=*/false);
  const double e2 = dual_error("leapfrog", 1.0, 0.0, 0.02, 50, /*per_stage=*/false);
  const double order = std::log2(e1 / e2);
  if (root()) {
    std::printf(
        "[measured] schedule once per step, t = 1: error %.3e (h = 0.04), %.3e (h = 0.02): order %.3f\n", e1,
        e2, order);
  }
  EXPECT_GT(e2, 1e-6) << "far above rounding: the per-step schedule is not exact";
  EXPECT_NEAR(order, 1.0, 0.15);
}

TEST(FourierFeatureNetwork, BadFrictionAndLossScaleAreRefused) {
  Sub sub(4, 3.0);
  const auto amplitude = fourier_amplitudes(sub.ops, FourierDispersion::flat, 1.0, 0.0);
  for (const double gamma : {-0.5, std::numeric_limits<double>::infinity(), std::nan("")}) {
    EXPECT_THROW(FourierFeatureNetwork(sub.ops, amplitude, gamma, 1.0), InputError) << gamma;
  }
  EXPECT_THROW(FourierFeatureNetwork(sub.ops, amplitude, 0.5, 0.0), InputError);
  EXPECT_NO_THROW(FourierFeatureNetwork(sub.ops, amplitude, 0.0, 1.0)); // beta = 1: no friction
}
