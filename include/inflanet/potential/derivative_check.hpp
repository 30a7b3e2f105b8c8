#pragma once
/// \file
/// \brief The start-up check of a multi-field potential's derivatives against finite differences of V:
/// the report type and the deterministic points it is run at.
///
/// A derivative given in the deck (dV/dphi_i as a formula, optionally Hessian entries) is compared with a
/// central finite difference of the quantity it claims to differentiate (V for first derivatives, the given
/// dV/dphi_i for Hessian entries). The difference is Richardson-extrapolated, D = (4 D(h/2) - D(h)) / 3 with
/// D(h) = (f(x + h e_j) - f(x - h e_j)) / (2h) and h = step * max(1, |x_j|): fourth order, so exact (to
/// round-off) for polynomials up to degree four in each field, and ~ h^4 f^(5) / 480 otherwise.
/// The check is performed by `derivative_report` / `check_derivatives` in potential.hpp.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "inflanet/potential/potential_error.hpp"

namespace inflanet {

/// \brief One derivative compared at one point.
struct DerivativeCheckEntry {
  std::string derivative;    ///< "dV/dchi", "d2V/dphi2" or "d2V/dphi dchi" (Hessian entry (phi, chi))
  std::string formula;       ///< the formula given for it; empty for a built-in potential
  std::vector<double> point; ///< the field values, in the potential's field order
  double given = 0.0;        ///< the value of the given derivative at `point`
  double finite_difference = 0.0;
  /// |given - fd| / max(|fd|, noise): the difference as a fraction of the finite difference (noise is the
  /// finite difference's round-off estimate, 64 eps max|f on the stencil| / h, so zeros compare as equal).
  double relative_difference = 0.0;
  /// |given - fd| <= tolerance max(|given|, |fd|) + noise, and both are finite.
  bool passed = true;
  FormulaRole role; ///< the derivative by its fields' indices
};

/// \brief Every comparison of one check, in the order (point, derivative).
struct DerivativeCheckReport {
  std::vector<std::string> fields; ///< field names, in the order of each entry's `point`
  double tolerance = 0.0;          ///< the relative tolerance the entries were judged with
  std::vector<DerivativeCheckEntry> entries;

  /// \brief True when every entry passed.
  [[nodiscard]] bool passed() const noexcept;
  /// \brief One line per failing derivative, at the point where it differs most, e.g.
  /// `dV/dchi: given 2*g2*phi^2*chi differs from the finite difference by 100% at (phi, chi) = (1, 0.5)
  /// (given 1, finite difference 0.5)`. Each line starts with the derivative's name, so the deck layer can
  /// prefix it with its key. Empty when everything passed.
  [[nodiscard]] std::string failure_message() const;
  /// \brief The entry failure_message() reports first (the first failing derivative at its worst point), or
  /// null when everything passed.
  [[nodiscard]] const DerivativeCheckEntry* first_failure() const;
  /// \brief "(phi, chi) = (1, 0.5)" for a point in this report's field order.
  [[nodiscard]] std::string format_point(std::span<const double> point) const;
};

/// \brief The points a start-up check uses: `means` itself, then `count` deterministic points around it,
/// x_i = means_i + spread max(1, |means_i|) u_i with every u_i in [-1, -0.1] U [0.1, 1] from an additive
/// (Weyl) sequence, so no coordinate sits on a symmetry plane of the means (a wrong derivative that vanishes
/// at chi = 0 is still caught). Same input, same points, on every rank.
[[nodiscard]] std::vector<std::vector<double>> derivative_check_points(std::span<const double> means,
                                                                       int count = 6, double spread = 0.25);

} // namespace inflanet
