#include "inflanet/ntk/linearised_network.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "inflanet/base/error.hpp"

namespace inflanet {

ModeState damped_mode(double gamma, double omega2, double a0, double adot0, double t) noexcept {
  // a = e^{-gamma t/2} u with u'' = q u, q = gamma^2/4 - omega2, u(0) = a0, u'(0) = adot0 + gamma a0 / 2.
  const double q = 0.25 * gamma * gamma - omega2;
  const double b = adot0 + 0.5 * gamma * a0;
  const double decay = std::exp(-0.5 * gamma * t);
  double u = 0.0, du = 0.0;
  if (q > 0.0) {
    const double mu = std::sqrt(q);
    if (mu * t < 20.0) {
      const double ch = std::cosh(mu * t), sh = std::sinh(mu * t);
      u = a0 * ch + b * sh / mu;
      du = a0 * mu * sh + b * ch;
    } else { // e^{-gamma t/2} cosh(mu t) would overflow before the product underflows: combine exponents
      const double grow = 0.5 * std::exp((mu - 0.5 * gamma) * t);
      const double fall = 0.5 * std::exp((-mu - 0.5 * gamma) * t);
      const double ap = a0 + b / mu, am = a0 - b / mu;
      const double a = ap * grow + am * fall;
      const double ud = mu * (ap * grow - am * fall); // e^{-gamma t/2} u'
      return {a, ud - 0.5 * gamma * a};
    }
  } else if (q < 0.0) {
    const double w = std::sqrt(-q);
    const double cs = std::cos(w * t), sn = std::sin(w * t);
    u = a0 * cs + b * sn / w;
    du = -a0 * w * sn + b * cs;
  } else {
    u = a0 + b * t;
    du = b;
  }
  const double a = decay * u;
  return {a, decay * du - 0.5 * gamma * a};
}

std::vector<double> heavy_ball_recurrence(double eta, double beta, double c_lambda, double a0, double a1,
                                          int steps) {
  std::vector<double> a{a0};
  if (steps >= 1) {
    a.push_back(a1);
  }
  const double m = 1.0 + beta - eta * c_lambda;
  for (int n = 1; n < steps; ++n) {
    a.push_back(m * a[static_cast<std::size_t>(n)] - beta * a[static_cast<std::size_t>(n - 1)]);
  }
  return a;
}

LinearisedNetwork::LinearisedNetwork(std::vector<double> theta, std::size_t points, double c, double gamma,
                                     std::vector<double> r0, std::vector<double> rdot0)
    : theta_(std::move(theta)), points_(points), c_(c), gamma_(gamma), r_(std::move(r0)),
      p_(std::move(rdot0)), force_(points) {
  if (theta_.size() != points * points || r_.size() != points || p_.size() != points) {
    throw InputError("LinearisedNetwork: need an N x N kernel and N-vectors r(0), r'(0)");
  }
}

LinearisedNetwork::LinearisedNetwork(KernelProduct product, std::size_t points, double c, double gamma,
                                     std::vector<double> r0, std::vector<double> rdot0)
    : product_(std::move(product)), points_(points), c_(c), gamma_(gamma), r_(std::move(r0)),
      p_(std::move(rdot0)), force_(points) {
  if (!product_ || r_.size() != points || p_.size() != points) {
    throw InputError("LinearisedNetwork: need a kernel product and N-vectors r(0), r'(0)");
  }
}

double LinearisedNetwork::damping(double s) const noexcept {
  return std::exp(-gamma_ * s);
}

void LinearisedNetwork::momentum_update(double a, double b) {
  if (b != 0.0 && !force_valid_) {
    if (product_) {
      product_(r_, c_, force_);
    } else {
      const int n = static_cast<int>(points_);
      cblas_dsymv(CblasRowMajor, CblasUpper, n, c_, theta_.data(), n, r_.data(), 1, 0.0, force_.data(), 1);
    }
    force_valid_ = true;
    ++force_evaluations_;
  }
  for (std::size_t i = 0; i < points_; ++i) {
    p_[i] = a * p_[i] - (b != 0.0 ? b * force_[i] : 0.0);
  }
}

void LinearisedNetwork::set_state(std::span<const double> r, std::span<const double> p, double time) {
  if (r.size() != points_ || p.size() != points_) {
    throw InputError("LinearisedNetwork::set_state: r and p must have N values");
  }
  std::copy(r.begin(), r.end(), r_.begin());
  std::copy(p.begin(), p.end(), p_.begin());
  time_ = time;
  force_valid_ = false;
}

void LinearisedNetwork::drift(double s) {
  for (std::size_t i = 0; i < points_; ++i) {
    r_[i] += s * p_[i];
  }
  time_ += s;
  force_valid_ = false;
}

std::vector<double> LinearisedNetwork::closed_form(const NtkSpectrum& spectrum, std::span<const double> r0,
                                                   std::span<const double> rdot0, double c, double gamma,
                                                   double t) {
  const std::size_t n = spectrum.values.size();
  if (r0.size() != n || rdot0.size() != n) {
    throw InputError("LinearisedNetwork::closed_form: r(0), r'(0) must have N values");
  }
  const int ni = static_cast<int>(n);
  std::vector<double> a0(n), adot0(n), a(n), r(n);
  // a = V^T r (column k of V is u_k)
  cblas_dgemv(CblasRowMajor, CblasTrans, ni, ni, 1.0, spectrum.vectors.data(), ni, r0.data(), 1, 0.0,
              a0.data(), 1);
  cblas_dgemv(CblasRowMajor, CblasTrans, ni, ni, 1.0, spectrum.vectors.data(), ni, rdot0.data(), 1, 0.0,
              adot0.data(), 1);
  for (std::size_t k = 0; k < n; ++k) {
    a[k] = damped_mode(gamma, c * spectrum.values[k], a0[k], adot0[k], t).a;
  }
  cblas_dgemv(CblasRowMajor, CblasNoTrans, ni, ni, 1.0, spectrum.vectors.data(), ni, a.data(), 1, 0.0,
              r.data(), 1);
  return r;
}

} // namespace inflanet
