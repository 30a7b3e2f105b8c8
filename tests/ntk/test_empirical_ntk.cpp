// The empirical NTK three ways: the layerwise rank-k build against J J^T from per-point gradients (backward
// passes) and from a central finite-difference Jacobian; symmetry, positive semi-definiteness, the row-block
// build, any block of it (ntk_block), and the eigendecomposition helper.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

namespace {
constexpr std::size_t n_points = 10;

/// Central-difference Jacobian d f(x_i) / d theta_p, N x P.
std::vector<double> fd_jacobian(Mlp& net, const Dataset& data, double h) {
  const std::size_t p_count = net.parameter_count();
  std::vector<double> jac(data.points * p_count);
  for (std::size_t p = 0; p < p_count; ++p) {
    const double keep = net.theta()[p];
    net.theta()[p] = keep + h;
    net.forward(data.x, data.points);
    const std::vector<double> up(net.outputs().begin(), net.outputs().end());
    net.theta()[p] = keep - h;
    net.forward(data.x, data.points);
    for (std::size_t i = 0; i < data.points; ++i) {
      jac[i * p_count + p] = (up[i] - net.outputs()[i]) / (2 * h);
    }
    net.theta()[p] = keep;
  }
  return jac;
}

/// Smallest |pre-activation| of the hidden layers: how far the points sit from relu's kink.
double distance_from_kink(Mlp& net, const Dataset& data) {
  net.forward(data.x, data.points);
  double m = 1e300;
  for (int k = 0; k + 1 < net.layers(); ++k) {
    for (double h : net.preactivations(k)) {
      m = std::min(m, std::abs(h));
    }
  }
  return m;
}
} // namespace

TEST(EmpiricalNtk, LayerwiseEqualsJacobianGramForEveryActivationAndDepth) {
  const auto data = make_dataset(n_points, 3, 21);
  double worst = 0.0;
  for (Activation act : all_activations) {
    for (int depth : {1, 2, 3}) {
      for (int width : {7, 16}) {
        Mlp net(small_params(act, depth, width));
        const auto theta = empirical_ntk(net, data.x, data.points);
        const auto jac = net.jacobian(data.x, data.points);
        const auto ref = gram(jac, data.points, net.parameter_count());
        worst = std::max(worst, relative_frobenius(theta, ref));
        EXPECT_LT(relative_frobenius(theta, ref), 1e-10)
            << activation_name(act) << " depth " << depth << " width " << width;
      }
    }
  }
  std::printf("worst ||Theta_layerwise - J J^T||_F / ||J J^T||_F = %.2e\n", worst);
}

TEST(EmpiricalNtk, LayerwiseEqualsFiniteDifferenceGram) {
  // Step 1e-5: the central difference's truncation error is h^2 f''' / 6 ~ 1e-11 and its rounding error
  // eps |f| / h ~ 1e-11 per Jacobian entry (entries O(0.1 .. 1)), so J_fd J_fd^T is good to ~1e-11 (measured
  // worst 1.9e-11 over the cases below); we require the 1e-10. relu is piecewise linear in theta: the
  // check is exact up to rounding provided no pre-activation crosses the kink within the step. One parameter
  // moved by the step moves a pre-activation by at most ~ sigma_w max|a| step / sqrt(n) + downstream terms ~
  // a few 1e-5, so min |h| > 100 step (asserted) keeps every point on its side of the kink.
  const auto data = make_dataset(n_points, 3, 22);
  const double step = 1e-5;
  double worst = 0.0;
  for (Activation act : all_activations) {
    for (int depth : {1, 2, 3}) {
      Mlp net(small_params(act, depth, 9));
      if (act == Activation::relu) {
        ASSERT_GT(distance_from_kink(net, data), 100 * step) << "depth " << depth;
      }
      const auto theta = empirical_ntk(net, data.x, data.points);
      const auto ref = gram(fd_jacobian(net, data, step), data.points, net.parameter_count());
      worst = std::max(worst, relative_frobenius(theta, ref));
      EXPECT_LT(relative_frobenius(theta, ref), 1e-10) << activation_name(act) << " depth " << depth;
    }
  }
  std::printf("worst ||Theta_layerwise - J_fd J_fd^T||_F / ||J_fd J_fd^T||_F = %.2e\n", worst);
}

TEST(EmpiricalNtk, KernelIsSymmetricPositiveSemiDefinite) {
  const auto data = make_dataset(n_points, 3, 23);
  for (Activation act : all_activations) {
    for (int depth : {1, 2, 3}) {
      Mlp net(small_params(act, depth, 12));
      const auto theta = empirical_ntk(net, data.x, data.points);
      for (std::size_t i = 0; i < n_points; ++i) {
        for (std::size_t j = 0; j < n_points; ++j) {
          EXPECT_EQ(theta[i * n_points + j], theta[j * n_points + i]);
        }
      }
      const auto spectrum = ntk_eigen(theta, n_points);
      const double top = spectrum.values.back();
      EXPECT_GT(top, 0.0);
      EXPECT_GE(spectrum.most_negative, -1e-12 * top) << activation_name(act) << " depth " << depth;
      EXPECT_TRUE(std::is_sorted(spectrum.values.begin(), spectrum.values.end()));
    }
  }
}

TEST(EmpiricalNtk, RowBlocksEqualRowsOfTheFullKernel) {
  const auto data = make_dataset(n_points, 3, 24);
  for (Activation act : {Activation::tanh, Activation::relu}) {
    Mlp net(small_params(act, 2, 13));
    const auto factors = ntk_factors(net, data.x, data.points);
    std::vector<double> full(n_points * n_points), work;
    layerwise_ntk(factors, full, work);
    for (const auto& [r0, r1] : std::vector<std::pair<std::size_t, std::size_t>>{
             {0, 10}, {0, 3}, {3, 7}, {7, 10}, {4, 4}, {9, 10}}) {
      std::vector<double> rows((r1 - r0) * n_points);
      ntk_block(factors, r0, r1, 0, n_points, rows, work);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_NEAR(rows[i], full[r0 * n_points + i], 1e-13 * std::abs(full[0]))
            << activation_name(act) << " rows [" << r0 << ", " << r1 << ")";
      }
    }
  }
}

TEST(EmpiricalNtk, AnyBlockEqualsThatBlockOfTheFullKernel) {
  // Blocks off the diagonal, straddling it, empty, one element, whole: every one the matching block of the
  // serial layerwise kernel; a block and its mirror image are transposes (the column-major view the
  // block-cyclic eigensolver builds from).
  const auto data = make_dataset(n_points, 3, 25);
  for (Activation act : {Activation::erf, Activation::relu}) {
    Mlp net(small_params(act, 2, 11));
    const auto factors = ntk_factors(net, data.x, data.points);
    std::vector<double> full(n_points * n_points), work;
    layerwise_ntk(factors, full, work);
    const double scale = *std::max_element(full.begin(), full.end());
    using Block = std::array<std::size_t, 4>;
    for (const Block& b : {Block{0, 10, 0, 10}, Block{0, 3, 7, 10}, Block{7, 10, 0, 3}, Block{2, 9, 4, 6},
                           Block{5, 5, 1, 8}, Block{3, 4, 8, 9}, Block{6, 10, 3, 10}}) {
      const auto [r0, r1, c0, c1] = b;
      const std::size_t w = c1 - c0;
      std::vector<double> block((r1 - r0) * w), mirror((r1 - r0) * w);
      ntk_block(factors, r0, r1, c0, c1, block, work);
      ntk_block(factors, c0, c1, r0, r1, mirror, work);
      for (std::size_t i = r0; i < r1; ++i) {
        for (std::size_t j = c0; j < c1; ++j) {
          EXPECT_NEAR(block[(i - r0) * w + (j - c0)], full[i * n_points + j], 1e-13 * scale)
              << activation_name(act) << " block [" << r0 << ", " << r1 << ") x [" << c0 << ", " << c1 << ")";
          EXPECT_NEAR(mirror[(j - c0) * (r1 - r0) + (i - r0)], full[i * n_points + j], 1e-13 * scale);
        }
      }
    }
    std::vector<double> wrong(5);
    EXPECT_THROW(ntk_block(factors, 0, 2, 0, 2, wrong, work), RuntimeError);
    EXPECT_THROW(ntk_block(factors, 0, 1, 6, 11, wrong, work), RuntimeError);
  }
}

TEST(EmpiricalNtk, EigendecompositionReconstructsKernelAndReportsClamping) {
  const auto data = make_dataset(n_points, 3, 25);
  Mlp net(small_params(Activation::erf, 2, 10));
  const auto theta = empirical_ntk(net, data.x, data.points);
  const auto s = ntk_eigen(theta, n_points);
  std::vector<double> back(n_points * n_points, 0.0);
  for (std::size_t i = 0; i < n_points; ++i) {
    for (std::size_t j = 0; j < n_points; ++j) {
      for (std::size_t k = 0; k < n_points; ++k) {
        back[i * n_points + j] += s.vectors[i * n_points + k] * s.values[k] * s.vectors[j * n_points + k];
      }
    }
  }
  EXPECT_LT(relative_frobenius(back, theta), 1e-13);
  // A matrix with a genuinely negative eigenvalue: diag(2, -1e-14, -3e-15), rotated.
  const double c = std::cos(0.3), sn = std::sin(0.3);
  const double d[3] = {2.0, -1e-14, -3e-15};
  const double r[9] = {c, -sn, 0, sn, c, 0, 0, 0, 1};
  std::vector<double> m(9, 0.0);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 3; ++k) {
        m[static_cast<std::size_t>(i * 3 + j)] += r[i * 3 + k] * d[k] * r[j * 3 + k];
      }
    }
  }
  const auto t = ntk_eigen(m, 3);
  EXPECT_EQ(t.clamped, 2u);
  EXPECT_NEAR(t.most_negative, -1e-14, 4e-15); // eigenvalue round-off ~ eps * 2
  EXPECT_EQ(t.values[0], 0.0);
  EXPECT_NEAR(t.values[2], 2.0, 1e-14);
}

TEST(EmpiricalNtk, VectorOutputIsRefused) {
  auto p = small_params(Activation::tanh, 1, 5);
  p.output_dim = 2;
  Mlp net(p);
  const auto data = make_dataset(4, 3, 1);
  EXPECT_THROW((void)empirical_ntk(net, data.x, data.points), InputError);
}
