#pragma once
/// \file
/// \brief The potential family: V(phi_1, ..., phi_N) of any number of interacting real scalar fields (one
/// included), with the gradient dV/dphi_i and the Hessian d^2V/dphi_i dphi_j (the effective mass matrix).
///
/// A built-in model is a small parameter struct with header-inline `const` members, so per-site loops
/// inline them; `Potential` is a `std::variant` over the built-ins and the expression potential, dispatched
/// once outside the loop (std::visit), never per site. Every member takes the field values at one site as a
/// span in the deck's field order. The one-field built-ins (one_field_models.hpp) enter through OneField;
/// the lattice calls their scalar members directly in its one-field pass.
///
/// Field roles of the built-ins (the rule): a built-in is written for fields named `phi` (the inflaton) and,
/// for the two-field ones, `chi` (the second field: the preheating daughter, or the hybrid model's waterfall
/// field), and binds those roles *by name*: the deck must name its fields so, in any order; `FieldPair` (or
/// OneField::field) holds where they sit in the deck's order. Binding by name, not by position, means a deck
/// that lists chi first gets the same physics, and a deck that names `psi` instead of `chi` is refused rather
/// than silently coupled. Further fields are allowed and are free and massless under a built-in (V does not
/// depend on them).
///
/// Units: fields in program field units, couplings as named (m a mass, lambda and g2 dimensionless, v a
/// field value); V in mass^4; dV in mass^4 / field; d2V in mass^2.

#include "inflanet/potential/derivative_check.hpp"
#include "inflanet/potential/expression_potential.hpp"
#include "inflanet/potential/one_field_models.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace inflanet {

/// \brief Where a two-field built-in's roles sit in the deck's field order.
struct FieldPair {
  std::size_t phi = 0; ///< index of the field named "phi"
  std::size_t chi = 1; ///< index of the field named "chi"
};

/// \brief The deck-order interface of a two-field built-in, written once (CRTP). `Model` supplies V(p, c),
/// gradient(p, c) = {V_p, V_c} and hessian(p, c) = {V_pp, V_pc, V_cc} of its two roles; these members map
/// them to the deck's field indices.
template <class Model>
struct TwoFieldModel {
  FieldPair fields; ///< where phi and chi sit in the deck's order

  /// \brief V at a site; f holds every deck field's value, in deck order.
  [[nodiscard]] double V(std::span<const double> f) const noexcept {
    return self().V(f[fields.phi], f[fields.chi]);
  }
  /// \brief dV/dphi_i for deck field i (0 for a field the model ignores).
  [[nodiscard]] double dV(std::span<const double> f, std::size_t i) const noexcept {
    const std::array<double, 2> g = self().gradient(f[fields.phi], f[fields.chi]);
    return i == fields.phi ? g[0] : i == fields.chi ? g[1] : 0.0;
  }
  /// \brief d^2V/dphi_i dphi_j for deck fields i, j.
  [[nodiscard]] double d2V(std::span<const double> f, std::size_t i, std::size_t j) const noexcept {
    const int a = i == fields.phi ? 0 : i == fields.chi ? 1 : -1;
    const int b = j == fields.phi ? 0 : j == fields.chi ? 1 : -1;
    if (a < 0 || b < 0) {
      return 0.0;
    }
    const std::array<double, 3> h = self().hessian(f[fields.phi], f[fields.chi]);
    return h[static_cast<std::size_t>(a + b)]; // (0,0) -> pp, (0,1) and (1,0) -> pc, (1,1) -> cc
  }
  /// \brief out[i] = dV/dphi_i for every deck field (out.size() of them).
  void gradient(std::span<const double> f, std::span<double> out) const noexcept {
    const std::array<double, 2> g = self().gradient(f[fields.phi], f[fields.chi]);
    std::fill(out.begin(), out.end(), 0.0);
    out[fields.phi] = g[0];
    out[fields.chi] = g[1];
  }

private:
  [[nodiscard]] const Model& self() const noexcept { return static_cast<const Model&>(*this); }
};

/// \brief Chaotic inflation with a quadratic coupling to a second field (preheating):
/// V = m^2 phi^2 / 2 + g2 phi^2 chi^2 / 2.
/// V_phi = (m^2 + g2 chi^2) phi, V_chi = g2 phi^2 chi; V_phiphi = m^2 + g2 chi^2, V_phichi = 2 g2 phi chi,
/// V_chichi = g2 phi^2 (chi's effective mass is set by the inflaton: the parametric-resonance coupling).
struct ChaoticG2 : TwoFieldModel<ChaoticG2> {
  static constexpr const char* name = "chaotic_g2";
  double m = 0.0;  ///< inflaton mass
  double g2 = 0.0; ///< coupling g^2 (dimensionless)

  constexpr ChaoticG2() = default;
  constexpr ChaoticG2(double m_, double g2_, FieldPair fields_ = {}) noexcept
      : TwoFieldModel<ChaoticG2>{fields_}, m(m_), g2(g2_) {}

  using TwoFieldModel<ChaoticG2>::V;
  using TwoFieldModel<ChaoticG2>::gradient;
  [[nodiscard]] double V(double phi, double chi) const noexcept {
    return 0.5 * phi * phi * (m * m + g2 * chi * chi);
  }
  [[nodiscard]] std::array<double, 2> gradient(double phi, double chi) const noexcept {
    return {(m * m + g2 * chi * chi) * phi, g2 * phi * phi * chi};
  }
  /// {V_phiphi, V_phichi, V_chichi}
  [[nodiscard]] std::array<double, 3> hessian(double phi, double chi) const noexcept {
    return {m * m + g2 * chi * chi, 2.0 * g2 * phi * chi, g2 * phi * phi};
  }
  [[nodiscard]] std::string describe() const;
};

/// \brief Massless quartic inflaton with a quadratic coupling to a second field (conformal preheating):
/// V = lambda phi^4 / 4 + g2 phi^2 chi^2 / 2.
/// V_phi = (lambda phi^2 + g2 chi^2) phi, V_chi = g2 phi^2 chi; V_phiphi = 3 lambda phi^2 + g2 chi^2,
/// V_phichi = 2 g2 phi chi, V_chichi = g2 phi^2.
struct QuarticG2 : TwoFieldModel<QuarticG2> {
  static constexpr const char* name = "quartic_g2";
  double lambda = 0.0; ///< quartic self-coupling (dimensionless)
  double g2 = 0.0;     ///< coupling g^2 (dimensionless)

  constexpr QuarticG2() = default;
  constexpr QuarticG2(double lambda_, double g2_, FieldPair fields_ = {}) noexcept
      : TwoFieldModel<QuarticG2>{fields_}, lambda(lambda_), g2(g2_) {}

  using TwoFieldModel<QuarticG2>::V;
  using TwoFieldModel<QuarticG2>::gradient;
  [[nodiscard]] double V(double phi, double chi) const noexcept {
    const double p2 = phi * phi;
    return p2 * (0.25 * lambda * p2 + 0.5 * g2 * chi * chi);
  }
  [[nodiscard]] std::array<double, 2> gradient(double phi, double chi) const noexcept {
    return {(lambda * phi * phi + g2 * chi * chi) * phi, g2 * phi * phi * chi};
  }
  /// {V_phiphi, V_phichi, V_chichi}
  [[nodiscard]] std::array<double, 3> hessian(double phi, double chi) const noexcept {
    return {3.0 * lambda * phi * phi + g2 * chi * chi, 2.0 * g2 * phi * chi, g2 * phi * phi};
  }
  [[nodiscard]] std::string describe() const;
};

/// \brief The hybrid (tachyonic-preheating) model, inflaton phi and waterfall field chi:
///
///     V = (lambda / 4) (chi^2 - v^2)^2 + (g2 / 2) phi^2 chi^2 + (m^2 / 2) phi^2.
///
/// V_phi = (m^2 + g2 chi^2) phi,   V_chi = [lambda (chi^2 - v^2) + g2 phi^2] chi;
/// V_phiphi = m^2 + g2 chi^2,  V_phichi = 2 g2 phi chi,  V_chichi = lambda (3 chi^2 - v^2) + g2 phi^2.
///
/// Tachyonic instability (derived): on the valley chi = 0 the waterfall mass is
/// V_chichi(phi, 0) = g2 phi^2 - lambda v^2, negative exactly when |phi| < phi_c = v sqrt(lambda / g2)
/// (`critical_phi()`). Above phi_c inflation proceeds along chi = 0 with V ~ lambda v^4 / 4 + m^2 phi^2 / 2;
/// once phi rolls below phi_c the modes of chi with k^2/a^2 < lambda v^2 - g2 phi^2 grow exponentially
/// (tachyonic preheating) and chi falls to its minima chi = +-v, where (at phi = 0) V = 0 and the
/// masses are V_chichi = 2 lambda v^2, V_phiphi = m^2 + g2 v^2. Requires lambda > 0, g2 > 0.
struct Hybrid : TwoFieldModel<Hybrid> {
  static constexpr const char* name = "hybrid";
  double lambda = 0.0; ///< waterfall self-coupling (dimensionless, > 0)
  double v = 0.0;      ///< waterfall vacuum expectation value (field units)
  double g2 = 0.0;     ///< inflaton-waterfall coupling g^2 (dimensionless, > 0)
  double m = 0.0;      ///< inflaton mass

  constexpr Hybrid() = default;
  constexpr Hybrid(double lambda_, double v_, double g2_, double m_, FieldPair fields_ = {}) noexcept
      : TwoFieldModel<Hybrid>{fields_}, lambda(lambda_), v(v_), g2(g2_), m(m_) {}

  using TwoFieldModel<Hybrid>::V;
  using TwoFieldModel<Hybrid>::gradient;
  [[nodiscard]] double V(double phi, double chi) const noexcept {
    const double c2 = chi * chi, p2 = phi * phi, w = c2 - v * v;
    return 0.25 * lambda * w * w + 0.5 * (g2 * c2 + m * m) * p2;
  }
  [[nodiscard]] std::array<double, 2> gradient(double phi, double chi) const noexcept {
    const double c2 = chi * chi;
    return {(m * m + g2 * c2) * phi, (lambda * (c2 - v * v) + g2 * phi * phi) * chi};
  }
  /// {V_phiphi, V_phichi, V_chichi}
  [[nodiscard]] std::array<double, 3> hessian(double phi, double chi) const noexcept {
    const double c2 = chi * chi;
    return {m * m + g2 * c2, 2.0 * g2 * phi * chi, lambda * (3.0 * c2 - v * v) + g2 * phi * phi};
  }
  /// \brief phi_c = v sqrt(lambda / g2): chi = 0 is tachyonic (V_chichi < 0) for |phi| < phi_c.
  [[nodiscard]] double critical_phi() const noexcept { return std::abs(v) * std::sqrt(lambda / g2); }
  [[nodiscard]] std::string describe() const;
};

/// \brief Every potential the code knows; dispatch once per loop with std::visit. Each alternative has
/// V(f), dV(f, i), d2V(f, i, j), gradient(f, out) and describe().
using Potential =
    std::variant<OneField<Quadratic>, OneField<Quartic>, OneField<QuadraticQuartic>, OneField<Axion>,
                 OneField<Starobinsky>, ChaoticG2, QuarticG2, Hybrid, ExpressionPotential>;

/// \brief What the deck's `[potential]` section gives (the deck layer fills it; this library validates it).
struct PotentialSpec {
  std::string kind;                ///< a model's `name`: a built-in (e.g. "hybrid") or "expression"
  std::vector<std::string> fields; ///< the `[[field]]` names, in deck order
  /// Named parameters: a built-in needs exactly its own (potential_parameters(kind)); an expression may use
  /// any, as constants in its formulas.
  std::vector<std::pair<std::string, double>> parameters;
  std::string V;                                       ///< expression only: V(fields)
  std::vector<std::pair<std::string, std::string>> dV; ///< expression only: (field, dV/dfield), every field
  /// expression only, optional: ((field_i, field_j), d2V/dfield_i dfield_j)
  std::vector<std::pair<std::pair<std::string, std::string>, std::string>> d2V;
};

/// \brief Builds the potential named by `spec.kind`.
/// \throws InputError naming what was expected: an unknown kind (with the known ones), a built-in whose
/// field `phi` or `chi` is not among the deck's fields (with the deck's names), a missing or unknown or
/// non-finite parameter (with the kind's parameters), hybrid's lambda or g2 not > 0, a dV or d2V naming
/// a field that does not exist, a missing dV, and every error of ExpressionPotential's constructor.
[[nodiscard]] Potential make_potential(const PotentialSpec& spec);

/// \brief The parameters built-in `kind` takes, in the order of the deck's documentation (empty for
/// "expression", which takes any); \throws InputError for an unknown kind.
[[nodiscard]] const std::vector<std::string>& potential_parameters(const std::string& kind);

/// \brief Scalar (non-loop) helpers dispatching through std::visit.
[[nodiscard]] double potential_V(const Potential& pot, std::span<const double> f);
[[nodiscard]] double potential_dV(const Potential& pot, std::span<const double> f, std::size_t i);
[[nodiscard]] double potential_d2V(const Potential& pot, std::span<const double> f, std::size_t i,
                                   std::size_t j);
/// \brief The kind name (e.g. "hybrid").
[[nodiscard]] std::string potential_name(const Potential& pot);
/// \brief Kind, parameters and field roles, e.g. "hybrid(lambda=1, v=0.1, g2=2, m=0, phi=#0, chi=#1)".
[[nodiscard]] std::string potential_describe(const Potential& pot);

/// \brief The effective mass matrix M2_ij = d^2V/dphi_i dphi_j at the field values `values` (the initial
/// means, for the initial conditions), N x N row-major with N = values.size(), symmetric (finite-difference
/// entries of an expression are symmetrised).
[[nodiscard]] std::vector<double> hessian(const Potential& pot, std::span<const double> values);

/// \brief Eigen-decomposition of a symmetric N x N matrix (row-major; only its lower triangle is read).
struct MassEigensystem {
  std::vector<double> values;  ///< eigenvalues (mass^2 of the eigenmodes), ascending; negative: tachyonic
  std::vector<double> vectors; ///< N x N row-major; column k is the unit eigenvector of values[k]
};
/// \brief Eigenvalues and eigenvectors of a symmetric matrix (LAPACK dsyev).
/// \throws RuntimeError if the matrix is not N x N or LAPACK fails; InputError if an entry is not finite.
[[nodiscard]] MassEigensystem mass_eigensystem(std::span<const double> matrix);
/// \brief The eigenvalues alone, ascending (closed form for N <= 2, dsyev beyond).
[[nodiscard]] std::vector<double> mass_eigenvalues(std::span<const double> matrix);

/// \brief Compares the potential's dV (all of them) and its Hessian entries (a built-in's all; an
/// expression's given ones) with finite differences at every point (see derivative_check.hpp); never throws
/// for failed comparisons. `fields` names the fields for the report (their count must match the points).
[[nodiscard]] DerivativeCheckReport derivative_report(const Potential& pot,
                                                      const std::vector<std::string>& fields,
                                                      const std::vector<std::vector<double>>& points,
                                                      double tolerance = 1e-6);
/// \brief derivative_report, then InputError with its failure_message() if any comparison failed.
DerivativeCheckReport check_derivatives(const Potential& pot, const std::vector<std::string>& fields,
                                        const std::vector<std::vector<double>>& points,
                                        double tolerance = 1e-6);

} // namespace inflanet
