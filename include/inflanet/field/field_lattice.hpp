#pragma once
/// \file
/// \brief The lattice system: any number of interacting real scalar fields (one included), phi_i'' + 3H
/// phi_i'
/// - lap(phi_i)/a^2 + dV/dphi_i = 0, in a fixed background (de Sitter, Minkowski) or with the expansion they
/// source (Friedmann, H^2 = rho/3), advanced as one SplitSystem by the one integrator family in the time
/// variable eta of alpha-time, dt = a^alpha d eta (alpha = 0: cosmic time; physics.md section 7).
///
/// Two expansions, one set of passes:
/// - fixed: the momentum of field i is p_i = dphi_i/d eta = a^alpha dphi_i/dt; friction
///   exp(-(3 - alpha) script-H s) is the integrator's friction flow (AlphaTime), or for alpha > 0 in de
///   Sitter rides inside the drift (the exact drift-with-friction flow); the kick's force is F_i = -a^(2
///   alpha - 2) lap(phi_i) + a^(2 alpha) dV/dphi_i at frozen eta.
/// - friedmann: the lattice generalisation of the homogeneous split derived in scale_factor.hpp. Canonical
///   pairs (phi_i(x), pi_i(x) = a^3 dphi_i/dt) and (b = ln a, p_b = -6 a^3 H), per unit comoving volume with
///   <.> the box average:
///     Ham = e^{-3b} (-p_b^2/12 + <sum_i pi_i^2>/2) + e^{3b} <V + rho_Lambda> + e^{b} <sum_i |grad
///     phi_i|^2>/2.
///   The potential piece is a function of (b, phi) alone, so its flow (the kick) is exact:
///     pi_i <- pi_i - s (-a lap(phi_i) + a^3 dV/dphi_i),   p_b <- p_b - s (3 a^3 <U> + a <|grad phi|^2>/2);
///   the kinetic piece's flow (the drift) is exact too, with the closed form of ScaleFactor::drift: every
///   site moves by phi_i <- phi_i + pi_i I(s), I(s) = int du / a^3(u), which needs only <sum_i pi_i^2>.
///   No friction flow (damping() is 1): Hubble friction rides inside the drift through pi = a^3 phidot.
///   Ham = a^3 (rho - 3 H^2), so the constraint |H^2 - rho/3| / (rho/3) measures the integrator's error.
///   In alpha-time the Hamiltonian is a^alpha Ham (the lapse; the canonical pairs are unchanged): the kick
///   gains a^alpha (pi_i <- pi_i - s (-a^(1 + alpha) lap + a^(3 + alpha) dV), p_b's force (3 + alpha)
///   a^(3 + alpha) <U> + (1 + alpha) a^(1 + alpha) <|grad phi|^2> / 2), the drift is the same closed form
///   with a^(3 - alpha) quadratic in eta (ScaleFactor::drift), and t advances by int a^alpha d eta.
///
/// Passes per force evaluation (both expansions): per field one copy of phi (made by the drift), one
/// r2c + c2r pair with the Laplacian and the Parseval gradient sum in k-space, then one real-space pass
/// over all fields together that evaluates V and its gradient at each site (the potential couples them),
/// applies the pending momentum maps and sums <V>, <p_i^2>. Half-kicks are merged across step boundaries
/// (momentum_update_across) and the energies are summed inside passes that already run. One field under a
/// one-field built-in, and two fields under a two-field built-in, have their own passes that call the
/// model's scalar members with the sums in registers (the same arithmetic as the general pass).
///
/// Memory: three padded fields per field (phi_i, p_i, and one work buffer holding the copy of phi_i being
/// transformed, then the force).

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/background/scale_factor.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/potential/potential.hpp"

namespace inflanet {

/// \brief How a(t) is obtained: prescribed by a fixed Background, or sourced by the fields.
struct Expansion {
  const Background* fixed = nullptr; ///< de Sitter or Minkowski; nullptr: Friedmann
  double a0 = 1.0;                   ///< Friedmann: a at the initial time
  double rho_lambda = 0.0;           ///< Friedmann: cosmological-constant energy density (mass^4)

  [[nodiscard]] static Expansion fixed_background(const Background& background) { return {&background}; }
  [[nodiscard]] static Expansion friedmann(double a0, double rho_lambda = 0.0) {
    return {nullptr, a0, rho_lambda};
  }
  [[nodiscard]] bool self_consistent() const noexcept { return fixed == nullptr; }
};

/// \brief Box-averaged energy components of all fields at one time (program units, M_p = 1).
struct LatticeEnergies {
  double time = 0.0;    ///< cosmic time t
  double eta = 0.0;     ///< the integration variable (= t for alpha = 0)
  double dt_deta = 1.0; ///< a^alpha
  double a = 1.0;
  double hubble = 0.0;          ///< H: the background's, or -p_b / (6 a^3) for Friedmann
  std::vector<double> kinetic;  ///< per field: <(dphi_i/dt)^2> / 2
  std::vector<double> gradient; ///< per field: <|grad phi_i|^2> / (2 a^2), spectral
  double potential = 0.0;       ///< <V(phi_1, ..., phi_n)>
  double rho_lambda = 0.0;      ///< Friedmann's cosmological constant (0 otherwise)
  bool self_consistent = false; ///< H is the Friedmann momentum's (constraint_violation is meaningful)

  [[nodiscard]] double kinetic_total() const noexcept;
  [[nodiscard]] double gradient_total() const noexcept;
  /// \brief rho = sum_i (kin_i + grad_i) + <V> + rho_Lambda.
  [[nodiscard]] double rho() const noexcept {
    return kinetic_total() + gradient_total() + potential + rho_lambda;
  }
  /// \brief p = sum_i (kin_i - grad_i / 3) - <V> - rho_Lambda.
  [[nodiscard]] double pressure() const noexcept {
    return kinetic_total() - gradient_total() / 3.0 - potential - rho_lambda;
  }
  /// \brief d rho / d eta = -3H a^alpha (rho + p): the continuity equation's right-hand side in the
  /// integration variable, sign flipped.
  [[nodiscard]] double dissipation() const noexcept { return 3.0 * hubble * dt_deta * (rho() + pressure()); }
  /// \brief |H^2 - rho/3| / (rho/3) (Friedmann; 0 for a fixed background, which does not obey it).
  [[nodiscard]] double constraint_violation() const noexcept;
  [[nodiscard]] bool finite() const noexcept { return std::isfinite(rho()) && std::isfinite(pressure()); }
};

/// \brief The fields phi_i and their momenta on the lattice, and (Friedmann) the scale factor, as one
/// SplitSystem (see the file comment).
class FieldLattice {
public:
  /// \brief The largest number of fields (per-site scratch lives on the stack).
  static constexpr std::size_t max_fields = 64;

  /// \brief Fields named `names` (deck order, the order the potential's spans use), starting at cosmic
  /// time t0, in the time variable of `alpha` (0: cosmic time). The state is not runnable until start() or
  /// restore(). \throws InputError for no fields, more than max_fields, alpha < 0 or alpha >= 3 with
  /// Friedmann, and every refusal of AlphaTime.
  FieldLattice(SpectralOperators& operators, std::vector<std::string> names, Potential potential,
               Expansion expansion, double t0, double alpha = 0.0);

  [[nodiscard]] std::size_t field_count() const noexcept { return names_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const Potential& potential() const noexcept { return potential_; }
  [[nodiscard]] const Expansion& expansion() const noexcept { return expansion_; }
  [[nodiscard]] Field& phi(std::size_t i) noexcept { return fields_[i].phi; }
  [[nodiscard]] const Field& phi(std::size_t i) const noexcept { return fields_[i].phi; }
  /// \brief The momentum field of field i (a^alpha dphi/dt for a fixed background, a^3 dphi/dt for
  /// Friedmann); applies any pending momentum update first.
  [[nodiscard]] Field& momentum(std::size_t i) {
    flush_pending();
    return fields_[i].p;
  }
  /// \brief Read-only momentum; valid between steps (no update pending).
  [[nodiscard]] const Field& momentum(std::size_t i) const noexcept { return fields_[i].p; }
  /// \brief dphi_i/dt into `out` (the momentum divided by a^alpha, or by a^3 for Friedmann).
  void velocity(std::size_t i, Field& out);
  /// \brief dt / d eta = a^alpha (exactly 1 for alpha = 0): the momentum's factor for fixed backgrounds.
  [[nodiscard]] double dt_deta() const;

  /// \brief Cosmic time t.
  [[nodiscard]] double time() const;
  /// \brief The integration variable eta (= t for alpha = 0).
  [[nodiscard]] double eta() const noexcept { return eta_; }
  [[nodiscard]] double alpha() const noexcept { return alpha_; }
  [[nodiscard]] double a() const;
  /// \brief H: the background's, or -p_b / (6 a^3).
  [[nodiscard]] double hubble() const;
  /// \brief Friedmann only: a and p_b (throws std::logic_error for a fixed background).
  [[nodiscard]] const ScaleFactor& scale_factor() const;

  /// \brief Starts the run from the initial state written into phi(i) and momentum(i), where momentum(i)
  /// holds the *velocity* dphi_i/dt at time t: converts it to the system's momentum and, for Friedmann,
  /// sets a = a0 and H = +sqrt(rho/3) from the lattice's rho (gradients included), so the constraint
  /// holds to rounding at t. \throws InputError (Friedmann) if rho is not finite and > 0.
  void start(double t);
  /// \brief Continues from a checkpoint: phi(i) and momentum(i) hold the system's own variables at the
  /// checkpoint's time t and integration variable eta (which must continue exactly); for Friedmann (a, p_b)
  /// is the scale factor's state.
  void restore(double t, double eta, double a = 1.0, double p_b = 0.0);

  // --- SplitSystem -------------------------------------------------------------------------------
  /// \brief The friction flow of a fixed background at the current eta (AlphaTime::friction_factor); 1 for
  /// Friedmann and for alpha > 0 in de Sitter (the friction is in the drift).
  [[nodiscard]] double damping(double s) const;
  /// \brief p_i <- A p_i - B F_i (and p_b likewise for Friedmann). For a fixed background with the force
  /// cached the update waits for the next drift's pass.
  void momentum_update(double A, double B);
  /// \brief At a step boundary inside Integrator::advance: p_sync = A p - B F is the synchronised momentum
  /// (its kinetic energy is measured for energies()), then p <- A_next p_sync - B_next F starts the next
  /// step, in the same pass as the force and without storing it. Until the next drift, momentum() is *not*
  /// synchronised; energies() still reports the boundary values.
  void momentum_update_across(double a, double b, double a_next, double b_next);
  /// \brief phi_i <- phi_i + L p_i, eta <- eta + s (L = s; the drift-with-friction flow's for alpha > 0 in
  /// de Sitter; Friedmann's I(s), which also advances a, p_b and t).
  void drift(double s);
  /// \brief Applies a pending momentum update now.
  void flush_pending();

  /// \brief Energies at the current (synchronised) state.
  [[nodiscard]] LatticeEnergies energies();
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }

  // --- What a passive sector riding in the same split needs (gravitational_waves/) ----------------------
  /// \brief The kick's force at the current state in k-space terms, F = gradient |k|^2 f~ + mass dV/dphi
  /// (|k| comoving): gradient = a^(2 alpha - 2), mass = a^(2 alpha) for a fixed background; gradient =
  /// a^(1 + alpha), mass = a^(3 + alpha) for Friedmann. A massless field with a source S in cosmic time,
  /// f'' + 3H f' - lap f / a^2 = S, has F = gradient |k|^2 f~ - mass S in this system's momentum.
  struct KickFactors {
    double gradient = 1.0;
    double mass = 1.0;
  };
  [[nodiscard]] KickFactors kick_factors() const;
  /// \brief The exact flow of the last drift on a momentum p of this system: q <- q + length p, then
  /// p <- damping p (damping != 1 only for alpha > 0 in de Sitter, where the friction rides in the drift).
  struct DriftFlow {
    double damping = 1.0;
    double length = 0.0;
  };
  [[nodiscard]] const DriftFlow& last_drift() const noexcept { return last_drift_; }
  /// \brief dphi/dt per unit momentum at the current state: 1 / a^alpha (fixed), 1 / a^3 (Friedmann).
  [[nodiscard]] double velocity_factor() const;

private:
  struct FieldState {
    Field phi, p, work;
    double grad_sum = 0.0;         ///< sum over sites of |grad phi|^2
    double kinetic_sum = 0.0;      ///< sum over sites of p^2 (current p)
    double boundary_kinetic = 0.0; ///< sum of the synchronised p^2 at the last step boundary
  };
  enum class ForceUse { cache, kick, across };
  struct MomentumMaps {
    double a = 1.0, b = 0.0, a_next = 1.0, b_next = 0.0;
  };
  void evaluate_force(ForceUse use, const MomentumMaps& maps);
  void drift_pass(double length);
  void apply_cached_force(const MomentumMaps& maps, bool across);
  /// Friedmann: p_b's maps (the second, across a step boundary, only if `across`), with the force's dHam/db
  /// if `with_force`; H between them is the boundary's.
  void map_scale_factor(const MomentumMaps& maps, bool across, bool with_force);
  /// The pending map p -> a p - b F, followed by p -> A p - B F at the same phi (one map).
  void compose_pending(double A, double B);
  void sum_kinetic();
  void scale_momenta(double factor); ///< every momentum site times factor (velocity -> momentum at start)
  [[nodiscard]] double kinetic_pi2() const; ///< <sum_i p_i^2> (box average)
  /// Friedmann: dHam_pot/db = 3 a^3 <V + rho_Lambda> + a <sum |grad phi|^2> / 2 at the current phi.
  [[nodiscard]] double dham_pot_db() const;
  void require_started() const;
  /// The force's Laplacian factor (per |n|^2, with the 1/N^3 of the unnormalised round trip) and mass factor.
  [[nodiscard]] std::pair<double, double> force_factors() const;

  SpectralOperators* operators_;
  std::vector<std::string> names_;
  Potential potential_;
  Expansion expansion_;
  double alpha_;
  std::optional<AlphaTime> clock_; ///< fixed backgrounds: eta's relation to t, a and the friction
  bool fold_friction_ = false;     ///< alpha > 0 in de Sitter: friction inside the drift (see drift)
  std::vector<FieldState> fields_;
  std::optional<ScaleFactor> scale_factor_;
  double eta_;
  double t_; ///< Friedmann: cosmic time, advanced with the drift (fixed backgrounds: clock_ of eta_)
  bool started_ = false;
  bool work_holds_phi_ = false;
  bool force_valid_ = false;
  bool kinetic_valid_ = false;
  bool boundary_valid_ = false;
  double boundary_hubble_ = 0.0;
  double pot_sum_ = 0.0; ///< sum over sites of V
  long force_evaluations_ = 0;
  DriftFlow last_drift_;
  bool has_pending_ = false;
  double pending_a_ = 1.0, pending_b_ = 0.0;
};

} // namespace inflanet
