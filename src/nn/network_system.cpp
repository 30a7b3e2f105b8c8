#include "inflanet/nn/network_system.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "inflanet/base/error.hpp"

namespace inflanet {

NetworkSystem::NetworkSystem(Mlp network, std::vector<double> x, std::vector<double> y, std::size_t points,
                             double h, double gamma, double loss_scale)
    : network_(std::move(network)), x_(std::move(x)), y_(std::move(y)), points_(points), h_(h), gamma_(gamma),
      c_(loss_scale) {
  const auto d = static_cast<std::size_t>(network_.params().input_dim);
  const auto o = static_cast<std::size_t>(network_.params().output_dim);
  if (x_.size() != points * d || y_.size() != points * o) {
    throw InputError("network system: data shapes: x has " + std::to_string(x_.size()) + " values, y " +
                     std::to_string(y_.size()) + ", expected N x d = " + std::to_string(points * d) +
                     " and N x O = " + std::to_string(points * o));
  }
  // The optimiser's eta > 0 and beta in (0, 1] in these terms (beta = 0 would be infinite friction).
  if (!(h > 0.0) || !std::isfinite(h)) {
    throw InputError("network system: the time step h must be finite and > 0");
  }
  if (!(gamma >= 0.0) || !std::isfinite(gamma)) {
    throw InputError("network system: the friction gamma must be finite and >= 0");
  }
  if (!(loss_scale > 0.0) || !std::isfinite(loss_scale)) {
    throw InputError("network system: the loss scale c must be finite and > 0");
  }
  p_.assign(network_.parameter_count(), 0.0);
  grad_.assign(network_.parameter_count(), 0.0);
}

std::vector<double> NetworkSystem::velocity() const {
  std::vector<double> v(p_);
  for (double& x : v) {
    x *= h_;
  }
  return v;
}

void NetworkSystem::set_state(std::span<const double> theta, std::span<const double> momentum) {
  if (theta.size() != p_.size() || momentum.size() != p_.size()) {
    throw InputError("NetworkSystem::set_state: theta and p must have P values");
  }
  std::copy(theta.begin(), theta.end(), network_.theta().begin());
  std::copy(momentum.begin(), momentum.end(), p_.begin());
  forward_valid_ = gradient_valid_ = false;
}

void NetworkSystem::set_reduction(std::function<void(std::span<double>)> sum_in_place) {
  reduce_ = std::move(sum_in_place);
  forward_valid_ = gradient_valid_ = false;
}

void NetworkSystem::ensure_forward() {
  if (forward_valid_) {
    return;
  }
  double sum = 0.0;
  if (points_ > 0) { // a rank of a distributed data set may own no points
    network_.forward(x_, points_);
    const auto f = network_.outputs();
    seed_.resize(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) {
      const double r = f[i] - y_[i];
      sum += r * r;
      seed_[i] = c_ * r; // dL/df
    }
  }
  loss_ = 0.5 * c_ * sum;
  if (reduce_) {
    reduce_(std::span<double>(&loss_, 1));
  }
  forward_valid_ = true;
}

double NetworkSystem::loss() {
  ensure_forward();
  return loss_;
}

std::span<const double> NetworkSystem::outputs() {
  ensure_forward();
  if (points_ == 0) {
    return {};
  }
  return network_.outputs();
}

std::span<const double> NetworkSystem::gradient() {
  if (!gradient_valid_) {
    ensure_forward();
    if (points_ > 0) {
      network_.backward(seed_);
      network_.parameter_gradient(grad_);
    } else {
      std::fill(grad_.begin(), grad_.end(), 0.0);
    }
    if (reduce_) {
      reduce_(grad_); // grad L is a sum over points: the sum over ranks' blocks
    }
    gradient_valid_ = true;
    ++force_evaluations_;
  }
  return grad_;
}

double NetworkSystem::damping(double s) const noexcept {
  return std::exp(-gamma_ * s);
}

void NetworkSystem::momentum_update(double a, double b) {
  if (b == 0.0) {
    for (double& p : p_) {
      p *= a;
    }
    return;
  }
  const auto g = gradient();
  for (std::size_t i = 0; i < p_.size(); ++i) {
    p_[i] = a * p_[i] - b * g[i];
  }
}

void NetworkSystem::drift(double s) {
  auto& theta = network_.theta();
  for (std::size_t i = 0; i < theta.size(); ++i) {
    theta[i] += s * p_[i];
  }
  time_ += s;
  forward_valid_ = gradient_valid_ = false;
}

} // namespace inflanet
