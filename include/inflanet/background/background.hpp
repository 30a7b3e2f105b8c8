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

/// \brief Builds a background by kind: "desitter" (uses H and a0) or "minkowski" (ignores both).
/// \throws InputError for an unknown kind or invalid parameters.
[[nodiscard]] std::unique_ptr<Background> make_background(const std::string& kind, double H, double a0);

} // namespace inflanet
