// Shell-binned power spectrum: mode counts, Parseval (box variance = sum of the binned spectrum), a known
// single-mode amplitude, and independence of the rank count.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <numeric>

#include "inflanet/spectra/power_spectrum.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::site_noise;

TEST(PowerSpectrum, CountsCoverEveryModeOnce) {
  for (std::ptrdiff_t n : {4, 9, 16}) {
    Decomposition d(Box{n, 1.0});
    FftPlan plan(d, PlanRigor::estimate);
    SpectralOperators ops(d, plan);
    PowerSpectrum spectrum(ops);
    const double total = std::accumulate(spectrum.counts().begin(), spectrum.counts().end(), 0.0);
    if (n % 2 == 0) {
      EXPECT_EQ(total, static_cast<double>(n * n * n));
    }
    EXPECT_EQ(spectrum.counts()[0], 1.0) << "bin 0 is the homogeneous mode alone";
    // Bin 1 is |n| in [0.5, 1.5): the 6 modes with |n| = 1 and the 12 with |n| = sqrt(2).
    EXPECT_EQ(spectrum.counts()[1], 18.0);
    EXPECT_NEAR(spectrum.k()[1], 2.0 * std::numbers::pi * (6.0 + 12.0 * std::sqrt(2.0)) / 18.0, 1e-12);
  }
}

TEST(PowerSpectrum, ParsevalBoxVarianceEqualsSumOfSpectrum) {
  const std::ptrdiff_t n = 16;
  const double length = 5.0;
  Decomposition d(Box{n, length});
  FftPlan plan(d, PlanRigor::estimate);
  SpectralOperators ops(d, plan);
  PowerSpectrum spectrum(ops);
  Field f(d), scratch(d);
  fill_sites(f, [](auto x, auto y, auto z) { return 0.3 + site_noise(x, y, z, 3); });
  const auto p = spectrum.compute(f, scratch, plan);
  double sum = 0.0;
  for (std::size_t b = 1; b < p.size(); ++b) {
    sum += spectrum.counts()[b] * p[b];
  }
  const double variance = ops.variance(f);
  EXPECT_NEAR(sum / d.box().volume(), variance, 1e-13 * variance);
}

TEST(PowerSpectrum, SinglePlaneWaveHasKnownPower) {
  // f = A cos(k.x) with n = (0, 3, 0): |f~|^2 = (A N^3 / 2)^2 at +-n, so the |n| = 3 shell (count c) holds
  // P = L^3 (2 (A/2)^2) / c.
  const std::ptrdiff_t n = 12;
  const double length = 4.0, amplitude = 0.7;
  Decomposition d(Box{n, length});
  FftPlan plan(d, PlanRigor::estimate);
  SpectralOperators ops(d, plan);
  PowerSpectrum spectrum(ops);
  Field f(d), scratch(d);
  fill_sites(f, [&](auto, auto y, auto) { return amplitude * std::cos(2 * std::numbers::pi * 3 * y / n); });
  const auto p = spectrum.compute(f, scratch, plan);
  const double expected = std::pow(length, 3) * 2 * amplitude * amplitude / 4 / spectrum.counts()[3];
  EXPECT_NEAR(p[3], expected, 1e-12 * expected);
  EXPECT_LT(std::abs(p[2]) + std::abs(p[4]), 1e-20);
}

TEST(PowerSpectrum, IndependentOfRankCount) {
  const std::ptrdiff_t n = 12;
  Decomposition dw(Box{n, 3.0}), ds(Box{n, 3.0}, MPI_COMM_SELF);
  FftPlan pw(dw, PlanRigor::estimate), ps(ds, PlanRigor::estimate);
  SpectralOperators ow(dw, pw), os(ds, ps);
  PowerSpectrum sw(ow), ss(os);
  Field fw(dw), tw(dw), fs(ds), ts(ds);
  auto noise = [](auto x, auto y, auto z) { return site_noise(x, y, z, 11); };
  fill_sites(fw, noise);
  fill_sites(fs, noise);
  const auto a = sw.compute(fw, tw, pw), b = ss.compute(fs, ts, ps);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], b[i], 1e-13 * std::abs(b[i]) + 1e-300);
    EXPECT_EQ(sw.counts()[i], ss.counts()[i]);
    EXPECT_NEAR(sw.k()[i], ss.k()[i], 1e-13 * ss.k()[i]);
  }
}
