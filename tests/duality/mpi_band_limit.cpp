// Band-limiting to the sub-lattice's modes (physics.md §5, "Comparing like with like"): in-band modes are
// kept exactly (both Nyquist partners), out-of-band modes that would alias onto in-band ones are removed,
// the k = 0 mode is removed, and the site samples' spectrum on the sub-lattice equals the band-limited
// lattice spectrum in every shell inside the band. Results do not depend on the rank count.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/duality/band_limit.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/spectra/power_spectrum.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::site_noise;

namespace {

constexpr std::ptrdiff_t n = 16, m = 8;
constexpr double length = 3.0;

double wave(std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z, int nx, int ny, int nz, double phase) {
  const double arg =
      2.0 * std::numbers::pi * static_cast<double>(nx * x + ny * y + nz * z) / static_cast<double>(n);
  return std::cos(arg + phase);
}

} // namespace

TEST(BandLimit, BandMembershipKeepsBothNyquistPartnersAndDropsTheMean) {
  EXPECT_FALSE(in_sublattice_band(0, 0, 0, m));
  EXPECT_TRUE(in_sublattice_band(4, -4, 3, m));
  EXPECT_TRUE(in_sublattice_band(-4, 4, -4, m));
  EXPECT_FALSE(in_sublattice_band(5, 0, 0, m));
  EXPECT_FALSE(in_sublattice_band(0, -5, 1, m));
}

TEST(BandLimit, InBandModesSurviveAndAliasesVanishOnTheSites) {
  Decomposition d(Box{n, length});
  FftPlan plan(d, PlanRigor::estimate);
  Field f(d), scratch(d);
  // In band: (1, 2, 0), the Nyquist (4, 0, 1) and a constant; out of band: (5, 0, 0), which on the sites
  // (every 2nd site) is indistinguishable from (-3, 0, 0), and (0, 7, 2).
  const auto in_band = [](std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) {
    return 0.7 * wave(x, y, z, 1, 2, 0, 0.3) + 0.4 * wave(x, y, z, 4, 0, 1, 1.1);
  };
  fill_sites(f, [&](std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) {
    return 2.5 + in_band(x, y, z) + 0.9 * wave(x, y, z, 5, 0, 0, 0.2) + 0.3 * wave(x, y, z, 0, 7, 2, -0.4);
  });
  const auto sites = band_limited_sites(f, scratch, plan, m);
  ASSERT_EQ(sites.size(), static_cast<std::size_t>(m * m * m));
  const std::ptrdiff_t stride = n / m;
  double worst = 0.0;
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    for (std::ptrdiff_t j = 0; j < m; ++j) {
      for (std::ptrdiff_t k = 0; k < m; ++k) {
        const double expected = in_band(i * stride, j * stride, k * stride);
        worst = std::max(worst, std::abs(sites[static_cast<std::size_t>((i * m + j) * m + k)] - expected));
      }
    }
  }
  EXPECT_LT(worst, 1e-13);
  EXPECT_EQ(f.space(), Space::real) << "the input field is left as it was";
}

TEST(BandLimit, SiteSpectrumEqualsTheBandLimitedLatticeSpectrumInsideTheBand) {
  Decomposition d(Box{n, length});
  FftPlan plan(d, PlanRigor::estimate);
  SpectralOperators ops(d, plan);
  PowerSpectrum lattice_spectrum(ops);
  Field f(d), scratch(d);
  fill_sites(f, [](std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) { return site_noise(x, y, z, 5); });
  const auto sites = band_limited_sites(f, scratch, plan, m);

  // The band-limited lattice field's own spectrum on the N^3 lattice.
  scratch.copy_from(f);
  plan.to_fourier(scratch);
  band_limit(scratch, m);
  const auto p_lattice = lattice_spectrum.compute(scratch);

  // The site samples' spectrum on the M^3 sub-lattice (serial, as the coupled run does it).
  const Decomposition sub(Box{m, length}, MPI_COMM_SELF);
  FftPlan sub_plan(sub, PlanRigor::estimate);
  SpectralOperators sub_ops(sub, sub_plan);
  PowerSpectrum sub_spectrum(sub_ops);
  Field g(sub), g_scratch(sub);
  auto view = real_view(g);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    view(i / (m * m), (i / m) % m, i % m) = sites[i];
  }
  g.set_space(Space::real);
  const auto p_sites = sub_spectrum.compute(g, g_scratch, sub_plan);
  EXPECT_LT(p_sites[0], 1e-28) << "k = 0 removed";
  // Shells |n| < M/2 hold no Nyquist component: identical mode sets, identical normalisation.
  for (std::size_t b = 1; b < static_cast<std::size_t>(m / 2); ++b) {
    EXPECT_NEAR(p_sites[b] / p_lattice[b], 1.0, 1e-12) << "shell " << b;
    EXPECT_EQ(sub_spectrum.counts()[b], lattice_spectrum.counts()[b]) << "shell " << b;
  }
}

TEST(BandLimit, RefusesASubLatticeThatDoesNotDivideTheLattice) {
  Decomposition d(Box{n, length});
  FftPlan plan(d, PlanRigor::estimate);
  Field f(d), scratch(d);
  f.fill(1.0);
  EXPECT_THROW((void)band_limited_sites(f, scratch, plan, 5), std::exception);
  EXPECT_THROW((void)sample_sites(f, 32), std::exception);
}
