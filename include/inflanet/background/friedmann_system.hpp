#pragma once
/// \file
/// \brief Self-consistent expansion for homogeneous fields: the scale factor and the mean fields advanced
/// together, symplectically, by the one integrator family (integrator.hpp), in cosmic time t.
///
/// Units: M_p = 1 (reduced Planck mass), so the Friedmann constraint reads H^2 = rho / 3. t in program time
/// units, fields in program field units, V and rho_Lambda in mass^4, a dimensionless.
///
/// Derivation (ours; compare CosmoLattice's field-plus-gravity split, arXiv:2006.15122 and 2102.01031).
/// Flat FLRW with lapse 1 and homogeneous fields phi_i, per unit comoving volume:
///   L = -3 a adot^2 + a^3 (sum_i phidot_i^2 / 2 - V(phi) - rho_Lambda).
/// Canonical pairs: (phi_i, pi_i = a^3 phidot_i) and, instead of (a, p_a = -6 a adot), the pair
/// (b = ln a, p_b = a p_a = -6 a^3 H): a point transformation, so still canonical, chosen because it turns
/// every flow below into a closed form. The Hamiltonian is
///   Ham = e^{-3b} K(p) + e^{3b} U(phi),  K = -p_b^2 / 12 + sum_i pi_i^2 / 2,  U = V(phi) + rho_Lambda,
/// and Ham = a^3 (rho - 3 H^2): the Friedmann constraint is Ham = 0, and |Ham| / (a^3 rho) is exactly
/// the relative violation |H^2 - rho/3| / (rho/3). It is not imposed: it is conserved by the exact flow,
/// and a symplectic composition keeps its error O(h^order) and bounded.
///
/// The split Ham = Ham_kin + Ham_pot, each piece solved exactly:
/// - kick, Ham_pot = e^{3b} U: b and phi fixed, so pi_i <- pi_i - s a^3 dV/dphi_i and
///   p_b <- p_b - s 3 a^3 U. This is the integrator's kick p <- p - B F(q) with F = a^3 (dV, 3 U).
/// - drift, Ham_kin = e^{-3b} K: pi_i are constant and E = Ham_kin is conserved, so
///   p_b' = 3E (p_b grows linearly), (a^3)' = -p_b / 2, hence over a drift of length s
///     a^3(u) = A0 + c1 u + c2 u^2,  A0 = a^3,  c1 = -p_b / 2,  c2 = -3 E / 4,
///     p_b <- p_b + 3 E s,   phi_i <- phi_i + pi_i I(s),   I(s) = int_0^s du / a^3(u),   t <- t + s.
///   The discriminant of a^3(u) is c1^2 - 4 A0 c2 = (3/2) sum_i pi_i^2 =: delta^2 >= 0 (K cancels), and
///     I(s) = (2 / delta) atanh(delta s / (2 A0 + c1 s)),
///   in which c2 has cancelled: evaluated as 2 s / (2 A0 + c1 s) * atanh(x) / x, it has no cancellation
///   as E -> 0 (V = 0 crossings) or delta -> 0 (fields at rest), and is valid while a^3 > 0 on [0, s].
/// - friction: none (damping() is 1); Hubble friction is inside the exact drift through pi = a^3 phidot.
/// So the existing compositions advance the coupled system unchanged: `euler` D K, `leapfrog` K/2 D K/2,
/// and Yoshida's compositions of it, with the order of each composition. The drift needs only the
/// global sum of pi_i^2 and gives one length I(s) for every field: on a lattice (later) the same drift moves
/// every site by pi(x) I(s), with sum_i pi_i^2 replaced by the volume average of the field momenta squared
/// and U by the volume average of V + |grad phi|^2 / (2 a^2) (whose e^{3b} factor then becomes e^{b} for the
/// gradient part, still a function of b alone, so the kick stays exact).

#include "inflanet/background/scale_factor.hpp"
#include "inflanet/potential/potential.hpp"

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace inflanet {

/// \brief V(phi) and dV/dphi_i of the homogeneous fields, in the fields' order.
struct HomogeneousPotential {
  std::function<double(std::span<const double>)> V;                   ///< V(phi), mass^4
  std::function<void(std::span<const double>, std::span<double>)> dV; ///< out[i] = dV/dphi_i
};

/// \brief The fields of a potential, in its deck order (a copy; dispatched through std::visit per call,
/// which is per stage, not per site).
[[nodiscard]] HomogeneousPotential homogeneous_potential(const Potential& potential);

/// \brief The homogeneous fields phi_i(t) and the scale factor a(t) of a flat FLRW universe whose expansion
/// they source (H^2 = rho / 3, M_p = 1), as a SplitSystem (see the file comment for the split).
class FriedmannSystem {
public:
  /// \brief Starts at t = 0 with a = a0, phi_i = phi0[i], dphi_i/dt = phidot0[i] and the expanding root
  /// H = +sqrt(rho / 3) of the constraint (so it holds to rounding at t = 0). rho_lambda is the
  /// cosmological constant's energy density (mass^4), added to V.
  /// \throws InputError if phi0 and phidot0 differ in length or are empty, a0 is not finite and > 0,
  /// rho_lambda is not finite, or the initial rho is not finite and > 0.
  FriedmannSystem(HomogeneousPotential potential, std::vector<double> phi0, std::vector<double> phidot0,
                  double a0, double rho_lambda = 0.0);

  // SplitSystem
  /// \brief 1: there is no separate friction flow (it is inside the drift).
  [[nodiscard]] double damping(double /*s*/) const noexcept { return 1.0; }
  /// \brief (pi, p_b) <- A (pi, p_b) - B a^3 (dV, 3 U); B == 0 evaluates nothing.
  void momentum_update(double A, double B);
  /// \brief The exact flow of the kinetic piece for a cosmic time s (file comment).
  /// \throws RuntimeError if a^3 would reach zero within the drift (a collapsing universe overshot).
  void drift(double s);

  [[nodiscard]] double t() const noexcept { return t_; }
  [[nodiscard]] double a() const noexcept { return scale_factor_.a(); }
  /// \brief H = (da/dt) / a = -p_b / (6 a^3), from the momentum (not from rho).
  [[nodiscard]] double hubble() const noexcept { return scale_factor_.hubble(); }
  [[nodiscard]] const ScaleFactor& scale_factor() const noexcept { return scale_factor_; }
  [[nodiscard]] std::size_t field_count() const noexcept { return phi_.size(); }
  [[nodiscard]] std::span<const double> phi() const noexcept { return phi_; }
  /// \brief dphi_i/dt = pi_i / a^3.
  [[nodiscard]] double phi_dot(std::size_t i) const noexcept;
  /// \brief rho = sum_i phidot_i^2 / 2 + V + rho_Lambda (mass^4).
  [[nodiscard]] double rho() const;
  /// \brief p = sum_i phidot_i^2 / 2 - V - rho_Lambda (mass^4).
  [[nodiscard]] double pressure() const;
  /// \brief The Hamiltonian a^3 (rho - 3 H^2): zero on the constraint surface.
  [[nodiscard]] double hamiltonian() const;
  /// \brief |H^2 - rho/3| / (rho/3), with H from the momentum.
  [[nodiscard]] double constraint_violation() const;
  /// \brief Force evaluations so far (kicks with B != 0).
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }

private:
  [[nodiscard]] double kinetic_sum() const noexcept; ///< sum_i pi_i^2

  HomogeneousPotential potential_;
  std::vector<double> phi_, pi_; ///< fields and their momenta pi_i = a^3 phidot_i
  std::vector<double> gradient_; ///< scratch for dV
  ScaleFactor scale_factor_ = ScaleFactor::on_constraint(1.0, 1.0); ///< set in the constructor
  double t_ = 0.0, rho_lambda_ = 0.0;
  long force_evaluations_ = 0;
};

/// \brief The relative Friedmann constraint violation |H^2 - rho/3| / (rho/3) (M_p = 1).
[[nodiscard]] double friedmann_constraint_violation(double hubble, double rho) noexcept;

} // namespace inflanet
