#pragma once
/// \file
/// \brief The one-field built-ins of the potential family (potential.hpp): V(phi) with its first and second
/// derivatives, and the adapter OneField that gives them the family's deck-order interface.
///
/// A model is a small parameter struct with header-inline `const` members `V`, `dV`, `d2V` of one value
/// (style.md 6), so per-site loops inline them; the lattice's one-field pass calls them directly (the
/// arithmetic of every one-field run). Units: phi, m, f and Mp are in program field/mass units; V has units
/// of mass^4 (program units); dV = dV/dphi, d2V = d^2V/dphi^2 (the effective mass squared of fluctuations).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace inflanet {

/// \brief V = m^2 phi^2 / 2 (free field of mass m).
struct Quadratic {
  static constexpr const char* name = "quadratic";
  double m = 0.0; ///< mass

  [[nodiscard]] double V(double phi) const noexcept { return 0.5 * m * m * phi * phi; }
  [[nodiscard]] double dV(double phi) const noexcept { return m * m * phi; }
  [[nodiscard]] double d2V(double /*phi*/) const noexcept { return m * m; }
  [[nodiscard]] std::string describe() const;
};

/// \brief V = lambda phi^4 / 4 (massless self-interacting field).
struct Quartic {
  static constexpr const char* name = "quartic";
  double lambda = 0.0; ///< dimensionless quartic coupling

  [[nodiscard]] double V(double phi) const noexcept {
    const double p2 = phi * phi;
    return 0.25 * lambda * p2 * p2;
  }
  [[nodiscard]] double dV(double phi) const noexcept { return lambda * phi * phi * phi; }
  [[nodiscard]] double d2V(double phi) const noexcept { return 3.0 * lambda * phi * phi; }
  [[nodiscard]] std::string describe() const;
};

/// \brief V = m^2 phi^2 / 2 + lambda phi^4 / 4.
struct QuadraticQuartic {
  static constexpr const char* name = "quadratic_quartic";
  double m = 0.0;      ///< mass
  double lambda = 0.0; ///< dimensionless quartic coupling

  [[nodiscard]] double V(double phi) const noexcept {
    const double p2 = phi * phi;
    return 0.5 * m * m * p2 + 0.25 * lambda * p2 * p2;
  }
  [[nodiscard]] double dV(double phi) const noexcept { return (m * m + lambda * phi * phi) * phi; }
  [[nodiscard]] double d2V(double phi) const noexcept { return m * m + 3.0 * lambda * phi * phi; }
  [[nodiscard]] std::string describe() const;
};

/// \brief Natural-inflation / axion potential V = Lambda4 (1 - cos(phi / f)); Lambda4 has units mass^4,
/// f (the decay constant) units of phi. Requires f > 0.
struct Axion {
  static constexpr const char* name = "axion";
  double Lambda4 = 1.0; ///< overall scale Lambda^4
  double f = 1.0;       ///< decay constant

  [[nodiscard]] double V(double phi) const noexcept { return Lambda4 * (1.0 - std::cos(phi / f)); }
  [[nodiscard]] double dV(double phi) const noexcept { return Lambda4 / f * std::sin(phi / f); }
  [[nodiscard]] double d2V(double phi) const noexcept { return Lambda4 / (f * f) * std::cos(phi / f); }
  [[nodiscard]] std::string describe() const;
};

/// \brief Starobinsky (R^2, Einstein frame) potential V = V0 (1 - e^{-sqrt(2/3) phi / Mp})^2.
/// With E = e^{-c phi/Mp}, c = sqrt(2/3): V' = 2 V0 (c/Mp) E (1 - E), V'' = 2 V0 (c/Mp)^2 E (2E - 1).
/// Requires Mp > 0 (reduced Planck mass in program units).
struct Starobinsky {
  static constexpr const char* name = "starobinsky";
  double V0 = 1.0; ///< plateau height (mass^4)
  double Mp = 1.0; ///< reduced Planck mass

  [[nodiscard]] double V(double phi) const noexcept {
    const double one_minus_e = -std::expm1(-c() * phi / Mp);
    return V0 * one_minus_e * one_minus_e;
  }
  [[nodiscard]] double dV(double phi) const noexcept {
    const double e = std::exp(-c() * phi / Mp);
    return 2.0 * V0 * (c() / Mp) * e * (-std::expm1(-c() * phi / Mp));
  }
  [[nodiscard]] double d2V(double phi) const noexcept {
    const double e = std::exp(-c() * phi / Mp);
    const double cm = c() / Mp;
    return 2.0 * V0 * cm * cm * e * (2.0 * e - 1.0);
  }
  [[nodiscard]] std::string describe() const;

private:
  /// sqrt(2/3)
  static constexpr double c() noexcept { return 0.81649658092772603273; }
};

/// \brief A one-field model in the family's interface: the model acts on the deck field named `phi` (index
/// `field` in deck order); any other field is free and massless under it (V does not depend on it), the
/// rule of the two-field built-ins (potential.hpp).
template <class Model>
struct OneField {
  static constexpr const char* name = Model::name;
  Model model;
  std::size_t field = 0; ///< where the field named phi sits in the deck's order

  constexpr OneField() = default;
  /// \brief Implicit, so that a model converts to the family (Potential p = Quadratic{m}).
  constexpr OneField(Model model_, std::size_t field_ = 0) noexcept : model(model_), field(field_) {}

  [[nodiscard]] double V(std::span<const double> f) const noexcept { return model.V(f[field]); }
  [[nodiscard]] double dV(std::span<const double> f, std::size_t i) const noexcept {
    return i == field ? model.dV(f[field]) : 0.0;
  }
  [[nodiscard]] double d2V(std::span<const double> f, std::size_t i, std::size_t j) const noexcept {
    return i == field && j == field ? model.d2V(f[field]) : 0.0;
  }
  void gradient(std::span<const double> f, std::span<double> out) const noexcept {
    std::fill(out.begin(), out.end(), 0.0);
    out[field] = model.dV(f[field]);
  }
  [[nodiscard]] std::string describe() const { return model.describe(); }
};

} // namespace inflanet
