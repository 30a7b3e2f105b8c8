// Eigenspace clusters: the split follows the tolerance, the per-cluster quadratic forms do not depend on the
// basis LAPACK picks inside a degenerate eigenspace (per-eigenvector ones do), and the cluster prediction
// equals the power of the exact linearised solution.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "inflanet/duality/eigenspace_clusters.hpp"
#include "inflanet/ntk/linearised_network.hpp"

using namespace inflanet;

namespace {

/// A circulant kernel on a ring of n points: eigenvalues come in exactly degenerate cos/sin pairs.
std::vector<double> ring_kernel(std::size_t n) {
  std::vector<double> theta(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = 2.0 * std::numbers::pi * (static_cast<double>(i) - static_cast<double>(j)) / n;
      theta[i * n + j] = 3.0 + 2.0 * std::cos(dx) + 0.5 * std::cos(2.0 * dx) + 0.1 * std::cos(3.0 * dx);
    }
  }
  return theta;
}

std::vector<double> test_vector(std::size_t n, double phase) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = std::sin(0.7 * static_cast<double>(i) + phase) +
           0.3 * std::cos(2.1 * static_cast<double>(i * i) + phase);
  }
  return v;
}

} // namespace

TEST(EigenspaceClusters, SplitWhereNeighboursDifferByMoreThanTheTolerance) {
  const std::vector<double> values = {0.0, 1e-20, 1.0, 1.0 + 1e-12, 2.0, 3.0, 3.0};
  const auto c = cluster_eigenvalues(values, 1e-9);
  ASSERT_EQ(c.count(), 4u);
  EXPECT_EQ(c.first, (std::vector<std::size_t>{0, 2, 4, 5, 7}));
  EXPECT_EQ(c.size, (std::vector<double>{2, 2, 1, 2}));
  EXPECT_EQ(c.resolved[0], 0.0) << "eigenvalues at rounding level are flagged";
  EXPECT_EQ(c.resolved[1], 1.0);
  EXPECT_NEAR(c.lambda[1], 1.0 + 5e-13, 1e-15);
  EXPECT_EQ(cluster_eigenvalues(values, 2.0).count(), 1u);
  EXPECT_THROW((void)cluster_eigenvalues(std::vector<double>{2.0, 1.0}, 1e-9), std::exception);
  EXPECT_THROW((void)cluster_eigenvalues(std::vector<double>{}, 1e-9), std::exception);
}

TEST(EigenspaceClusters, ClusterPowersDoNotDependOnTheBasisInsideADegenerateEigenspace) {
  const std::size_t n = 12;
  const auto theta = ring_kernel(n);
  NtkSpectrum s = ntk_eigen(theta, n);
  const auto clusters = cluster_eigenvalues(s.values, 1e-9);
  EXPECT_LT(clusters.count(), n) << "the ring kernel has degenerate pairs";
  const auto r = test_vector(n, 0.2);
  const auto before_components = eigen_components(s, r);
  const auto before = cluster_products(clusters, before_components, before_components);
  // Rotate the eigenvectors of every two-dimensional cluster by an arbitrary angle: still an orthonormal
  // eigenbasis of Theta, as another BLAS build or rank count might return.
  NtkSpectrum rotated = s;
  bool changed = false;
  for (std::size_t c = 0; c < clusters.count(); ++c) {
    if (clusters.size[c] != 2.0) {
      continue;
    }
    const std::size_t a = clusters.first[c], b = a + 1;
    const double angle = 0.61 + 0.3 * static_cast<double>(c);
    for (std::size_t i = 0; i < n; ++i) {
      const double ua = s.vectors[i * n + a], ub = s.vectors[i * n + b];
      rotated.vectors[i * n + a] = std::cos(angle) * ua - std::sin(angle) * ub;
      rotated.vectors[i * n + b] = std::sin(angle) * ua + std::cos(angle) * ub;
    }
    changed = true;
  }
  ASSERT_TRUE(changed);
  const auto after_components = eigen_components(rotated, r);
  const auto after = cluster_products(clusters, after_components, after_components);
  double per_vector_change = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    per_vector_change = std::max(per_vector_change, std::abs(after_components[k] * after_components[k] -
                                                             before_components[k] * before_components[k]));
  }
  EXPECT_GT(per_vector_change, 1e-3) << "per-eigenvector powers are not defined in a degenerate eigenspace";
  for (std::size_t c = 0; c < clusters.count(); ++c) {
    EXPECT_NEAR(after[c], before[c], 1e-13 * std::max(1.0, before[c])) << "cluster " << c;
  }
}

TEST(EigenspaceClusters, PredictionEqualsThePowerOfTheExactLinearisedSolution) {
  const std::size_t n = 12;
  const auto theta = ring_kernel(n);
  const NtkSpectrum s = ntk_eigen(theta, n);
  const auto clusters = cluster_eigenvalues(s.values, 1e-9);
  const auto r0 = test_vector(n, 0.1), v0 = test_vector(n, 1.3);
  const double c = 0.8, gamma = 0.9;
  const auto initial = cluster_initial_data(clusters, eigen_components(s, r0), eigen_components(s, v0));
  for (const double t : {0.0, 0.37, 2.5}) {
    const auto exact = LinearisedNetwork::closed_form(s, r0, v0, c, gamma, t);
    const auto components = eigen_components(s, exact);
    const auto power = cluster_products(clusters, components, components);
    const auto predicted = cluster_power_prediction(clusters, initial, gamma, c, t);
    for (std::size_t k = 0; k < clusters.count(); ++k) {
      EXPECT_NEAR(predicted[k], power[k], 1e-12 * std::max(1.0, power[k]))
          << "t = " << t << ", cluster " << k;
    }
  }
}
