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

namespace inflanet {

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
  /// \throws RuntimeError if X would reach zero between 0 and s.
  Drift drift(double s, double pi2, double alpha = 0.0);

private:
  ScaleFactor(double a, double p_b) : a_(a), p_b_(p_b) {}
  double a_, p_b_;
};

} // namespace inflanet
