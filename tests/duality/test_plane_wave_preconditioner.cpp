// The plane-wave preconditioner: for an exactly translation-invariant kernel on the periodic sub-lattice
// (Theta_ij = g(x_i - x_j)), its per-mode Rayleigh quotients are the exact eigenvalues, the preconditioner is
// the exact inverse and conjugate gradients converge in one product; for any kernel it is symmetric.
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "inflanet/duality/plane_wave_preconditioner.hpp"
#include "inflanet/ntk/krylov.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"

using namespace inflanet;

namespace {

constexpr std::ptrdiff_t m = 6;
constexpr double length = 3.0;

/// A positive-definite periodic kernel of the site difference: a sum of cosines with positive weights, one
/// per wavenumber |n_d| <= M/2 (so that no mode has a zero eigenvalue).
std::vector<double> circulant_kernel() {
  const auto mm = static_cast<std::size_t>(m), n = mm * mm * mm;
  std::vector<double> theta(n * n);
  const double w = 2.0 * std::numbers::pi / static_cast<double>(m);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double g = 1.0;
      const long d[3] = {static_cast<long>(i / (mm * mm)) - static_cast<long>(j / (mm * mm)),
                         static_cast<long>((i / mm) % mm) - static_cast<long>((j / mm) % mm),
                         static_cast<long>(i % mm) - static_cast<long>(j % mm)};
      for (int a = 0; a < 3; ++a) {
        const double x = w * static_cast<double>(d[a]);
        g *= 1.2 + std::cos(x) + 0.3 * std::cos(2.0 * x) + 0.2 * std::cos(3.0 * x);
      }
      theta[i * n + j] = g;
    }
  }
  return theta;
}

} // namespace

TEST(PlaneWavePreconditioner, IsTheExactInverseOfATranslationInvariantKernel) {
  const auto theta = circulant_kernel();
  const std::size_t n = static_cast<std::size_t>(m * m * m);
  const auto partial = ntk_dispersion_partial(theta, 0, n, m, length);
  double top = 0.0;
  for (const double l : partial.rayleigh) {
    top = std::max(top, l);
  }
  const auto modes = ntk_dispersion_per_mode(partial, top);
  PlaneWavePreconditioner pre(m, length, modes.lambda, 1e-12 * top);
  const KernelProduct product = [&](std::span<const double> v, std::span<double> out) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        s += theta[i * n + j] * v[j];
      }
      out[i] = s;
    }
  };
  std::vector<double> b(n);
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = std::sin(0.37 * static_cast<double>(i)) + 0.2;
  }
  // M^-1 Theta b = b.
  std::vector<double> tb(n), back(n);
  product(b, tb);
  pre.apply(tb, back);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(back[i], b[i], 1e-12) << i;
  }
  const auto pcg = conjugate_gradient(
      product, [&](std::span<const double> r, std::span<double> z) { pre.apply(r, z); }, b, 1e-12, 10);
  EXPECT_TRUE(pcg.converged);
  EXPECT_EQ(pcg.iterations, 1u);
  const auto cg = conjugate_gradient(product, {}, b, 1e-12, 10 * n);
  EXPECT_GT(cg.iterations, 5u) << "the kernel is not trivially conditioned";
}

TEST(PlaneWavePreconditioner, IsSymmetricForAnyPositiveModeValues) {
  const std::size_t n = static_cast<std::size_t>(m * m * m);
  std::vector<double> lambda(ntk_dispersion_modes(m));
  for (std::size_t i = 0; i < lambda.size(); ++i) {
    lambda[i] = 0.5 + std::abs(std::sin(1.3 * static_cast<double>(i)));
  }
  // CG needs a symmetric preconditioner: <u, M^-1 v> = <M^-1 u, v> for real u, v.
  PlaneWavePreconditioner pre(m, length, lambda, 1e-3);
  std::vector<double> u(n), v(n), mu(n), mv(n);
  for (std::size_t i = 0; i < n; ++i) {
    u[i] = std::cos(0.11 * static_cast<double>(i * i));
    v[i] = std::sin(0.23 * static_cast<double>(i) + 1.0);
  }
  pre.apply(u, mu);
  pre.apply(v, mv);
  double a = 0.0, b = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    a += u[i] * mv[i];
    b += mu[i] * v[i];
  }
  EXPECT_NEAR(a, b, 1e-12 * std::abs(a));
}
