#pragma once
/// \file
/// \brief A self-consistent expansion history served through the fixed-background interface: a(t) of the
/// homogeneous fields' Friedmann system (friedmann_system.hpp), integrated once up front and interpolated.
///
/// What this is, and is not: the fields that source a(t) here are the homogeneous means, evolved without
/// the lattice. Used as the `Background` of a lattice run it makes the lattice fields test fields on the
/// mean fields' expansion: right while fluctuations carry a negligible part of rho (before preheating
/// backreacts), wrong after. The self-consistent lattice run instead advances a ScaleFactor with the
/// fields inside the same composition (docs/physics_notes.md, "Self-consistent background"): there a(t)
/// is state, not a function the system can query at any t, which the const Background interface cannot
/// express.
///
/// Interpolation: quintic Hermite in ln a on the stored steps, with (ln a)' = H and (ln a)'' = dH/dt =
/// -(rho + p) / 2 = -sum_i phidot_i^2 / 2 (exact for homogeneous fields, M_p = 1), so the interpolant's
/// error is O(h^6) like yoshida6's; hubble(t) is its derivative. friction_factor(t, s) = (a(t) / a(t+s))^3,
/// the exact exp(-3 int H) of the interpolated history.

#include "inflanet/background/background.hpp"
#include "inflanet/background/friedmann_system.hpp"

#include <memory>
#include <string>
#include <vector>

namespace inflanet {

/// \brief a(t) and H(t) of homogeneous fields with H^2 = rho / 3, for t in [0, t_end].
class FriedmannBackground final : public Background {
public:
  /// \brief Integrates `system` (at t = 0) to t_end with steps h of `integrator` ("yoshida6" by
  /// default) and keeps every step. `describe_potential` names the potential for describe().
  /// \throws InputError unless t_end > 0 and 0 < h <= t_end (both finite), or for an unknown integrator.
  FriedmannBackground(FriedmannSystem system, double t_end, double h, std::string describe_potential,
                      const std::string& integrator = "yoshida6");

  /// \throws RuntimeError for t outside [0, t_end].
  [[nodiscard]] double a(double t) const override;
  /// \throws RuntimeError for t outside [0, t_end].
  [[nodiscard]] double hubble(double t) const override;
  /// \brief (a(t) / a(t + s))^3. \throws RuntimeError if t or t + s is outside [0, t_end].
  [[nodiscard]] double friction_factor(double t, double s) const override;
  [[nodiscard]] std::string name() const override { return "friedmann"; }
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] std::unique_ptr<Background> clone() const override;

  [[nodiscard]] double t_end() const noexcept { return times_.back(); }
  /// \brief The largest Friedmann constraint violation over the stored steps.
  [[nodiscard]] double max_constraint_violation() const noexcept { return max_violation_; }

private:
  struct Sample {
    double ln_a, hubble, hubble_dot; ///< ln a, H = (ln a)', dH/dt = (ln a)''
  };
  /// ln a (derivative = 0) or H (derivative = 1) from the quintic Hermite interpolant.
  [[nodiscard]] double interpolate(double t, int derivative) const;

  std::vector<double> times_;
  std::vector<Sample> samples_;
  double h_;
  double max_violation_ = 0.0;
  std::string description_;
};

} // namespace inflanet
