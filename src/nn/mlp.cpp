#include "inflanet/nn/mlp.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "inflanet/base/counter_rng.hpp"
#include "inflanet/base/error.hpp"

namespace inflanet {

Activation activation_from_name(std::string_view name) {
  for (Activation a :
       {Activation::tanh, Activation::relu, Activation::erf, Activation::softplus, Activation::linear}) {
    if (name == activation_name(a)) {
      return a;
    }
  }
  throw InputError("unknown activation \"" + std::string(name) +
                   "\" (expected tanh, relu, erf, softplus or linear)");
}

std::string_view activation_name(Activation a) noexcept {
  switch (a) {
  case Activation::tanh:
    return "tanh";
  case Activation::relu:
    return "relu";
  case Activation::erf:
    return "erf";
  case Activation::softplus:
    return "softplus";
  case Activation::linear:
    return "linear";
  }
  return "?";
}

double activate(Activation a, double x) noexcept {
  switch (a) {
  case Activation::tanh:
    return std::tanh(x);
  case Activation::relu:
    return x > 0.0 ? x : 0.0;
  case Activation::erf:
    return std::erf(x);
  case Activation::softplus: // ln(1 + e^x) = max(x, 0) + ln(1 + e^{-|x|}): no overflow, no cancellation
    return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
  case Activation::linear:
    return x;
  }
  return x;
}

double activate_derivative(Activation a, double x) noexcept {
  switch (a) {
  case Activation::tanh: {
    const double t = std::tanh(x);
    return 1.0 - t * t;
  }
  case Activation::relu:
    return x > 0.0 ? 1.0 : 0.0;
  case Activation::erf:
    return 2.0 / std::sqrt(std::numbers::pi) * std::exp(-x * x);
  case Activation::softplus: // the logistic function, written to avoid overflow for either sign
    return x >= 0.0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
  case Activation::linear:
    return 1.0;
  }
  return 1.0;
}

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) {
    throw InputError("MLP: " + what);
  }
}
} // namespace

Mlp::Mlp(const MlpParams& params) : params_(params) {
  require(params.input_dim >= 1, "input dimension must be >= 1");
  require(params.depth >= 0, "depth must be >= 0");
  require(params.width >= 1, "width must be >= 1");
  require(params.output_dim >= 1, "output dimension must be >= 1");
  require(std::isfinite(params.sigma_w) && params.sigma_w > 0.0, "sigma_w must be finite and > 0");
  require(std::isfinite(params.sigma_b) && params.sigma_b >= 0.0, "sigma_b must be finite and >= 0");
  units_.push_back(params.input_dim);
  for (int k = 0; k < params.depth; ++k) {
    units_.push_back(params.width);
  }
  units_.push_back(params.output_dim);
  std::size_t total = 0;
  for (int k = 0; k < layers(); ++k) {
    offsets_.push_back(total);
    total += static_cast<std::size_t>(units(k + 1)) * static_cast<std::size_t>(units(k) + 1);
  }
  theta_.assign(total, 0.0);
  a_.resize(static_cast<std::size_t>(layers()));
  h_.resize(static_cast<std::size_t>(layers()));
  g_.resize(static_cast<std::size_t>(layers()));
  initialise(params.seed);
}

std::span<double> Mlp::weights(int k) noexcept {
  return {theta_.data() + weight_offset(k), bias_offset(k) - weight_offset(k)};
}
std::span<const double> Mlp::weights(int k) const noexcept {
  return {theta_.data() + weight_offset(k), bias_offset(k) - weight_offset(k)};
}
std::span<double> Mlp::biases(int k) noexcept {
  return {theta_.data() + bias_offset(k), static_cast<std::size_t>(units(k + 1))};
}
std::span<const double> Mlp::biases(int k) const noexcept {
  return {theta_.data() + bias_offset(k), static_cast<std::size_t>(units(k + 1))};
}

void Mlp::initialise(std::uint64_t seed) {
  params_.seed = seed;
  const CounterRng rng(seed);
  auto standard_normal = [&rng](std::uint64_t index, std::uint32_t stream, bool imaginary) {
    const auto z = rng.complex_gaussian(index, stream);
    return std::numbers::sqrt2 * (imaginary ? z.imag() : z.real());
  };
  for (int k = 0; k < layers(); ++k) {
    const auto n_in = static_cast<std::uint64_t>(units(k));
    const auto n_out = static_cast<std::uint64_t>(units(k + 1));
    const std::uint32_t stream = mlp_init_stream_base + 2u * static_cast<std::uint32_t>(k);
    auto w = weights(k);
    for (std::uint64_t i = 0; i < n_out; ++i) {
      for (std::uint64_t j = 0; j < n_in; ++j) {
        w[i * n_in + j] = standard_normal((i << 32) + j / 2, stream, (j & 1u) != 0);
      }
    }
    auto b = biases(k);
    for (std::uint64_t i = 0; i < n_out; ++i) {
      b[i] = standard_normal(i / 2, stream + 1u, (i & 1u) != 0);
    }
  }
  points_ = 0; // stored layers no longer describe theta
}

void Mlp::forward(std::span<const double> x, std::size_t points) {
  const auto d = static_cast<std::size_t>(units(0));
  if (x.size() != points * d) {
    throw InputError("Mlp::forward: x has " + std::to_string(x.size()) +
                     " values, expected N x d = " + std::to_string(points) + " x " + std::to_string(d));
  }
  points_ = points;
  const auto n = static_cast<int>(points);
  a_[0].assign(x.begin(), x.end());
  for (int k = 0; k < layers(); ++k) {
    const int n_in = units(k), n_out = units(k + 1);
    auto& h = h_[static_cast<std::size_t>(k)];
    h.resize(points * static_cast<std::size_t>(n_out));
    // H = sigma_b 1 b^T, then H += (sigma_w / sqrt(n_in)) A W^T in one dgemm.
    const auto b = biases(k);
    for (std::size_t i = 0; i < points; ++i) {
      for (int o = 0; o < n_out; ++o) {
        h[i * static_cast<std::size_t>(n_out) + static_cast<std::size_t>(o)] =
            params_.sigma_b * b[static_cast<std::size_t>(o)];
      }
    }
    const auto& a = a_[static_cast<std::size_t>(k)];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n_out, n_in, params_.sigma_w / std::sqrt(n_in),
                a.data(), n_in, weights(k).data(), n_in, 1.0, h.data(), n_out);
    if (k + 1 < layers()) {
      auto& next = a_[static_cast<std::size_t>(k + 1)];
      next.resize(h.size());
      std::transform(h.begin(), h.end(), next.begin(),
                     [act = params_.activation](double v) { return activate(act, v); });
    }
  }
}

std::span<const double> Mlp::outputs() const noexcept {
  return h_.back();
}
std::span<const double> Mlp::activations(int k) const noexcept {
  return a_[static_cast<std::size_t>(k)];
}
std::span<const double> Mlp::preactivations(int k) const noexcept {
  return h_[static_cast<std::size_t>(k)];
}
std::span<const double> Mlp::sensitivities(int k) const noexcept {
  return g_[static_cast<std::size_t>(k)];
}

void Mlp::backward(std::span<const double> seed) {
  const std::size_t out = static_cast<std::size_t>(units(layers()));
  if (points_ == 0 || seed.size() != points_ * out) {
    throw RuntimeError("Mlp::backward needs a forward pass and a seed of N x O values");
  }
  const auto n = static_cast<int>(points_);
  g_.back().assign(seed.begin(), seed.end());
  for (int k = layers() - 1; k > 0; --k) {
    // dF/dA_k = (sigma_w / sqrt(n_k)) G_k W_k, then G_{k-1} = dF/dA_k o phi'(H_{k-1}).
    const int n_in = units(k), n_out = units(k + 1);
    work_.resize(points_ * static_cast<std::size_t>(n_in));
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n_in, n_out, params_.sigma_w / std::sqrt(n_in),
                g_[static_cast<std::size_t>(k)].data(), n_out, weights(k).data(), n_in, 0.0, work_.data(),
                n_in);
    const auto& h = h_[static_cast<std::size_t>(k - 1)];
    auto& g = g_[static_cast<std::size_t>(k - 1)];
    g.resize(work_.size());
    if (params_.activation == Activation::tanh) { // tanh' = 1 - tanh^2 from the stored A_k: no second tanh
      const auto& a = a_[static_cast<std::size_t>(k)];
      for (std::size_t i = 0; i < g.size(); ++i) {
        g[i] = work_[i] * (1.0 - a[i] * a[i]);
      }
    } else {
      for (std::size_t i = 0; i < g.size(); ++i) {
        g[i] = work_[i] * activate_derivative(params_.activation, h[i]);
      }
    }
  }
}

void Mlp::parameter_gradient(std::span<double> grad) const {
  if (grad.size() != parameter_count()) {
    throw RuntimeError("Mlp::parameter_gradient: gradient has the wrong size");
  }
  const auto n = static_cast<int>(points_);
  for (int k = 0; k < layers(); ++k) {
    const int n_in = units(k), n_out = units(k + 1);
    const auto& g = g_[static_cast<std::size_t>(k)];
    // dW_k = (sigma_w / sqrt(n_in)) G_k^T A_k   [n_out x n_in]
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n_out, n_in, n, params_.sigma_w / std::sqrt(n_in),
                g.data(), n_out, a_[static_cast<std::size_t>(k)].data(), n_in, 0.0,
                grad.data() + weight_offset(k), n_in);
    // db_k = sigma_b G_k^T 1: column sums, accumulated row by row (contiguous)
    double* db = grad.data() + bias_offset(k);
    std::fill(db, db + n_out, 0.0);
    for (std::size_t i = 0; i < points_; ++i) {
      const double* row = g.data() + i * static_cast<std::size_t>(n_out);
      for (int o = 0; o < n_out; ++o) {
        db[o] += row[o];
      }
    }
    for (int o = 0; o < n_out; ++o) {
      db[o] *= params_.sigma_b;
    }
  }
}

double Mlp::loss_and_gradient(std::span<const double> x, std::span<const double> y, std::size_t points,
                              double c, std::span<double> grad) {
  forward(x, points);
  const auto f = outputs();
  if (y.size() != f.size()) {
    throw InputError("Mlp::loss_and_gradient: y has " + std::to_string(y.size()) + " values, expected " +
                     std::to_string(f.size()));
  }
  std::vector<double> seed(f.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double r = f[i] - y[i];
    sum += r * r;
    seed[i] = c * r;
  }
  backward(seed);
  parameter_gradient(grad);
  return 0.5 * c * sum;
}

std::vector<double> Mlp::jacobian(std::span<const double> x, std::size_t points) {
  forward(x, points);
  const std::size_t rows = outputs().size(), p = parameter_count();
  std::vector<double> jac(rows * p);
  std::vector<double> seed(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    seed[r] = 1.0;
    backward(seed);
    parameter_gradient(std::span<double>(jac.data() + r * p, p));
    seed[r] = 0.0;
  }
  return jac;
}

} // namespace inflanet
