// Spectral calculus on the distributed lattice: exact on plane waves and band-limited fields, FFT round
// trip, gradient_of_fourier equal to gradient bitwise, and the same numbers whatever the rank count (compared
// with a single-rank decomposition in-process).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::Lattice;
using inflanet::testing::max_deviation;
using inflanet::testing::site_noise;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

// A band-limited field: a few plane waves with |n_i| < N/2, so every derivative is exactly spectral.
struct Wave {
  int nx, ny, nz;
  double amplitude, phase;
};
const Wave waves[] = {
    {1, 0, 0, 1.0, 0.3}, {2, -3, 1, 0.5, 1.1}, {-5, 4, 7, 0.25, -0.7}, {7, 7, -7, 0.1, 2.0}};

double band_limited(double length, std::ptrdiff_t n, std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z,
                    int derivative_axis = -1, bool laplacian = false) {
  const double dx = length / static_cast<double>(n);
  double value = 0.0;
  for (const auto& w : waves) {
    const double kx = two_pi * w.nx / length, ky = two_pi * w.ny / length, kz = two_pi * w.nz / length;
    const double arg = kx * x * dx + ky * y * dx + kz * z * dx + w.phase;
    if (laplacian) {
      value -= (kx * kx + ky * ky + kz * kz) * w.amplitude * std::cos(arg);
    } else if (derivative_axis >= 0) {
      const double k = derivative_axis == 0 ? kx : (derivative_axis == 1 ? ky : kz);
      value -= k * w.amplitude * std::sin(arg);
    } else {
      value += w.amplitude * std::cos(arg);
    }
  }
  return value;
}
} // namespace

TEST(SpectralOperators, RoundTripIsIdentityTo1e12) {
  for (std::ptrdiff_t n : {4, 16, 17, 32}) {
    Lattice lat(n, 3.0);
    Field f(lat.decomposition);
    auto noise = [](auto x, auto y, auto z) { return site_noise(x, y, z); };
    fill_sites(f, noise);
    EXPECT_TRUE(lat.plan.to_fourier(f));
    EXPECT_FALSE(lat.plan.to_fourier(f)) << "a second forward transform must be a no-op";
    EXPECT_TRUE(lat.plan.to_real(f));
    EXPECT_LT(max_deviation(f, noise), 1e-12) << "N = " << n;
    EXPECT_EQ(lat.plan.transforms(), 2);
  }
}

TEST(SpectralOperators, LaplacianAndGradientExactOnPlaneWaves) {
  const std::ptrdiff_t n = 32;
  const double length = 10.0;
  Lattice lat(n, length);
  Field f(lat.decomposition), out(lat.decomposition);
  for (int axis = 0; axis < 3; ++axis) {
    for (int m : {1, 5, 15}) {
      int nv[3] = {0, 0, 0};
      nv[axis] = m;
      nv[(axis + 1) % 3] = 2;
      const double kx = two_pi * nv[0] / length, ky = two_pi * nv[1] / length, kz = two_pi * nv[2] / length;
      const double dx = length / n;
      auto wave = [&](auto x, auto y, auto z) { return std::sin(kx * x * dx + ky * y * dx + kz * z * dx); };
      fill_sites(f, wave);
      lat.ops.laplacian(f, out);
      const double k2 = kx * kx + ky * ky + kz * kz;
      EXPECT_LT(max_deviation(out, [&](auto x, auto y, auto z) { return -k2 * wave(x, y, z); }), 1e-12 * k2);
      lat.ops.gradient(f, axis, out);
      const double ka = axis == 0 ? kx : (axis == 1 ? ky : kz);
      EXPECT_LT(
          max_deviation(out, [&](auto x, auto y,
                                 auto z) { return ka * std::cos(kx * x * dx + ky * y * dx + kz * z * dx); }),
          1e-12 * k2);
    }
  }
}

TEST(SpectralOperators, GradientOfFourierIsTheGradientBitwiseAndLeavesItsInputUnchanged) {
  for (std::ptrdiff_t n : {8, 9}) {
    Lattice lat(n, 3.0);
    Field f(lat.decomposition), fourier(lat.decomposition), out(lat.decomposition);
    fill_sites(f, [](auto x, auto y, auto z) { return site_noise(x, y, z); });
    fourier.copy_from(f);
    lat.plan.to_fourier(fourier);
    const std::vector<std::complex<double>> before(fourier.fourier_data(),
                                                   fourier.fourier_data() + fourier.fourier_size());
    for (int axis = 0; axis < 3; ++axis) {
      Field expected(lat.decomposition);
      lat.ops.gradient(f, axis, expected);
      lat.ops.gradient_of_fourier(fourier, axis, out);
      EXPECT_EQ(out.space(), Space::real);
      double worst = 0.0;
      for_each_site(lat.decomposition, [&](const Site& site) {
        worst = std::max(worst, std::abs(out.real_data()[site.offset] - expected.real_data()[site.offset]));
      });
      EXPECT_EQ(lat.decomposition.max(worst), 0.0) << "N = " << n << ", axis " << axis;
    }
    EXPECT_TRUE(std::equal(before.begin(), before.end(), fourier.fourier_data())) << "N = " << n;
    EXPECT_THROW(lat.ops.gradient_of_fourier(f, 0, out), std::invalid_argument) << "a real-space input";
  }
}

TEST(SpectralOperators, LaplacianAndGradientExactOnBandLimitedField) {
  const std::ptrdiff_t n = 16;
  const double length = 2.5;
  Lattice lat(n, length);
  Field f(lat.decomposition), out(lat.decomposition);
  fill_sites(f, [&](auto x, auto y, auto z) { return band_limited(length, n, x, y, z); });
  const double scale = std::pow(two_pi * 7 * std::sqrt(3.0) / length, 2);
  lat.ops.laplacian(f, out);
  EXPECT_LT(
      max_deviation(out, [&](auto x, auto y, auto z) { return band_limited(length, n, x, y, z, -1, true); }),
      1e-12 * scale);
  for (int axis = 0; axis < 3; ++axis) {
    lat.ops.gradient(f, axis, out);
    EXPECT_LT(
        max_deviation(out, [&](auto x, auto y, auto z) { return band_limited(length, n, x, y, z, axis); }),
        1e-12 * scale);
  }
  // sum |grad f|^2 from Parseval equals the sum of the three explicit gradient components squared.
  double explicit_sum = 0.0;
  for (int axis = 0; axis < 3; ++axis) {
    lat.ops.gradient(f, axis, out);
    explicit_sum += lat.ops.sum_of_squares(out);
  }
  EXPECT_NEAR(lat.ops.gradient_squared_sum(f, out), explicit_sum, 1e-12 * explicit_sum);
  EXPECT_EQ(f.space(), Space::real) << "inputs of the operators are left unchanged";
}

TEST(SpectralOperators, ResultsIndependentOfRankCount) {
  // The world decomposition (1, 2 or 3 ranks) against a private single-rank copy of the same lattice.
  for (std::ptrdiff_t n : {4, 12, 16}) {
    const double length = 7.0;
    Lattice world(n, length);
    Lattice serial(n, length, MPI_COMM_SELF);
    Field fw(world.decomposition), ow(world.decomposition);
    Field fs(serial.decomposition), os(serial.decomposition);
    auto noise = [](auto x, auto y, auto z) { return site_noise(x, y, z, 7); };
    fill_sites(fw, noise);
    fill_sites(fs, noise);
    world.ops.laplacian(fw, ow);
    serial.ops.laplacian(fs, os);
    auto serial_view = real_view(os);
    const double worst = max_deviation(ow, [&](auto x, auto y, auto z) { return serial_view(x, y, z); });
    EXPECT_LT(worst, 1e-12);
    EXPECT_NEAR(world.ops.variance(fw), serial.ops.variance(fs), 1e-14);
    EXPECT_NEAR(world.ops.gradient_squared_sum(fw, ow), serial.ops.gradient_squared_sum(fs, os),
                1e-12 * serial.ops.gradient_squared_sum(fs, os));
  }
}
