// scale_by_n2_with_gradient_sum, the k-space half of every lattice force: on a sampled plane wave the
// scaled field after the unnormalised c2r is g k^2 f (= -g lap f) and the Parseval sum is k^2 sum_x f^2;
// on a band-limited field the sum is the real-space sum of the analytic |grad f|^2; on noise (every mode,
// the kz = 0 and kz = N/2 planes and odd N included) the sum is sum_x f (-lap f) of its own output and the
// output is the independent SpectralOperators::laplacian; the per-rank partials add up to one rank's sum.
// The answers are computed here from the analytic fields, never from the function's own output alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/fft/scaled_laplacian.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::Lattice;
using inflanet::testing::max_deviation;
using inflanet::testing::report;
using inflanet::testing::site_noise;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

/// A plane wave cos(2 pi n.x / N + phase) sampled on the sites (integer site indices).
struct Wave {
  int nx, ny, nz;
  double amplitude, phase;
  [[nodiscard]] double arg(std::ptrdiff_t n, std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) const {
    return two_pi * static_cast<double>(nx * x + ny * y + nz * z) / static_cast<double>(n) + phase;
  }
  [[nodiscard]] double k2(double length) const {
    const double dk = two_pi / length;
    return dk * dk * static_cast<double>(nx * nx + ny * ny + nz * nz);
  }
};

/// Forward transform, the function under test with factor dk^2 g / N^3, the unnormalised backward
/// transform; returns the global Parseval sum scaled to the box sum of |grad f|^2.
double scale_and_sum(Lattice& lat, Field& f, double g) {
  const Decomposition& d = lat.decomposition;
  const double dk = d.box().dk(), sites = d.box().sites();
  lat.plan.to_fourier(f);
  const double local = scale_by_n2_with_gradient_sum(d, f.fourier_data(), dk * dk * g / sites);
  lat.plan.to_real(f, Scale::none);
  return d.sum(local) * dk * dk / sites;
}

/// Global sum over the sites of h(x, y, z) (collective).
template <class H>
double site_sum(const Decomposition& d, H&& h) {
  double local = 0.0;
  for_each_site(d, [&](const Site& s) { local += h(s.ix, s.iy, s.iz); });
  return d.sum(local);
}
} // namespace

TEST(ScaledLaplacian, MatchesMinusKSquaredOnAPlaneWave) {
  // Waves on every kind of mode row: interior kz, the kz = 0 plane (nz = 0), the Nyquist planes of each
  // axis (|n| = N/2, even N only) and negative components; N = 17 has no Nyquist plane and its last stored
  // kz plane is interior (weight 2).
  const double length = 6.0, g = 2.5;
  for (std::ptrdiff_t n : {16, 17}) {
    const int h = static_cast<int>(n / 2);
    std::vector<Wave> waves = {{1, 0, 0, 1.0, 0.3},  {0, 0, 3, 1.0, -0.4}, {2, -3, 5, 0.7, 1.1},
                               {-5, 4, 0, 1.3, 0.2}, {7, 7, -7, 0.4, 2.0}, {0, 0, h, 1.0, 0.0},
                               {h, 0, 0, 1.0, 0.0},  {0, h, 2, 0.8, 0.5},  {3, -1, h, 1.0, 0.9}};
    Lattice lat(n, length);
    Field f(lat.decomposition);
    double worst_field = 0.0, worst_sum = 0.0;
    for (const Wave& w : waves) {
      auto wave = [&](auto x, auto y, auto z) { return w.amplitude * std::cos(w.arg(n, x, y, z)); };
      fill_sites(f, wave);
      const double sum = scale_and_sum(lat, f, g);
      const double k2 = w.k2(length);
      // -lap of a sampled plane wave is k^2 times it, Nyquist components included (their alias -n has the
      // same |n|^2).
      const double field_error =
          max_deviation(f, [&](auto x, auto y, auto z) { return g * k2 * wave(x, y, z); }) / (g * k2);
      // Parseval: (1/N^3) sum_n |k_n|^2 |f~_n|^2 = sum_x f (-lap f) = k^2 sum_x f^2, summed directly.
      const double direct = k2 * site_sum(lat.decomposition, [&](auto x, auto y, auto z) {
                              const double v = wave(x, y, z);
                              return v * v;
                            });
      const double sum_error = std::abs(sum - direct) / direct;
      EXPECT_LT(field_error, 1e-12) << "N = " << n << ", n = (" << w.nx << ", " << w.ny << ", " << w.nz
                                    << ")";
      EXPECT_LT(sum_error, 1e-12) << "N = " << n << ", n = (" << w.nx << ", " << w.ny << ", " << w.nz << ")";
      worst_field = std::max(worst_field, field_error);
      worst_sum = std::max(worst_sum, sum_error);
    }
    report(
        "scaled_laplacian plane waves N=%td: max |out - g k^2 f| / (g k^2) = %.2e, max rel sum error = %.2e",
        n, worst_field, worst_sum);
  }
}

TEST(ScaledLaplacian, GradientSumIsTheRealSpaceSumOfTheAnalyticGradientSquared) {
  // A band-limited field (every |n_i| < N/2, so its spectral gradient is its analytic gradient): the
  // Parseval sum equals sum_x |grad f(x)|^2 with grad f written out by hand at the sites.
  const double length = 2.5;
  const std::vector<Wave> waves = {{1, 0, 0, 1.0, 0.3},
                                   {2, -3, 1, 0.5, 1.1},
                                   {-5, 4, 7, 0.25, -0.7},
                                   {7, 7, -7, 0.1, 2.0},
                                   {0, 6, 0, 0.3, 0.4}};
  for (std::ptrdiff_t n : {16, 17}) {
    Lattice lat(n, length);
    Field f(lat.decomposition);
    fill_sites(f, [&](auto x, auto y, auto z) {
      double v = 0.0;
      for (const Wave& w : waves) {
        v += w.amplitude * std::cos(w.arg(n, x, y, z));
      }
      return v;
    });
    const double sum = scale_and_sum(lat, f, 1.0);
    const double dk = two_pi / length;
    const double direct = site_sum(lat.decomposition, [&](auto x, auto y, auto z) {
      double grad[3] = {0.0, 0.0, 0.0};
      for (const Wave& w : waves) {
        const double s = -w.amplitude * std::sin(w.arg(n, x, y, z));
        grad[0] += dk * w.nx * s;
        grad[1] += dk * w.ny * s;
        grad[2] += dk * w.nz * s;
      }
      return grad[0] * grad[0] + grad[1] * grad[1] + grad[2] * grad[2];
    });
    // The closed form too: distinct non-conjugate waves are orthogonal, sum = N^3 / 2 sum_w A_w^2 k_w^2.
    double closed = 0.0;
    for (const Wave& w : waves) {
      closed += 0.5 * lat.decomposition.box().sites() * w.amplitude * w.amplitude * w.k2(length);
    }
    EXPECT_NEAR(sum, direct, 1e-12 * direct) << "N = " << n;
    EXPECT_NEAR(direct, closed, 1e-12 * closed) << "N = " << n;
    report("scaled_laplacian band-limited N=%td: gradient sum %.15e, real-space %.15e, rel diff %.2e", n, sum,
           direct, std::abs(sum - direct) / direct);
  }
}

TEST(ScaledLaplacian, OnNoiseTheSumIsTheQuadraticFormAndTheFieldIsTheLaplacian) {
  // Noise fills every stored mode, so the Hermitian weights of the kz = 0 and kz = N/2 planes (1) and of
  // the interior planes (2) all enter: a wrong weight would break sum = sum_x f (-lap f). The scaled field
  // itself is compared with SpectralOperators::laplacian, a separate implementation of -k^2 (including the
  // Nyquist modes).
  const double length = 7.0, g = -0.75; // a negative coupling: the factor's sign is the caller's
  for (std::ptrdiff_t n : {2, 3, 8, 15, 16}) {
    Lattice lat(n, length);
    Field f(lat.decomposition), reference(lat.decomposition);
    auto noise = [](auto x, auto y, auto z) { return site_noise(x, y, z, 11); };
    fill_sites(f, noise);
    fill_sites(reference, noise);
    lat.ops.laplacian(reference, reference);
    const double sum = scale_and_sum(lat, f, g);
    // Both fields live on one decomposition, so a site's offset addresses it in either.
    const double* out = f.real_data();
    const double* lap = reference.real_data();
    double local_error = 0.0, local_quadratic = 0.0;
    for_each_site(lat.decomposition, [&](const Site& s) {
      local_error = std::max(local_error, std::abs(out[s.offset] + g * lap[s.offset]));
      local_quadratic += noise(s.ix, s.iy, s.iz) * out[s.offset] / g;
    });
    const double field_error = lat.decomposition.max(local_error);
    const double quadratic = lat.decomposition.sum(local_quadratic);
    const double scale = std::abs(g) * 3.0 * std::pow(lat.decomposition.box().k_nyquist(), 2);
    EXPECT_LT(field_error, 1e-12 * scale) << "N = " << n;
    EXPECT_NEAR(sum, quadratic, 1e-12 * std::abs(quadratic)) << "N = " << n;
    EXPECT_GT(sum, 0.0) << "the gradient sum is a sum of squares whatever the factor";
    report(
        "scaled_laplacian noise N=%td: max |out + g lap f| = %.2e (scale %.1e), sum %.15e vs sum f(-lap f) "
        "%.15e",
        n, field_error, scale, sum, quadratic);
  }
}

TEST(ScaledLaplacian, RankPartialsAddUpToTheSingleRankSum) {
  // The function is collective-free: each rank sums its own ky planes and the caller reduces. The world's
  // reduced partials must equal the sum of a private single-rank decomposition of the same field (to the
  // rounding of a different summation order and FFT), and the scaled fields must agree site by site.
  for (std::ptrdiff_t n : {4, 12, 17}) {
    const double length = 3.0;
    Lattice world(n, length);
    Lattice serial(n, length, MPI_COMM_SELF);
    Field fw(world.decomposition), fs(serial.decomposition);
    auto noise = [](auto x, auto y, auto z) { return site_noise(x, y, z, 5); };
    fill_sites(fw, noise);
    fill_sites(fs, noise);
    const double sw = scale_and_sum(world, fw, 1.0);
    const double ss = scale_and_sum(serial, fs, 1.0);
    EXPECT_NEAR(sw, ss, 1e-13 * ss) << "N = " << n;
    auto serial_view = real_view(fs);
    const double worst = max_deviation(fw, [&](auto x, auto y, auto z) { return serial_view(x, y, z); });
    EXPECT_LT(worst, 1e-12 * std::pow(world.decomposition.box().k_nyquist(), 2) * 3.0) << "N = " << n;
  }
}
