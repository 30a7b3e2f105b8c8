#pragma once
/// \file
/// \brief Inflaton potentials V(phi) with their first and second derivatives.
///
/// A potential is a small parameter struct with `const` member functions `V`, `dV`, `d2V` (style.md 6).
/// The built-in ones are header-inline so that per-site update loops inline them; `Potential` is a
/// `std::variant` over all of them, so a loop dispatches once (std::visit outside the loop) and never
/// makes a virtual call per site. Units: phi, m, f and Mp are in program field/mass units; V has units of
/// mass^4 (program units); dV = dV/dphi, d2V = d^2V/dphi^2 (the effective mass squared of fluctuations).

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

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

/// \brief A potential given as a muparser formula in the variable `phi` (constants `pi`, `_pi`, `_e`
/// and muparser's built-in functions are available).
///
/// Derivatives: if formulas for V' and V'' are given they are evaluated exactly; otherwise they are
/// 6th-order centred finite differences of V with step h = fd_step * max(1, |phi|) (exact for
/// polynomials up to degree 6 up to round-off ~ 1e-14 |V| / (h |V'|); truncation ~ h^6 V^(7) / 140).
/// Choose fd_step well below the scale on which V varies (e.g. below f for an axion-like formula).
///
/// Cost (measured, one core, -O2): V about 16 ns per call (muparser bytecode; budget ~35 ns/site for
/// longer formulas), V' by finite differences about 90 ns (six evaluations), against ~3 ns for a
/// built-in; give exact derivative formulas, or use a built-in potential where one exists.
///
/// Thread safety: evaluation is const and safe from several OpenMP threads at once. muparser parsers
/// are not re-entrant, so each thread lazily builds its own parser set (held in a thread_local cache keyed
/// by a process-unique id of this potential, never by address). Copies share the id and the cache entry.
class ExpressionPotential {
public:
  static constexpr const char* name = "expression";

  /// \brief Parses `expression` (and the optional derivative formulas; empty means "finite differences").
  /// \throws InputError naming the formula, muparser's message and the character position.
  explicit ExpressionPotential(std::string expression, std::string dV_expression = {},
                               std::string d2V_expression = {}, double fd_step = 1e-2);

  [[nodiscard]] double V(double phi) const;
  [[nodiscard]] double dV(double phi) const;
  [[nodiscard]] double d2V(double phi) const;
  [[nodiscard]] std::string describe() const;

  [[nodiscard]] const std::string& expression() const noexcept { return spec_->expression[0]; }

  /// \brief Immutable definition shared by copies (the formulas, the step and the cache id).
  struct Spec {
    std::string expression[3]; ///< V, V', V'' (the last two may be empty)
    double fd_step = 1e-2;
    std::uint64_t id = 0;
  };

private:
  std::shared_ptr<const Spec> spec_;
};

/// \brief Every potential the code knows; dispatch once per loop with std::visit.
using Potential = std::variant<Quadratic, Quartic, QuadraticQuartic, Axion, Starobinsky, ExpressionPotential>;

/// \brief Input-deck parameters of a potential. `kind` is one of quadratic, quartic, quadratic_quartic,
/// axion, starobinsky, expression; only the fields that kind uses are read. `expression` holds V(phi);
/// `dV_expression` / `d2V_expression` optionally hold exact derivative formulas.
struct PotentialParams {
  std::string kind;
  double m = 0, lambda = 0, Lambda4 = 1, f = 1, V0 = 1, Mp = 1;
  std::string expression;
  std::string dV_expression;
  std::string d2V_expression;
};

/// \brief Builds the potential named by `p.kind`.
/// \throws InputError for an unknown kind, a non-finite parameter, f <= 0, Mp <= 0 or a bad formula.
[[nodiscard]] Potential make_potential(const PotentialParams& p);

/// \brief Scalar (non-loop) helpers dispatching through std::visit.
[[nodiscard]] double potential_V(const Potential& pot, double phi);
[[nodiscard]] double potential_dV(const Potential& pot, double phi);
[[nodiscard]] double potential_d2V(const Potential& pot, double phi);
/// \brief The kind name (e.g. "quadratic").
[[nodiscard]] std::string potential_name(const Potential& pot);
/// \brief Kind and parameter values, e.g. "quadratic(m=0.1)", for logs and output attributes.
[[nodiscard]] std::string potential_describe(const Potential& pot);

} // namespace inflanet
