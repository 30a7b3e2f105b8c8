#pragma once
/// \file
/// \brief The fixed FLRW background a(t), H(t) in which the inflaton evolves (cosmic time t).
///
/// Called once per integrator stage, never per site, so a virtual interface costs nothing measurable.
/// Units: t in program time units, H in inverse program time units, a dimensionless (a(0) = a0).

#include <memory>
#include <string>

namespace inflanet {

/// \brief A prescribed expansion history a(t). Implementations are immutable values.
class Background {
public:
  virtual ~Background() = default;
  /// \brief Scale factor at cosmic time t.
  [[nodiscard]] virtual double a(double t) const = 0;
  /// \brief Hubble rate H = (da/dt)/a at cosmic time t.
  [[nodiscard]] virtual double hubble(double t) const = 0;
  /// \brief Momentum damping over the step [t, t+s]: exp(-3 \int_t^{t+s} H dt'). This is the exact flow
  /// of p' = -3H p, the friction flow Phi_F(s) of the splitting integrators (physics.md section 3).
  [[nodiscard]] virtual double friction_factor(double t, double s) const = 0;
  /// \brief Kind name, as accepted by make_background ("desitter", "minkowski").
  [[nodiscard]] virtual std::string name() const = 0;
  /// \brief Kind and parameters, for logs and output attributes.
  [[nodiscard]] virtual std::string describe() const = 0;
  [[nodiscard]] virtual std::unique_ptr<Background> clone() const = 0;
};

/// \brief Exact de Sitter: a(t) = a0 e^{H t}, constant H > 0.
/// Conformal time is fixed to tau(t) = -1/(a(t) H) < 0, so tau -> 0^- as t -> infinity and
/// d tau / dt = 1/a.
class DeSitter final : public Background {
public:
  /// \throws InputError unless H > 0 and a0 > 0 (both finite).
  DeSitter(double H, double a0);
  [[nodiscard]] double a(double t) const override;
  [[nodiscard]] double hubble(double /*t*/) const override { return H_; }
  [[nodiscard]] double friction_factor(double t, double s) const override;
  [[nodiscard]] std::string name() const override { return "desitter"; }
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] std::unique_ptr<Background> clone() const override;

  /// \brief Conformal time tau(t) = -1/(a(t) H).
  [[nodiscard]] double conformal_time(double t) const;
  /// \brief Inverse of conformal_time: t(tau) = -ln(-a0 H tau)/H for tau < 0.
  [[nodiscard]] double cosmic_time(double tau) const;
  [[nodiscard]] double H() const noexcept { return H_; }
  [[nodiscard]] double a0() const noexcept { return a0_; }

private:
  double H_;
  double a0_;
};

/// \brief Flat space: a = 1, H = 0, no friction (energy is conserved; conformal time equals t).
class Minkowski final : public Background {
public:
  [[nodiscard]] double a(double /*t*/) const override { return 1.0; }
  [[nodiscard]] double hubble(double /*t*/) const override { return 0.0; }
  [[nodiscard]] double friction_factor(double /*t*/, double /*s*/) const override { return 1.0; }
  [[nodiscard]] std::string name() const override { return "minkowski"; }
  [[nodiscard]] std::string describe() const override { return "minkowski"; }
  [[nodiscard]] std::unique_ptr<Background> clone() const override;
};

/// \brief The time variable eta of alpha-time on a fixed background (physics.md section 7): dt = a^alpha
/// d eta, with eta = 0 at t = 0. alpha = 0 is cosmic time (eta = t, and every function below returns
/// exactly what the Background does); alpha = 1 is conformal time, shifted to start at 0.
///
/// In de Sitter d a / d eta = H a^(1 + alpha), so for alpha > 0 the closed form is
///   a(eta)^-alpha = a0^-alpha - alpha H eta,   t(eta) = -ln(1 - alpha H a0^alpha eta) / (alpha H),
/// and eta ends at eta_max = a0^-alpha / (alpha H) (t -> infinity). In Minkowski a = 1 and eta = t.
/// With primes for d/d eta and script H = a'/a = a^alpha H the field equation reads
///   phi'' + (3 - alpha) script-H phi' - a^(2 alpha - 2) lap(phi) + a^(2 alpha) V'(phi) = 0,
/// The splitting integrators advance eta in the drift only, so the exact friction flow of length s is the
/// one at frozen eta: p <- p exp(-(3 - alpha) script-H(eta) s) (for alpha = 0 in de Sitter, e^{-3 H s}).
class AlphaTime {
public:
  /// \throws InputError for alpha != 0 on a background other than de Sitter or Minkowski, and for a
  /// non-finite alpha.
  AlphaTime(const Background& background, double alpha);

  [[nodiscard]] double alpha() const noexcept { return alpha_; }
  [[nodiscard]] const Background& background() const noexcept { return *background_; }
  /// \brief Scale factor at eta.
  [[nodiscard]] double a(double eta) const;
  /// \brief Cosmic time t(eta).
  [[nodiscard]] double cosmic_time(double eta) const;
  /// \brief eta(t), the inverse of cosmic_time.
  [[nodiscard]] double eta(double t) const;
  /// \brief The Hubble rate H = (da/dt)/a at eta (cosmic, not script H).
  [[nodiscard]] double hubble(double eta) const { return background_->hubble(cosmic_time(eta)); }
  /// \brief dt / d eta = a^alpha (exactly 1 for alpha = 0).
  [[nodiscard]] double dt_deta(double eta) const;
  /// \brief The friction flow of length s at frozen eta: exp(-(3 - alpha) H a(eta)^alpha s).
  [[nodiscard]] double friction_factor(double eta, double s) const;
  /// \brief The drift-with-friction flow of length s, the exact flow of phi' = p, p' = -(3 - alpha)
  /// script-H(eta) p, eta' = 1 over [eta, eta + s]: p <- D p and phi <- phi + I p_old with
  /// D = (a(eta) / a(eta + s))^(3 - alpha) and I = int_0^s (a(eta) / a(eta + u))^(3 - alpha) du
  /// = X / (3 H) (1 - (1 - alpha H s / X)^(3 / alpha)), X = a(eta)^-alpha (de Sitter; D = 1, I = s in
  /// Minkowski).
  struct DriftFriction {
    double damping = 1.0; ///< D
    double length = 0.0;  ///< I
  };
  [[nodiscard]] DriftFriction drift_friction(double eta, double s) const;
  /// \brief The coefficient of -lap(phi) in the force, a^(2 alpha - 2).
  [[nodiscard]] double gradient_factor(double eta) const;
  /// \brief The coefficient of V'(phi) in the force, a^(2 alpha) (exactly 1 for alpha = 0).
  [[nodiscard]] double mass_factor(double eta) const;
  /// \brief The end of eta: infinity for alpha = 0 or Minkowski, a0^-alpha / (alpha H) in de Sitter.
  [[nodiscard]] double eta_max() const;

private:
  const Background* background_;
  double alpha_;
  double hubble_ = 0.0, a0_ = 1.0; ///< de Sitter's H and a0 (H = 0: Minkowski)
};

/// \brief Builds a background by kind: "desitter" (uses H and a0) or "minkowski" (ignores both).
/// \throws InputError for an unknown kind or invalid parameters.
[[nodiscard]] std::unique_ptr<Background> make_background(const std::string& kind, double H, double a0);

} // namespace inflanet
