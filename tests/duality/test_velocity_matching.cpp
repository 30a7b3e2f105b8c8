// Velocity matching: p0 = J^T alpha with Theta alpha = b makes the output velocity J p0 equal b, checked with
// an independently built Jacobian; when the network has fewer parameters than points, the unreachable part of
// b is reported and J p0 is b's projection on the reachable directions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "inflanet/duality/eigenspace_clusters.hpp"
#include "inflanet/duality/velocity_matching.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

namespace {

std::vector<double> jvp(const std::vector<double>& jacobian, std::size_t points, std::span<const double> p) {
  std::vector<double> out(points, 0.0);
  const std::size_t params = p.size();
  for (std::size_t i = 0; i < points; ++i) {
    for (std::size_t q = 0; q < params; ++q) {
      out[i] += jacobian[i * params + q] * p[q];
    }
  }
  return out;
}

std::vector<double> target(std::size_t points) {
  std::vector<double> b(points);
  for (std::size_t i = 0; i < points; ++i) {
    b[i] = std::cos(1.7 * static_cast<double>(i)) + 0.2 * static_cast<double>(i % 3);
  }
  return b;
}

} // namespace

TEST(VelocityMatching, OutputVelocityEqualsTheTargetThroughAnIndependentJacobian) {
  const std::size_t points = 24;
  const auto data = make_dataset(points, 3, 5);
  Mlp net(small_params(Activation::tanh, 2, 32));
  ASSERT_GT(net.parameter_count(), points);
  const auto theta = empirical_ntk(net, data.x, points);
  const NtkSpectrum s = ntk_eigen(theta, points);
  const auto b = target(points);
  const KernelSolve solve = solve_kernel(s, b, 1e-12 * s.values.back());
  EXPECT_EQ(solve.dropped, 0u);
  const auto p0 = vector_jacobian_product(net, data.x, points, solve.alpha);
  const auto jacobian = net.jacobian(data.x, points);
  const auto velocity = jvp(jacobian, points, p0);
  EXPECT_LT(relative_frobenius(velocity, b), 1e-10);
}

TEST(VelocityMatching, UnreachableDirectionsAreReportedAndLeftOut) {
  const std::size_t points = 40;
  const auto data = make_dataset(points, 3, 9);
  Mlp net(small_params(Activation::tanh, 1, 3)); // P = 3 * 4 + 4 = 16 < 40: Theta has rank <= 16
  ASSERT_LT(net.parameter_count(), points);
  const auto theta = empirical_ntk(net, data.x, points);
  const NtkSpectrum s = ntk_eigen(theta, points);
  const auto b = target(points);
  const KernelSolve solve = solve_kernel(s, b, 1e-10 * s.values.back());
  EXPECT_GE(solve.dropped, points - net.parameter_count());
  EXPECT_GT(solve.dropped_fraction, 0.0);
  const auto p0 = vector_jacobian_product(net, data.x, points, solve.alpha);
  const auto velocity = jvp(net.jacobian(data.x, points), points, p0);
  // J p0 is the projection of b on the kept eigenvectors: the rest of b is what was reported.
  double kept2 = 0.0, b2 = 0.0, diff2 = 0.0;
  for (std::size_t i = 0; i < points; ++i) {
    diff2 += (velocity[i] - b[i]) * (velocity[i] - b[i]);
    kept2 += velocity[i] * velocity[i];
    b2 += b[i] * b[i];
  }
  EXPECT_NEAR(std::sqrt(diff2 / b2), solve.dropped_fraction, 1e-8);
  EXPECT_NEAR(kept2 + diff2, b2, 1e-8 * b2);
}

TEST(VelocityMatching, ACutMatchesOnlyTheEigenvaluesAboveItAndRecordsTheRest) {
  // duality.velocity_cut: the eigenvalues in (resolution, cut] are left out as well. Then J p0 is b's
  // projection on the eigenvectors above the cut (checked through an independent Jacobian), the unmatched
  // fraction is |J p0 - b| / |b|, and the parameter speed |p0|^2 = sum_k b_k^2 / lambda_k over the kept
  // eigenvalues only, below the uncut one.
  const std::size_t points = 24;
  const auto data = make_dataset(points, 3, 5);
  Mlp net(small_params(Activation::tanh, 2, 32));
  const auto theta = empirical_ntk(net, data.x, points);
  const NtkSpectrum s = ntk_eigen(theta, points);
  const auto b = target(points);
  const double resolution = 1e-12 * s.values.back(), cut = 1e-2 * s.values.back();
  const KernelSolve full = solve_kernel(s, b, resolution);
  const KernelSolve solve = solve_kernel(s, b, resolution, cut);
  const auto below = static_cast<std::size_t>(
      std::count_if(s.values.begin(), s.values.end(), [&](double v) { return v > resolution && v <= cut; }));
  ASSERT_GT(below, 0u) << "the test needs eigenvalues under the cut";
  ASSERT_LT(below, points);
  EXPECT_EQ(solve.cut, below);
  EXPECT_EQ(solve.dropped, full.dropped);
  const auto components = eigen_components(s, b);
  double cut2 = 0.0, b2 = 0.0, speed2 = 0.0;
  for (std::size_t k = 0; k < points; ++k) {
    b2 += components[k] * components[k];
    if (s.values[k] > cut) {
      speed2 += components[k] * components[k] / s.values[k];
    } else if (s.values[k] > resolution) {
      cut2 += components[k] * components[k];
    }
  }
  EXPECT_NEAR(solve.cut_fraction, std::sqrt(cut2 / b2), 1e-12);
  const auto p0 = vector_jacobian_product(net, data.x, points, solve.alpha);
  const auto p0_full = vector_jacobian_product(net, data.x, points, full.alpha);
  const auto velocity = jvp(net.jacobian(data.x, points), points, p0);
  EXPECT_NEAR(relative_frobenius(velocity, b), solve.unmatched_fraction(), 1e-8);
  double p2 = 0.0, p2_full = 0.0;
  for (std::size_t q = 0; q < p0.size(); ++q) {
    p2 += p0[q] * p0[q];
    p2_full += p0_full[q] * p0_full[q];
  }
  EXPECT_NEAR(p2, speed2, 1e-8 * speed2);
  EXPECT_LT(p2, p2_full);
  // A cut at or below the rounding level changes nothing, bit for bit.
  EXPECT_EQ(solve_kernel(s, b, resolution, 0.5 * resolution).alpha, full.alpha);
}
