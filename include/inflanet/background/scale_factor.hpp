#pragma once
/// \file
/// \brief The scale factor as a dynamical variable: a and its momentum p_b, with the two exact flows the
/// field-plus-gravity split needs (derived below). Holds no fields: the system that owns them (FieldLattice,
/// field_lattice.hpp, homogeneous fields included) supplies the two box averages the flows need.
///
/// Units: M_p = 1 (reduced Planck mass), so the Friedmann constraint reads H^2 = rho / 3. t in program time
/// units, fields in program field units, V and rho_Lambda in mass^4, a dimensionless; per unit comoving
/// volume. Canonical pair (b = ln a, p_b = a p_a = -6 a^3 H).
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
/// global sum of pi_i^2 and gives one length I(s) for every field: on a lattice (field_lattice.hpp) the
/// same drift moves every site by pi(x) I(s), with sum_i pi_i^2 replaced by the volume average of the field
/// momenta squared and U by the volume average of V + |grad phi|^2 / (2 a^2) (whose e^{3b} factor then
/// becomes e^{b} for the gradient part, still a function of b alone, so the kick stays exact).

///
/// The step limit the expansion sets (ours). In the drift, with y = a^alpha H s (H, a at the drift's
/// start; alpha = 0: y = H s) and g = K_v / (3 H^2), K_v = <sum_i (dphi_i/dt)^2> / 2 the fields' kinetic
/// energy density, X(u) / X(0) = 1 + k y + (k^2 / 4) (1 - g) y^2 with k = 3 - alpha (substitute c1 = k a^3 H
/// and E = a^(3 + alpha) (K_v - 3 H^2) into X = A0 + c1 u + c2 u^2). With z = k y / 2 this is
/// 1 + 2 z + (1 - g) z^2, whose roots are z = -1 / (1 +- sqrt g): X stays positive on the way to y exactly
/// when
///   y > -2 / (k (1 + sqrt g))     (a drift against the expansion, H s < 0),
/// and for every y >= 0 when g <= 1 (a drift along it). g <= 1 says K_v <= 3 H^2 = rho, i.e. the rest of rho
/// (V + rho_Lambda + gradients) is not negative; then every state of the run obeys the bound with g = 1,
///   |a^alpha H s| < 1 / (3 - alpha),
/// and a start with g0 > 1 (a negative potential) obeys the stricter 2 / (k (1 + sqrt g0)). A composition
/// whose drifts are all forward (euler, leapfrog) meets no such limit in an expanding universe; the Yoshida
/// compositions have backward drifts (yoshida4: the middle leapfrog's, -1.7024 h), which run the universe
/// backwards for |w| h: with |w| a^alpha H h past the bound a^3 reaches zero inside the sub-step and the
/// drift does not exist. Their kicks of negative weight (yoshida4: (w1 + w0) / 2 = -0.1756 h) lower H: a kick
/// of length s changes p_b by -s dHam_pot/db, i.e. H by s a^alpha ((3 + alpha) U + (1 + alpha) G) / 6 with G
/// = <|grad phi|^2> / (2 a^2); with U, G >= 0 and U + G <= rho = 3 H^2 that is at most |s| a^alpha H^2
/// (3 + alpha) / 2 in size, so a backward kick keeps H > 0 (an expanding universe stays expanding inside
/// the step) while |a^alpha H s| < 2 / (3 + alpha). Past it the composition's intermediate state
/// contracts, and the next forward drift can take a^3 through zero although the universe expands. H is
/// largest at the start of an expanding run (dH/dt = -(rho + p)/2 <= 0 under the null energy condition), so
/// the bound at t0 holds throughout in cosmic time; in alpha-time a^alpha H grows when w < 2 alpha / 3 - 1
/// (e.g. alpha = 1 during inflation), and the bound at t0 is then the start's only (a later violation stops
/// the run naming the step).

#include "inflanet/base/error.hpp"

namespace inflanet {

/// \brief The scale factor's drift does not exist for the step asked (a^(3 - alpha) would reach zero inside
/// it); collective, since the state is the same on every rank. The run adds the step and the time.
class ScaleFactorError : public RuntimeError {
public:
  explicit ScaleFactorError(const std::string& what) : RuntimeError(what, /*collective=*/true) {}
};

/// \brief a and p_b, advanced by the kick and drift of Ham = e^{-3b} K + Ham_pot(b, phi),
/// K = -p_b^2 / 12 + <pi^2> / 2 (pi = a^3 dphi/dt summed over fields, <.> the box average).
class ScaleFactor {
public:
  /// \brief The drift's effect on a field: pi is unchanged, phi <- phi + length * pi. In terms of the
  /// velocity v = dphi/dt = pi / a^3: v <- damping * v and phi <- phi + (length * a0^3) * v_old, the
  /// shape of AlphaTime::DriftFriction (damping = a0^3 / a1^3).
  struct Drift {
    double length = 0.0;  ///< I(s) = int_0^s du / a^(3 - alpha)(u), multiplies pi
    double damping = 1.0; ///< a^(3 - alpha)(0) / a^(3 - alpha)(s)
    double time = 0.0;    ///< the cosmic time the flow covers, int_0^s a^alpha(u) du (s for alpha = 0)
  };

  /// \brief The largest |a^alpha H s| of a drift against the expansion (H s < 0) that keeps a^(3 - alpha) > 0
  /// (file comment): 2 / ((3 - alpha) (1 + sqrt(max(1, g)))), with g = K_v / (3 H^2) the start's kinetic
  /// fraction of rho; 1 / (3 - alpha) when g <= 1.
  [[nodiscard]] static double backward_drift_limit(double kinetic_fraction, double alpha = 0.0);
  /// \brief The largest |a^alpha H s| of a backward kick that keeps H > 0 (file comment): 2 / (3 + alpha).
  [[nodiscard]] static double backward_kick_limit(double alpha = 0.0);

  /// \brief a = a0 and the expanding root of the constraint, H = +sqrt(rho / 3).
  /// \throws InputError unless a0 and rho are finite and > 0.
  static ScaleFactor on_constraint(double a0, double rho);
  /// \brief The state (a, p_b) as stored (a restart). \throws InputError unless a is finite and > 0 and p_b
  /// is finite.
  static ScaleFactor from_state(double a, double p_b);

  [[nodiscard]] double a() const noexcept { return a_; }
  /// \brief p_b = -6 a^3 H.
  [[nodiscard]] double momentum() const noexcept { return p_b_; }
  /// \brief H = (da/dt) / a = -p_b / (6 a^3).
  [[nodiscard]] double hubble() const noexcept { return -p_b_ / (6.0 * a_ * a_ * a_); }
  /// \brief The gravitational kinetic term -p_b^2 / (12 a^3) = -3 a^3 H^2 of the Hamiltonian.
  [[nodiscard]] double kinetic_energy() const noexcept { return -p_b_ * p_b_ / (12.0 * a_ * a_ * a_); }

  /// \brief p_b <- A p_b - B dHam_pot/db, with dHam_pot/db = 3 a^3 <V + rho_Lambda> + a <|grad phi|^2> / 2
  /// (homogeneous fields: the gradient term is 0). The fields' kick is pi <- A pi - B a^3 <dV/dphi ...>.
  void momentum_update(double A, double B, double dham_pot_db) noexcept { p_b_ = A * p_b_ - B * dham_pot_db; }

  /// \brief The exact flow of e^{-3b} K for a cosmic time s (negative s too), given pi2 = <sum_i pi_i^2>
  /// at its start (constant during the flow): a^3 quadratic in u, p_b linear (file comment).
  /// In alpha-time (dt = a^alpha d eta, 0 <= alpha < 3) the flow of e^{(alpha - 3) b} K for an eta-length s:
  /// with X = a^(3 - alpha), dp_b/d eta = (3 - alpha) K0 and dX/d eta = -(3 - alpha) p_b / 6, so X is
  /// quadratic in u and p_b linear, and I(s) = int du / X(u) has the same closed form; the cosmic time it
  /// covers, int a^alpha du = int X^(alpha / (3 - alpha)) du, is an 8-point Gauss-Legendre sum (a smooth
  /// integrand over one step: error far below the integrator's).
  /// \throws ScaleFactorError if X would reach zero between 0 and s, saying whether the drift ran against an
  /// expanding universe (a backward sub-step) or with a collapsing one.
  Drift drift(double s, double pi2, double alpha = 0.0);

private:
  ScaleFactor(double a, double p_b) : a_(a), p_b_(p_b) {}
  double a_, p_b_;
};

} // namespace inflanet
