#pragma once
// Shared fixtures of the network tests: seeded inputs/targets and small linear-algebra helpers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "inflanet/base/counter_rng.hpp"
#include "inflanet/nn/mlp.hpp"

namespace inflanet::testing {

/// N x d inputs uniform in [-1, 1] and N targets, both pure functions of the seed.
struct Dataset {
  std::size_t points;
  std::vector<double> x, y;
};

inline Dataset make_dataset(std::size_t points, int d, std::uint64_t seed) {
  const CounterRng rng(seed);
  Dataset data{points, std::vector<double>(points * static_cast<std::size_t>(d)),
               std::vector<double>(points)};
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    data.x[i] = 2.0 * rng.uniforms(i, 7)[0] - 1.0;
  }
  for (std::size_t i = 0; i < points; ++i) {
    data.y[i] = std::sin(3.0 * data.x[i * static_cast<std::size_t>(d)]) + 0.5 * rng.uniforms(i, 8)[1];
  }
  return data;
}

inline MlpParams small_params(Activation act, int depth, int width, int d = 3, std::uint64_t seed = 11) {
  MlpParams p;
  p.input_dim = d;
  p.depth = depth;
  p.width = width;
  p.activation = act;
  p.sigma_w = 1.3;
  p.sigma_b = 0.4;
  p.seed = seed;
  return p;
}

inline constexpr Activation all_activations[] = {Activation::tanh, Activation::relu, Activation::erf,
                                                 Activation::softplus, Activation::linear};

/// M M^T for M [rows x cols] row-major (plain loops: an independent reference for the BLAS paths).
inline std::vector<double> gram(const std::vector<double>& m, std::size_t rows, std::size_t cols) {
  std::vector<double> g(rows * rows, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < rows; ++j) {
      long double s = 0.0L;
      for (std::size_t p = 0; p < cols; ++p) {
        s += static_cast<long double>(m[i * cols + p]) * m[j * cols + p];
      }
      g[i * rows + j] = static_cast<double>(s);
    }
  }
  return g;
}

/// ||a - b||_F / ||b||_F.
inline double relative_frobenius(std::span<const double> a, std::span<const double> b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return std::sqrt(num / den);
}

} // namespace inflanet::testing
