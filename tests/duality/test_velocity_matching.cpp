// Velocity matching: p0 = J^T alpha with Theta alpha = b makes the output velocity J p0 equal b, checked with
// an independently built Jacobian; when the network has fewer parameters than points, the unreachable part of
// b is reported and J p0 is b's projection on the reachable directions.
#include <gtest/gtest.h>

#include <cmath>

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
