#include "inflanet/background/background.hpp"

#include "inflanet/app/error.hpp"

#include <fmt/format.h>

#include <cmath>

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

std::unique_ptr<Background> make_background(const std::string& kind, double H, double a0) {
  if (kind == "desitter")
    return std::make_unique<DeSitter>(H, a0);
  if (kind == "minkowski")
    return std::make_unique<Minkowski>();
  throw InputError(fmt::format("unknown background kind \"{}\" (known: desitter, minkowski)", kind));
}

} // namespace inflanet
