// The distributed NTK and training (run at 1, 2 and 3 ranks): rows of Theta built from gathered layer
// factors equal the serial layerwise kernel; Theta r on row blocks equals the serial product; the full-batch
// gradient summed over ranks equals the serial one; the distributed NTK lattice trained by euler follows the
// exact heavy-ball recurrence mode by mode.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/nn/network_system.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

namespace {

// 37 points: not divisible by 2 or 3, so blocks differ in size (and at 3 ranks none is empty; the
// 2-point case below leaves a rank without points).
constexpr std::size_t points = 37;

std::vector<double> local_block(const std::vector<double>& all, const PointDistribution& dist,
                                std::size_t w) {
  return {all.begin() + static_cast<std::ptrdiff_t>(dist.local_begin() * w),
          all.begin() + static_cast<std::ptrdiff_t>((dist.local_begin() + dist.local_count()) * w)};
}

double max_abs(std::span<const double> v) {
  double m = 0.0;
  for (const double x : v) {
    m = std::max(m, std::abs(x));
  }
  return m;
}

} // namespace

TEST(DistributedNtk, RowsAreRankCountInvariantAndEqualTheSerialLayerwiseKernel) {
  for (const Activation act : all_activations) {
    for (int depth = 1; depth <= 3; ++depth) {
      const auto data = make_dataset(points, 3, 5);
      Mlp serial(small_params(act, depth, 24));
      const auto theta = empirical_ntk(serial, data.x, points);
      const PointDistribution dist(points);
      Mlp net(small_params(act, depth, 24));
      DistributedNtk ntk(dist);
      ntk.build(net, local_block(data.x, dist, 3));
      const auto rows = ntk.rows();
      ASSERT_EQ(rows.size(), dist.local_count() * points);
      const double scale = max_abs(theta);
      double worst = 0.0;
      for (std::size_t i = 0; i < dist.local_count(); ++i) {
        for (std::size_t j = 0; j < points; ++j) {
          worst =
              std::max(worst, std::abs(rows[i * points + j] - theta[(dist.local_begin() + i) * points + j]));
        }
      }
      worst = std::sqrt(dist.sum(worst * worst)); // every rank's worst, combined
      EXPECT_LT(worst / scale, 1e-12) << activation_name(act) << " depth " << depth;
      // The gathered kernel is the serial one.
      const auto full = ntk.gather_to_root();
      if (dist.is_root()) {
        ASSERT_EQ(full.size(), points * points);
        double w = 0.0;
        for (std::size_t i = 0; i < full.size(); ++i) {
          w = std::max(w, std::abs(full[i] - theta[i]));
        }
        EXPECT_LT(w / scale, 1e-12);
      }
    }
  }
}

TEST(DistributedNtk, ProductOnRowBlocksEqualsTheSerialProduct) {
  const auto data = make_dataset(points, 3, 9);
  Mlp serial(small_params(Activation::tanh, 2, 32));
  const auto theta = empirical_ntk(serial, data.x, points);
  const PointDistribution dist(points);
  Mlp net(small_params(Activation::tanh, 2, 32));
  DistributedNtk ntk(dist);
  ntk.build(net, local_block(data.x, dist, 3));
  std::vector<double> out(points), expected(points, 0.0);
  ntk.apply(data.y, 0.5, out);
  for (std::size_t i = 0; i < points; ++i) {
    for (std::size_t j = 0; j < points; ++j) {
      expected[i] += 0.5 * theta[i * points + j] * data.y[j];
    }
  }
  double worst = 0.0;
  for (std::size_t i = 0; i < points; ++i) {
    worst = std::max(worst, std::abs(out[i] - expected[i]));
  }
  EXPECT_LT(worst / max_abs(expected), 1e-12);
  EXPECT_NEAR(std::sqrt(ntk.norm_squared()), std::sqrt([&] {
                double s = 0.0;
                for (const double v : theta) {
                  s += v * v;
                }
                return s;
              }()),
              1e-12 * max_abs(theta) * points);
}

TEST(DistributedNtk, ChunkedRowsAndStreamedDriftEqualTheSerialKernelAndTheStoredDistance) {
  // More points than one build chunk, so the row blocks are built in several ntk_block calls; the drift of
  // the kernel after a parameter change, streamed chunk by chunk, equals ||Theta_1 - Theta_0||_F from two
  // stored serial kernels.
  constexpr std::size_t many = ntk_row_chunk + 61;
  const auto data = make_dataset(many, 3, 21);
  Mlp serial(small_params(Activation::erf, 2, 16));
  const auto theta0 = empirical_ntk(serial, data.x, many);
  std::vector<double> moved = serial.theta();
  for (std::size_t i = 0; i < moved.size(); ++i) {
    moved[i] += 0.05 * std::sin(static_cast<double>(i));
  }
  serial.theta() = moved;
  const auto theta1 = empirical_ntk(serial, data.x, many);
  double expected = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < theta0.size(); ++i) {
    expected += (theta1[i] - theta0[i]) * (theta1[i] - theta0[i]);
    scale += theta0[i] * theta0[i];
  }
  ASSERT_GT(expected, 1e-6 * scale); // the change is not negligible

  const PointDistribution dist(many);
  Mlp net(small_params(Activation::erf, 2, 16));
  DistributedNtk ntk(dist);
  const auto x_local = local_block(data.x, dist, 3);
  ntk.build(net, x_local);
  double worst = 0.0;
  for (std::size_t i = 0; i < dist.local_count(); ++i) {
    for (std::size_t j = 0; j < many; ++j) {
      worst =
          std::max(worst, std::abs(ntk.rows()[i * many + j] - theta0[(dist.local_begin() + i) * many + j]));
    }
  }
  EXPECT_LT(std::sqrt(dist.sum(worst * worst)) / max_abs(theta0), 1e-12);
  net.theta() = moved;
  const double streamed = ntk.distance_squared_to(net, x_local);
  EXPECT_NEAR(std::sqrt(streamed), std::sqrt(expected), 1e-10 * std::sqrt(scale));
}

TEST(DistributedNtk, FullBatchGradientSummedOverRanksEqualsTheSerialGradient) {
  const auto data = make_dataset(points, 3, 13);
  const auto params = small_params(Activation::erf, 2, 20);
  NetworkSystem serial(Mlp(params), data.x, data.y, points, /*h=*/0.1, /*gamma=*/1.0, 1.0 / points);
  const PointDistribution dist(points);
  NetworkSystem local(Mlp(params), local_block(data.x, dist, 3), local_block(data.y, dist, 1),
                      dist.local_count(), /*h=*/0.1, /*gamma=*/1.0, 1.0 / points);
  local.set_reduction([&dist](std::span<double> v) { dist.sum_in_place(v); });
  EXPECT_NEAR(local.loss(), serial.loss(), 1e-14 * serial.loss());
  const auto g = serial.gradient();
  const auto gl = local.gradient();
  double worst = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    worst = std::max(worst, std::abs(g[i] - gl[i]));
  }
  EXPECT_LT(worst / max_abs(g), 1e-13);
}

TEST(DistributedNtk, RankWithoutPointsContributesNothing) {
  // 2 points over up to 3 ranks: rank 2 owns none.
  const auto data = make_dataset(2, 3, 21);
  const auto params = small_params(Activation::tanh, 1, 8);
  NetworkSystem serial(Mlp(params), data.x, data.y, 2, /*h=*/0.1, /*gamma=*/1.0, 0.5);
  const PointDistribution dist(2);
  NetworkSystem local(Mlp(params), local_block(data.x, dist, 3), local_block(data.y, dist, 1),
                      dist.local_count(), /*h=*/0.1, /*gamma=*/1.0, 0.5);
  local.set_reduction([&dist](std::span<double> v) { dist.sum_in_place(v); });
  EXPECT_NEAR(local.loss(), serial.loss(), 1e-14 * serial.loss());
  Mlp net(params);
  DistributedNtk ntk(dist);
  ntk.build(net, local_block(data.x, dist, 3));
  Mlp s(params);
  const auto theta = empirical_ntk(s, data.x, 2);
  const double frobenius =
      std::sqrt(theta[0] * theta[0] + theta[1] * theta[1] + theta[2] * theta[2] + theta[3] * theta[3]);
  EXPECT_NEAR(std::sqrt(ntk.norm_squared()), frobenius, 1e-12 * frobenius);
}

TEST(DistributedNtk, DistributedLinearModelTrainedByEulerFollowsTheHeavyBallRecurrence) {
  const auto data = make_dataset(points, 3, 17);
  const auto params = small_params(Activation::tanh, 2, 40);
  Mlp serial(params);
  const auto theta = empirical_ntk(serial, data.x, points);
  const auto spectrum = ntk_eigen(theta, points);
  serial.forward(data.x, points);
  std::vector<double> r0(points);
  for (std::size_t i = 0; i < points; ++i) {
    r0[i] = serial.outputs()[i] - data.y[i];
  }
  const PointDistribution dist(points);
  Mlp net(params);
  DistributedNtk ntk(dist);
  ntk.build(net, local_block(data.x, dist, 3));
  const double eta = 0.3, beta = 0.8, c = 1.0 / points, gamma = -std::log(beta) / std::sqrt(eta);
  ASSERT_LT(eta * c * spectrum.values.back(), 2 * (1 + beta));
  LinearisedNetwork lattice(
      [&ntk](std::span<const double> r, double s, std::span<double> out) { ntk.apply(r, s, out); }, points, c,
      gamma, r0, std::vector<double>(points, 0.0));
  auto project = [&](std::span<const double> r) {
    std::vector<double> a(points, 0.0);
    for (std::size_t i = 0; i < points; ++i) {
      for (std::size_t k = 0; k < points; ++k) {
        a[k] += spectrum.vectors[i * points + k] * r[i];
      }
    }
    return a;
  };
  const auto a0 = project(r0);
  const int steps = 300;
  std::vector<std::vector<double>> expected(points);
  for (std::size_t k = 0; k < points; ++k) {
    const double lc = c * spectrum.values[k];
    expected[k] = heavy_ball_recurrence(eta, beta, lc, a0[k], (1 - eta * lc) * a0[k], steps);
  }
  const auto euler = Integrator::from_name("euler");
  double scale = 0.0;
  for (const double v : r0) {
    scale += v * v;
  }
  scale = std::sqrt(scale);
  double worst = 0.0;
  for (int step = 1; step <= steps; ++step) {
    euler.step(lattice, std::sqrt(eta));
    const auto a = project(lattice.residual());
    for (std::size_t k = 0; k < points; ++k) {
      worst = std::max(worst, std::abs(a[k] - expected[k][static_cast<std::size_t>(step)]) / scale);
    }
  }
  if (dist.is_root()) {
    std::printf("distributed NTK lattice vs recurrence: %.2e on %d rank(s)\n", worst, dist.size());
  }
  EXPECT_LT(worst, 1e-12);
}
