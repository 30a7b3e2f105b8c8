#pragma once
/// \file
/// \brief The former single-field lattice system (src/field/inflaton.cpp until the one lattice system
/// replaced it), kept verbatim as the oracle of the test that asserts the one-field lattice reproduces its
/// arithmetic bit for bit (tests/field/mpi_one_field_lattice.cpp). Not used by the code.
///
/// The inflaton on the lattice as a SplitSystem: phi'' + 3H phi' - lap(phi)/a^2 + V'(phi) = 0 in cosmic
/// time, or its alpha-time form in eta (dt = a^alpha d eta, physics.md section 7).

#include <cmath>
#include <variant>

#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/potential/one_field_models.hpp"

namespace inflanet {

/// \brief The five one-field built-ins, as the former single-field path dispatched them.
using FormerPotential = std::variant<Quadratic, Quartic, QuadraticQuartic, Axion, Starobinsky>;

/// \brief Box-averaged energy components of the inflaton at one time (program units).
struct FormerEnergies {
  double time = 0.0; ///< cosmic time t
  double eta = 0.0;  ///< the integration variable (= t for alpha = 0)
  double a = 1.0;    ///< scale factor
  double hubble = 0.0;
  double dt_deta = 1.0;   ///< a^alpha
  double kinetic = 0.0;   ///< rho_kin = <(dphi/dt)^2> / 2 = a^(-2 alpha) <p^2> / 2
  double gradient = 0.0;  ///< rho_grad = <|grad phi|^2> / (2 a^2), spectral
  double potential = 0.0; ///< rho_pot = <V(phi)>
  [[nodiscard]] double rho() const noexcept { return kinetic + gradient + potential; }
  /// \brief p = <phi'^2/2 - |grad phi|^2/(6 a^2) - V>.
  [[nodiscard]] double pressure() const noexcept { return kinetic - gradient / 3.0 - potential; }
  /// \brief d rho / d eta = -3H a^alpha (rho + p): the continuity equation's right-hand side in the
  /// integration variable, sign flipped (3H (rho + p) for cosmic time).
  [[nodiscard]] double dissipation() const noexcept { return 3.0 * hubble * dt_deta * (rho() + pressure()); }
  [[nodiscard]] bool finite() const noexcept { return std::isfinite(rho()) && std::isfinite(pressure()); }
};

/// \brief The inflaton phi and its momentum on the lattice, in a fixed Background, advanced in the time
/// variable eta of alpha-time. The momentum field `phidot` holds p = d phi / d eta = a^alpha d phi / dt
/// (d phi / dt itself for alpha = 0), and the force is F = -a^(2 alpha - 2) lap(phi) + a^(2 alpha) V'(phi).
///
/// Memory: three padded fields (phi, phidot and one work buffer that holds, in turn, the copy of phi
/// being transformed and the force F = -lap(phi)/a^2 + V'(phi)), about 24.4 bytes per site.
/// One Laplacian (one r2c + c2r pair) per force evaluation; the force is cached until the next drift.
/// The box sums needed for the energies are collected inside the passes that already run, so the
/// energies at a step boundary usually cost nothing extra.
class FormerInflaton {
public:
  /// \brief Starts at cosmic time t0 in the time variable of `alpha` (0: cosmic time).
  FormerInflaton(SpectralOperators& operators, const Background& background, FormerPotential potential,
                 double t0, double alpha = 0.0);

  [[nodiscard]] Field& phi() noexcept { return phi_; }
  /// \brief The velocity field; applies any momentum update still pending (see momentum_update).
  [[nodiscard]] Field& phidot() {
    flush_pending();
    return phidot_;
  }
  [[nodiscard]] const Field& phi() const noexcept { return phi_; }
  /// \brief Read-only velocity; valid between steps (every integrator ends a step with no update pending).
  [[nodiscard]] const Field& phidot() const noexcept { return phidot_; }
  /// \brief Cosmic time t.
  [[nodiscard]] double time() const { return clock_.cosmic_time(eta_); }
  /// \brief The integration variable eta (= t for alpha = 0).
  [[nodiscard]] double eta() const noexcept { return eta_; }
  [[nodiscard]] const AlphaTime& clock() const noexcept { return clock_; }
  [[nodiscard]] double a() const { return clock_.a(eta_); }
  [[nodiscard]] const FormerPotential& potential() const noexcept { return potential_; }
  [[nodiscard]] const Background& background() const noexcept { return *background_; }
  /// \brief d phi / dt = a^-alpha p into `out` (for outputs in cosmic time; a copy of phidot for alpha = 0).
  void cosmic_velocity(Field& out);
  /// \brief Declares that phi and/or phidot were overwritten from outside (initial conditions), at
  /// cosmic time t.
  void fields_changed(double time) { fields_changed_at_eta(clock_.eta(time)); }
  /// \brief The same at a given eta (a restart, which must continue at exactly the checkpoint's eta).
  void fields_changed_at_eta(double eta);

  // --- SplitSystem -------------------------------------------------------------------------------
  /// \brief exp(-(3 - alpha) H a^alpha s) at the current eta (exp(-3 int_t^{t+s} H dt') for alpha = 0).
  [[nodiscard]] double damping(double s) const {
    return fold_friction_ ? 1.0 : clock_.friction_factor(eta_, s);
  }
  /// \brief phidot <- A phidot - B F(phi, t). With the force cached the update is kept pending and
  /// applied inside the next drift's pass; otherwise it is applied inside the force's last pass.
  void momentum_update(double a, double b);
  /// \brief At a step boundary inside Integrator::advance: p_sync = A p - B F is the synchronised velocity
  /// (its kinetic energy is measured for energies()), then p <- A_next p_sync - B_next F starts the next
  /// step, in the same pass as the force and without storing it. Until the next drift, phidot() is *not*
  /// synchronised; energies() still reports the boundary values.
  void momentum_update_across(double a, double b, double a_next, double b_next);
  /// \brief Applies a pending momentum update now.
  void flush_pending();
  /// \brief phi <- phi + s phidot, eta <- eta + s. In alpha-time (alpha > 0, de Sitter) the friction rides
  /// with the drift: the drift is then the exact drift-with-friction flow (AlphaTime::drift_friction) and
  /// damping() is 1, so the composition is one of two exact flows (kick at frozen eta; drift with friction,
  /// which advances eta), and the friction sees the script-H of the interval it actually covers.
  void drift(double s);

  /// \brief Energies at the current (synchronised) state; evaluates the force if needed (it is then
  /// reused by the next kick).
  [[nodiscard]] FormerEnergies energies();
  /// \brief Force evaluations (Laplacians) done so far.
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }

private:
  /// What the force pass does with the force: keep it (cache), kick with it (and keep it), or apply the two
  /// momentum maps of a step boundary in flight (across).
  enum class ForceUse { cache, kick, across };
  struct MomentumMaps {
    double a = 1.0, b = 0.0, a_next = 1.0, b_next = 0.0;
  };
  void evaluate_force(ForceUse use, const MomentumMaps& maps);
  /// The fused drift pass: apply the pending momentum map, phi <- phi + s p, copy phi into work.
  void drift_pass(double s);
  void sum_kinetic();

  SpectralOperators* operators_;
  const Background* background_;
  FormerPotential potential_;
  AlphaTime clock_;
  bool fold_friction_ = false; ///< alpha > 0 in de Sitter: friction inside the drift (see drift)
  Field phi_, phidot_, work_;
  double eta_;
  bool work_holds_phi_ = false; ///< work is a fresh real-space copy of phi (made during the drift)
  bool force_valid_ = false;    ///< work holds F(phi, t) for the current phi and t
  bool kinetic_valid_ = false;  ///< kinetic_sum_ is sum phidot^2 of the current phidot
  double grad_sum_ = 0.0, pot_sum_ = 0.0, kinetic_sum_ = 0.0; ///< global sums over sites
  long force_evaluations_ = 0;
  bool has_pending_ = false;
  bool boundary_valid_ =
      false; ///< energies of the last step boundary are held (after momentum_update_across)
  double boundary_kinetic_sum_ = 0.0; ///< a momentum map p <- A p - B F waits for the next pass
  double pending_a_ = 1.0, pending_b_ = 0.0;
};

} // namespace inflanet
