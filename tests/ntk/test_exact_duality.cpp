// The exact duality of issue 6: at H = 0 and beta = 1 the linearised network whose kernel is the lattice's
// gradient-plus-mass operator, c Theta = F^dagger diag(k^2 + m^2) F, IS the free inflaton on the lattice of
// its training points. Started from the same field and advanced by the same Integrator object with the same
// h, the two agree site by site to rounding (leapfrog and euler).
#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

/// c Theta_ij = (1/N) sum_n (k_n^2 + m^2) e^{i k_n.(x_i - x_j)}, n in [-M/2, M/2)^3 (Nyquist included, as
/// in the spectral Laplacian); real because e^{i pi d} = +-1 at Nyquist. Returned as Theta (divided by c).
std::vector<double> lattice_kernel(std::ptrdiff_t m, double length, double mass, double c) {
  const auto ms = static_cast<std::size_t>(m), n = ms * ms * ms;
  const double dk = two_pi / length;
  std::vector<double> kern(n, 0.0);
  for (std::size_t d = 0; d < n; ++d) {
    const double dx = static_cast<double>(d / (ms * ms)), dy = static_cast<double>((d / ms) % ms),
                 dz = static_cast<double>(d % ms);
    double s = 0.0;
    for (std::ptrdiff_t a = -m / 2; a < m / 2; ++a) {
      for (std::ptrdiff_t b = -m / 2; b < m / 2; ++b) {
        for (std::ptrdiff_t e = -m / 2; e < m / 2; ++e) {
          const double w = dk * dk * static_cast<double>(a * a + b * b + e * e) + mass * mass;
          s += w * std::cos(two_pi * static_cast<double>(a * dx + b * dy + e * dz) / static_cast<double>(m));
        }
      }
    }
    kern[d] = s / static_cast<double>(n) / c;
  }
  std::vector<double> theta(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t dx = (i / (ms * ms) + ms - j / (ms * ms)) % ms,
                        dy = ((i / ms) % ms + ms - (j / ms) % ms) % ms, dz = (i % ms + ms - j % ms) % ms;
      theta[i * n + j] = kern[(dx * ms + dy) * ms + dz];
    }
  }
  return theta;
}

/// Random site noise with the modes |n| > cut removed (band-limited), in real space.
void band_limited(Field& f, FftPlan& plan, const SpectralOperators& ops, unsigned salt, double cut) {
  inflanet::testing::fill_sites(
      f, [salt](auto x, auto y, auto z) { return inflanet::testing::site_noise(x, y, z, salt); });
  plan.to_fourier(f);
  std::complex<double>* modes = f.fourier_data();
  for_each_mode(ops.decomposition(), [&](const Mode& mode) {
    if (static_cast<double>(mode.n2()) > cut * cut) {
      modes[mode.offset] = 0.0;
    }
  });
  plan.to_real(f);
}

/// Sites of a serial field in C order (the training points' order).
std::vector<double> sites(const Field& f) {
  const double* data = f.real_data();
  std::vector<double> out;
  for_each_site(f.decomposition(), [&](const Site& site) { out.push_back(data[site.offset]); });
  return out;
}
} // namespace

TEST(ExactDuality, LinearisedNetworkWithLatticeKernelIsTheFreeInflaton) {
  const std::ptrdiff_t m = 8;
  const double length = 6.0, mass = 0.7, h = 0.1;
  const auto n = static_cast<std::size_t>(m * m * m);
  const double c = 1.0 / static_cast<double>(n); // the mean loss
  const auto theta = lattice_kernel(m, length, mass, c);
  const Decomposition serial(Box{m, length}, MPI_COMM_SELF);
  FftPlan plan(serial, PlanRigor::estimate);
  SpectralOperators ops(serial, plan);
  const Minkowski background;
  // h omega_max = 0.1 sqrt(3 (pi M / L)^2 + m^2) ~ 0.73 < 2: both integrators are stable
  for (const char* name : {"leapfrog", "euler"}) {
    for (const bool moving : {false, true}) {
      const Integrator integrator = Integrator::from_name(name);
      FieldLattice inflaton(ops, {"phi"}, Quadratic{mass}, Expansion::fixed_background(background), 0.0);
      band_limited(inflaton.phi(0), plan, ops, 1, m / 4.0);
      if (moving) {
        band_limited(inflaton.momentum(0), plan, ops, 2, m / 4.0);
      } else {
        inflaton.momentum(0).fill(0.0);
      }
      inflaton.start(0.0);
      LinearisedNetwork network(theta, n, c, /*gamma=*/0.0, sites(inflaton.phi(0)),
                                sites(inflaton.momentum(0)));
      const int steps = 200;
      double scale = 0.0, worst = 0.0, worst_v = 0.0, scale_v = 0.0;
      for (int s = 0; s < steps; ++s) {
        integrator.step(inflaton, h);
        integrator.step(network, h);
        const auto phi = sites(inflaton.phi(0)), phidot = sites(inflaton.momentum(0));
        for (std::size_t i = 0; i < n; ++i) {
          scale = std::max(scale, std::abs(phi[i]));
          scale_v = std::max(scale_v, std::abs(phidot[i]));
          worst = std::max(worst, std::abs(phi[i] - network.residual()[i]));
          worst_v = std::max(worst_v, std::abs(phidot[i] - network.velocity()[i]));
        }
        if (s + 1 == 50 || s + 1 == 100) {
          std::printf("%-8s phidot(0) %s: after %3d steps max |phi - r| / max|phi| = %.2e\n", name,
                      moving ? "random" : "= 0  ", s + 1, worst / scale);
        }
      }
      std::printf("%-8s phidot(0) %s: after %d steps max |phi - r| / max|phi| = %.2e, "
                  "max |phidot - rdot| / max|phidot| = %.2e (t = %g, %g)\n",
                  name, moving ? "random" : "= 0  ", steps, worst / scale, worst_v / scale_v, inflaton.time(),
                  network.time());
      // Rounding only: the FFT Laplacian and the dense 512-term kernel sum differ by ~1e-14 per force
      // evaluation, and that accumulates about linearly (measured: 0.15-0.66e-12 after 50 steps, 0.9-2.6e-12
      // after 200), many orders of magnitude below either integrator's truncation error at this h.
      EXPECT_LT(worst / scale, 1e-11) << name;
      EXPECT_LT(worst_v / scale_v, 1e-11) << name;
      EXPECT_NEAR(inflaton.time(), network.time(), 1e-12);
    }
  }
}
