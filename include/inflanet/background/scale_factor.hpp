#pragma once
/// \file
/// \brief The scale factor as a dynamical variable: a and its momentum p_b, with the two exact flows the
/// field-plus-gravity split needs (friedmann_system.hpp derives them). Holds no fields: a system that owns
/// fields (homogeneous means today, the lattice later) supplies the two box averages the flows need.
///
/// Units: M_p = 1; per unit comoving volume. Canonical pair (b = ln a, p_b = a p_a = -6 a^3 H).

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
  /// at its start (constant during the flow): a^3 quadratic in u, p_b linear (friedmann_system.hpp).
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
