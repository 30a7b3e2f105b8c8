#pragma once
/// \file
/// \brief A potential V(phi_1, ..., phi_N) of named fields given as muparser formulas, with its first
/// derivatives (and optionally Hessian entries) given as formulas too.

#include "inflanet/potential/derivative_check.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace inflanet {

/// \brief V as a muparser formula in the named fields (and named parameters, which formulas use as
/// constants; `pi` and muparser's `_pi`, `_e` and built-in functions are available too).
///
/// Derivatives: dV/dphi_i should be given as a formula for every field: the equations of motion evaluate
/// them at every site. Without one, dV/dphi_i is the centred 6th-order difference of V with step h =
/// dV_fd_step max(1, |phi_i|) (exact for polynomials up to degree 6 up to round-off ~ 1e-14 |V| / (h |V'|);
/// six evaluations of V, about 90 ns a site against ~3 ns for a built-in), and d2V/dphi_i^2 the matching
/// 6th-order second difference of V. (The multi-field deck requires the formulas; a one-field [inflaton]
/// deck's `expression` gives V alone.) Hessian entries are
/// optional; a missing entry (i, j) is the symmetrised fourth-order central difference of the given first
/// derivatives, (d_j dV_i + d_i dV_j) / 2 with d_j f = [8 (f(+h) - f(-h)) - (f(+2h) - f(-2h))] / (12 h) and
/// h = fd_step max(1, |phi_j|) (8 evaluations of dV per off-diagonal entry: fine for initial conditions'
/// effective masses, not meant for per-site use). A Hessian entry given for (i, j) but not (j, i) serves
/// both. Formulas are not trusted: run `check_derivatives` at start-up (the deck layer does, at the initial
/// means and the points of `derivative_check_points`).
///
/// Field values at a site are passed as a span of `field_count()` values in the order of `fields()`
/// (precondition, unchecked in the per-site calls).
///
/// Thread safety: evaluation is const and safe from several OpenMP threads at once. muparser parsers are
/// not re-entrant, so each thread lazily builds its own parser set (a thread_local cache keyed by a
/// process-unique id, never by address, as ExpressionPotential does). Copies share the id and the cache.
class ExpressionPotential {
public:
  static constexpr const char* name = "expression";
  /// \brief Relative step of the differences of V that stand in for a missing dV formula.
  static constexpr double dV_fd_step = 1e-2;

  /// \brief What the deck gives.
  struct Definition {
    std::vector<std::string> fields;                        ///< field names, in deck order
    std::vector<std::pair<std::string, double>> parameters; ///< named constants the formulas may use
    std::string V;                                          ///< V(fields)
    std::vector<std::string> dV; ///< dV/dphi_i for each field, in the order of `fields`
    /// Hessian entries, row-major N x N; empty (or an empty entry): finite differences of the given dV.
    std::vector<std::string> d2V;
    double fd_step = 1e-3; ///< relative step of the Hessian's finite differences (see the class comment)
  };

  /// \brief Parses every formula.
  /// \throws InputError for an empty or unparsable formula, a name in a formula that is
  /// neither a field nor a parameter, a field or parameter name that is not an identifier or is used twice,
  /// a non-finite parameter or a bad fd_step. Each message starts with the formula's role ("V", "dV/dchi",
  /// "d2V/dphi dchi") or "fields"/"parameters" so the deck layer can prefix its key.
  explicit ExpressionPotential(Definition definition);

  [[nodiscard]] double V(std::span<const double> f) const;
  /// \brief dV/dphi_i, i in [0, field_count()).
  [[nodiscard]] double dV(std::span<const double> f, std::size_t i) const;
  /// \brief d^2V/dphi_i dphi_j (the given formula, or finite differences of the given dV).
  [[nodiscard]] double d2V(std::span<const double> f, std::size_t i, std::size_t j) const;
  /// \brief out[i] = dV/dphi_i for every field (one cache look-up for all of them).
  void gradient(std::span<const double> f, std::span<double> out) const;

  [[nodiscard]] std::size_t field_count() const noexcept { return spec_->fields.size(); }
  [[nodiscard]] const std::vector<std::string>& fields() const noexcept { return spec_->fields; }
  /// \brief The formula for role 0 (V), 1 + i (dV/dphi_i) or 1 + N + N i + j (Hessian entry); may be empty.
  [[nodiscard]] const std::string& formula(std::size_t role) const { return spec_->formulas.at(role); }
  /// \brief True when the Hessian entry (i, j) has a formula (given for (i, j) or for (j, i)).
  [[nodiscard]] bool has_d2V_formula(std::size_t i, std::size_t j) const;
  /// \brief Kind, fields and formulas, for logs and output attributes.
  [[nodiscard]] std::string describe() const;

  /// \brief Immutable definition shared by copies.
  struct Spec {
    std::vector<std::string> fields;
    std::vector<std::pair<std::string, double>> parameters;
    std::vector<std::string> formulas; ///< 1 + N + N^2 roles: V, dV_i, d2V_ij (symmetrised, maybe empty)
    double fd_step = 1e-3;
    std::uint64_t id = 0;
  };

private:
  std::shared_ptr<const Spec> spec_;
};

/// \brief The name of a derivative as messages and reports write it: "V" (first = npos), "dV/dchi" (second =
/// npos), "d2V/dphi2", "d2V/dphi dchi" (a mixed one names its fields in deck order, given either order).
[[nodiscard]] std::string derivative_name(const std::vector<std::string>& fields, std::size_t first,
                                          std::size_t second);

} // namespace inflanet
