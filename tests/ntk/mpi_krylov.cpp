// Krylov methods on the distributed NTK (run at 1, 2 and 3 ranks): Lanczos's extreme eigenvalues equal
// those of the serial dsyevr, conjugate gradients solve Theta x = b as the eigendecomposition does, and a
// preconditioner that is the exact inverse converges in one product.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/krylov.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

namespace {

std::vector<double> local_block(const std::vector<double>& all, const PointDistribution& dist,
                                std::size_t w) {
  return {all.begin() + static_cast<std::ptrdiff_t>(dist.local_begin() * w),
          all.begin() + static_cast<std::ptrdiff_t>((dist.local_begin() + dist.local_count()) * w)};
}

struct Kernel {
  std::size_t n;
  Dataset data;
  NtkSpectrum serial;
  PointDistribution dist;
  DistributedNtk ntk;
  KernelProduct product;

  Kernel(std::size_t points, Activation act, int width)
      : n(points), data(make_dataset(points, 3, 17)), dist(points), ntk(dist) {
    Mlp serial_net(small_params(act, 2, width));
    serial = ntk_eigen(empirical_ntk(serial_net, data.x, n), n);
    Mlp net(small_params(act, 2, width));
    ntk.build(net, local_block(data.x, dist, 3));
    product = [this](std::span<const double> v, std::span<double> out) { ntk.apply(v, 1.0, out); };
  }
};

} // namespace

TEST(Krylov, LanczosExtremesEqualTheSerialEigenvalues) {
  for (const Activation act : {Activation::relu, Activation::tanh, Activation::erf}) {
    Kernel k(53, act, 24);
    const KernelExtremes e = lanczos_extremes(k.product, k.n, 1e-12, 53);
    const double top = k.serial.values.back();
    EXPECT_TRUE(e.converged) << activation_name(act);
    EXPECT_LT(std::abs(e.lambda_max - top) / top, 1e-11) << activation_name(act);
    EXPECT_LE(e.lambda_max_residual, 1e-12 * top * 1.0001);
    // The smallest Ritz value is an upper bound on the smallest eigenvalue, within its residual.
    EXPECT_GE(e.lambda_min, k.serial.values.front() - 1e-12 * top);
    EXPECT_LE(e.lambda_min - e.lambda_min_residual, k.serial.values.front() + 1e-12 * top);
    // Identical on every rank (replicated vectors, identical arithmetic).
    std::vector<double> mine{e.lambda_max};
    std::vector<double> root = mine;
    k.dist.broadcast(root);
    EXPECT_EQ(mine[0], root[0]);
  }
}

TEST(Krylov, LanczosStopsEarlyWhenTheTopPairHasConverged) {
  Kernel k(120, Activation::relu, 32);
  const KernelExtremes e = lanczos_extremes(k.product, k.n, 1e-8, 120);
  EXPECT_TRUE(e.converged);
  EXPECT_LT(e.iterations, 120u);
  EXPECT_LT(std::abs(e.lambda_max - k.serial.values.back()) / k.serial.values.back(), 1e-8);
}

TEST(Krylov, ConjugateGradientsSolveTheKernelAsTheEigendecompositionDoes) {
  Kernel k(37, Activation::tanh, 64);
  std::vector<double> b(k.n);
  for (std::size_t i = 0; i < k.n; ++i) {
    b[i] = std::cos(0.3 * static_cast<double>(i)) + 0.1;
  }
  // The reference: x = V diag(1/lambda) V^T b; the same map is the exact preconditioner below.
  const KernelPreconditioner exact = [&](std::span<const double> r, std::span<double> z) {
    std::fill(z.begin(), z.end(), 0.0);
    for (std::size_t m = 0; m < k.n; ++m) {
      double c = 0.0;
      for (std::size_t i = 0; i < k.n; ++i) {
        c += k.serial.vectors[i * k.n + m] * r[i];
      }
      for (std::size_t i = 0; i < k.n; ++i) {
        z[i] += k.serial.vectors[i * k.n + m] * c / k.serial.values[m];
      }
    }
  };
  std::vector<double> expected(k.n);
  exact(b, expected);
  const auto cg = conjugate_gradient(k.product, {}, b, 1e-12, 10 * k.n);
  EXPECT_TRUE(cg.converged);
  EXPECT_LT(cg.relative_residual, 1e-11);
  const double cond = k.serial.values.back() / k.serial.values.front();
  double err = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < k.n; ++i) {
    err = std::max(err, std::abs(cg.x[i] - expected[i]));
    scale = std::max(scale, std::abs(expected[i]));
  }
  EXPECT_LT(err / scale, 1e-12 * cond) << "condition number " << cond;

  // The exact inverse as preconditioner: one product.
  const auto pcg = conjugate_gradient(k.product, exact, b, 1e-8, 10);
  EXPECT_TRUE(pcg.converged);
  EXPECT_EQ(pcg.iterations, 1u);
}

TEST(Krylov, ConjugateGradientsReportTheUnreachablePartOfASemiDefiniteSystem) {
  // A rank-one operator: only b's component along u can be reached.
  const std::size_t n = 10;
  std::vector<double> u(n, 1.0 / std::sqrt(10.0));
  const KernelProduct rank_one = [&](std::span<const double> v, std::span<double> out) {
    double c = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      c += u[i] * v[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = 2.0 * c * u[i];
    }
  };
  std::vector<double> b(n, 0.0);
  b[0] = 1.0; // |b|^2 = 1: 1/10 along u, 9/10 orthogonal
  const auto cg = conjugate_gradient(rank_one, {}, b, 1e-12, 50);
  // CG is not a least-squares method: it stops at the null direction (no blow-up) and reports a residual
  // at least as large as the unreachable part.
  EXPECT_FALSE(cg.converged);
  EXPECT_LE(cg.iterations, 2u);
  EXPECT_TRUE(std::all_of(cg.x.begin(), cg.x.end(), [](double v) { return std::isfinite(v); }));
  EXPECT_GE(cg.relative_residual, std::sqrt(0.9) - 1e-12);
  // The first step overshoots (residual 3); the best iterate, x = 0, is returned instead.
  EXPECT_NEAR(cg.relative_residual, 1.0, 1e-12);
}
