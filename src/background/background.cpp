#include "inflanet/background/background.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace inflanet {

DeSitter::DeSitter(double H, double a0) : H_(H), a0_(a0) {
  if (!(std::isfinite(H) && H > 0.0))
    throw InputError(fmt::format("de Sitter background needs a finite Hubble rate H > 0, got {}", H));
  if (!(std::isfinite(a0) && a0 > 0.0))
    throw InputError(
        fmt::format("de Sitter background needs a finite initial scale factor a0 > 0, got {}", a0));
}

double DeSitter::a(double t) const {
  return a0_ * std::exp(H_ * t);
}

// \int_t^{t+s} 3H dt' = 3 H s for constant H, independent of t.
double DeSitter::friction_factor(double /*t*/, double s) const {
  return std::exp(-3.0 * H_ * s);
}

std::string DeSitter::describe() const {
  return fmt::format("desitter(H={:.17g}, a0={:.17g})", H_, a0_);
}

std::unique_ptr<Background> DeSitter::clone() const {
  return std::make_unique<DeSitter>(*this);
}

double DeSitter::conformal_time(double t) const {
  return -1.0 / (a(t) * H_);
}

double DeSitter::cosmic_time(double tau) const {
  if (!(tau < 0.0))
    throw RuntimeError(fmt::format("de Sitter conformal time must be negative, got {}", tau));
  return -std::log(-a0_ * H_ * tau) / H_;
}

std::unique_ptr<Background> Minkowski::clone() const {
  return std::make_unique<Minkowski>(*this);
}

AlphaTime::AlphaTime(const Background& background, double alpha) : background_(&background), alpha_(alpha) {
  if (!std::isfinite(alpha)) {
    throw InputError(fmt::format("alpha-time needs a finite alpha, got {}", alpha));
  }
  if (const auto* desitter = dynamic_cast<const DeSitter*>(&background)) {
    hubble_ = desitter->H();
    a0_ = desitter->a0();
  } else if (alpha != 0.0 && dynamic_cast<const Minkowski*>(&background) == nullptr) {
    throw InputError(fmt::format("alpha-time with alpha = {} has no closed form on background {}", alpha,
                                 background.describe()));
  }
}

// For alpha != 0, X(eta) = a^-alpha = a0^-alpha - alpha H eta (de Sitter; H = 0 gives Minkowski's a = a0 =
// 1).
double AlphaTime::a(double eta) const {
  if (alpha_ == 0.0) {
    return background_->a(eta);
  }
  if (hubble_ == 0.0) {
    return background_->a(0.0);
  }
  return std::pow(std::pow(a0_, -alpha_) - alpha_ * hubble_ * eta, -1.0 / alpha_);
}

double AlphaTime::cosmic_time(double eta) const {
  if (alpha_ == 0.0 || hubble_ == 0.0) {
    return eta;
  }
  return -std::log1p(-alpha_ * hubble_ * std::pow(a0_, alpha_) * eta) / (alpha_ * hubble_);
}

double AlphaTime::eta(double t) const {
  if (alpha_ == 0.0 || hubble_ == 0.0) {
    return t;
  }
  return -std::expm1(-alpha_ * hubble_ * t) * std::pow(a0_, -alpha_) / (alpha_ * hubble_);
}

double AlphaTime::dt_deta(double eta) const {
  return alpha_ == 0.0 ? 1.0 : std::pow(a(eta), alpha_);
}

double AlphaTime::friction_factor(double eta, double s) const {
  if (alpha_ == 0.0) {
    return background_->friction_factor(eta, s);
  }
  if (hubble_ == 0.0) {
    return 1.0;
  }
  // The splitting advances eta only in the drift, so the friction flow is that of p' = -(3 - alpha) H a^alpha
  // p at frozen eta: exp(-(3 - alpha) script-H(eta) s), with script-H = H a^alpha = H / X(eta). (Integrating
  // script-H over [eta, eta + s] instead, the (a(eta)/a(eta + s))^(3 - alpha) of physics.md section 7, puts
  // the friction after a drift on the wrong interval and costs every composition its order: 1 for all.)
  const double x = std::pow(a0_, -alpha_) - alpha_ * hubble_ * eta;
  return std::exp(-(3.0 - alpha_) * hubble_ * s / x);
}

AlphaTime::DriftFriction AlphaTime::drift_friction(double eta, double s) const {
  if (alpha_ == 0.0 || hubble_ == 0.0) {
    const double damping = background_->friction_factor(eta, s);
    return {damping, hubble_ == 0.0 ? s : (1.0 - damping) / (3.0 * hubble_)};
  }
  const double x = std::pow(a0_, -alpha_) - alpha_ * hubble_ * eta;
  const double r = std::log1p(-alpha_ * hubble_ * s / x); // ln(X(eta + s) / X(eta))
  return {std::exp((3.0 - alpha_) / alpha_ * r), -x / (3.0 * hubble_) * std::expm1(3.0 / alpha_ * r)};
}

double AlphaTime::gradient_factor(double eta) const {
  const double scale = a(eta);
  return alpha_ == 0.0 ? 1.0 / (scale * scale) : std::pow(scale, 2.0 * alpha_ - 2.0);
}

double AlphaTime::mass_factor(double eta) const {
  return alpha_ == 0.0 ? 1.0 : std::pow(a(eta), 2.0 * alpha_);
}

double AlphaTime::eta_max() const {
  if (alpha_ <= 0.0 || hubble_ == 0.0) {
    return std::numeric_limits<double>::infinity();
  }
  return std::pow(a0_, -alpha_) / (alpha_ * hubble_);
}

std::unique_ptr<Background> make_background(const std::string& kind, double H, double a0) {
  if (kind == "desitter")
    return std::make_unique<DeSitter>(H, a0);
  if (kind == "minkowski")
    return std::make_unique<Minkowski>();
  throw InputError(fmt::format("unknown background kind \"{}\" (known: desitter, minkowski)", kind));
}

} // namespace inflanet
