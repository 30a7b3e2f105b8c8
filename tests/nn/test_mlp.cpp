// The Mlp: activations and their derivatives, seeded initialisation, the BLAS forward pass against plain
// loops, and the backward pass (grad L and Jacobian rows) against central finite differences.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "inflanet/base/error.hpp"
#include "inflanet/nn/mlp.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
using namespace inflanet::testing;

namespace {
/// f(x_i) with explicit loops over the NTK-parameterised layers: the reference for the dgemm forward pass.
std::vector<double> naive_forward(const Mlp& net, const std::vector<double>& x, std::size_t points) {
  const auto& p = net.params();
  std::vector<double> out;
  for (std::size_t i = 0; i < points; ++i) {
    std::vector<double> a(x.begin() + static_cast<long>(i) * p.input_dim,
                          x.begin() + static_cast<long>(i + 1) * p.input_dim);
    for (int k = 0; k < net.layers(); ++k) {
      const int n_in = net.units(k), n_out = net.units(k + 1);
      std::vector<double> h(static_cast<std::size_t>(n_out));
      for (int o = 0; o < n_out; ++o) {
        double s = 0.0;
        for (int j = 0; j < n_in; ++j) {
          s += net.weights(k)[static_cast<std::size_t>(o * n_in + j)] * a[static_cast<std::size_t>(j)];
        }
        h[static_cast<std::size_t>(o)] =
            p.sigma_w * s / std::sqrt(n_in) + p.sigma_b * net.biases(k)[static_cast<std::size_t>(o)];
      }
      if (k + 1 < net.layers()) {
        for (double& v : h) {
          v = activate(p.activation, v);
        }
      }
      a = h;
    }
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

double loss_at(Mlp& net, const Dataset& data, double c) {
  net.forward(data.x, data.points);
  double s = 0.0;
  for (std::size_t i = 0; i < data.points; ++i) {
    s += (net.outputs()[i] - data.y[i]) * (net.outputs()[i] - data.y[i]);
  }
  return 0.5 * c * s;
}
} // namespace

TEST(Activation, NamesRoundTripAndUnknownIsRefused) {
  for (Activation a : all_activations) {
    EXPECT_EQ(activation_from_name(activation_name(a)), a);
  }
  EXPECT_THROW((void)activation_from_name("sigmoid"), InputError);
}

TEST(Activation, DerivativeMatchesCentralDifference) {
  for (Activation a : all_activations) {
    for (double x : {-3.1, -0.7, -0.05, 0.13, 0.9, 2.4, 40.0, -40.0}) {
      const double h = 1e-6;
      const double fd = (activate(a, x + h) - activate(a, x - h)) / (2 * h);
      EXPECT_NEAR(activate_derivative(a, x), fd, 1e-8) << activation_name(a) << " at " << x;
    }
  }
  EXPECT_DOUBLE_EQ(activate(Activation::softplus, 800.0), 800.0); // no overflow
  EXPECT_GT(activate(Activation::softplus, -800.0), -1e-300);
}

TEST(Mlp, InitialisationIsAPureFunctionOfTheSeedAndNestsAcrossWidths) {
  Mlp a(small_params(Activation::tanh, 2, 16)), b(small_params(Activation::tanh, 2, 16));
  EXPECT_EQ(a.theta(), b.theta());
  Mlp other(small_params(Activation::tanh, 2, 16, 3, 12));
  EXPECT_NE(a.theta(), other.theta());
  // A narrower network is the top-left corner of a wider one with the same seed.
  Mlp narrow(small_params(Activation::tanh, 2, 9));
  for (int k = 0; k < narrow.layers(); ++k) {
    const int wide_in = a.units(k);
    for (int o = 0; o < narrow.units(k + 1); ++o) {
      for (int j = 0; j < narrow.units(k); ++j) {
        EXPECT_EQ(narrow.weights(k)[static_cast<std::size_t>(o * narrow.units(k) + j)],
                  a.weights(k)[static_cast<std::size_t>(o * wide_in + j)]);
      }
      EXPECT_EQ(narrow.biases(k)[static_cast<std::size_t>(o)], a.biases(k)[static_cast<std::size_t>(o)]);
    }
  }
}

TEST(Mlp, InitialParametersAreStandardNormal) {
  Mlp net(small_params(Activation::tanh, 2, 300));
  const auto& t = net.theta();
  const double n = static_cast<double>(t.size());
  const double mean = std::accumulate(t.begin(), t.end(), 0.0) / n;
  double var = 0.0;
  for (double v : t) {
    var += (v - mean) * (v - mean);
  }
  var /= n;
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(var, 1.0, 5.0 * std::sqrt(2.0 / n));
}

TEST(Mlp, ParameterLayoutIsContiguousLayerByLayer) {
  Mlp net(small_params(Activation::relu, 3, 7));
  std::size_t expected = 0;
  for (int k = 0; k < net.layers(); ++k) {
    EXPECT_EQ(net.weight_offset(k), expected);
    expected += static_cast<std::size_t>(net.units(k + 1) * (net.units(k) + 1));
  }
  EXPECT_EQ(net.parameter_count(), expected);
  EXPECT_EQ(net.weights(0).data(), net.theta().data());
  EXPECT_EQ(net.biases(net.layers() - 1).data() + 1, net.theta().data() + net.parameter_count());
}

TEST(Mlp, BadArchitectureIsRefused) {
  auto p = small_params(Activation::tanh, 1, 0);
  EXPECT_THROW(Mlp{p}, InputError);
  p = small_params(Activation::tanh, 1, 4);
  p.sigma_w = 0.0;
  EXPECT_THROW(Mlp{p}, InputError);
  Mlp net(small_params(Activation::tanh, 1, 4));
  EXPECT_THROW(net.forward(std::vector<double>(5), 2), InputError);
}

TEST(Mlp, BlasForwardMatchesPlainLoops) {
  const auto data = make_dataset(10, 3, 5);
  for (Activation act : all_activations) {
    for (int depth : {0, 1, 2, 3}) {
      Mlp net(small_params(act, depth, 11));
      net.forward(data.x, data.points);
      const auto ref = naive_forward(net, data.x, data.points);
      const std::vector<double> f(net.outputs().begin(), net.outputs().end());
      EXPECT_LT(relative_frobenius(f, ref), 1e-14) << activation_name(act) << " depth " << depth;
    }
  }
}

TEST(Mlp, LossGradientMatchesCentralDifference) {
  // Central differences with step 1e-5: truncation ~ h^2 L''' / 6 ~ 1e-11, rounding ~ eps L / h ~ 1e-11,
  // against gradient entries of order 1e-2 .. 1: 1e-7 relative (Frobenius) leaves a wide margin.
  const auto data = make_dataset(10, 3, 6);
  const double c = 1.0 / static_cast<double>(data.points);
  for (Activation act : all_activations) {
    for (int depth : {1, 2, 3}) {
      Mlp net(small_params(act, depth, 9));
      std::vector<double> grad(net.parameter_count());
      const double loss = net.loss_and_gradient(data.x, data.y, data.points, c, grad);
      EXPECT_NEAR(loss, loss_at(net, data, c), 1e-15 * loss);
      std::vector<double> fd(grad.size());
      const double h = 1e-5;
      for (std::size_t p = 0; p < grad.size(); ++p) {
        const double keep = net.theta()[p];
        net.theta()[p] = keep + h;
        const double up = loss_at(net, data, c);
        net.theta()[p] = keep - h;
        const double down = loss_at(net, data, c);
        net.theta()[p] = keep;
        fd[p] = (up - down) / (2 * h);
      }
      EXPECT_LT(relative_frobenius(grad, fd), 1e-7) << activation_name(act) << " depth " << depth;
    }
  }
}

TEST(Mlp, JacobianRowsMatchCentralDifference) {
  const auto data = make_dataset(8, 3, 9);
  for (Activation act : all_activations) {
    Mlp net(small_params(act, 2, 8));
    const auto jac = net.jacobian(data.x, data.points);
    const std::size_t p_count = net.parameter_count();
    std::vector<double> fd(jac.size());
    const double h = 1e-5;
    for (std::size_t p = 0; p < p_count; ++p) {
      const double keep = net.theta()[p];
      net.theta()[p] = keep + h;
      net.forward(data.x, data.points);
      const std::vector<double> up(net.outputs().begin(), net.outputs().end());
      net.theta()[p] = keep - h;
      net.forward(data.x, data.points);
      for (std::size_t i = 0; i < data.points; ++i) {
        fd[i * p_count + p] = (up[i] - net.outputs()[i]) / (2 * h);
      }
      net.theta()[p] = keep;
    }
    EXPECT_LT(relative_frobenius(jac, fd), 1e-8) << activation_name(act);
  }
}
