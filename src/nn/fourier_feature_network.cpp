#include "inflanet/nn/fourier_feature_network.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"

namespace inflanet {
namespace {

/// A mode is its own conjugate on the sub-lattice when every signed component is 0 or -M/2.
bool self_conjugate(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz, std::ptrdiff_t m) {
  const auto own = [m](std::ptrdiff_t v) { return v == 0 || 2 * std::abs(v) == m; };
  return own(nx) && own(ny) && own(nz);
}

} // namespace

std::vector<double> fourier_amplitudes(const SpectralOperators& sub, FourierDispersion dispersion, double c,
                                       double m2) {
  if (!(c > 0.0) || !std::isfinite(c) || !(m2 >= 0.0) || !std::isfinite(m2)) {
    throw InputError(fmt::format("Fourier features: need c > 0 and m^2 >= 0, got c = {}, m^2 = {}", c, m2));
  }
  const Decomposition& d = sub.decomposition();
  const double dk = 2.0 * std::numbers::pi / d.box().length;
  const double points = static_cast<double>(d.n()) * static_cast<double>(d.n()) * static_cast<double>(d.n());
  std::vector<double> s(static_cast<std::size_t>(d.layout().fourier_size()));
  for_each_mode(d, [&](const Mode& mode) {
    const auto idx = static_cast<std::size_t>(mode.offset);
    if (dispersion == FourierDispersion::lattice) {
      const double k2 = dk * dk * static_cast<double>(mode.n2());
      s[idx] = std::sqrt((k2 + m2) / c);
    } else {
      const bool own = self_conjugate(mode.nx, mode.ny, mode.nz, d.n());
      s[idx] = std::sqrt(own ? points : 0.5 * points);
    }
  });
  return s;
}

std::vector<double> fourier_feature_inputs(std::ptrdiff_t m, double length, FourierDispersion dispersion,
                                           double c, double m2) {
  if (m < 1 || !(c > 0.0) || !(m2 >= 0.0)) {
    throw InputError(fmt::format("Fourier features: need M >= 1, c > 0, m^2 >= 0; got {}, {}, {}", m, c, m2));
  }
  // The rows are the sites and the modes are taken in the same row-major order of the M^3 index cube.
  const SiteOrder order{m};
  const auto points = static_cast<std::size_t>(order.size());
  const double dk = 2.0 * std::numbers::pi / length, np = static_cast<double>(points);
  std::vector<double> x(points * points, 0.0);
  std::size_t feature = 0;
  // Every signed mode n in [-M/2, M/2)^3 once; n and -n (mod M) are the same pair, taken at the first of
  // them.
  const auto wrap = [m](std::ptrdiff_t v) { return ((v % m) + m) % m; };
  for (std::ptrdiff_t a = 0; a < m; ++a) {
    for (std::ptrdiff_t b = 0; b < m; ++b) {
      for (std::ptrdiff_t e = 0; e < m; ++e) {
        const std::ptrdiff_t ca = wrap(-a), cb = wrap(-b), ce = wrap(-e);
        const bool own = ca == a && cb == b && ce == e;
        if (!own && order.index(ca, cb, ce) < order.index(a, b, e)) {
          continue; // its conjugate carried the pair
        }
        const auto sa = a < m / 2 ? a : a - m, sb = b < m / 2 ? b : b - m, se = e < m / 2 ? e : e - m;
        const double k2 = dk * dk * static_cast<double>(sa * sa + sb * sb + se * se);
        const double amp =
            dispersion == FourierDispersion::flat ? 1.0 : std::sqrt((own ? 1.0 : 2.0) * (k2 + m2) / (c * np));
        for (std::size_t i = 0; i < points; ++i) {
          const auto site = order.site(i);
          const double phase = 2.0 * std::numbers::pi *
                               static_cast<double>(a * site[0] + b * site[1] + e * site[2]) /
                               static_cast<double>(m);
          x[i * points + feature] = amp * std::cos(phase);
          if (!own) {
            x[i * points + feature + 1] = amp * std::sin(phase);
          }
        }
        feature += own ? 1 : 2;
      }
    }
  }
  return x;
}

double LearningRateSchedule::factor(double t, double k2) const noexcept {
  if (kind == Kind::none) {
    return 1.0;
  }
  const double a = a0 * std::exp(hubble * t);
  if (m2 == 0.0) {
    return 1.0 / (a * a);
  }
  return (k2 / (a * a) + m2) / (k2 + m2);
}

FourierFeatureNetwork::FourierFeatureNetwork(SpectralOperators& ops, std::vector<double> amplitude,
                                             double gamma, double c, double t0)
    : ops_(&ops), amplitude_(std::move(amplitude)), gamma_(gamma), c_(c), theta_(ops.decomposition()),
      p_(ops.decomposition()), work_(ops.decomposition()), y_(ops.decomposition()), time_(t0) {
  const Decomposition& d = ops.decomposition();
  if (amplitude_.size() != static_cast<std::size_t>(d.layout().fourier_size())) {
    throw InputError("Fourier features: one amplitude per local Fourier element is needed");
  }
  // beta in (0, 1] of the optimiser, in these terms (beta = 0 would be infinite friction).
  if (!(gamma >= 0.0) || !std::isfinite(gamma)) {
    throw InputError("Fourier features: the friction gamma must be finite and >= 0");
  }
  if (!(c > 0.0) || !std::isfinite(c)) {
    throw InputError("Fourier features: the loss scale c must be finite and > 0");
  }
  const double dk = 2.0 * std::numbers::pi / d.box().length;
  k2_.resize(amplitude_.size());
  for_each_mode(d, [&](const Mode& mode) {
    k2_[static_cast<std::size_t>(mode.offset)] = dk * dk * static_cast<double>(mode.n2());
  });
  for (Field* f : {&theta_, &p_}) {
    f->fill(0.0);
    ops_->plan().to_fourier(*f);
  }
  y_.fill(0.0);
  ops_->plan().to_fourier(y_);
}

void FourierFeatureNetwork::set_schedule(const LearningRateSchedule& schedule, bool per_stage) {
  schedule_ = schedule;
  per_stage_ = per_stage;
  frozen_time_ = time_;
  force_valid_ = false;
}

void FourierFeatureNetwork::set_targets(const Field& y) {
  // Kept as y~ (unnormalised DFT): the residual subtracts it in the amplitude pass, before the one c2r.
  y_.copy_from(y);
  ops_->plan().to_fourier(y_);
  force_valid_ = false;
}

void FourierFeatureNetwork::set_outputs(const Field& outputs) {
  theta_.copy_from(outputs);
  ops_->plan().to_fourier(theta_);
  std::complex<double>* t = theta_.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    t[idx] = amplitude_[idx] > 0.0 ? t[idx] / amplitude_[idx] : 0.0;
  }
  force_valid_ = false;
}

void FourierFeatureNetwork::set_output_velocity(const Field& velocity) {
  p_.copy_from(velocity);
  ops_->plan().to_fourier(p_);
  std::complex<double>* p = p_.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    p[idx] = amplitude_[idx] > 0.0 ? p[idx] / amplitude_[idx] : 0.0;
  }
}

void FourierFeatureNetwork::set_state(const Field& theta, const Field& momentum) {
  theta_.copy_from(theta);
  p_.copy_from(momentum);
  ops_->plan().to_fourier(theta_);
  ops_->plan().to_fourier(p_);
  force_valid_ = false;
}

void FourierFeatureNetwork::outputs(Field& out) {
  // The c2r's 1 / M^3 is folded into the amplitude pass (Scale::none): one pass over the sites fewer per
  // force evaluation (bench_fourier_layer).
  const double inv = 1.0 / out.decomposition().box().sites();
  const std::complex<double>* t = theta_.fourier_data();
  std::complex<double>* o = out.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    o[idx] = (inv * amplitude_[idx]) * t[idx];
  }
  out.set_space(Space::fourier);
  ops_->plan().to_real(out, Scale::none);
}

void FourierFeatureNetwork::residual(Field& out) {
  // r = f - y = c2r(s theta~ - y~) / M^3: the subtraction is fused into the amplitude pass (linear, so equal
  // to f - y up to rounding), which saves a pass over the sites per force evaluation (bench_fourier_layer).
  const double inv = 1.0 / out.decomposition().box().sites();
  const std::complex<double>* t = theta_.fourier_data();
  const std::complex<double>* y = y_.fourier_data();
  std::complex<double>* o = out.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    o[idx] = inv * (amplitude_[idx] * t[idx] - y[idx]);
  }
  out.set_space(Space::fourier);
  ops_->plan().to_real(out, Scale::none);
}

double FourierFeatureNetwork::loss() {
  Field r(ops_->decomposition());
  residual(r);
  return 0.5 * c_ * ops_->sum_of_squares(r);
}

void FourierFeatureNetwork::ensure_force() {
  if (force_valid_) {
    return;
  }
  // Forward (one c2r), residual, backward (one r2c): F~ = g c s r~, left in work_.
  residual(work_);
  ops_->plan().to_fourier(work_);
  std::complex<double>* w = work_.fourier_data();
  const double t = per_stage_ ? time_ : frozen_time_;
  if (schedule_.kind == LearningRateSchedule::Kind::none) {
    for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
      w[idx] *= c_ * amplitude_[idx];
    }
  } else {
    for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
      w[idx] *= schedule_.factor(t, k2_[idx]) * c_ * amplitude_[idx];
    }
  }
  force_valid_ = true;
  ++force_evaluations_;
}

double FourierFeatureNetwork::damping(double s) const noexcept {
  return std::exp(-gamma_ * s);
}

void FourierFeatureNetwork::momentum_update(double a, double b) {
  std::complex<double>* p = p_.fourier_data();
  if (b == 0.0) {
    for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
      p[idx] *= a;
    }
    return;
  }
  ensure_force();
  const std::complex<double>* f = work_.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    p[idx] = a * p[idx] - b * f[idx];
  }
}

void FourierFeatureNetwork::drift(double s) {
  std::complex<double>* t = theta_.fourier_data();
  const std::complex<double>* p = p_.fourier_data();
  for (std::size_t idx = 0; idx < amplitude_.size(); ++idx) {
    t[idx] += s * p[idx];
  }
  time_ += s;
  force_valid_ = false;
}

} // namespace inflanet
