#include "inflanet/potential/one_field_models.hpp"

#include <fmt/format.h>

namespace inflanet {

std::string Quadratic::describe() const {
  return fmt::format("quadratic(m={:.17g})", m);
}
std::string Quartic::describe() const {
  return fmt::format("quartic(lambda={:.17g})", lambda);
}
std::string QuadraticQuartic::describe() const {
  return fmt::format("quadratic_quartic(m={:.17g}, lambda={:.17g})", m, lambda);
}
std::string Axion::describe() const {
  return fmt::format("axion(Lambda4={:.17g}, f={:.17g})", Lambda4, f);
}
std::string Starobinsky::describe() const {
  return fmt::format("starobinsky(V0={:.17g}, Mp={:.17g})", V0, Mp);
}

} // namespace inflanet
